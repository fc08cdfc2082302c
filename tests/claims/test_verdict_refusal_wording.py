"""What the desk says when a verdict step or a decision is refused because a colleague (or the
user, in another tab) acted first: what happened, by whom and when, in the desk's one time
format, worded for the action sent (issue of session 21, helper 13)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from articles.times import desk_time
from claims import correction_requests, verdicts
from claims.matching import applications, group_changes
from claims.models import EvidenceSource, Verdict, VerdictStatus
from tests.factories import (
    claim_alone,
    correction_sent,
    draft_resaved,
    editor,
    fact_checker,
    published_verdict,
    submitted_verdict,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


def shown(response) -> str:
    return response.content.decode()


def test_publishing_a_verdict_a_colleague_published_says_who_published_it_and_when(client):
    verdict = submitted_verdict()
    loaded = verdict.version
    published = verdicts.verdict_publish(verdict=verdict, editor=editor(username="ed2"))
    client.force_login(editor(username="ed1"))
    response = client.post(
        reverse("claims:publish", args=[verdict.claim_id]), {"version": loaded}, follow=True
    )
    page = shown(response)
    assert f"Already published by ed2 at {desk_time(published.published_at)}." in page
    assert "changed by" not in page and "Not saved" not in page
    assert "<strong>Error:</strong>" not in page  # it is what ed1 wanted: information
    assert Verdict.objects.get(pk=verdict.pk).editor.get_username() == "ed2"


def test_withdrawing_a_verdict_published_meanwhile_says_it_now_goes_through_a_correction(client):
    verdict = submitted_verdict()
    loaded = verdict.version
    published = verdicts.verdict_publish(verdict=verdict, editor=editor(username="ed2"))
    client.force_login(verdict.author)
    response = client.post(
        reverse("claims:withdraw", args=[verdict.claim_id]), {"version": loaded}, follow=True
    )
    page = shown(response)
    assert (
        "This verdict can no longer be withdrawn: ed2 published it at "
        f"{desk_time(published.published_at)}, and a change now goes through a correction."
    ) in page
    assert "changed by" not in page
    assert Verdict.objects.get(pk=verdict.pk).status == VerdictStatus.PUBLISHED


def test_withdrawing_a_published_verdict_at_its_own_version_says_the_same(client):
    verdict = published_verdict()
    client.force_login(verdict.author)
    response = client.post(
        reverse("claims:withdraw", args=[verdict.claim_id]),
        {"version": verdict.version},
        follow=True,
    )
    assert "can no longer be withdrawn: it is published, and a change now goes through a " in (
        shown(response)
    )


def test_a_publish_at_a_wrong_version_says_it_published_nothing_and_what_changed(client):
    verdict = submitted_verdict(author=fact_checker(username="factchecker"))
    client.force_login(editor(username="ed"))
    response = client.post(reverse("claims:publish", args=[verdict.claim_id]), {"version": 999})
    assert response.status_code == 409
    page = shown(response)
    assert (
        escape(
            "Not published: the verdict changed since you opened the page (factchecker submitted "
            f"it for review at {desk_time(verdict.updated_at)}). Reload to see the change."
        )
        in page
    )
    assert "Not saved" not in page and "their changes" not in page
    assert Verdict.objects.get(pk=verdict.pk).status == VerdictStatus.SUBMITTED


def test_a_withdrawal_refused_by_the_user_s_own_later_step_says_it_was_theirs(client):
    checker = fact_checker(username="fc")
    verdict = submitted_verdict(author=checker)
    old_tab = verdict.version
    verdict = verdicts.verdict_withdraw(verdict=verdict, actor=checker)
    verdict = verdicts.verdict_submit(verdict=verdict, actor=checker)
    client.force_login(checker)
    response = client.post(
        reverse("claims:withdraw", args=[verdict.claim_id]), {"version": old_tab}
    )
    assert response.status_code == 409
    assert escape(
        f"Not withdrawn: you submitted it for review at {desk_time(verdict.updated_at)}, in "
        "another tab or by sending the form twice. Reload to see the verdict as it is now."
    ) in shown(response)


def test_a_fact_checker_saving_a_draft_in_review_reads_what_review_means(client):
    verdict = submitted_verdict()
    client.force_login(verdict.author)
    response = client.post(
        reverse("claims:verdict_save", args=[verdict.claim_id]),
        {
            "version": verdict.version,
            "rating": verdict.rating_id,
            "conclusion": "Changed while in review.",
            "explanation": "",
            "sources-TOTAL_FORMS": "1",
            "sources-INITIAL_FORMS": "0",
            "sources-0-url": "https://a.example.org/x",
            "sources-0-title": "A report",
            "sources-0-note": "",
        },
        follow=True,
    )
    page = shown(response)
    assert (
        escape(
            "This verdict is in review: an editor publishes it or returns it to its author for "
            "changes."
        )
        in page
    )
    assert "Cannot edit the verdict of a verdict" not in page
    assert Verdict.objects.get(pk=verdict.pk).conclusion != "Changed while in review."


def test_rejecting_a_correction_a_colleague_published_says_who_published_it_and_when(client):
    verdict = published_verdict()
    sent = correction_sent(verdict, conclusion="Fixed.")
    correction_requests.correction_approve(correction=sent, editor=editor(username="editor"))
    sent.refresh_from_db()
    client.force_login(editor(username="late"))
    response = client.post(
        reverse("claims:correction_reject", args=[sent.pk]), {"note": "No."}, follow=True
    )
    page = shown(response)
    assert (
        f"editor published this correction at {desk_time(sent.decided_at)}: nothing to reject."
    ) in page
    assert "approved already" not in page


def test_withdrawing_a_correction_a_colleague_rejected_says_who_and_when(client):
    verdict = published_verdict()
    writer = fact_checker(username="writer")
    sent = correction_sent(verdict, writer=writer, conclusion="Fixed.")
    correction_requests.correction_reject(correction=sent, editor=editor(username="ed"), note="No.")
    sent.refresh_from_db()
    client.force_login(writer)
    response = client.post(reverse("claims:correction_withdraw", args=[sent.pk]), follow=True)
    assert (
        f"ed rejected this correction at {desk_time(sent.decided_at)}: nothing to withdraw."
    ) in shown(response)


@pytest.fixture
def application():
    verdict = published_verdict(claim=claim_alone("Crime fell by 40 percent last year."))
    repeat = claim_alone("Crime went down by forty percent, the councillor repeated.")
    group_changes.claim_group_link(claim=repeat, earlier=verdict.claim)
    return applications.verdict_application_request(
        claim=repeat, checked=verdict.claim, actor=fact_checker(username="factchecker")
    )


def test_rejecting_a_verdict_application_a_colleague_approved_says_who_and_when(
    client, application
):
    applications.verdict_application_approve(application=application, editor=editor(username="ed2"))
    application.refresh_from_db()
    client.force_login(editor(username="late"))
    response = client.post(
        reverse("claims:application_reject", args=[application.pk]), {"note": "No."}, follow=True
    )
    assert (
        f"ed2 approved this request at {desk_time(application.decided_at)}: nothing to reject."
    ) in shown(response)


def test_a_verdict_application_sent_twice_tells_the_sender_it_is_their_own(client, application):
    client.force_login(application.proposed_by)
    response = client.post(
        reverse("claims:apply_verdict", args=[application.claim_id]),
        {"checked": application.checked_id},
        follow=True,
    )
    page = shown(response)
    # The same request again loses nothing: told as information, not an error.
    assert (
        f"Already asked: you sent this request at {desk_time(application.proposed_at)}, and it "
        "waits for an editor"
    ) in page
    assert "<strong>Error:</strong>" not in page
    assert "(factchecker," not in page
    client.force_login(fact_checker(username="colleague"))
    response = client.post(
        reverse("claims:apply_verdict", args=[application.claim_id]),
        {"checked": application.checked_id},
        follow=True,
    )
    page = shown(response)
    assert (
        escape(
            f"Already asked by factchecker at {desk_time(application.proposed_at)}: the request to "
            f"apply the verdict of claim #{application.checked_id} to this claim waits"
        )
        in page
    )
    assert "<strong>Error:</strong>" not in page
    assert application.claim.verdict_applications.count() == 1


def test_resaving_a_draft_keeps_the_access_date_of_a_source_whose_address_it_keeps():
    verdict = submitted_verdict(sources=1)
    verdict = verdicts.verdict_return(verdict=verdict, actor=editor(), comment="Reword it.")
    read_then = dt.date(2026, 1, 2)
    EvidenceSource.objects.filter(verdict=verdict).update(accessed_on=read_then)
    draft_resaved(
        claim=verdict.claim,
        actor=verdict.author,
        expected_version=verdict.version,
        rating=verdict.rating,
        conclusion="Reworded.",
    )
    assert list(EvidenceSource.objects.filter(verdict=verdict).values_list("accessed_on")) == [
        (read_then,)
    ]
    assert read_then != timezone.localdate()


def test_the_admin_lists_a_published_correction_as_published_not_approved(client):
    sent = correction_sent(published_verdict(), conclusion="Fixed.")
    correction_requests.correction_approve(correction=sent, editor=editor())
    client.force_login(editor())
    row = client.get(reverse("admin:claims_correctionrequest_change", args=[sent.pk]))
    listed = client.get(reverse("admin:claims_correctionrequest_changelist"))
    for page in (shown(row), shown(listed)):
        assert ">Published<" in page.replace("\n", "").replace(" ", "")
    assert "(approved)" not in shown(row) and 'field-decision">Approved' not in shown(listed)
