"""A partner syncing published verdicts by `updated_since` hears of every change to the public
fact-check, its ClaimReview's appearances included, and of nothing the public cannot see: the
API's `modified_at` is the ClaimReview's dateModified."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone

from claims.matching import applications, group_changes
from claims.models import ClaimGroupEvent, Correction, GroupEventKind, Verdict
from claims.modified import verdicts_modified
from claims.record import published_changed
from claims.selectors.public import modified_since, with_modified_at
from tests.api_clients import key_client
from tests.factories import (
    editor,
    fact_checker,
    modified_at_recomputed,
    published_verdict,
    titled_claim,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("fast_password_hashing", "fresh_cache"),
]


def fresh(row):
    row.refresh_from_db()
    return row


def synced_since(when) -> list[int]:
    response = key_client().get("/api/v1/verdicts/", {"updated_since": when.isoformat()})
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def published_days_ago(verdict, days: int) -> None:
    when = timezone.now() - dt.timedelta(days=days)
    Verdict.objects.filter(pk=verdict.pk).update(published_at=when, modified_at=when)


def test_splitting_an_applied_repeat_out_brings_the_fact_check_back_in_the_sync(
    applied, django_capture_on_commit_callbacks
):
    verdict, repeat, desk_editor = applied
    mark = timezone.now() - dt.timedelta(hours=1)
    assert synced_since(mark) == []
    with django_capture_on_commit_callbacks(execute=True):
        group_changes.claim_split(claim=repeat, actor=desk_editor)
    assert synced_since(mark) == [verdict.pk]


def test_an_editor_applying_the_verdict_to_a_repeat_brings_the_fact_check_back_in_the_sync(
    django_capture_on_commit_callbacks,
):
    verdict = published_verdict(claim=titled_claim("Crime fell by 40 percent last year."))
    published_days_ago(verdict, 3)
    mark = timezone.now() - dt.timedelta(hours=1)
    assert synced_since(mark) == []
    with django_capture_on_commit_callbacks(execute=True):
        applications.verdict_application_request(
            claim=titled_claim("Crime went down 40 percent."), checked=verdict.claim, actor=editor()
        )
    assert synced_since(mark) == [verdict.pk]


def test_changes_the_public_does_not_see_leave_the_fact_check_out_of_the_sync(
    django_capture_on_commit_callbacks,
):
    verdict = published_verdict(claim=titled_claim("Crime fell by 40 percent last year."))
    published_days_ago(verdict, 3)
    mark = timezone.now() - dt.timedelta(hours=1)
    checker = fact_checker()
    with django_capture_on_commit_callbacks(execute=True):
        repeat = titled_claim("Crime went down 40 percent.")
        group_changes.claim_group_link(claim=repeat, earlier=verdict.claim)  # a desk-only repeat
        group_changes.claim_split(claim=fresh(repeat), actor=checker)
        # A fact-checker's request waits for an editor: not public yet.
        applications.verdict_application_request(
            claim=titled_claim("Down 40 percent, again."), checked=verdict.claim, actor=checker
        )
    assert synced_since(mark) == []


def test_the_api_s_modified_at_is_the_claimreview_s_date_modified(
    applied, django_capture_on_commit_callbacks
):
    verdict, repeat, desk_editor = applied
    with django_capture_on_commit_callbacks(execute=True):
        group_changes.claim_split(claim=repeat, actor=desk_editor)
    api = key_client()
    listed = api.get("/api/v1/verdicts/").json()["results"][0]
    review = api.get(f"/api/v1/verdicts/{verdict.pk}/claimreview/").json()
    modified_at = dt.datetime.fromisoformat(listed["modified_at"])
    # ClaimReview's dates are to the second.
    assert modified_at.replace(microsecond=0) == dt.datetime.fromisoformat(review["dateModified"])
    assert modified_at > dt.datetime.fromisoformat(listed["updated_at"])
    assert api.get(listed["url"]).json()["modified_at"] == listed["modified_at"]


def test_updated_since_picks_the_verdicts_whose_modified_at_is_that_late():
    """The filter compares modified_at's dates one by one: it must pick the same verdicts as
    modified_at itself, whichever of its dates is the latest."""
    now = timezone.now()
    plain = published_verdict(claim=titled_claim("Jobs rose by 3 percent."))
    corrected = published_verdict(claim=titled_claim("Jobs rose by 4 percent."))
    regrouped = published_verdict(claim=titled_claim("Jobs rose by 5 percent."))
    applied_to = published_verdict(claim=titled_claim("Jobs rose by 6 percent."))
    applications.verdict_application_request(
        claim=titled_claim("Jobs went up 6 percent."), checked=applied_to.claim, actor=editor()
    )
    for days, verdict in enumerate((plain, corrected, regrouped, applied_to), start=10):
        published_days_ago(verdict, days)
    Correction.objects.create(verdict=corrected, note="A figure.", created_by=editor())
    Correction.objects.filter(verdict=corrected).update(created_at=now - dt.timedelta(days=4))
    Verdict.objects.filter(pk=regrouped.pk).update(
        appearances_changed_at=now - dt.timedelta(days=3)
    )
    ClaimGroupEvent.objects.filter(kind=GroupEventKind.VERDICT_APPLIED).update(
        created_at=now - dt.timedelta(days=2)
    )
    modified_at_recomputed()
    published = with_modified_at(Verdict.objects.published())

    def picked(days: float) -> set[int]:
        mark = now - dt.timedelta(days=days)
        return set(modified_since(published, mark).values_list("pk", flat=True))

    for days in (0, 2.5, 3.5, 4.5, 10.5, 11.5, 12.5, 14):
        mark = now - dt.timedelta(days=days)
        assert picked(days) == {v.pk for v in published if v.modified_at >= mark}, days
    assert picked(4.5) == {corrected.pk, regrouped.pk, applied_to.pk}
    assert picked(2.5) == {applied_to.pk}


def test_a_sync_pages_oldest_change_first_and_meets_a_verdict_changed_meanwhile_again():
    now = timezone.now()
    corrected, older, newer = (
        published_verdict(claim=titled_claim(f"Jobs rose by {number} percent."))
        for number in (3, 4, 5)
    )
    for days, verdict in ((10, corrected), (6, older), (4, newer)):
        published_days_ago(verdict, days)
    Correction.objects.create(verdict=corrected, note="A figure.", created_by=editor())
    Correction.objects.filter(verdict=corrected).update(created_at=now - dt.timedelta(days=2))
    modified_at_recomputed()
    api = key_client()
    since = (now - dt.timedelta(days=30)).isoformat()

    def paged(ordering: str, *, on_first_page=lambda: None) -> list[int]:
        seen, query = [], {"ordering": ordering, "updated_since": since, "page_size": 1}
        url = "/api/v1/verdicts/"
        while url:
            response = api.get(url, query)
            assert response.status_code == 200, response.content
            seen += [row["id"] for row in response.json()["results"]]
            url, query = response.json()["next"], None
            if len(seen) == 1:
                on_first_page()
        return seen

    assert paged("modified_at") == [older.pk, newer.pk, corrected.pk]
    assert paged("-modified_at") == [corrected.pk, newer.pk, older.pk]

    def correct_older():
        correction = Correction.objects.create(verdict=older, note="A date.", created_by=editor())
        verdicts_modified(verdicts=[older], at=correction.created_at)  # as correction_publish does
        published_changed()  # as correction_publish does once it commits: no page comes cached

    assert paged("modified_at", on_first_page=correct_older) == [
        older.pk,
        newer.pk,
        corrected.pk,
        older.pk,
    ]


def test_a_timestamp_pasted_with_its_plus_unencoded_still_syncs():
    verdict = published_verdict(claim=titled_claim("Rents rose by 9 percent."))
    when = dt.datetime(2026, 12, 3, 9, tzinfo=dt.UTC)
    Verdict.objects.filter(pk=verdict.pk).update(published_at=when, modified_at=when)
    # 08:00 at +13:00 is 19:00 the day before in UTC: the fact-check is later, so it is synced.
    # The "+" goes into the URL as typed, which a query string reads as a space.
    response = key_client().get("/api/v1/verdicts/?updated_since=2026-12-03T08:00:00+13:00")
    assert response.status_code == 200, response.content
    assert [row["id"] for row in response.json()["results"]] == [verdict.pk]
    later = key_client().get("/api/v1/verdicts/?updated_since=2026-12-04T08:00:00+13:00")
    assert later.json()["results"] == []


def test_a_date_time_the_api_cannot_read_says_what_it_expects():
    response = key_client().get("/api/v1/verdicts/", {"updated_since": "3 Dec 2026"})
    assert response.status_code == 400
    message = response.json()["fields"]["updated_since"][0]
    assert (
        "ISO 8601" in message
        and "2026-12-03T08:00:00Z" in message
        and "URL-encode the +" in message
    )


def test_a_verdict_committed_after_a_poll_but_stamped_before_it_comes_at_the_next_poll():
    # The partner polls at `last_run` and sees nothing new; the desk's publication, stamped a
    # few seconds before that poll, commits only after it (a transaction still running then).
    last_run = timezone.now()
    assert synced_since(last_run - dt.timedelta(hours=1)) == []
    late = published_verdict(claim=titled_claim("Rents rose by 7 percent."))
    stamped = last_run - dt.timedelta(seconds=5)
    Verdict.objects.filter(pk=late.pk).update(published_at=stamped, modified_at=stamped)
    published_changed()
    assert synced_since(last_run) == [late.pk]


def test_the_overlap_reaches_back_only_its_own_length(settings):
    settings.API_SYNC_OVERLAP_SECONDS = 60
    now = timezone.now()
    inside, outside = (
        published_verdict(claim=titled_claim(f"Rents rose by {number} percent."))
        for number in (3, 4)
    )
    for verdict, seconds in ((inside, 50), (outside, 70)):
        when = now - dt.timedelta(seconds=seconds)
        Verdict.objects.filter(pk=verdict.pk).update(published_at=when, modified_at=when)
    assert synced_since(now) == [inside.pk]
    settings.API_SYNC_OVERLAP_SECONDS = 0
    cache.clear()  # the same URL's page, cached a moment ago
    assert synced_since(now) == []


def test_a_sync_from_the_first_possible_moment_is_not_a_server_error():
    response = key_client().get("/api/v1/verdicts/", {"updated_since": "0001-01-01T00:00:00Z"})
    assert response.status_code == 200, response.content
