import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from claims import bulk, services
from claims.models import Claim, ClaimStatus
from claims.selectors import claims_search
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    OutletFactory,
    SpeakerFactory,
    editor,
    fact_checker,
    submitted_verdict,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


def queue_texts(client, **params):
    response = client.get(reverse("claims:queue"), params)
    assert response.status_code == 200
    return [claim.text for claim in response.context["page"]]


def claim(text, **fields):
    article = fields.pop("article", None) or ArticleFactory(body=text + " More text follows.")
    return ClaimFactory(article=article, start=0, end=len(text), text=text, **fields)


def test_the_queue_puts_priority_then_check_worthiness_first(client, checker):
    claim("Low score claim.", check_worthiness=0.55)
    claim("High score claim.", check_worthiness=0.95)
    claim("Urgent claim.", check_worthiness=0.6, priority=5)
    assert queue_texts(client) == ["Urgent claim.", "High score claim.", "Low score claim."]


def test_the_default_queue_hides_published_dismissed_and_in_review_claims(client, checker):
    claim("Open claim.")
    claim("Dismissed claim.", status=ClaimStatus.DISMISSED)
    submitted_verdict(claim=claim("Reviewed claim."))
    assert queue_texts(client) == ["Open claim."]
    assert queue_texts(client, status="dismissed") == ["Dismissed claim."]
    assert queue_texts(client, status="in_review") == ["Reviewed claim."]
    assert len(queue_texts(client, status="all")) == 3


def test_the_queue_filters_by_speaker_outlet_date_and_score(client, checker):
    reuters = OutletFactory(name="Reuters", domain="reuters.com")
    old = ArticleFactory(
        outlet=reuters,
        body="Old claim. Filler.",
        published_at=timezone.make_aware(dt.datetime(2020, 1, 5)),
    )
    claim("Old claim.", article=old, speaker=SpeakerFactory(name="Ada Lovelace"))
    claim("New claim.", check_worthiness=0.6)
    assert queue_texts(client, speaker="lovelace") == ["Old claim."]
    assert queue_texts(client, outlet=reuters.pk) == ["Old claim."]
    assert queue_texts(client, published_from="2020-01-01", published_to="2020-01-31") == [
        "Old claim."
    ]
    assert queue_texts(client, published_from="2020-02-01") == []
    assert queue_texts(client, score_min="0.5", score_max="0.7") == ["New claim."]


def test_the_queue_filters_mine_and_unassigned(client, checker):
    mine = claim("My claim.")
    theirs = claim("Their claim.")
    claim("Nobody's claim.")
    services.claim_assign(claim=mine, actor=checker)
    services.claim_assign(claim=theirs, actor=fact_checker(username="other"))
    assert queue_texts(client, assignee="mine") == ["My claim."]
    assert queue_texts(client, assignee="unassigned") == ["Nobody's claim."]


def test_text_search_finds_words_in_claims(client, checker):
    claim("Unemployment fell to four percent.")
    claim("The bridge cost ten million.")
    assert queue_texts(client, q="unemployment") == ["Unemployment fell to four percent."]
    assert queue_texts(client, q="bridge") == ["The bridge cost ten million."]


def test_the_speaker_filter_also_takes_the_slug_and_any_spelling_the_desk_recorded(client, checker):
    from claims.nlp.attribution import speaker_key

    blinken = SpeakerFactory(name="Antony Blinken", slug="antony-blinken")
    blinken.aliases.create(alias="Tony Blinken", key=speaker_key("Tony Blinken"))
    claim("Talks resume on Monday.", speaker=blinken)
    claim("The bridge cost ten million.", speaker=SpeakerFactory(name="Maria Lopez"))
    assert queue_texts(client, speaker="antony-blinken") == ["Talks resume on Monday."]
    assert queue_texts(client, speaker="Tony  BLINKEN") == ["Talks resume on Monday."]
    assert queue_texts(client, speaker="Blink") == ["Talks resume on Monday."]


def test_text_search_finds_claims_by_their_speakers_name_or_alias_on_every_database(
    client, checker
):
    blinken = SpeakerFactory(name="Antony Blinken")
    blinken.aliases.create(alias="Blinken", key="blinken-alias-for-search")
    claim("Talks resume on Monday.", speaker=blinken)
    claim("The bridge cost ten million.", speaker=SpeakerFactory(name="Maria Lopez"))
    assert queue_texts(client, q="Antony Blinken") == ["Talks resume on Monday."]
    assert queue_texts(client, q="blinken") == ["Talks resume on Monday."]
    assert queue_texts(client, q="lopez") == ["The bridge cost ten million."]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN index is PostgreSQL's")
def test_text_search_reads_the_indexes_not_every_claim():
    # An OR of the full-text match and the speaker match let PostgreSQL use neither index: a
    # sequential scan of every claim (0.2 ms became 0.7 s on 100k claims). With sequential
    # scans priced out, a search that can use the indexes shows none on claims.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = claims_search(Claim.objects.all(), "bridge").explain()
    assert "Seq Scan on claims_claim" not in plan, plan


def test_invalid_filters_show_errors_instead_of_failing(client, checker):
    claim("A claim.")
    response = client.get(reverse("claims:queue"), {"score_min": "2"})
    assert response.status_code == 200
    assert response.context["form"].errors["score_min"]


def test_one_invalid_filter_leaves_the_others_applied_and_says_it_is_left_out(client, checker):
    claim("Likely claim.", check_worthiness=0.95)
    claim("Unlikely claim.", check_worthiness=0.55)
    response = client.get(reverse("claims:queue"), {"score_min": "0.9", "score_max": "7"})
    assert [c.text for c in response.context["page"]] == ["Likely claim."]
    assert response.context["form"].errors["score_max"]
    assert "1 claim, highest priority" in response.text
    assert "The marked filter is left out until it is corrected." in response.text


def test_the_queue_is_paginated(client, checker):
    article = ArticleFactory(body="x" * 400)
    for n in range(30):
        ClaimFactory(article=article, start=n * 10, end=n * 10 + 5, text=f"claim {n}")
    first = client.get(reverse("claims:queue"))
    assert len(first.context["page"]) == 25
    second = client.get(reverse("claims:queue"), {"page": 2})
    assert len(second.context["page"]) == 5
    assert b'rel="prev"' in second.content


def _fill(count, assignee):
    for n in range(count):
        speaker = SpeakerFactory()
        made = ClaimFactory(speaker=speaker, assignee=assignee, status=ClaimStatus.IN_PROGRESS)
        if n % 2:
            from tests.factories import drafted_verdict

            drafted_verdict(claim=made, author=assignee)


def test_the_queue_runs_a_constant_number_of_queries(client, checker, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    params = {"assignee": "mine", "q": "council"}
    _fill(3, checker)
    # A new view of the queue is written to the session once (for the claim page's way back).
    client.get(reverse("claims:queue"), params)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("claims:queue"), params)
    # Session, user, permissions, count, page, outlets for the filter, whether the search kept
    # a word (no table read): nothing per row.
    assert len(few.captured_queries) <= 9
    _fill(12, checker)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(reverse("claims:queue"), params)
    assert len(response.context["page"]) == 15


def test_the_editor_review_queue_lists_submitted_verdicts(client):
    submitted = submitted_verdict()
    client.force_login(editor())
    response = client.get(reverse("claims:review_queue"))
    assert list(response.context["page"]) == [submitted]
    assert submitted.claim.text.encode() in response.content


# --- Acting on several claims at once ----------------------------------------------------------


def _bulk(client, ids, action, **fields):
    data = {"claims": [str(pk) for pk in ids], "action": action, **fields}
    return client.post(reverse("claims:queue_bulk"), data, follow=True)


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_a_fact_checker_assigns_several_claims_at_once_and_unassigns_them(client, checker):
    first, second = claim("Taxes rose 4 percent."), claim("Crime fell 3 percent.")
    page = client.get(reverse("claims:queue")).content.decode()
    assert f'name="claims" value="{first.pk}"' in page and "With the selected claims" in page

    response = _bulk(client, [first.pk, second.pk], "assign", next="/claims/?q=percent")
    assert response.redirect_chain[-1][0] == "/claims/?q=percent"
    assert _messages(response) == ["2 claims assigned to you."]
    for one in (first, second):
        one.refresh_from_db()
        assert one.assignee == checker and one.status == ClaimStatus.IN_PROGRESS
    assert _messages(_bulk(client, [first.pk], "unassign")) == ["1 claim unassigned."]
    first.refresh_from_db()
    assert first.assignee is None


def test_a_bulk_dismissal_needs_a_reason_and_reports_each_claim_it_could_not_dismiss(
    client, checker
):
    open_claim = claim("Rents doubled in a year.")
    in_review = submitted_verdict(claim=claim("Wages rose 9 percent.")).claim
    assert _messages(_bulk(client, [open_claim.pk], "dismiss", reason="  ")) == [
        "Say why the claims are not check-worthy."
    ]
    open_claim.refresh_from_db()
    assert open_claim.status == ClaimStatus.NEW

    response = _bulk(client, [open_claim.pk, in_review.pk, 999999], "dismiss", reason="Opinion.")
    shown = _messages(response)
    assert shown[0] == "1 claim dismissed as not check-worthy."
    assert shown[1].startswith(f"Claim #{in_review.pk}: ") and len(shown) == 3
    assert shown[2] == "Claim #999999: No such claim."
    open_claim.refresh_from_db(), in_review.refresh_from_db()
    assert open_claim.status == ClaimStatus.DISMISSED and open_claim.dismissal_reason == "Opinion."
    assert in_review.status == ClaimStatus.IN_REVIEW


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "assign"}, "Select the claims first."),
        ({"claims": ["abc"], "action": "assign"}, "A selected claim is not a claim number"),
        (
            {"claims": ["1"], "action": "publish"},
            "Choose the action from the list: Assign to me, Unassign or Dismiss as not "
            "check-worthy.",
        ),
        ({"claims": [str(n) for n in range(1, 102)], "action": "assign"}, "from 1 to 100 claims"),
    ],
)
def test_bad_bulk_requests_say_what_is_wrong_and_change_nothing(client, checker, data, message):
    existing = claim("Fares rose 5 percent.")
    response = client.post(reverse("claims:queue_bulk"), data, follow=True)
    assert any(message in shown for shown in _messages(response))
    existing.refresh_from_db()
    assert existing.assignee is None


def test_bulk_actions_go_back_only_to_this_site_and_need_the_permission(client, checker):
    one = claim("Bus fares fell 2 percent.")
    response = client.post(
        reverse("claims:queue_bulk"),
        {"claims": [one.pk], "action": "assign", "next": "https://evil.example/phish"},
    )
    assert response["Location"] == reverse("claims:queue")
    assert client.get(reverse("claims:queue_bulk")).status_code == 405
    client.logout()
    assert client.post(reverse("claims:queue_bulk"), {"claims": [one.pk]}).status_code == 302
    from tests.factories import UserFactory

    client.force_login(UserFactory(is_staff=True))
    assert client.post(reverse("claims:queue_bulk"), {"claims": [one.pk]}).status_code == 403


def test_the_queue_shows_the_author_the_verdicts_returned_to_them(client, checker):
    from claims import verdicts
    from tests.factories import drafted_verdict

    mine = drafted_verdict(claim=claim("Parking fees tripled."), author=checker)
    mine = verdicts.verdict_submit(verdict=mine, actor=checker)
    verdicts.verdict_return(verdict=mine, actor=editor(), comment="A second <b>source</b>, please.")
    someone_elses = submitted_verdict(claim=claim("Ferries doubled."))
    verdicts.verdict_return(verdict=someone_elses, actor=editor(), comment="Not yours.")

    page = client.get(reverse("claims:queue")).content.decode()
    assert "Returned to you: 1 verdict to rework" in page
    notice = page.split('<h2 id="returned-heading">')[1].split("</section>")[0]
    assert "Parking fees tripled." in notice and "Ferries doubled." not in notice
    assert "A second &lt;b&gt;source&lt;/b&gt;, please." in page  # the comment, as text
    assert "Not yours." not in page
    client.force_login(editor())
    assert "Returned to you" not in client.get(reverse("claims:queue")).content.decode()


def test_a_returned_verdict_whose_claim_was_dismissed_or_covered_since_is_not_to_rework(
    client, checker
):
    from claims import verdicts
    from claims.matching import applications
    from tests.factories import drafted_verdict, published_verdict

    def returned(text):
        verdict = drafted_verdict(claim=claim(text), author=checker)
        verdict = verdicts.verdict_submit(verdict=verdict, actor=checker)
        return verdicts.verdict_return(verdict=verdict, actor=editor(), comment="More sources.")

    kept, dismissed, covered = (
        returned("Parking fees tripled."),
        returned("Ferries doubled."),
        returned("Parking fees went up threefold."),
    )
    services.claim_dismiss(claim=dismissed.claim, actor=checker, reason="Not check-worthy.")
    checked = published_verdict(claim=claim("Parking fees tripled last year."))
    applications.verdict_application_request(
        claim=covered.claim, checked=checked.claim, actor=editor()
    )
    page = client.get(reverse("claims:queue")).content.decode()
    assert "Returned to you: 1 verdict to rework" in page
    notice = page.split('<h2 id="returned-heading">')[1].split("</section>")[0]
    assert kept.claim.text in notice
    assert "Ferries doubled." not in notice and "threefold" not in notice


def test_the_claim_page_leads_back_to_the_queue_as_it_was_filtered(client, checker):
    opened = claim("Ada's claim.", speaker=SpeakerFactory(name="Ada Lovelace"))
    client.get(reverse("claims:queue"), {"speaker": "Ada", "status": "all"})
    page = client.get(reverse("claims:detail", args=[opened.pk])).content.decode()
    assert f'<a href="{reverse("claims:queue")}?speaker=Ada&amp;status=all">← Queue</a>' in page
    client.get(reverse("claims:queue"))
    page = client.get(reverse("claims:detail", args=[opened.pk])).content.decode()
    assert f'<a href="{reverse("claims:queue")}">← Queue</a>' in page


def test_a_refused_bulk_dismissal_returns_with_the_same_claims_ticked_and_the_reason_kept(
    client, checker
):
    first, second, other = (
        claim("Rents rose 90 percent in a year."),
        claim("Fares rose 5 percent."),
        claim("Bus fares fell 2 percent."),
    )
    response = _bulk(
        client, [first.pk, second.pk], "dismiss", reason="\u200b", next="/claims/?q=percent"
    )
    assert response.redirect_chain[-1][0] == "/claims/?q=percent"
    assert _messages(response) == ["Say why the claims are not check-worthy."]
    page = response.content.decode()
    assert f'value="{first.pk}" data-claim-box checked' in page
    assert f'value="{second.pk}" data-claim-box checked' in page
    assert f'value="{other.pk}" data-claim-box aria-label' in page  # not ticked
    assert '<option value="dismiss" selected>' in page
    assert 'name="reason" maxlength="2000" value="\u200b"' in page
    # Shown once: the next visit is the plain queue again.
    again = client.get("/claims/?q=percent").content.decode()
    assert (
        "data-claim-box checked" not in again and '<option value="dismiss" selected>' not in again
    )
    for one in (first, second):
        one.refresh_from_db()
        assert one.status == ClaimStatus.NEW


def test_a_reason_typed_for_another_bulk_action_is_refused_not_dropped(client, checker):
    one = claim("Rents doubled in a year.")
    response = _bulk(client, [one.pk], "assign", reason="Opinion, not a fact.")
    assert _messages(response) == [
        "A reason is used only to dismiss claims: choose the dismissal, or clear the reason to "
        "assign them."
    ]
    page = response.content.decode()
    assert f'value="{one.pk}" data-claim-box checked' in page
    assert 'value="Opinion, not a fact."' in page and '<option value="assign" selected>' in page
    one.refresh_from_db()
    assert one.assignee is None and one.status == ClaimStatus.NEW


def test_claims_bulk_act_refuses_a_reason_for_an_action_that_does_not_use_one(checker):
    from django.core.exceptions import ValidationError

    one = claim("Rents doubled in a year.")
    with pytest.raises(ValidationError, match="used only to dismiss"):
        bulk.claims_bulk_act(
            claim_ids=[one.pk], action="unassign", actor=checker, reason="Opinion."
        )
    outcome = bulk.claims_bulk_act(claim_ids=[one.pk], action="assign", actor=checker, reason="  ")
    assert outcome.done == [one.pk]


# --- Order ------------------------------------------------------------------------------------


def test_the_queue_sorts_by_score_newest_article_or_oldest_detected(client, checker):
    def at(day):
        return timezone.make_aware(dt.datetime(2026, 5, day, 12))

    old = claim(
        "Old article claim.",
        check_worthiness=0.95,
        article=ArticleFactory(body="Old article claim.", published_at=at(1)),
    )
    new = claim(
        "New article claim.",
        check_worthiness=0.6,
        article=ArticleFactory(body="New article claim.", published_at=at(20)),
    )
    undated = claim(
        "Undated article claim.",
        check_worthiness=0.7,
        article=ArticleFactory(body="Undated article claim.", published_at=None),
    )
    Claim.objects.filter(pk=new.pk).update(created_at=at(2))
    Claim.objects.filter(pk=undated.pk).update(created_at=at(3))
    Claim.objects.filter(pk=old.pk).update(created_at=at(4))

    assert queue_texts(client) == [old.text, undated.text, new.text]
    assert queue_texts(client, sort="newest_article") == [new.text, old.text, undated.text]
    assert queue_texts(client, sort="oldest_detected") == [new.text, undated.text, old.text]
    response = client.get(reverse("claims:queue"), {"sort": "newest_article"})
    assert "3 claims, newest article first." in response.text


def test_an_unknown_sort_is_marked_and_left_out_and_the_other_filters_apply(client, checker):
    claim("Likely claim.", check_worthiness=0.95)
    claim("Unlikely claim.", check_worthiness=0.55)
    response = client.get(reverse("claims:queue"), {"sort": "-id; drop", "score_min": "0.9"})
    assert response.status_code == 200
    assert response.context["form"].errors["sort"]
    assert [c.text for c in response.context["page"]] == ["Likely claim."]
    assert "1 claim, highest priority and check-worthiness first." in response.text


def test_the_next_page_keeps_the_chosen_order(client, checker):
    for n in range(30):
        claim(f"Claim number {n}.")
    page = client.get(reverse("claims:queue"), {"sort": "oldest_detected"}).content.decode()
    assert "sort=oldest_detected&amp;page=2" in page


def test_the_default_status_filter_is_called_open_not_awaiting_review(client, checker):
    # "In review" is the status of a claim whose verdict waits for an editor: the default
    # filter, new and in-progress claims, must not read like it.
    html = client.get(reverse("claims:queue")).content.decode()
    status = html.split('name="status"')[1].split("</select>")[0]
    assert '<option value="" selected>Open (new and in progress)</option>' in status
    assert "Awaiting review" not in html


@pytest.mark.parametrize("back", ["x", "queue", "a\x00b", "/claims/1/", "http://[::1", ""])
def test_a_bulk_action_posted_with_an_odd_return_address_goes_back_to_the_queue(
    client, checker, back
):
    one = claim("Tram fares rose 6 percent.")
    response = client.post(
        reverse("claims:queue_bulk"), {"claims": [one.pk], "action": "assign", "next": back}
    )
    assert response.status_code == 302 and response["Location"] == reverse("claims:queue")
    one.refresh_from_db()
    assert one.assignee == checker


def test_a_reversed_range_is_marked_and_left_out_not_an_empty_queue(client, checker):
    claim("Likely claim.", check_worthiness=0.95)
    claim("Unlikely claim.", check_worthiness=0.55)
    response = client.get(reverse("claims:queue"), {"score_min": "0.9", "score_max": "0.1"})
    assert [c.text for c in response.context["page"]] == ["Likely claim."]
    assert response.context["form"].errors["score_max"] == ["The range ends below where it starts."]
    response = client.get(
        reverse("claims:queue"), {"published_from": "2024-05-01", "published_to": "2024-04-01"}
    )
    assert response.context["form"].errors["published_to"] == ["The period ends before it starts."]
    assert "The marked filter is left out until it is corrected." in response.text


def _filter_disclosure(client, **params):
    response = client.get(reverse("claims:queue"), params)
    details = BeautifulSoup(response.text, "html.parser").find(
        "details", class_="filter-disclosure"
    )
    return details.has_attr("open"), " ".join(details.summary.get_text(" ").split())


def test_the_queue_s_filters_are_folded_until_one_is_set(client, checker):
    claim("The river rose by two metres.")
    assert _filter_disclosure(client) == (False, "Filters")
    # A page or an order leaves out no claim: the filters stay folded.
    assert _filter_disclosure(client, page="1", sort="oldest_detected") == (False, "Filters")
    assert _filter_disclosure(client, speaker="Mayor", status="all") == (
        True,
        "Filters (2 active)",
    )


def test_a_refused_filter_unfolds_the_filters_so_its_marked_field_shows(client, checker):
    # The error summary links to the field: it must not be folded away.
    assert _filter_disclosure(client, score_min="2") == (True, "Filters (1 active)")
    opened, _ = _filter_disclosure(client, published_from="2025-03-01", published_to="2025-01-01")
    assert opened


def test_a_search_without_a_word_is_a_refused_filter_not_an_empty_queue(client, checker):
    claim("The river rose by two metres.")
    response = client.get(reverse("claims:queue"), {"q": "&|!"})
    page = response.content.decode()
    assert "Give at least one word to search for." in page
    assert "The marked filter is left out until it is corrected." in page
    assert [c.text for c in response.context["page"]] == ["The river rose by two metres."]


def _bulk_disclosure_open(response) -> bool:
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    return soup.find("details", class_="bulk-disclosure").has_attr("open")


def test_the_queue_s_bulk_actions_are_folded_until_one_is_refused(client, checker):
    one = claim("The river rose by two metres.")
    assert not _bulk_disclosure_open(client.get(reverse("claims:queue")))
    assert not _bulk_disclosure_open(_bulk(client, [one.pk], "assign"))
    # Refused, it comes back open: the kept action and reason show beside its error.
    assert _bulk_disclosure_open(_bulk(client, [one.pk], "dismiss", reason=" "))
    assert not _bulk_disclosure_open(client.get(reverse("claims:queue")))
