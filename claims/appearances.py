"""A published fact-check's public appearances: the one definition of where the public reads
that the claim a fact-check reviewed was made (ClaimReview's `appearance`, the public page's
"Also made in", the API's appearances for keys without the desk scope), of a public claim
(public_member_q: the API's claims follow it, so each appearance it lists opens), and the guard
that keeps fact-checkers from changing that set without an editor.

A fact-check's appearances are its own claim and the repeats an editor applied that verdict to
(a VERDICT_APPLIED group event naming the claim as `checked`, written only by
claims.matching.applications) that stayed in its group, dismissed, since; one per article,
the claim's own article being the claim's. Another claim of the group with a fact-check of its
own, or a repeat covered by another fact-check, is not one of them: a merge of two groups that
each hold a published verdict leaves each fact-check with its own repeats, but is an editor's
(the group's "already checked" would have two answers), and so is publishing a verdict
in a group that holds a published fact-check already: the editor confirms it
(second_fact_check_refusal), as the merge rule asks of a group change. A suggested,
auto-linked or confirmed repeat in someone's pasted article stays desk-only, and so does a
fact-checker's proposal to apply a verdict until an editor approves it.

Imports claims.models, claims.modified (the date a change of appearances gives the fact-checks)
and claims.record for the published set's cache counter.
"""

from contextlib import contextmanager

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, IntegerField, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.utils import timezone

from .models import (
    Claim,
    ClaimEvent,
    ClaimEventKind,
    ClaimGroupEvent,
    ClaimStatus,
    GroupEventKind,
    Verdict,
    claim_made_at,
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


def _covering_applications() -> QuerySet[ClaimGroupEvent]:
    """The standing applications that still make their repeat public: the repeat stayed
    dismissed (applying dismisses it as already checked), and the claim whose verdict was
    applied (`checked_id`) still has it published and is still in the repeat's group (the
    cover ends when the checked claim leaves it too)."""
    checked = Claim.objects.filter(
        published_verdict_q("verdict__"),
        pk=OuterRef("checked_id"),
        group_id=OuterRef("claim__group_id"),
    )
    return (
        standing_applications()
        .filter(claim__status=ClaimStatus.DISMISSED)
        .annotate(checked_id=Cast(KeyTextTransform("checked", "data"), IntegerField()))
        .filter(Exists(checked))
    )


def public_member_q() -> Q:
    """A public claim, the one definition: one with a published verdict of its own, or a repeat
    an editor applied one to that the fact-check's appearances still list. The API's claims,
    the appearances its ClaimReview and public page show and the guards on deleting what the
    public reads all use it (which fact-check covers a repeat: with_covering_claim)."""
    # An IN over the few applications, read once, not a subquery per claim of a long list.
    covered = _covering_applications().values("claim_id")
    return published_verdict_q("verdict__") | Q(pk__in=covered)


def with_covering_claim(claims: QuerySet[Claim]) -> QuerySet[Claim]:
    """`covering_claim_id`: for a repeat public_member_q makes public, the claim whose
    published verdict an editor applied to it (the latest such application); else None."""
    latest = _covering_applications().filter(claim=OuterRef("pk")).order_by("-created_at", "-pk")
    return claims.annotate(covering_claim_id=Subquery(latest.values("checked_id")[:1]))


def covered_repeats_of(claim: Claim) -> QuerySet[Claim]:
    """The repeats whose appearances `claim`'s published verdict speaks for: those an editor
    applied that verdict to, still standing, still dismissed and still in the claim's group.
    The event names the fact-check applied (`checked`), so a merge of groups that each hold a
    published verdict leaves each with its own repeats (claim_covered_by reads the same)."""
    if not claim.group_id:
        return Claim.objects.none()
    applied = _covering_applications().filter(claim=OuterRef("pk"), data__checked=claim.pk)
    return Claim.objects.filter(Exists(applied), group_id=claim.group_id).exclude(pk=claim.pk)


def claim_appearances(claim: Claim, *, public: bool = True) -> list[Claim]:
    """In public (ClaimReview, the public pages, non-desk API keys) the fact-check's
    appearances, one claim per article in the order they were published; on the desk the claim
    and every other claim of its group."""
    return list(appearances_of(claim, public=public))


def appearances_of(claim: Claim, *, public: bool = True) -> QuerySet[Claim]:
    """claim_appearances as a query, for the reads that take part of a large group: the API's
    pages of appearances for the desk scope and a claim in no group (ordered on `appeared_at`,
    then id; in public a grouped claim's are group_public_appearances) and ClaimReview's
    list."""
    if public:
        # One appearance per article (an article's URL is unique): the claim's own article is
        # the claim's, and a repeat said twice in one article is its earliest claim.
        # (One GROUP BY over the repeats: a "no earlier claim in this article" subquery per
        # repeat read the repeats again for each one, minutes for a viral claim's group.)
        repeats = covered_repeats_of(claim).exclude(article_id=claim.article_id)
        shown = repeats.order_by().values("article_id").annotate(first=Min("pk")).values("first")
        others = Claim.objects.filter(Q(pk=claim.pk) | Q(pk__in=shown))
    elif claim.group_id:
        others = Claim.objects.filter(group_id=claim.group_id)
    else:
        others = Claim.objects.filter(pk=claim.pk)
    return _in_appearance_order(others)


def group_public_appearances(group_id: int) -> QuerySet[Claim]:
    """The group's public claims, the same list whichever of them is asked (the API's group,
    one id one content): each claim with a published verdict of its own, and the repeats
    covered by one of them, one per article, an article with a fact-check's own claim shown by
    that claim. A group holds one fact-check but for an editor's merge
    (public_appearances_kept), and then this is that fact-check's appearances_of."""
    members = Claim.objects.filter(group_id=group_id)
    published = members.filter(published_verdict_q("verdict__"))
    covered = members.filter(pk__in=_covering_applications().values("claim_id")).exclude(
        article_id__in=published.values("article_id")
    )
    shown = covered.order_by().values("article_id").annotate(first=Min("pk")).values("first")
    return _in_appearance_order(
        Claim.objects.filter(Q(pk__in=published.values("pk")) | Q(pk__in=shown))
    )


def _in_appearance_order(claims: QuerySet[Claim]) -> QuerySet[Claim]:
    # An undated article is placed by when the desk read it (claim_made_at): a key a cursor
    # can page on.
    return (
        claims.select_related("article__outlet", "speaker")
        .annotate(appeared_at=claim_made_at())
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
    """For each published claim among `claim_ids` or in the groups `group_ids`: the ids of the
    claim and of the repeats its verdict covers (covered_repeats_of, read for them all in two
    queries)."""
    group_ids = {pk for pk in group_ids if pk}
    claims = Claim.objects.filter(Q(pk__in=list(claim_ids)) | Q(group_id__in=group_ids))
    published = claims.filter(published_verdict_q("verdict__")).order_by()
    covered: dict[int, set[int]] = {pk: {pk} for pk in published.values_list("pk", flat=True)}
    applied = (
        _covering_applications()
        .filter(claim__in=claims)
        .order_by()
        .values_list("claim_id", "checked_id")
    )
    for pk, checked in applied:
        if checked in covered:
            covered[checked].add(pk)
    return {pk: frozenset(ids) for pk, ids in covered.items()}


@contextmanager
def public_appearances_kept(*, actor, claim_ids, group_ids=()):
    """Around a change of groups or of a repeat's status: refuse it (NeedsAnEditor, which rolls
    the caller's transaction back) when it added or removed a public appearance of a published
    fact-check, or put two published fact-checks in one group, and `actor` is no editor. The
    worker (no actor) is no editor either. An editor's change goes through, and the published
    fact-checks whose appearances it changed are dated
    (appearances_changed_at, and modified_at through claims.modified): their ClaimReview, feed
    entry and sitemap entry changed. A repeat that stops being public no longer dates its
    application, so without this date a split or a reopening would leave the fact-check's date
    where it was, though what it lists changed.

    Yields a dict the caller hands to covers_lifted_record once the change is recorded: each
    repeat whose cover by a published fact-check the change ended (split out, linked to another
    group, or left behind by its checked claim), with that checked claim and the group the
    cover was in. A reopening ends the cover too, and says so itself.

    Use inside transaction.atomic(), the touched claims locked."""
    claim_ids = list(claim_ids)
    before_groups = set(group_ids) | set(
        Claim.objects.filter(pk__in=claim_ids).values_list("group_id", flat=True)
    )
    touched = Claim.objects.filter(Q(pk__in=claim_ids) | Q(group_id__in=before_groups - {None}))
    # No published fact-check among them, none after either (a change moves these claims
    # between these groups, or into a group it founds for one of them): nothing to compare,
    # and the worker's links into a viral group stay two small queries.
    lifted: dict[int, tuple[int, int | None]] = {}
    if not touched.filter(published_verdict_q("verdict__")).exists():
        yield lifted
        return
    before = public_appearance_map(claim_ids=claim_ids, group_ids=before_groups)
    groups_before = dict(Claim.objects.filter(pk__in=list(before)).values_list("pk", "group_id"))
    yield lifted
    after_groups = before_groups | set(
        Claim.objects.filter(pk__in=claim_ids).values_list("group_id", flat=True)
    )
    after = public_appearance_map(claim_ids=claim_ids, group_ids=after_groups)
    joined = _fact_checks_joined(groups_before, after)
    if joined and not may_change_public_appearances(actor):
        raise NeedsAnEditor(fact_checks_joined_refusal(joined))
    changed = sorted(pk for pk in before.keys() | after.keys() if before.get(pk) != after.get(pk))
    if not changed:
        return
    for checked, covered in before.items():
        for repeat in covered - after.get(checked, frozenset()) - {checked}:
            lifted[repeat] = (checked, groups_before.get(checked))
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


def _fact_checks_joined(groups_before: dict, after: dict) -> tuple[int, int] | None:
    """Two published claims the change put in one group that were not in one before (the
    lowest pair), else None. A group holding two fact-checks answers "already checked" two
    ways, so putting them together is an editor's decision, as a change of appearances is."""
    groups_after = dict(Claim.objects.filter(pk__in=list(after)).values_list("pk", "group_id"))
    return _newly_together(groups_before, groups_after)


def fact_checks_joined_by(event: ClaimGroupEvent) -> tuple[tuple[int, int] | None, list[int]]:
    """What a link or merge, done (`event`), did to its group's fact-checks: the pair of
    published claims it put together that were not together before (as public_appearances_kept
    reads it, from the event's `before` groups; None when it brought no second one in), and
    every published claim the group holds now (published_in_group)."""
    published = published_in_group(event.group_id)
    before = event.data.get("before", {})
    groups_before = {
        pk: before[str(pk)][0] if str(pk) in before else event.group_id for pk in published
    }
    return _newly_together(groups_before, dict.fromkeys(published, event.group_id)), published


def _newly_together(groups_before: dict, groups_after: dict) -> tuple[int, int] | None:
    by_group: dict[int, list[int]] = {}
    for pk, group_id in sorted(groups_after.items()):
        if group_id is not None:
            by_group.setdefault(group_id, []).append(pk)
    for pks in by_group.values():
        for index, first in enumerate(pks):
            for second in pks[index + 1 :]:
                was = groups_before.get(first)
                if was is None or was != groups_before.get(second):
                    return first, second
    return None


def fact_checks_joined_refusal(joined: tuple[int, int]) -> str:
    first, second = joined
    return (
        f"Claims #{first} and #{second} each have a published fact-check: in one group, the "
        "group's “already checked” would name two different fact-checks. Split out the claim "
        "that is not the same first, or ask an editor to make this change."
    )


def published_in_group(group_id: int | None) -> list[int]:
    """The claims of the group with a published verdict of their own, by id: more than one,
    and a repeat's "already checked" is only its own cover (the desk warns the editor who
    put them together)."""
    return published_in_groups([group_id]).get(group_id, [])


def published_in_groups(group_ids) -> dict[int, list[int]]:
    """published_in_group for each of `group_ids` holding any, in one query."""
    group_ids = {pk for pk in group_ids if pk is not None}
    found: dict[int, list[int]] = {}
    if not group_ids:
        return found
    published = Claim.objects.filter(published_verdict_q("verdict__"), group_id__in=group_ids)
    for pk, group_id in published.order_by("pk").values_list("pk", "group_id"):
        found.setdefault(group_id, []).append(pk)
    return found


def other_fact_checks(claims) -> dict[int, list[int]]:
    """For each of `claims` whose group holds a published fact-check of another of its
    claims: those claims' ids. Publishing its verdict too would make it a second fact-check of
    the claim (second_fact_check_refusal)."""
    claims = list(claims)
    published = published_in_groups(claim.group_id for claim in claims)
    found = {
        claim.pk: [pk for pk in published.get(claim.group_id, []) if pk != claim.pk]
        for claim in claims
    }
    return {pk: others for pk, others in found.items() if others}


def second_fact_check_refusal(claim: Claim, *, beside) -> tuple[list[int], str | None]:
    """Publishing `claim`'s verdict where its group holds another published fact-check: the
    same decision as a merge or link that joins two (_fact_checks_joined), made by a
    publication instead of a group change, so it needs an editor who says so. Only editors
    publish, so here the editor confirms it: `beside` names the published claims they were
    shown and chose to publish beside. Returns the group's other published claims (what the
    publication's event records) and why it is refused, or None: a fact-check published
    since the page was drawn, and not named in `beside`, is refused too."""
    others = other_fact_checks([claim]).get(claim.pk, [])
    unconfirmed = [pk for pk in others if pk not in set(beside)]
    if not unconfirmed:
        return others, None
    has = "has a published fact-check" if len(unconfirmed) == 1 else "have published fact-checks"
    return others, (
        f"Not published: {_claims_named(unconfirmed)} of this claim's group already {has}, "
        "and this one would give the group's “already checked” two answers, perhaps two "
        "ratings. A repeat is usually covered by applying that published verdict to it "
        "(return this verdict to its author first). To publish a second fact-check of the "
        f"claim all the same, tick “{SECOND_FACT_CHECK_CONFIRMATION}” and publish again."
    )


# The box an editor ticks to publish beside another published fact-check of the group.
SECOND_FACT_CHECK_CONFIRMATION = "Publish it as a second fact-check of this group"


def _claims_named(pks: list[int]) -> str:
    """ "claim #12", "claims #12 and #15", "claims #12, #15 and #19" (for mid-sentence)."""
    named = [f"#{pk}" for pk in pks]
    if len(named) == 1:
        return f"claim {named[0]}"
    return f"claims {', '.join(named[:-1])} and {named[-1]}"


def covers_lifted_record(lifted: dict, *, by: ClaimGroupEvent) -> None:
    """Record, on each repeat's own history, that the group change `by` ended its cover by the
    published verdict applied to it (`lifted`, as public_appearances_kept yields it): the one
    record every change that does so writes, whichever claim it moved, and which
    claims.selectors.claim_cover_lifted reads for the claim page. Undoing `by` puts the cover
    back, and the notice goes with it."""
    ClaimGroupEvent.objects.bulk_create(
        ClaimGroupEvent(
            group_id=group_id,
            claim_id=repeat,
            kind=GroupEventKind.COVER_LIFTED,
            actor=by.actor,
            data={
                "before": {},
                "uncovered": checked,
                "by": by.pk,
                "by_kind": by.kind,
                "by_claim": by.claim_id,
            },
        )
        for repeat, (checked, group_id) in sorted(lifted.items())
    )


def repeats_left_uncovered(lifted: dict, *, checked_id: int) -> dict:
    """The `data` a split or link of `checked_id` adds to its own event: the repeats whose cover
    by its published verdict the change ended (`lifted`, as for covers_lifted_record), so that
    the checked claim's history names them without reading each repeat's record."""
    repeats = sorted(repeat for repeat, (checked, _) in lifted.items() if checked == checked_id)
    return {"uncovered_repeats": repeats} if repeats else {}
