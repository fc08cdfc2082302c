"""The "seen before" panel, the group actions through the client, the canonical claim's
history page, the queue's "already checked" mark and the speaker page's repeat counts."""

import re
from datetime import UTC, datetime

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from claims import services
from claims.matching import applications, group_changes
from claims.models import Claim, ClaimStatus, GroupEventKind, MatchSuggestion, Verdict
from claims.views.groups import APPLY_WITHOUT_CHECKED, MERGE_TARGET_MISSING
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    SpeakerFactory,
    claim_alone,
    editor,
    fact_checker,
    published_verdict,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


def test_the_panel_shows_an_earlier_appearance_with_its_published_rating(client, checker):
    verdict = published_verdict()
    repeat = claim_alone("Crime dropped 40 percent in the last year.")
    group_changes.claim_group_link(claim=repeat, earlier=verdict.claim)
    page = client.get(reverse("claims:detail", args=[repeat.pk])).content.decode()
    assert "Seen before" in page
    assert f'data-appearance="{verdict.claim.pk}"' in page
    # Information, not an error: the note is not drawn in the error colours.
    assert '<p class="alert checked" role="note"><strong>Already checked.</strong>' in page
    assert f"Rated {verdict.rating.label} on {verdict.published_at:%-d %b %Y}" in page
    # A fact-checker asks; applying it is an editor's (it changes the public fact-check).
    assert "Ask an editor to apply the published verdict to this repeat" in page
    client.force_login(editor(username="ed"))
    page = client.get(reverse("claims:detail", args=[repeat.pk])).content.decode()
    assert "Apply the published verdict to this repeat" in page and "Ask an editor" not in page


MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
# A day and a month, abbreviated or not, with a year after it or not: every date a panel writes.
WRITTEN_DATE = re.compile(
    rf"\b\d{{1,2}} (?:{MONTHS}|{'|'.join(m[:3] for m in MONTHS.split('|'))})\b(?: \d{{4}})?"
)


def test_every_date_in_the_panel_is_written_the_one_house_way(client, checker):
    verdict = published_verdict()
    Verdict.objects.filter(pk=verdict.pk).update(published_at=datetime(2021, 9, 14, tzinfo=UTC))
    Article.objects.filter(pk=verdict.claim.article_id).update(
        published_at=datetime(2021, 9, 10, tzinfo=UTC)
    )
    repeat = claim_alone("Crime dropped 40 percent in the last year.")
    group_changes.claim_group_link(claim=repeat, earlier=verdict.claim)
    page = client.get(reverse("claims:detail", args=[repeat.pk])).content.decode()
    panel = page.split('aria-labelledby="seen-heading"')[1].split("</section>")[0]

    written = WRITTEN_DATE.findall(panel)
    # The checked note, the appearance's article and rating dates, and the undo button's time.
    assert {"14 Sep 2021", "10 Sep 2021"} <= set(written) and len(written) >= 4
    assert all(re.fullmatch(r"\d{1,2} [A-Z][a-z]{2} \d{4}", date) for date in written), written


def test_a_fact_checker_s_apply_waits_for_an_editor_who_approves_it_from_the_review_page(
    client, checker
):
    from claims.appearances import claim_appearances

    verdict = published_verdict()
    repeat = claim_alone("Crime dropped 40 percent in the last year.")
    group_changes.claim_group_link(claim=repeat, earlier=verdict.claim)
    response = client.post(
        reverse("claims:apply_verdict", args=[repeat.pk]), {"checked": verdict.claim.pk}
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Sent to the editors" in page and "Awaiting an editor:" in page
    assert "Withdraw my request" in page and "Approve: apply the verdict" not in page
    repeat.refresh_from_db()
    assert repeat.status == ClaimStatus.NEW  # still in the queue, and nothing public
    checked = Claim.objects.get(pk=verdict.claim.pk)
    assert checked.group_id == repeat.group_id
    queue = client.get(reverse("claims:queue")).content.decode()
    assert queue.count("data-application-pending") == 1
    assert [c.pk for c in claim_appearances(checked)] == [checked.pk]

    client.force_login(editor(username="ed"))
    queue = client.get(reverse("claims:review_queue")).content.decode()
    application = repeat.verdict_applications.get()
    row = queue.split(f'data-application="{application.pk}"')[1].split("</tr>")[0]
    assert "fc" in row and reverse("claims:detail", args=[repeat.pk]) in row
    response = client.post(
        reverse("claims:application_approve", args=[application.pk]), {"next": "review"}
    )
    assert response["Location"] == reverse("claims:review_queue")
    repeat.refresh_from_db()
    assert repeat.status == ClaimStatus.DISMISSED
    assert repeat.pk in [c.pk for c in claim_appearances(checked)]
    assert "No requests waiting." in client.get(reverse("claims:review_queue")).content.decode()


def test_an_editor_applies_the_verdict_from_the_panel_at_once(client):
    verdict = published_verdict()
    repeat = claim_alone("Crime dropped 40 percent in the last year.")
    group_changes.claim_group_link(claim=repeat, earlier=verdict.claim)
    client.force_login(editor(username="ed"))
    client.post(reverse("claims:apply_verdict", args=[repeat.pk]), {"checked": verdict.claim.pk})
    repeat.refresh_from_db()
    assert repeat.status == ClaimStatus.DISMISSED


def test_an_editor_rejects_a_request_with_a_reason_on_the_claim_page(client, checker):
    verdict = published_verdict()
    repeat = claim_alone("Crime dropped 40 percent in the last year.")
    group_changes.claim_group_link(claim=repeat, earlier=verdict.claim)
    client.post(reverse("claims:apply_verdict", args=[repeat.pk]), {"checked": verdict.claim.pk})
    application = repeat.verdict_applications.get()
    # The author may not decide on their own request.
    assert (
        client.post(reverse("claims:application_approve", args=[application.pk])).status_code == 403
    )
    client.force_login(editor(username="ed"))
    page = client.get(reverse("claims:detail", args=[repeat.pk])).content.decode()
    assert "Approve: apply the verdict" in page and "Reject" in page
    refused = client.post(
        reverse("claims:application_reject", args=[application.pk]), {"note": " "}, follow=True
    )
    assert "Say why the verdict does not cover this claim." in refused.content.decode()
    client.post(
        reverse("claims:application_reject", args=[application.pk]),
        {"note": "A different year."},
    )
    application.refresh_from_db()
    assert (application.status, application.decision_note) == ("rejected", "A different year.")
    history = client.get(reverse("claims:history", args=[repeat.pk])).content.decode()
    assert "Verdict application proposed" in history and "Verdict application rejected" in history


def test_applying_without_the_checked_claim_says_what_is_missing_and_changes_nothing(
    client, checker
):
    """The panel's hidden `checked` field left out (or naming a deleted claim) was a bare 404,
    as if the repeat itself were gone."""
    verdict = published_verdict()
    repeat = claim_alone("Crime dropped 40 percent in the last year.")
    group_changes.claim_group_link(claim=repeat, earlier=verdict.claim)
    address = reverse("claims:apply_verdict", args=[repeat.pk])
    for data, message in [
        ({}, APPLY_WITHOUT_CHECKED),
        ({"checked": " "}, APPLY_WITHOUT_CHECKED),
        (
            {"checked": 999_999},
            "There is no claim #999999 to take the published verdict from: it may have been "
            "deleted. Reload the claim page to see what is checked now.",
        ),
    ]:
        refused = client.post(address, data)
        assert refused.status_code == 400
        # The claim page again, with the message in its alert.
        page = refused.content.decode().replace("&#x27;", "'")
        assert message in page and 'id="seen-heading"' in page
    assert not repeat.verdict_applications.exists()
    repeat.refresh_from_db()
    assert repeat.status == ClaimStatus.NEW


@pytest.mark.parametrize("number", ["\u00b2", "\u0661"])
def test_a_claim_number_in_other_digits_is_refused_with_a_message(client, checker, number):
    # "²" passes str.isdigit() but int() refuses it; "١" is no claim number a reader types.
    verdict = published_verdict()
    repeat = claim_alone("Crime dropped 40 percent in the last year.")
    group_changes.claim_group_link(claim=repeat, earlier=verdict.claim)
    merged = client.post(reverse("claims:merge", args=[repeat.pk]), {"target": number})
    assert merged.status_code == 400
    assert MERGE_TARGET_MISSING["merge"] in merged.content.decode()
    applied = client.post(reverse("claims:apply_verdict", args=[repeat.pk]), {"checked": number})
    assert applied.status_code == 400
    assert APPLY_WITHOUT_CHECKED in applied.content.decode().replace("&#x27;", "'")


def test_a_claim_page_s_address_pasted_for_its_number_links_the_repeat(client, checker):
    earlier = claim_alone()
    repeat = claim_alone("Crime went down 40 percent.")
    address = "http://testserver" + reverse("claims:detail", args=[earlier.pk])
    merged = client.post(reverse("claims:merge", args=[repeat.pk]), {"target": address})
    page = client.get(merged["Location"]).content.decode()
    assert f"Linked: the claim is an appearance of claim #{earlier.pk}." in page
    repeat.refresh_from_db()
    assert repeat.group_id == Claim.objects.get(pk=earlier.pk).group_id is not None
    other_page = "http://testserver" + reverse("claims:history", args=[earlier.pk])
    refused = client.post(reverse("claims:merge", args=[repeat.pk]), {"target": other_page})
    assert refused.status_code == 400
    assert MERGE_TARGET_MISSING["merge"] in refused.content.decode()  # linked now: a group


@pytest.mark.parametrize(
    "host", ["staging.desk.example", "testserver.evil.example", "testserver:8443"]
)
def test_a_claim_address_on_another_desk_links_nothing(client, checker, host):
    # The same path on another desk names another claim: it is not this desk's claim 12.
    earlier = claim_alone()
    repeat = claim_alone("Crime went down 40 percent.")
    address = f"https://{host}" + reverse("claims:detail", args=[earlier.pk])
    refused = client.post(reverse("claims:merge", args=[repeat.pk]), {"target": address})
    assert MERGE_TARGET_MISSING["link"] in refused.content.decode()
    repeat.refresh_from_db()
    assert repeat.group_id is None
    applied = client.post(reverse("claims:apply_verdict", args=[repeat.pk]), {"checked": address})
    assert applied.status_code == 400
    assert not repeat.verdict_applications.exists()


@pytest.mark.parametrize("typed", ["abc", "18.0", "claim 18"])
def test_the_link_form_s_refusal_speaks_of_linking_and_keeps_what_was_typed(client, checker, typed):
    repeat = claim_alone("Crime went down 40 percent.")
    refused = client.post(reverse("claims:merge", args=[repeat.pk]), {"target": typed})
    assert refused.status_code == 400
    page = BeautifulSoup(refused.content, "html.parser")
    alert = page.select_one('[role="alert"]').get_text()
    assert MERGE_TARGET_MISSING["link"] in alert and "merge" not in alert
    assert "such as 18" in alert  # what to type instead of "18.0"
    box = page.select_one("#merge-target")
    assert box["value"] == typed
    assert box.find_parent("details").has_attr("open")
    repeat.refresh_from_db()
    assert repeat.group_id is None


def test_a_claim_number_that_names_no_claim_is_kept_in_the_box_too(client, checker):
    verdict = published_verdict()
    repeat = claim_alone("Crime dropped 40 percent in the last year.")
    group_changes.claim_group_link(claim=repeat, earlier=verdict.claim)
    refused = client.post(reverse("claims:merge", args=[repeat.pk]), {"target": "#999999"})
    assert refused.status_code == 400
    page = BeautifulSoup(refused.content, "html.parser")
    assert "There is no claim #999999." in page.get_text()
    assert page.select_one("#merge-target")["value"] == "#999999"


def test_a_suggestion_is_confirmed_or_rejected_from_the_panel(client, checker):
    earlier, new, other = (
        claim_alone(),
        claim_alone("Crime went down 40 percent."),
        claim_alone("Crime rose."),
    )
    confirm = MatchSuggestion.objects.create(
        claim=new, candidate=earlier, score=0.7, level="suggested"
    )
    reject = MatchSuggestion.objects.create(
        claim=new, candidate=other, score=0.6, level="suggested"
    )
    page = client.get(reverse("claims:detail", args=[new.pk])).content.decode()
    assert f'data-suggestion="{confirm.pk}"' in page and f'data-suggestion="{reject.pk}"' in page
    client.post(reverse("claims:suggestion_confirm", args=[confirm.pk]))
    client.post(reverse("claims:suggestion_reject", args=[reject.pk]))
    new.refresh_from_db()
    assert new.group_id == Claim.objects.get(pk=earlier.pk).group_id
    assert not Claim.objects.get(pk=other.pk).group_id


def test_a_suggestion_is_no_longer_offered_once_its_two_claims_share_a_group(client, checker):
    earlier, new, other = (
        claim_alone(),
        claim_alone("Crime went down 40 percent."),
        claim_alone("Crime rose."),
    )
    stale = MatchSuggestion.objects.create(
        claim=new, candidate=earlier, score=0.7, level="suggested"
    )
    still_open = MatchSuggestion.objects.create(
        claim=new, candidate=other, score=0.6, level="suggested"
    )
    # Grouped another way than through the suggestion: "This claim repeats claim #".
    group_changes.claim_group_link(
        claim=new, earlier=earlier, actor=fact_checker(), kind=GroupEventKind.CONFIRMED
    )
    for pk in (new.pk, earlier.pk):
        page = client.get(reverse("claims:detail", args=[pk])).content.decode()
        assert f'data-suggestion="{stale.pk}"' not in page
    page = client.get(reverse("claims:detail", args=[new.pk])).content.decode()
    assert f'data-suggestion="{still_open.pk}"' in page
    # Split apart again, the pair is a question again.
    group_changes.claim_split(claim=Claim.objects.get(pk=new.pk), actor=fact_checker())
    page = client.get(reverse("claims:detail", args=[new.pk])).content.decode()
    assert f'data-suggestion="{stale.pk}"' in page


def test_a_suggested_match_is_dated_by_its_article_as_an_appearance_is(client, checker):
    # It showed the day the desk detected the candidate (today), beside appearances dated by
    # their article: a Reuters story of June 2021 read as one of this week.
    speaker = SpeakerFactory(name="U.S. military")
    dated = ClaimFactory(
        article=ArticleFactory(published_at=datetime(2021, 6, 28, 9, tzinfo=UTC)),
        text="The U.S. military said it hit two sites.",
        speaker=speaker,
    )
    undated = claim_alone("The U.S. military said it struck two sites.")
    new = claim_alone("The Pentagon said American forces hit two sites.", speaker=speaker)
    for candidate in (dated, undated):
        MatchSuggestion.objects.create(claim=new, candidate=candidate, score=0.7, level="suggested")
    page = client.get(reverse("claims:detail", args=[new.pk])).content.decode()
    today = f"{timezone.localdate():%-d %b %Y}"
    items = {
        candidate: " ".join(
            page.split(f'data-suggestion="{suggestion}"')[1].split("</li>")[0].split()
        )
        for candidate, suggestion in MatchSuggestion.objects.values_list("candidate", "pk")
    }
    assert "· 28 Jun 2021 ·" in items[dated.pk] and today not in items[dated.pk]
    assert f"· detected {today} ·" in items[undated.pk]
    # The speaker's other claims follow the same rule.
    earlier = page.split('id="earlier-heading"')[1]
    assert "28 Jun 2021 ·" in " ".join(earlier.split())


def test_the_earlier_claims_panel_shows_a_possible_later_repeat_and_decides_it_there(
    client, checker
):
    earlier, later = (
        claim_alone(),
        claim_alone("Crime went down 40 percent last year, the mayor said."),
    )
    suggestion = MatchSuggestion.objects.create(
        claim=later, candidate=earlier, score=0.71, level="suggested"
    )
    page = client.get(reverse("claims:detail", args=[earlier.pk])).content.decode()
    item = page[page.index(f'data-suggestion="{suggestion.pk}"') :].split("</li>")[0]
    assert "Possible repeat, stored later · 0.71" in item  # both articles undated
    assert reverse("claims:detail", args=[later.pk]) in item
    response = client.post(
        reverse("claims:suggestion_confirm", args=[suggestion.pk]), {"next_claim": earlier.pk}
    )
    assert response["Location"] == reverse("claims:detail", args=[earlier.pk])
    assert Claim.objects.get(pk=later.pk).group_id == Claim.objects.get(pk=earlier.pk).group_id
    # Back to a claim the suggestion is not about is not a place to go: the later claim's page.
    other = MatchSuggestion.objects.create(
        claim=claim_alone("Crime fell."), candidate=earlier, score=0.6, level="suggested"
    )
    response = client.post(
        reverse("claims:suggestion_reject", args=[other.pk]), {"next_claim": later.pk}
    )
    assert response["Location"] == reverse("claims:detail", args=[other.claim_id])


def test_merging_a_group_into_one_of_its_members_is_refused_with_a_message(client, checker):
    first, second = claim_alone(), claim_alone("Again.")
    group_changes.claim_group_link(claim=second, earlier=first)
    response = client.post(
        reverse("claims:merge", args=[first.pk]), {"target": second.pk}, follow=True
    )
    assert "its own members" in response.content.decode()


def test_an_undo_goes_back_to_a_claim_it_moved_and_a_fact_checker_never_to_a_403(client, checker):
    first, second = claim_alone(), claim_alone("Again.")
    unrelated = claim_alone("Something else entirely.")
    undo_url = lambda event: reverse("claims:group_event_undo", args=[event.pk])  # noqa: E731
    event = group_changes.claim_group_link(claim=second, earlier=first, actor=checker)
    # A page the undo did not come from (or a claim that does not exist) is not where it goes.
    for forged in (unrelated.pk, 99999):
        response = client.post(undo_url(event), {"next_claim": forged})
        assert response["Location"] == reverse("claims:detail", args=[second.pk])
        event = group_changes.claim_group_link(claim=second, earlier=first, actor=checker)
    response = client.post(undo_url(event), {"next_claim": first.pk})
    assert response["Location"] == reverse("claims:detail", args=[first.pk])
    # Without a page to go back to, a fact-checker lands on the claim, not the editors' history.
    event = group_changes.claim_group_link(claim=second, earlier=first, actor=checker)
    response = client.post(undo_url(event))
    assert response["Location"] == reverse("claims:detail", args=[second.pk])
    assert Claim.objects.get(pk=second.pk).group_id is None
    event = group_changes.claim_group_link(claim=second, earlier=first, actor=checker)
    client.force_login(editor())
    response = client.post(undo_url(event))
    assert response["Location"] == reverse("claims:group_history", args=[event.group_id])


def test_group_actions_need_a_logged_in_desk_user(client):
    first, second = claim_alone(), claim_alone("Again.")
    group_changes.claim_group_link(claim=second, earlier=first)
    response = client.post(reverse("claims:split", args=[second.pk]))
    assert response.status_code == 302 and "/login" in response["Location"]
    assert Claim.objects.get(pk=second.pk).group_id is not None


def test_the_history_page_lists_every_appearance_speaker_and_group_change(client):
    speaker_a, speaker_b = SpeakerFactory(name="Ann Able"), SpeakerFactory(name="Bob Baker")
    verdict = published_verdict(claim=claim_alone(speaker=speaker_a))
    repeat = claim_alone("Crime dropped by 40 percent last year.", speaker=speaker_b)
    group_changes.claim_group_link(
        claim=repeat, earlier=verdict.claim, kind=GroupEventKind.CONFIRMED
    )
    client.force_login(editor(username="ed"))
    group = Claim.objects.get(pk=repeat.pk).group
    page = client.get(reverse("claims:group_history", args=[group.pk])).content.decode()
    assert f'data-appearance="{verdict.claim.pk}"' in page
    assert f'data-appearance="{repeat.pk}"' in page
    assert "Ann Able" in page and "Bob Baker" in page
    assert "Group: Match confirmed" in page
    assert "Verdict version" in page and "Published" in page


def test_the_history_page_is_for_editors(client, checker):
    first, second = claim_alone(), claim_alone("Again.")
    group_changes.claim_group_link(claim=second, earlier=first)
    group = Claim.objects.get(pk=first.pk).group
    assert client.get(reverse("claims:group_history", args=[group.pk])).status_code == 403


def test_the_queue_marks_repeats_of_a_published_claim_and_filters_them(client, checker):
    verdict = published_verdict()
    repeat, fresh = (
        claim_alone("Crime dropped 40 percent last year."),
        claim_alone("Taxes rose 3 percent."),
    )
    group_changes.claim_group_link(claim=repeat, earlier=verdict.claim)
    page = client.get(reverse("claims:queue")).content.decode()
    assert page.count("data-already-checked") == 1
    new_only = client.get(reverse("claims:queue"), {"repeats": "new"}).context["page"]
    assert repeat not in list(new_only) and fresh in list(new_only)
    checked = client.get(reverse("claims:queue"), {"repeats": "checked"}).context["page"]
    assert list(checked) == [repeat]


def test_the_speaker_page_counts_how_often_each_claim_was_made(client, checker):
    speaker = SpeakerFactory()
    said_twice = claim_alone(speaker=speaker)
    group_changes.claim_group_link(
        claim=claim_alone("Crime fell 40 percent, again."), earlier=said_twice
    )
    said_once = claim_alone("Taxes rose 3 percent.", speaker=speaker)
    page = client.get(reverse("claims:speaker_detail", args=[speaker.slug])).content.decode()
    assert f'data-repeats="{said_twice.pk}">2' in page
    assert f'data-repeats="{said_once.pk}">1' in page


def test_a_claim_added_by_hand_gets_its_vector_from_the_matching_task(
    client, checker, django_capture_on_commit_callbacks
):
    from claims.models import ClaimEmbedding, Sentence

    text = "Residents say the new tram line doubled their commute."
    article = ArticleFactory(body=text)
    sentence = Sentence.objects.create(article=article, index=0, start=0, end=len(text), text=text)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("claims:add", args=[sentence.pk]))
    assert ClaimEmbedding.objects.filter(claim__article=article).count() == 1


def test_the_history_page_of_a_large_group_runs_a_bounded_number_of_queries(
    client, django_assert_max_num_queries
):
    from tests.factories import drafted_verdict

    first = published_verdict(claim=claim_alone(speaker=SpeakerFactory())).claim
    for n in range(8):
        repeat = claim_alone(
            f"Crime fell by 40 percent last year, take {n}.", speaker=SpeakerFactory()
        )
        drafted_verdict(claim=repeat)
        group_changes.claim_group_link(claim=repeat, earlier=first)
    client.force_login(editor(username="ed"))
    url = reverse("claims:group_history", args=[Claim.objects.get(pk=first.pk).group_id])
    # Nine appearances, each with events and verdict versions: a query per appearance (or
    # four, as it was: 44 queries) would pass 25 by far (three of the 25 count the appearances
    # and the group changes for their pagers, and ask whether any appearance is narration;
    # three read every appearance's source history, its published verdicts' corrections and
    # who wrote each verdict version, for what each version changed and by whom; two find the
    # former appearances, and two which group changes an Undo may be offered for; one the
    # merges that carried its claims out).
    with django_assert_max_num_queries(25):
        page = client.get(url).content.decode()
    assert page.count("data-appearance=") >= 9 and page.count("Verdict version") >= 9


def test_the_already_checked_note_links_to_the_checked_claim_and_its_public_page(client, checker):
    verdict = published_verdict()
    repeat = claim_alone("Crime dropped 40 percent in the last year.")
    group_changes.claim_group_link(claim=repeat, earlier=verdict.claim)
    client.post(reverse("claims:apply_verdict", args=[repeat.pk]), {"checked": verdict.claim.pk})
    page = client.get(reverse("claims:detail", args=[repeat.pk])).content.decode()
    note = page.split("<strong>Already checked.</strong>")[1].split("</p>")[0]
    assert f'href="{reverse("claims:detail", args=[verdict.claim.pk])}"' in note
    assert f'href="{reverse("claims:public", args=[verdict.pk])}"' in note


def verdict_section(page: str) -> str:
    return page.split('id="verdict-heading"')[1].split('id="notes-heading"')[0]


def test_an_applied_repeat_s_verdict_section_says_which_fact_check_covers_it(client):
    verdict = published_verdict()
    repeat = claim_alone("Crime dropped 40 percent in the last year.")
    group_changes.claim_group_link(claim=repeat, earlier=verdict.claim)
    client.force_login(editor(username="ed"))
    client.post(reverse("claims:apply_verdict", args=[repeat.pk]), {"checked": verdict.claim.pk})

    section = verdict_section(
        client.get(reverse("claims:detail", args=[repeat.pk])).content.decode()
    )
    assert "Covered by the published fact-check of" in section
    assert f"claim #{verdict.claim.pk}</a>" in section
    assert f"Rated {verdict.rating.label} on" in section
    assert f"{verdict.published_at:%-d %b %Y}" in section
    assert f'href="{reverse("claims:detail", args=[verdict.claim.pk])}"' in section
    assert f'href="{reverse("claims:public", args=[verdict.pk])}"' in section
    assert "No verdict yet" not in section


def test_a_repeat_dismissed_by_hand_or_reopened_after_the_apply_is_not_said_to_be_covered(
    client, checker
):
    from claims import services

    verdict = published_verdict()
    by_hand = claim_alone("Crime dropped 40 percent in the last year.")
    group_changes.claim_group_link(claim=by_hand, earlier=verdict.claim)
    services.claim_dismiss(claim=by_hand, actor=checker, reason="Opinion.")
    section = verdict_section(
        client.get(reverse("claims:detail", args=[by_hand.pk])).content.decode()
    )
    assert "No verdict yet. The claim is dismissed." in section and "Covered by" not in section

    repeat = claim_alone("Crime went down 40 percent last year.")
    group_changes.claim_group_link(claim=repeat, earlier=verdict.claim)
    desk_editor = editor(username="ed")
    applications.verdict_application_request(claim=repeat, checked=verdict.claim, actor=desk_editor)
    services.claim_reopen(claim=repeat, actor=desk_editor)  # an editor's: it was public
    services.claim_dismiss(claim=repeat, actor=checker, reason="Not a repeat after all: opinion.")
    section = verdict_section(
        client.get(reverse("claims:detail", args=[repeat.pk])).content.decode()
    )
    assert "Covered by" not in section and "The claim is dismissed." in section


def test_a_fact_checker_splitting_an_applied_repeat_out_is_told_an_editor_does_it(client, checker):
    verdict = published_verdict()
    repeat = claim_alone("Crime dropped 40 percent in the last year.")
    applications.verdict_application_request(
        claim=repeat, checked=verdict.claim, actor=editor(username="ed")
    )
    response = client.post(reverse("claims:split", args=[repeat.pk]), follow=True)
    assert "an editor makes this change" in response.content.decode()
    assert Claim.objects.get(pk=repeat.pk).group_id is not None


def test_a_fact_checker_is_not_offered_the_changes_to_a_covered_repeat_only_an_editor_makes(
    client, checker
):
    verdict = published_verdict()
    repeat = claim_alone("Crime dropped 40 percent in the last year.")
    applications.verdict_application_request(
        claim=repeat, checked=verdict.claim, actor=editor(username="ed")
    )
    split, reopen = (
        reverse("claims:split", args=[repeat.pk]),
        reverse("claims:reopen", args=[repeat.pk]),
    )
    page = client.get(reverse("claims:detail", args=[repeat.pk])).content.decode()
    assert split not in page and reopen not in page and "Undo “" not in page
    assert "An editor reopens this repeat or takes it out of its group" in page
    assert reverse("claims:merge", args=[repeat.pk]) in page  # a merge keeps the cover
    client.force_login(editor(username="ed2"))
    page = client.get(reverse("claims:detail", args=[repeat.pk])).content.decode()
    assert split in page and reopen in page
    assert "An editor reopens this repeat" not in page
    # The link the verdict was applied on is not undone from under it: split out instead, which
    # the claim page then tells (claim_cover_lifted).
    assert "Undo “" not in page


def test_a_repeat_s_claim_page_says_already_checked_at_the_top(client, checker):
    verdict = published_verdict()
    repeat = claim_alone("Crime dropped 40 percent in the last year.")
    group_changes.claim_group_link(claim=repeat, earlier=verdict.claim)
    page = client.get(reverse("claims:detail", args=[repeat.pk])).content.decode()
    top = page.split("<blockquote")[1].split('id="verdict-heading"')[0]
    assert '<a href="#seen-heading" data-already-checked>already checked' in top
    published = client.get(reverse("claims:detail", args=[verdict.claim_id])).content.decode()
    assert "data-already-checked" not in published


def test_the_group_s_own_actions_come_before_the_other_fact_checkers_reviews(client, checker):
    earlier = claim_alone()
    repeat = claim_alone("Crime dropped 40 percent in the last year.")
    group_changes.claim_group_link(claim=repeat, earlier=earlier)
    page = client.get(reverse("claims:detail", args=[repeat.pk])).content.decode()
    panel = page.split('id="seen-heading"')[1]
    assert "Change the group" in panel.split('id="external-heading"')[0]


def test_a_repeat_split_out_from_under_an_applied_verdict_says_it_is_no_longer_covered(client):
    """The split ends the cover but keeps the dismissal (an undo puts the cover back): the
    page and the history say which fact-check stopped covering it and to reopen it."""
    verdict = published_verdict()
    repeat = claim_alone("Crime dropped 40 percent in the last year.")
    desk_editor = editor(username="ed")
    applications.verdict_application_request(claim=repeat, checked=verdict.claim, actor=desk_editor)
    client.force_login(desk_editor)
    response = client.post(reverse("claims:split", args=[repeat.pk]), follow=True)
    assert Claim.objects.get(pk=repeat.pk).status == ClaimStatus.DISMISSED
    section = verdict_section(response.content.decode())
    assert "Covered by" not in section
    lifted = section.split("data-cover-lifted=")[1].split("</p>")[0]
    assert "No longer covered by the published fact-check of" in lifted
    assert f">claim #{verdict.claim.pk}</a>" in lifted and "split it out" in lifted
    assert "reopen it to check it on its own" in lifted and "No verdict yet" not in section
    page = client.get(reverse("claims:history", args=[repeat.pk])).content.decode()
    assert "Group: Split out" in page
    lifted = page.split("Group: No longer covered by a published verdict")[1].split("</li>")[0]
    assert f"claim #{verdict.claim.pk}" in lifted and "stays dismissed" in lifted
    assert "Split out" in lifted
    # Reopened, it is in the queue again and the page no longer says so.
    client.post(reverse("claims:reopen", args=[repeat.pk]))
    page = client.get(reverse("claims:detail", args=[repeat.pk])).content.decode()
    assert "data-cover-lifted" not in page  # its history still tells
    assert Claim.objects.get(pk=repeat.pk).status == ClaimStatus.NEW


def test_a_claim_dismissed_by_hand_and_split_out_is_not_said_to_have_lost_a_cover(client):
    first, second = claim_alone(), claim_alone("Again.")
    group_changes.claim_group_link(claim=second, earlier=first)
    checker = fact_checker()
    client.force_login(checker)
    services.claim_dismiss(claim=second, actor=checker, reason="An opinion.")
    response = client.post(reverse("claims:split", args=[second.pk]), follow=True)
    assert "No longer covered by" not in response.content.decode()


def test_desk_pages_name_a_group_of_repeats_in_newsroom_words_not_canonical(client):
    first, second = claim_alone(), claim_alone("Crime went down 40 percent.")
    group_changes.claim_group_link(claim=second, earlier=first, actor=fact_checker())
    third, fourth = (
        claim_alone("Crime fell by 40 percent, said the mayor."),
        claim_alone("Crime dropped."),
    )
    group_changes.claim_group_link(claim=fourth, earlier=third, actor=fact_checker())
    merged_away = Claim.objects.get(pk=third.pk).group
    group_id = Claim.objects.get(pk=first.pk).group_id
    group_changes.group_merge(
        source=merged_away, target=Claim.objects.get(pk=first.pk).group, actor=editor()
    )
    client.force_login(editor())
    pages = {
        "claim": client.get(reverse("claims:detail", args=[second.pk])).content.decode(),
        "group": client.get(reverse("claims:group_history", args=[group_id])).content.decode(),
        "desk history": client.get(reverse("claims:desk_history")).content.decode(),
    }
    for name, html in pages.items():
        assert "canonical claim" not in html.lower(), name
    assert f"Main wording: “<bdi>{first.text}</bdi>”" in pages["claim"]
    assert f"<h1>Claim group #{group_id}</h1>" in pages["group"]
    assert f"<title>Claim group #{group_id}" in pages["group"]
    assert f"Claim group #{group_id}" in pages["desk history"]  # the merge, a group's event
    link = reverse("claims:group_history", args=[merged_away.pk])
    assert f'from <a href="{link}">claim group #{merged_away.pk}</a>' in pages["group"]


def test_the_history_page_s_tables_scroll_in_their_own_wrapper_on_a_phone(client):
    # Six columns of appearances were 531 px wide on a 375 px phone and widened the whole page.
    boss = editor(username="ed")
    client.force_login(boss)
    first, repeat = claim_alone("Crime fell by 40 percent."), claim_alone("Crime fell 40 percent.")
    group_changes.claim_group_link(claim=repeat, earlier=first)
    group_id = Claim.objects.get(pk=first.pk).group_id
    group_changes.claim_group_link(
        claim=Claim.objects.get(pk=repeat.pk),
        earlier=claim_alone("Crime dropped by 40 percent."),
        actor=boss,
        kind=GroupEventKind.CONFIRMED,
    )
    response = client.get(reverse("claims:group_history", args=[group_id]))
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    tables = [table for table in soup.find_all("table") if "diff" not in table.get("class", [])]
    assert len(tables) == 2  # the appearances and the former appearances
    for table in tables:
        assert "table-wrap" in table.parent.get("class", []), table.find("th").text


MAY_2026 = datetime(2026, 5, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("earlier_date", "later_date", "label"),
    [
        (MAY_2026, datetime(2026, 6, 1, tzinfo=UTC), "Possible later repeat"),
        (MAY_2026, datetime(1899, 12, 31, tzinfo=UTC), "Possible earlier appearance"),
        (MAY_2026, None, "Possible repeat, stored later"),
    ],
)
def test_a_suggestion_stored_later_is_worded_by_its_article_s_date(
    client, checker, earlier_date, later_date, label
):
    earlier, later = (
        claim_alone(),
        claim_alone("Crime went down 40 percent last year, the mayor said."),
    )
    Article.objects.filter(pk=earlier.article_id).update(published_at=earlier_date)
    Article.objects.filter(pk=later.article_id).update(published_at=later_date)
    suggestion = MatchSuggestion.objects.create(
        claim=later, candidate=earlier, score=0.78, level="suggested"
    )
    page = client.get(reverse("claims:detail", args=[earlier.pk])).content.decode()
    item = page[page.index(f'data-suggestion="{suggestion.pk}"') :].split("</li>")[0]
    assert f"{label} · 0.78" in item
    if label != "Possible later repeat":
        assert "Possible later repeat" not in item
