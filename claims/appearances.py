"""A published fact-check's public appearances: the one definition of which claims of its
group the public sees (ClaimReview's `appearance`, the API's claim group, the public pages),
and the guard that keeps fact-checkers from changing that set without an editor.

A sibling is public once the desk stands behind it: it has a published verdict of its own, or
an editor applied this group's published verdict to it (a VERDICT_APPLIED group event, written
only by claims.matching.applications) and it has not left since. A suggested, auto-linked or
confirmed repeat in someone's pasted article stays desk-only, and so does a fact-checker's
proposal to apply a verdict until an editor approves it.

Imports claims.models, claims.modified (the date a change of appearances gives the fact-checks)
and claims.record for the published set's cache counter.
"""

from contextlib import contextmanager

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import (
    Claim,
    ClaimEvent,
    ClaimEventKind,
    ClaimGroupEvent,
    ClaimStatus,
    GroupEventKind,
    Verdict,
    published_verdict_q,
)
from .modified import verdicts_modified
from .record import published_changed

# Who changes what the public reads: the same permission as publishing a verdict.
PUBLISH_PERMISSION = "claims.publish_verdict"


class NeedsAnEditor(PermissionDenied):
    """The change would add or remove a public appearance of a published fact-check."""


def may_change_public_appearances(actor) -> bool:
    return actor is not None and actor.has_perm(PUBLISH_PERMISSION)


def standing_applications() -> QuerySet[ClaimGroupEvent]:
    """Verdict applications that still speak for their repeat. One stops counting once the
    repeat left its group since (split out, or linked to another claim's group; an undone move
    never took it out, and a merge of whole groups keeps it with its group), or was reopened
    since (it is checked anew). Back in a group later, it needs the verdict applied again."""
    left_since = ClaimGroupEvent.objects.filter(
        claim=OuterRef("claim"),
        kind__in=[GroupEventKind.SPLIT, GroupEventKind.CONFIRMED, GroupEventKind.AUTO_LINKED],
        undone_by__isnull=True,
        pk__gt=OuterRef("pk"),
    )
    reopened_since = ClaimEvent.objects.filter(
        claim=OuterRef("claim"),
        kind=ClaimEventKind.REOPENED,
        created_at__gt=OuterRef("created_at"),
    )
    return (
        ClaimGroupEvent.objects.filter(kind=GroupEventKind.VERDICT_APPLIED)
        .exclude(Exists(left_since))
        .exclude(Exists(reopened_since))
    )


def public_member_q() -> Q:
    """A claim the public may see as an appearance of its group's published fact-checks."""
    applied = standing_applications().filter(claim=OuterRef("pk"))
    # Applying dismisses the repeat as already checked; it counts only while it stays so.
    return published_verdict_q("verdict__") | Q(Exists(applied), status=ClaimStatus.DISMISSED)


def claim_appearances(claim: Claim, *, public: bool = True) -> list[Claim]:
    """The claim and the other claims of its group, in the order they were published; in
    public (ClaimReview, the public pages, non-desk API keys) only the public members."""
    return list(appearances_of(claim, public=public))


def appearances_of(claim: Claim, *, public: bool = True) -> QuerySet[Claim]:
    """claim_appearances as a query, for the reads that take part of a large group: the API's
    pages of appearances (ordered on `appeared_at`, then id) and ClaimReview's list."""
    if not claim.group_id:
        others = Claim.objects.filter(pk=claim.pk)
    else:
        others = Claim.objects.filter(group_id=claim.group_id)
        if public:
            others = others.filter(Q(pk=claim.pk) | public_member_q())
    # An undated article is placed by when the desk read it: one order on every database
    # (PostgreSQL sorts NULLs last, SQLite first) and a key a cursor can page on.
    return (
        others.select_related("article__outlet", "speaker")
        .annotate(appeared_at=Coalesce("article__published_at", "created_at"))
        .order_by("appeared_at", "pk")
    )


def claim_appearances_capped(claim: Claim, *, latest: int) -> list[Claim]:
    """The public appearances a bounded list shows, in order: the first, the claim itself and
    the `latest` most recent (three small queries however large the group grew)."""
    ordered = appearances_of(claim)
    shown = {other.pk: other for other in ordered.reverse()[:latest]}
    if len(shown) == latest:  # older ones were left out: keep the first and the claim's own
        for other in ordered.filter(Q(pk=claim.pk) | Q(pk__in=ordered.values("pk")[:1])):
            shown.setdefault(other.pk, other)
    return sorted(shown.values(), key=lambda other: (other.appeared_at, other.pk))


def public_appearance_map(*, claim_ids, group_ids) -> dict[int, frozenset[int]]:
    """For each published claim among `claim_ids` or in the groups `group_ids`: the ids of its
    public appearances (claim_appearances' set, read for them all in one query)."""
    group_ids = {pk for pk in group_ids if pk}
    rows = (
        Claim.objects.filter(Q(pk__in=list(claim_ids)) | Q(group_id__in=group_ids))
        .annotate(
            is_published=Exists(
                Claim.objects.filter(published_verdict_q("verdict__"), pk=OuterRef("pk"))
            ),
            is_public=Exists(Claim.objects.filter(public_member_q(), pk=OuterRef("pk"))),
        )
        .order_by()
        .values_list("pk", "group_id", "is_published", "is_public")
    )
    public_by_group: dict[int, set[int]] = {}
    published = []
    for pk, group_id, is_published, is_public in rows:
        if is_public and group_id:
            public_by_group.setdefault(group_id, set()).add(pk)
        if is_published:
            published.append((pk, group_id))
    return {
        pk: frozenset(public_by_group.get(group_id, set()) | {pk}) if group_id else frozenset({pk})
        for pk, group_id in published
    }


@contextmanager
def public_appearances_kept(*, actor, claim_ids, group_ids=()):
    """Around a change of groups or of a repeat's status: refuse it (NeedsAnEditor, which rolls
    the caller's transaction back) when it added or removed a public appearance of a published
    fact-check and `actor` is no editor. The worker (no actor) is no editor either. An editor's
    change goes through, and the published fact-checks whose appearances it changed are dated
    (appearances_changed_at, and modified_at through claims.modified): their ClaimReview, feed
    entry and sitemap entry changed. A repeat that stops being public no longer dates its
    application, so without this date a split or a reopening would leave the fact-check's date
    where it was, though what it lists changed.

    Use inside transaction.atomic(), the touched claims locked."""
    claim_ids = list(claim_ids)
    before_groups = set(group_ids) | set(
        Claim.objects.filter(pk__in=claim_ids).values_list("group_id", flat=True)
    )
    touched = Claim.objects.filter(Q(pk__in=claim_ids) | Q(group_id__in=before_groups - {None}))
    # No published fact-check among them, none after either (a change moves these claims
    # between these groups, or into a group it founds for one of them): nothing to compare,
    # and the worker's links into a viral group stay two small queries.
    if not touched.filter(published_verdict_q("verdict__")).exists():
        yield
        return
    before = public_appearance_map(claim_ids=claim_ids, group_ids=before_groups)
    yield
    after_groups = before_groups | set(
        Claim.objects.filter(pk__in=claim_ids).values_list("group_id", flat=True)
    )
    after = public_appearance_map(claim_ids=claim_ids, group_ids=after_groups)
    changed = sorted(pk for pk in before.keys() | after.keys() if before.get(pk) != after.get(pk))
    if not changed:
        return
    if not may_change_public_appearances(actor):
        named = ", ".join(f"#{pk}" for pk in changed[:3]) + (" …" if len(changed) > 3 else "")
        raise NeedsAnEditor(
            f"This would change where the published fact-check of claim {named} says the claim "
            "appeared: an editor makes this change (or approves it)."
        )
    now = timezone.now()
    dated = Verdict.objects.published().filter(claim_id__in=changed)
    dated.update(appearances_changed_at=now)
    verdicts_modified(verdicts=dated, at=now)
    # Cached sitemap pages and API lists carry the old dates.
    transaction.on_commit(published_changed)
