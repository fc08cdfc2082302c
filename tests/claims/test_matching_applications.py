"""Applying a published verdict to a repeat: a fact-checker asks, an editor who did not ask
approves or rejects, the author may withdraw; every public output shows the repeat only once
an editor approved it."""

import datetime as dt
import json
import re

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from claims.appearances import NeedsAnEditor, claim_appearances
from claims.matching import applications, group_changes
from claims.models import (
    ApplicationStatus,
    Claim,
    ClaimEvent,
    ClaimEventKind,
    ClaimGroupEvent,
    ClaimStatus,
    GroupEventKind,
    Verdict,
)
from tests.api_clients import key_client
from tests.factories import (
    claim_alone,
    editor,
    fact_checker,
    published_verdict,
    submitted_verdict,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

REPEAT_TEXT = "Crime went down by forty percent, the councillor repeated."


def fresh(row):
    row.refresh_from_db()
    return row


def public_ids(checked: Claim) -> list[int]:
    return [c.pk for c in claim_appearances(Claim.objects.get(pk=checked.pk))]


@pytest.fixture
def case():
    """A published fact-check, a linked repeat of it and a fact-checker's request to apply it."""
    verdict = published_verdict(claim=claim_alone("Crime fell by 40 percent last year."))
    repeat = claim_alone(REPEAT_TEXT)
    group_changes.claim_group_link(claim=repeat, earlier=verdict.claim)
    checker = fact_checker(username="fc")
    application = applications.verdict_application_request(
        claim=repeat, checked=verdict.claim, actor=checker
    )
    return verdict, fresh(repeat), checker, application


def approve(application, user=None):
    return applications.verdict_application_approve(
        application=application, editor=user or editor(username="ed")
    )


# --- The request and its decision ----------------------------------------------------------


def test_a_fact_checker_s_request_waits_for_an_editor_and_changes_nothing(case):
    verdict, repeat, checker, application = case
    assert application.status == ApplicationStatus.PENDING
    assert repeat.status == ClaimStatus.NEW  # still in the queue
    assert public_ids(verdict.claim) == [verdict.claim.pk]
    assert not ClaimGroupEvent.objects.filter(kind=GroupEventKind.VERDICT_APPLIED).exists()
    event = ClaimEvent.objects.get(claim=repeat, kind=ClaimEventKind.APPLICATION_PROPOSED)
    assert (event.actor, event.data["checked"]) == (checker, verdict.claim.pk)


def test_an_editor_s_approval_makes_the_repeat_public_with_who_and_when(case):
    verdict, repeat, checker, application = case
    desk_editor = editor(username="ed")
    approve(application, desk_editor)
    application.refresh_from_db()
    assert (application.status, application.decided_by) == ("approved", desk_editor)
    assert application.decided_at is not None
    assert fresh(repeat).status == ClaimStatus.DISMISSED
    assert public_ids(verdict.claim) == [verdict.claim.pk, repeat.pk]
    applied = ClaimGroupEvent.objects.get(kind=GroupEventKind.VERDICT_APPLIED)
    assert (applied.actor, applied.data["proposed_by"]) == (desk_editor, "fc")
    kinds = list(ClaimEvent.objects.filter(claim=repeat).values_list("kind", "actor__username"))
    assert kinds[-3:] == [
        ("application_proposed", "fc"),
        ("dismissed", "ed"),
        ("application_approved", "ed"),
    ]


def test_a_fact_checker_neither_approves_nor_rejects(case):
    _, repeat, checker, application = case
    with pytest.raises(NeedsAnEditor):
        approve(application, fact_checker())
    with pytest.raises(NeedsAnEditor):
        applications.verdict_application_reject(application=application, editor=checker, note="No.")
    assert fresh(application).status == ApplicationStatus.PENDING


def test_nobody_approves_their_own_request(case):
    _, _, checker, application = case
    checker.groups.add(Group.objects.get(name="Editors"))  # promoted since they asked
    promoted = type(checker).objects.get(pk=checker.pk)  # a fresh permission cache
    with pytest.raises(PermissionDenied, match="another editor"):
        approve(application, promoted)
    assert fresh(application).status == ApplicationStatus.PENDING


def test_a_rejection_says_why_and_leaves_the_claim_as_it_was(case):
    verdict, repeat, _, application = case
    desk_editor = editor(username="ed")
    with pytest.raises(ValidationError, match="Say why"):
        applications.verdict_application_reject(
            application=application, editor=desk_editor, note="\u200b "
        )
    for note, message in [
        ("x" * 2001, "The reason for the rejection is too long: keep it to 2,000 characters"),
        ("Old\x00figure", "The reason for the rejection holds a NUL character"),
        ("Old \ud800 figure", "The reason for the rejection holds half of a character"),
    ]:
        with pytest.raises(ValidationError, match=message):
            applications.verdict_application_reject(
                application=application, editor=desk_editor, note=note
            )
    applications.verdict_application_reject(
        application=application, editor=desk_editor, note="Another year's figure."
    )
    application.refresh_from_db()
    assert (application.status, application.decided_by) == ("rejected", desk_editor)
    assert fresh(repeat).status == ClaimStatus.NEW
    assert public_ids(verdict.claim) == [verdict.claim.pk]
    event = ClaimEvent.objects.get(claim=repeat, kind=ClaimEventKind.APPLICATION_REJECTED)
    assert (event.actor, event.note) == (desk_editor, "Another year's figure.")
    with pytest.raises(ValidationError, match="rejected this request at .*: nothing to approve"):
        approve(application)


def test_an_approve_sent_twice_says_who_approved_it_as_information_not_an_error(client, case):
    url = reverse("claims:application_approve", args=[case[3].pk])
    client.force_login(editor(username="ed"))
    client.post(url)
    again = client.post(url, follow=True).content.decode()
    assert "Already done: you approved this request at " in again
    client.force_login(editor(username="other"))  # a colleague's tab, drawn before ed approved
    late = client.post(url, follow=True).content.decode()
    assert "Already done: ed approved this request at " in late
    assert "<strong>Error:</strong>" not in again + late
    assert ClaimGroupEvent.objects.filter(kind=GroupEventKind.VERDICT_APPLIED).count() == 1


def test_only_the_author_withdraws_a_request(case):
    _, repeat, checker, application = case
    with pytest.raises(PermissionDenied, match="Only whoever asked"):
        applications.verdict_application_withdraw(application=application, actor=fact_checker())
    applications.verdict_application_withdraw(application=application, actor=checker)
    assert fresh(application).status == ApplicationStatus.WITHDRAWN
    assert ClaimEvent.objects.filter(
        claim=repeat, kind=ClaimEventKind.APPLICATION_WITHDRAWN, actor=checker
    ).exists()


def test_a_second_request_for_the_same_repeat_waits_for_the_first_to_be_decided(case):
    verdict, repeat, _, _ = case
    with pytest.raises(ValidationError, match="waits for an editor already"):
        applications.verdict_application_request(
            claim=repeat, checked=verdict.claim, actor=editor()
        )
    assert repeat.verdict_applications.count() == 1


def test_an_approval_checks_the_repeat_again(case):
    verdict, repeat, _, application = case
    # Since the request, the repeat got a verdict of its own, now with an editor.
    submitted_verdict(claim=repeat)
    with pytest.raises(ValidationError, match="own verdict submitted"):
        approve(application)
    assert fresh(application).status == ApplicationStatus.PENDING
    assert public_ids(verdict.claim) == [verdict.claim.pk]


# --- Every public output: only what an editor approved -------------------------------------


def jsonld_of(client, verdict) -> dict:
    html = client.get(reverse("claims:public", args=[verdict.pk])).content.decode()
    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
    return json.loads(block)


def test_the_public_page_s_claimreview_lists_the_repeat_once_approved(client, case):
    verdict, repeat, _, application = case
    assert len(jsonld_of(client, verdict)["itemReviewed"]["appearance"]) == 1
    approve(application)
    appearances = jsonld_of(client, verdict)["itemReviewed"]["appearance"]
    assert [a["headline"] for a in appearances] == [
        verdict.claim.article.title,
        repeat.article.title,
    ]


def test_the_api_s_claimreview_and_claim_group_list_the_repeat_once_approved(case):
    verdict, repeat, _, application = case
    api, desk = key_client(), key_client(staff=True)

    def shown(client):
        group = client.get(f"/api/v1/claims/{verdict.claim.pk}/").json()["group"]
        return [a["claim_id"] for a in group["appearances"]]

    def reviewed():
        response = key_client().get(f"/api/v1/verdicts/{verdict.pk}/claimreview/").json()
        return len(response["itemReviewed"]["appearance"])

    assert (shown(api), reviewed()) == ([verdict.claim.pk], 1)
    assert shown(desk) == [verdict.claim.pk, repeat.pk]  # the desk scope sees the group
    approve(application)
    assert (shown(api), reviewed()) == ([verdict.claim.pk, repeat.pk], 2)


def published_days_ago(verdict, days: int):
    when = timezone.now() - dt.timedelta(days=days)
    Verdict.objects.filter(pk=verdict.pk).update(published_at=when, modified_at=when)
    return when.date().isoformat()


def test_an_approval_dates_the_claimreview_s_date_modified_on_the_page_and_in_the_api(client, case):
    verdict, _, _, application = case
    published_days_ago(verdict, 3)
    published_at = Verdict.objects.get(pk=verdict.pk).published_at
    # ClaimReview's dates are date-times in the desk's zone (claimreview.desk_moment).
    published_on = timezone.localtime(published_at).isoformat(timespec="seconds")

    def reviews():
        api = key_client().get(f"/api/v1/verdicts/{verdict.pk}/claimreview/").json()
        return [jsonld_of(client, verdict), api]

    for review in reviews():
        assert review["datePublished"] == published_on and "dateModified" not in review
    approve(application)
    today = timezone.localdate().isoformat()
    for review in reviews():
        assert review["datePublished"] == published_on
        assert review["dateModified"][:10] == today  # its itemReviewed has a new appearance
        assert len(review["itemReviewed"]["appearance"]) == 2


def test_a_rejected_or_withdrawn_request_dates_nothing(client, case):
    verdict, repeat, checker, application = case
    published_days_ago(verdict, 3)
    applications.verdict_application_withdraw(application=application, actor=checker)
    assert "dateModified" not in jsonld_of(client, verdict)


def test_the_sitemap_and_feed_date_the_fact_check_by_its_latest_approved_appearance(
    client, case, django_capture_on_commit_callbacks
):
    verdict, _, _, application = case
    published_on = published_days_ago(verdict, 3)
    today = timezone.now().date().isoformat()

    def dates():
        sitemap = client.get("/sitemap-fact-checks.xml").content.decode()
        feed = client.get(reverse("claims:public_feed")).content.decode()
        (lastmod,) = re.findall(r"<lastmod>(\d{4}-\d\d-\d\d)", sitemap)
        (updated,) = re.findall(r"<entry>.*?<updated>(\d{4}-\d\d-\d\d)", feed, re.DOTALL)
        return lastmod, updated

    assert dates() == (published_on, published_on)  # the sitemap page is cached now
    with django_capture_on_commit_callbacks(execute=True):
        approve(application)
    assert dates() == (today, today)


def test_public_search_feed_and_sitemap_never_show_a_requested_repeat(client, case):
    verdict, repeat, _, application = case

    def assert_only_the_fact_check_is_listed():
        index = client.get(reverse("claims:public_index"), {"q": "councillor repeated"})
        assert REPEAT_TEXT not in index.content.decode()
        assert list(index.context["page"]) == []  # the repeat has no fact-check of its own
        feed = client.get(reverse("claims:public_feed")).content.decode()
        assert "councillor repeated" not in feed
        sitemap = client.get("/sitemap-fact-checks.xml").content.decode()
        assert sitemap.count("<loc>") == 1 and f"/fact-checks/{verdict.pk}/" in sitemap

    assert_only_the_fact_check_is_listed()  # pending
    approve(application)
    assert_only_the_fact_check_is_listed()  # approved: an appearance, not a fact-check


def test_an_editor_s_own_request_is_applied_at_once_and_recorded_as_theirs():
    verdict = published_verdict(claim=claim_alone("Crime fell by 40 percent last year."))
    repeat, desk_editor = claim_alone(REPEAT_TEXT), editor(username="ed")
    application = applications.verdict_application_request(
        claim=repeat, checked=verdict.claim, actor=desk_editor
    )
    assert (application.status, application.proposed_by, application.decided_by) == (
        "approved",
        desk_editor,
        desk_editor,
    )
    assert public_ids(verdict.claim) == [verdict.claim.pk, repeat.pk]
    with pytest.raises(ValidationError, match="covers claim"):
        applications.verdict_application_request(
            claim=fresh(repeat), checked=verdict.claim, actor=desk_editor
        )


def test_the_admin_lists_requests_and_changes_none_of_them(client, case):
    from tests.factories import admin_user

    _, _, _, application = case
    client.force_login(admin_user())
    listing = client.get(reverse("admin:claims_verdictapplication_changelist"))
    assert listing.status_code == 200 and "Awaiting an editor" in listing.content.decode()
    assert client.get(reverse("admin:claims_verdictapplication_add")).status_code == 403
    change = reverse("admin:claims_verdictapplication_change", args=[application.pk])
    client.post(change, {"status": "approved"})
    assert fresh(application).status == ApplicationStatus.PENDING


def test_an_editor_s_direct_application_is_on_the_repeat_s_timeline_as_theirs(client):
    verdict = published_verdict(claim=claim_alone("Crime fell by 40 percent last year."))
    repeat, desk_editor = claim_alone(REPEAT_TEXT), editor(username="ed")
    applications.verdict_application_request(claim=repeat, checked=verdict.claim, actor=desk_editor)
    client.force_login(desk_editor)
    history = client.get(reverse("claims:history", args=[repeat.pk])).content.decode()
    assert "Verdict application approved" in history and "application proposed" not in history
    event = ClaimEvent.objects.get(claim=repeat, kind=ClaimEventKind.APPLICATION_APPROVED)
    assert (event.actor, event.data["proposed_by"]) == (desk_editor, "ed")
