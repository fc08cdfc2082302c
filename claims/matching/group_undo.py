"""When a change of claim groups may be undone: the one rule that group_event_undo
(claims.matching.group_changes) enforces and the pages' Undo buttons show, and the reads it
needs. Reads only; imports Django and claims.models.
"""

from django.db.models import Q

from ..models import Claim, ClaimGroupEvent, GroupEventKind


def group_event_undo_refusal(
    event: ClaimGroupEvent, *, groups_now: dict, later: list[ClaimGroupEvent]
) -> str | None:
    """Why `event` cannot be undone, or None: the one rule for the undo and for the pages'
    Undo buttons. An undo puts back the groups the event found, which holds only while no
    later change (not undone itself) touched the claims it moved, a verdict applied to one of
    them included, or, where either is a merge, the groups it changed: a claim moved away and
    back sits in the same group, yet undoing the first move would undo the later ones with it.

    `groups_now`: the group of each claim the event moved, by id, as they are now (a change
    however recorded that left one elsewhere); `later`: later events that may touch it
    (later_events_touching, one query for many events)."""
    if event.kind in _NOT_UNDONE_HERE:
        return "This event cannot be undone here (a dismissal is reopened from the claim)."
    if event.undone_by_id:
        return "This change was already undone."
    moved = _moved_by(event)
    for pk, group_id in moved.items():
        if pk in groups_now and groups_now[pk] != group_id:
            return "The group changed again since; undo the later changes first."
    claims, groups_changed = set(moved), _groups_of(event)
    for other in later:
        if other.pk <= event.pk or other.undone_by_id or other.kind in _TOUCHING_NOTHING:
            continue
        either_merged = GroupEventKind.MERGED in (event.kind, other.kind)
        if claims & _claims_touched_by(other) or (
            either_merged and groups_changed & _groups_of(other)
        ):
            if other.kind == GroupEventKind.VERDICT_APPLIED:
                return (
                    "A published verdict was applied since, on the group this change made; "
                    "split the claim out instead, which the claim's page then tells."
                )
            return "The group changed again since; undo the later changes first."
    return None


def group_events_undoable(events: list[ClaimGroupEvent]) -> list[ClaimGroupEvent]:
    """The `events` an Undo button may be offered for: two queries however many (the groups of
    the claims they moved, and the later events that may touch them)."""
    moved = {pk for event in events for pk in _moved_by(event)}
    groups_now = dict(Claim.objects.filter(pk__in=moved).values_list("pk", "group_id"))
    later = later_events_touching(events)
    return [
        event
        for event in events
        if group_event_undo_refusal(event, groups_now=groups_now, later=later) is None
    ]


# A rejection moves no claim; an undo put back what it undid (and that event is marked undone);
# a lifted cover is the record of another change (undoing that one puts the cover back).
_TOUCHING_NOTHING = (GroupEventKind.UNDONE, GroupEventKind.REJECTED, GroupEventKind.COVER_LIFTED)
_NOT_UNDONE_HERE = (
    GroupEventKind.UNDONE,
    GroupEventKind.VERDICT_APPLIED,
    GroupEventKind.COVER_LIFTED,
)


def later_events_touching(events: list[ClaimGroupEvent]) -> list[ClaimGroupEvent]:
    """In one query, the events after the earliest of `events`, not undone, that may touch the
    claims or groups one of them changed: those naming one of its claims, the merges into or
    out of one of its groups and the verdicts applied in one, and, for a merge among them, any
    change of its groups. (A link
    whose earlier claim it founded a group for names only the later claim; such a move leaves
    the earlier claim elsewhere, which the claims' groups now tell.)"""
    events = [
        e for e in events if e.kind not in (*_TOUCHING_NOTHING, GroupEventKind.VERDICT_APPLIED)
    ]
    if not events:
        return []
    claims = {pk for event in events for pk in _moved_by(event)}
    groups_changed = {pk for event in events for pk in _groups_of(event)}
    merged_groups = {
        pk for event in events if event.kind == GroupEventKind.MERGED for pk in _groups_of(event)
    }
    merges = Q(kind=GroupEventKind.MERGED) & (
        Q(group_id__in=groups_changed) | Q(data__source__in=sorted(groups_changed))
    )
    # A verdict applied in one of its groups: to a repeat it moved, or to one in the group of
    # a checked claim it moved.
    applied = Q(kind=GroupEventKind.VERDICT_APPLIED, group_id__in=groups_changed)
    return list(
        ClaimGroupEvent.objects.filter(
            pk__gt=min(event.pk for event in events), undone_by__isnull=True
        )
        .exclude(kind__in=_TOUCHING_NOTHING)
        .filter(Q(claim_id__in=claims) | Q(group_id__in=merged_groups) | merges | applied)
        .only("pk", "kind", "group_id", "claim_id", "undone_by_id", "data")
    )


def group_event_before(event: ClaimGroupEvent) -> dict[str, list]:
    """Each claim's `[group, link]` before `event`, by id: what its undo puts back. A merge that
    founded its group for the claim merged into (`data["founder"]`) lists only the claims it
    carried in `before`, which the pages count; the founder was in no group before it, and
    undone, it goes back there rather than stay alone in a group of one. (Merges recorded
    before they named the founder cannot say which claim that was.)"""
    before = event.data.get("before", {})
    founder = event.data.get("founder")
    if event.kind == GroupEventKind.MERGED and isinstance(founder, int):
        return {**before, str(founder): before.get(str(founder), [None, ""])}
    return before


def _moved_by(event: ClaimGroupEvent) -> dict[int, int | None]:
    """Each claim `event` moved, with its group right after (the earlier claim of a link moves
    only when the link founds its group, the claim merged into only when the merge does)."""
    before = group_event_before(event)
    if event.kind == GroupEventKind.SPLIT:
        after = None
    elif event.kind in (
        GroupEventKind.MERGED,
        GroupEventKind.AUTO_LINKED,
        GroupEventKind.CONFIRMED,
    ):
        after = event.group_id
    else:
        return {}
    return {int(pk): after for pk, (group_id, _) in before.items() if group_id != after}


def _claims_touched_by(event: ClaimGroupEvent) -> set[int]:
    """The claims a later event changed: those it moved; for a verdict applied, the repeat and
    the checked claim whose group it covers it in."""
    touched = set(_moved_by(event))
    if event.kind == GroupEventKind.VERDICT_APPLIED:
        touched |= {pk for pk in (event.claim_id, event.data.get("checked")) if pk}
    return touched


def _groups_of(event: ClaimGroupEvent) -> set[int]:
    """The groups `event` changed: its own, those its claims left and a merge's source."""
    before = group_event_before(event)
    found = {event.group_id, event.data.get("source"), *(g for g, _ in before.values())}
    return {pk for pk in found if isinstance(pk, int)}
