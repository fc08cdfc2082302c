"""A published fact-check's dateModified (and its feed and sitemap dates) moves whenever an
editor changes the appearances its ClaimReview lists: a repeat applied, split out, reopened, or
a merge of two fact-checks' groups; a change the public does not see dates nothing."""

import datetime as dt
import json
import re

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from claims import services
from claims.matching import applications, group_changes
from claims.models import GroupEventKind, Verdict
from tests.factories import (
    editor,
    fact_checker,
    published_verdict,
    titled_claim,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


def fresh(row):
    row.refresh_from_db()
    return row


def jsonld_of(client, verdict) -> dict:
    html = client.get(reverse("claims:public", args=[verdict.pk])).content.decode()
    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
    return json.loads(block)


def headlines(review) -> list[str]:
    return [appearance["headline"] for appearance in review["itemReviewed"]["appearance"]]


def modified(review) -> dt.datetime:
    return dt.datetime.fromisoformat(review["dateModified"])


def test_splitting_an_applied_repeat_out_moves_date_modified_on_and_drops_its_appearance(
    client, applied
):
    verdict, repeat, desk_editor = applied
    before = jsonld_of(client, verdict)
    assert repeat.text in headlines(before)
    group_changes.claim_split(claim=repeat, actor=desk_editor)
    after = jsonld_of(client, verdict)
    # Without its own date, the split repeat's application stopped dating the review and
    # dateModified fell back to the publication: earlier, though the review had changed.
    assert modified(after) > modified(before)
    assert modified(after).date() == timezone.localdate()
    assert headlines(after) == [verdict.claim.article.title]


def test_reopening_an_applied_repeat_moves_date_modified_on(client, applied):
    verdict, repeat, desk_editor = applied
    before = jsonld_of(client, verdict)
    services.claim_reopen(claim=repeat, actor=desk_editor)
    after = jsonld_of(client, verdict)
    assert modified(after) > modified(before)
    assert repeat.text not in headlines(after)


def test_the_sitemap_and_feed_date_the_fact_check_by_the_split_too(
    client, applied, django_capture_on_commit_callbacks
):
    verdict, repeat, desk_editor = applied
    two_days_ago = timezone.localdate() - dt.timedelta(days=2)

    def dates():
        sitemap = client.get("/sitemap-fact-checks.xml").content.decode()
        feed = client.get(reverse("claims:public_feed")).content.decode()
        (lastmod,) = re.findall(r"<lastmod>(\d{4}-\d\d-\d\d)", sitemap)
        (updated,) = re.findall(r"<entry>.*?<updated>(\d{4}-\d\d-\d\d)", feed, re.DOTALL)
        return lastmod, updated

    assert dates() == (two_days_ago.isoformat(),) * 2  # the sitemap page is cached now
    with django_capture_on_commit_callbacks(execute=True):
        group_changes.claim_split(claim=repeat, actor=desk_editor)
    assert dates() == (timezone.localdate().isoformat(),) * 2


def test_merging_two_fact_checks_groups_dates_neither_since_neither_s_appearances_change(
    client,
):
    first = published_verdict(claim=titled_claim("Crime fell by 40 percent last year."))
    second = published_verdict(claim=titled_claim("Crime was down 40 percent."))
    group_changes.claim_group_link(
        claim=titled_claim("Crime fell 40 percent, again."), earlier=first.claim
    )
    group_changes.claim_group_link(
        claim=titled_claim("Down 40 percent, again."), earlier=second.claim
    )
    long_ago = timezone.now() - dt.timedelta(days=3)
    Verdict.objects.filter(pk__in=[first.pk, second.pk]).update(
        published_at=long_ago, modified_at=long_ago
    )
    group_changes.group_merge(
        source=fresh(first.claim).group, target=fresh(second.claim).group, actor=editor()
    )
    # Each verdict speaks for the repeats applied to it only (claims.appearances).
    for verdict in (first, second):
        review = jsonld_of(client, verdict)
        assert "dateModified" not in review
        assert headlines(review) == [verdict.claim.article.title]


def test_splitting_a_fact_check_s_own_claim_out_dates_it_and_drops_its_repeats(client, applied):
    verdict, repeat, desk_editor = applied
    Verdict.objects.filter(pk=verdict.pk).update(
        appearances_changed_at=None, modified_at=F("published_at")
    )
    before = jsonld_of(client, verdict)
    assert repeat.text in headlines(before) and "dateModified" not in before
    group_changes.claim_split(claim=fresh(verdict.claim), actor=desk_editor)
    review = jsonld_of(client, verdict)
    assert modified(review).date() == timezone.localdate()
    assert headlines(review) == [verdict.claim.article.title]


def test_a_group_change_the_public_does_not_see_dates_nothing(client):
    verdict = published_verdict(claim=titled_claim("Crime fell by 40 percent last year."))
    repeat, checker = titled_claim("Crime went down 40 percent."), fact_checker()
    group_changes.claim_group_link(claim=repeat, earlier=verdict.claim)  # a desk-only repeat
    long_ago = timezone.now() - dt.timedelta(days=3)
    Verdict.objects.filter(pk=verdict.pk).update(published_at=long_ago, modified_at=long_ago)
    group_changes.claim_split(claim=fresh(repeat), actor=checker)
    group_changes.claim_group_link(
        claim=fresh(repeat), earlier=verdict.claim, actor=editor(), kind=GroupEventKind.CONFIRMED
    )
    assert "dateModified" not in jsonld_of(client, verdict)


def test_applying_a_verdict_to_a_repeat_dates_that_fact_check_only(client):
    first = published_verdict(claim=titled_claim("Crime fell by 40 percent last year."))
    second = published_verdict(claim=titled_claim("Crime was down 40 percent."))
    desk_editor = editor()
    group_changes.claim_group_link(
        claim=second.claim, earlier=first.claim, actor=desk_editor, kind=GroupEventKind.CONFIRMED
    )
    long_ago = timezone.now() - dt.timedelta(days=3)
    Verdict.objects.filter(pk__in=[first.pk, second.pk]).update(
        published_at=long_ago, modified_at=long_ago
    )
    repeat = titled_claim("Crime went down 40 percent, again.")
    applications.verdict_application_request(
        claim=repeat, checked=fresh(first.claim), actor=desk_editor
    )
    assert modified(jsonld_of(client, first)).date() == timezone.localdate()
    assert repeat.text in headlines(jsonld_of(client, first))
    untouched = jsonld_of(client, second)
    assert "dateModified" not in untouched and repeat.text not in headlines(untouched)
