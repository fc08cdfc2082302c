import pytest
from django.urls import reverse
from django.utils.html import escape

from claims.models import (
    ClaimEventKind,
    ClaimStatus,
    Correction,
    CorrectionRequest,
    Verdict,
    VerdictStatus,
)
from tests.factories import (
    active_rating,
    admin_user,
    editor,
    fact_checker,
    published_verdict,
    submitted_verdict,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


def detail(client, verdict):
    return client.get(reverse("claims:detail", args=[verdict.claim_id])).content.decode()


def test_an_editor_publishes_a_submitted_verdict(client, boss):
    verdict = submitted_verdict()
    assert "Approve and publish" in detail(client, verdict)
    response = client.post(
        reverse("claims:publish", args=[verdict.claim_id]), {"version": verdict.version}
    )
    assert response.status_code == 302
    verdict.refresh_from_db()
    assert verdict.status == VerdictStatus.PUBLISHED and verdict.editor == boss
    assert verdict.claim.status == ClaimStatus.PUBLISHED
    assert reverse("claims:public", args=[verdict.pk]) in detail(client, verdict)


def test_a_publish_sent_twice_publishes_once_and_the_second_says_it_is_done(client, boss):
    verdict = submitted_verdict()
    url = reverse("claims:publish", args=[verdict.claim_id])
    client.post(url, {"version": verdict.version})
    again = client.post(url, {"version": verdict.version}, follow=True)
    assert again.status_code == 200
    page = again.content.decode()
    assert "Already done: you published it at " in page and "sent twice" in page
    published = Verdict.objects.get(pk=verdict.pk)
    assert published.version == verdict.version + 1
    assert published.claim.events.filter(kind=ClaimEventKind.PUBLISHED).count() == 1


def test_the_same_action_by_someone_else_meanwhile_says_who_did_it(client, boss):
    verdict = submitted_verdict()
    client.force_login(editor(username="other-editor"))
    client.post(reverse("claims:publish", args=[verdict.claim_id]), {"version": verdict.version})
    client.force_login(boss)
    late = client.post(
        reverse("claims:publish", args=[verdict.claim_id]),
        {"version": verdict.version},
        follow=True,
    ).content.decode()
    assert "Already published by other-editor at " in late
    assert "Already done" not in late and "you published" not in late


def test_an_editor_returns_a_verdict_with_a_comment(client, boss):
    verdict = submitted_verdict()
    url = reverse("claims:return", args=[verdict.claim_id])
    response = client.post(url, {"version": verdict.version, "comment": ""})
    assert response.status_code == 400
    verdict.refresh_from_db()
    assert verdict.status == VerdictStatus.SUBMITTED
    client.post(url, {"version": verdict.version, "comment": "Second source, please."})
    verdict.refresh_from_db()
    assert verdict.status == VerdictStatus.RETURNED
    assert verdict.review_comment == "Second source, please."
    assert verdict.claim.events.last().kind == ClaimEventKind.RETURNED


def test_nobody_publishes_their_own_verdict_through_the_page(client, boss):
    verdict = submitted_verdict(author=boss)
    html = detail(client, verdict)
    assert "another editor reviews it: you cannot publish it or return it" in html
    refusal = "You wrote or changed this verdict&#x27;s content: another editor must approve"
    response = client.post(
        reverse("claims:publish", args=[verdict.claim_id]),
        {"version": verdict.version},
        follow=True,
    )
    assert refusal in response.content.decode()
    verdict.refresh_from_db()
    assert verdict.status == VerdictStatus.SUBMITTED


def test_publishing_a_draft_is_an_illegal_transition(client, boss):
    from tests.factories import drafted_verdict

    verdict = drafted_verdict()
    response = client.post(
        reverse("claims:publish", args=[verdict.claim_id]),
        {"version": verdict.version},
        follow=True,
    )
    assert "Cannot publish a verdict that is draft." in response.content.decode()
    verdict.refresh_from_db()
    assert verdict.status == VerdictStatus.DRAFT


def test_an_admin_can_publish_too(client):
    verdict = submitted_verdict()
    client.force_login(admin_user())
    client.post(reverse("claims:publish", args=[verdict.claim_id]), {"version": verdict.version})
    verdict.refresh_from_db()
    assert verdict.status == VerdictStatus.PUBLISHED


def correction_post(verdict, **fields):
    data = {
        "correct-version": verdict.version,
        "correct-rating": fields.get("rating", active_rating("mostly-false").pk),
        "correct-conclusion": "The figure is mostly wrong.",
        "correct-explanation": "A revised reading.",
        "correct-note": fields.get("note", "We misread the table; the rating changes."),
        "correct-sources-TOTAL_FORMS": "1",
        "correct-sources-INITIAL_FORMS": "0",
        "correct-sources-MIN_NUM_FORMS": "1",
        "correct-sources-MAX_NUM_FORMS": "20",
        "correct-sources-0-url": "https://stats.example.org/table",
        "correct-sources-0-title": "The table",
        "correct-sources-0-note": "",
    }
    return data


def published_by_another_editor(client, **user):
    """The waiting correction published on the desk by a new editor, who stays logged in."""
    client.force_login(editor(**user))
    pending = CorrectionRequest.objects.get(status="pending")
    response = client.post(reverse("claims:correction_approve", args=[pending.pk]))
    assert response.status_code == 302


def test_correcting_a_published_verdict_keeps_the_old_version_and_a_public_note(client, boss):
    verdict = published_verdict()
    old_conclusion = verdict.conclusion
    assert "Correct this published verdict" in detail(client, verdict)
    response = client.post(
        reverse("claims:correct", args=[verdict.claim_id]), correction_post(verdict)
    )
    assert response.status_code == 302
    # Sent, it waits for another editor: the verdict reads as published.
    assert Verdict.objects.get(pk=verdict.pk).conclusion == old_conclusion
    published_by_another_editor(client)
    verdict.refresh_from_db()
    assert verdict.status == VerdictStatus.PUBLISHED
    assert verdict.conclusion == "The figure is mostly wrong."
    correction = Correction.objects.get(verdict=verdict)
    assert correction.previous["conclusion"] == old_conclusion
    assert correction.previous["rating"] == "False"
    assert verdict.history.filter(conclusion=old_conclusion).exists()
    assert verdict.claim.events.last().kind == ClaimEventKind.CORRECTED
    public = client.get(reverse("claims:public", args=[verdict.pk])).content.decode()
    assert "We misread the table; the rating changes." in public
    assert "previous rating: False" in public
    history = client.get(reverse("claims:history", args=[verdict.claim_id])).content.decode()
    assert "<del>False</del>" in history and "<ins>Mostly False</ins>" in history
    assert "Correction published" in history


def test_an_editor_who_wrote_the_draft_writes_a_correction_that_another_publishes(client, boss):
    verdict = published_verdict(author=boss)
    assert "Correct this published verdict" in detail(client, verdict)
    client.post(reverse("claims:correct", args=[verdict.claim_id]), correction_post(verdict))
    page = detail(client, verdict)
    assert "Publish the correction" not in page and "Withdraw my correction" in page
    # The editor who published it (and wrote none of it) publishes it.
    client.force_login(verdict.editor)
    assert "Publish the correction" in detail(client, verdict)


def test_an_editor_is_told_before_saving_a_draft_that_it_makes_them_an_author(client, boss):
    returned = submitted_verdict()
    page = detail(client, returned)
    assert "data-four-eyes-note" not in page  # in review: no form to change it
    client.post(
        reverse("claims:return", args=[returned.claim_id]),
        {"version": returned.version, "comment": "Add a source."},
    )
    page = detail(client, returned)
    assert "makes you one of its authors: another editor then approves and publishes it" in page
    client.force_login(returned.author)
    assert "data-four-eyes-note" not in detail(client, returned)


def test_a_correction_needs_a_note(client, boss):
    verdict = published_verdict()
    response = client.post(
        reverse("claims:correct", args=[verdict.claim_id]), correction_post(verdict, note="")
    )
    assert response.status_code == 400
    assert not Correction.objects.exists()


def test_a_correction_sent_twice_is_sent_once_and_the_second_says_it_already_is(client, boss):
    verdict = published_verdict()
    data = correction_post(verdict)
    client.post(reverse("claims:correct", args=[verdict.claim_id]), data, follow=True)
    response = client.post(reverse("claims:correct", args=[verdict.claim_id]), data, follow=True)
    assert response.status_code == 200  # no conflict page
    html = response.content.decode()
    assert "Already done: you sent this correction at" in html
    assert "Correction sent" not in html
    assert CorrectionRequest.objects.count() == 1
    # Published meanwhile, the same form sent again finds the verdict holding it.
    published_by_another_editor(client)
    client.force_login(boss)
    response = client.post(reverse("claims:correct", args=[verdict.claim_id]), data, follow=True)
    html = response.content.decode()
    assert "Nothing changed: the verdict already holds what you sent" in html
    assert Correction.objects.count() == 1
    assert Verdict.objects.get(pk=verdict.pk).version == verdict.version + 1


def test_a_stale_correction_is_refused_naming_the_editor_who_corrected_it_meanwhile(client, boss):
    verdict = published_verdict()
    stale = correction_post(verdict)
    other = correction_post(verdict, rating=active_rating("false").pk)
    client.force_login(editor(username="colleague"))
    client.post(reverse("claims:correct", args=[verdict.claim_id]), other)
    client.force_login(boss)
    response = client.post(reverse("claims:correct", args=[verdict.claim_id]), stale)
    assert response.status_code == 400
    assert escape("colleague's correction of this verdict, sent at") in response.content.decode()
    published_by_another_editor(client, username="publisher")
    client.force_login(boss)
    response = client.post(reverse("claims:correct", args=[verdict.claim_id]), stale)
    assert response.status_code == 409
    assert "changed by publisher at" in response.content.decode()
    assert Correction.objects.count() == 1


def test_fact_checkers_see_no_review_forms_and_write_corrections_for_an_editor(client):
    submitted = submitted_verdict()
    published = published_verdict()
    client.force_login(fact_checker())
    assert "Approve and publish" not in detail(client, submitted)
    assert "Return to author" not in detail(client, submitted)
    assert "Correct this published verdict" in detail(client, published)
    response = client.post(
        reverse("claims:correct", args=[published.claim_id]), correction_post(published)
    )
    assert response.status_code == 302
    assert CorrectionRequest.objects.filter(verdict=published).exists()
    assert not Correction.objects.exists()
    assert "Publish the correction" not in detail(client, published)


def test_a_correction_can_take_a_wrong_source_off_the_published_verdict(client, boss):
    verdict = published_verdict(sources=2)
    data = correction_post(verdict, note="The second report was about another city.")
    data.update(
        {
            "correct-sources-TOTAL_FORMS": "2",
            "correct-sources-INITIAL_FORMS": "2",
            "correct-sources-1-url": "https://source1.example.org/report",
            "correct-sources-1-title": "Report 1",
            "correct-sources-1-note": "",
            "correct-sources-1-DELETE": "on",
        }
    )
    response = client.post(reverse("claims:correct", args=[verdict.claim_id]), data)
    assert response.status_code == 302
    published_by_another_editor(client)
    public = client.get(reverse("claims:public", args=[verdict.pk])).content.decode()
    assert "The table" in public and "Report 1" not in public


def test_a_publish_without_the_page_s_version_says_to_reload_not_that_there_is_no_verdict(
    client, boss
):
    verdict = submitted_verdict()
    response = client.post(reverse("claims:publish", args=[verdict.claim_id]), {}, follow=True)
    shown = [str(message) for message in response.context["messages"]]
    assert shown == ["The page was out of date: reload it and try again."]
    verdict.refresh_from_db()
    assert verdict.status == VerdictStatus.SUBMITTED


def test_the_author_withdraws_a_submission_from_the_claim_page_and_the_review_queue_drops_it(
    client,
):
    author = fact_checker(username="author")
    verdict = submitted_verdict(author=author)
    reviewer = editor(username="reviewer")
    client.force_login(reviewer)
    queue = reverse("claims:review_queue")
    assert verdict.claim.text[:40] in client.get(queue).content.decode()
    assert "Withdraw from review" not in detail(client, verdict)  # an editor returns instead

    client.force_login(author)
    assert "Withdraw from review" in detail(client, verdict)
    response = client.post(
        reverse("claims:withdraw", args=[verdict.claim_id]),
        {"version": verdict.version},
        follow=True,
    )
    html = response.content.decode()
    assert "Withdrawn from review: the verdict is a draft again." in html
    assert "Save and submit for review" in html  # editable again
    assert "Withdrawn by the author" in html  # the history says so, with who
    verdict.refresh_from_db()
    assert verdict.status == VerdictStatus.DRAFT
    assert verdict.claim.status == ClaimStatus.IN_PROGRESS
    assert verdict.claim.events.last().actor == author

    client.force_login(reviewer)
    assert verdict.claim.text[:40] not in client.get(queue).content.decode()


def test_another_fact_checker_gets_no_withdraw_button_and_is_refused(client):
    verdict = submitted_verdict()
    client.force_login(fact_checker(username="colleague"))
    assert "Withdraw from review" not in detail(client, verdict)
    response = client.post(
        reverse("claims:withdraw", args=[verdict.claim_id]),
        {"version": verdict.version},
        follow=True,
    )
    assert "Only its author, or someone who wrote part of the draft" in response.content.decode()
    verdict.refresh_from_db()
    assert verdict.status == VerdictStatus.SUBMITTED


def test_withdrawing_a_published_verdict_is_refused_with_a_clear_message(client):
    verdict = published_verdict()
    client.force_login(verdict.author)
    html = detail(client, verdict)
    assert "Withdraw from review" not in html
    response = client.post(
        reverse("claims:withdraw", args=[verdict.claim_id]),
        {"version": verdict.version},
        follow=True,
    )
    assert "This verdict can no longer be withdrawn: it is published" in response.content.decode()
    verdict.refresh_from_db()
    assert verdict.status == VerdictStatus.PUBLISHED


def test_the_review_queue_says_how_many_wait_and_in_which_order(client, boss):
    # Every other desk list says how many rows it holds and their order; this one did not.
    first, second = submitted_verdict(), submitted_verdict()
    page = client.get(reverse("claims:review_queue")).content.decode()
    assert "2 verdicts, oldest submission first." in page
    assert page.index(first.claim.text) < page.index(second.claim.text)
    first.delete()
    second.delete()
    page = client.get(reverse("claims:review_queue")).content.decode()
    assert "Nothing to review." in page and "oldest submission first" not in page


def test_an_editor_who_wrote_the_verdict_is_not_offered_its_return_and_is_refused_it(client, boss):
    """Returning is reviewing: the author withdraws their own verdict to change it instead."""
    verdict = submitted_verdict(author=boss)
    html = detail(client, verdict)
    assert "Return to author" not in html
    refusal = "You wrote or changed this verdict&#x27;s draft, so another editor reviews it"
    assert refusal in html and "withdraw it from review" in html
    assert "Withdraw from review" in html
    response = client.post(
        reverse("claims:return", args=[verdict.claim_id]),
        {"version": verdict.version, "comment": "Looks fine to me."},
        follow=True,
    )
    assert "another editor reviews it" in response.content.decode()
    verdict.refresh_from_db()
    assert verdict.status == VerdictStatus.SUBMITTED and verdict.review_comment == ""
    assert not verdict.claim.events.filter(kind=ClaimEventKind.RETURNED).exists()
    # Another editor is offered it as before.
    client.force_login(editor())
    assert "Return to author" in detail(client, verdict)


def test_an_editor_who_wrote_the_draft_reads_one_warning_in_the_review_box(client, boss):
    from bs4 import BeautifulSoup

    verdict = submitted_verdict(author=boss)
    box = BeautifulSoup(detail(client, verdict), "html.parser").find("section", class_="review")
    [warning] = box.find_all(class_="warning")
    message = warning.get_text()
    assert "another editor reviews it" in message
    assert "you cannot publish it or return it" in message
    assert "withdraw it from review" in message
    assert box.find("button", string="Approve and publish").has_attr("disabled")
    # An editor who did not write it reads no warning there.
    client.force_login(editor())
    box = BeautifulSoup(detail(client, verdict), "html.parser").find("section", class_="review")
    assert box.find_all(class_="warning") == []
