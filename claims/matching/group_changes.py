"""Changes of canonical claim groups: linking repeats, confirming, rejecting, merging,
splitting, undoing.

Every change is one transaction that records a ClaimGroupEvent with who, when, and each
touched claim's group before the change (`data["before"]`) and the canonical claim of each
group whose wording it moved (`data["wording_before"]`), which is what undo restores; whether
it still may is group_undo's rule.
A change that would add or remove a public appearance of a published fact-check is an
editor's (claims.appearances.public_appearances_kept); applying a published verdict to a
repeat is claims.matching.applications.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ..appearances import covers_lifted_record, public_appearances_kept, repeats_left_uncovered
from ..models import (
    Claim,
    ClaimGroup,
    ClaimGroupEvent,
    GroupEventKind,
    GroupLink,
    MatchSuggestion,
    SuggestionStatus,
)
from ..workflow import already_done, request_locked
from .group_undo import group_event_before, group_event_undo_refusal, later_events_touching


class GroupActionRefused(ValidationError):
    """The requested group change makes no sense (merging a group into itself, ...)."""


def _before(claims) -> dict:
    return {str(c.pk): [c.group_id, c.group_link] for c in claims}


def _group_for(claim: Claim) -> ClaimGroup:
    """The claim's group, founding one (the claim's wording is canonical) when it has none."""
    if claim.group_id:
        return claim.group
    group = ClaimGroup.objects.create(canonical_claim=claim, canonical_text=claim.text)
    Claim.objects.filter(pk=claim.pk).update(group=group, group_link=GroupLink.FOUNDER)
    claim.group, claim.group_link = group, GroupLink.FOUNDER
    return group


def _locked(*claims: Claim) -> list[Claim]:
    rows = Claim.objects.select_for_update().filter(pk__in=[c.pk for c in claims]).order_by("pk")
    by_pk = {c.pk: c for c in rows}
    return [by_pk[c.pk] for c in claims]


def claim_group_link(
    *, claim: Claim, earlier: Claim, actor=None, kind: str = GroupEventKind.AUTO_LINKED
) -> ClaimGroupEvent:
    """Make `claim` an appearance of `earlier`'s group (auto-linked, or confirmed by `actor`)."""
    with transaction.atomic():
        claim, earlier = _locked(claim, earlier)
        if claim.pk == earlier.pk:
            raise GroupActionRefused("A claim cannot be a repeat of itself.")
        if claim.group_id and claim.group_id == earlier.group_id:
            raise GroupActionRefused("These claims are already in the same group.")
        if actor is None:  # the worker's link, not a person's
            _auto_link_still_wanted(claim, earlier)
        before = _before([claim, earlier])
        with public_appearances_kept(actor=actor, claim_ids=[claim.pk, earlier.pk]) as lifted:
            group = _group_for(earlier)
            link = GroupLink.AUTO if kind == GroupEventKind.AUTO_LINKED else GroupLink.CONFIRMED
            Claim.objects.filter(pk=claim.pk).update(group=group, group_link=link)
        wording_before = _canonical_refresh(claim.group_id)
        ClaimGroup.objects.filter(pk=group.pk).update(updated_at=timezone.now())
        event = ClaimGroupEvent.objects.create(
            group=group,
            claim=claim,
            kind=kind,
            actor=actor,
            data={
                "before": before,
                "earlier": earlier.pk,
                **wording_before,
                **repeats_left_uncovered(lifted, checked_id=claim.pk),
            },
        )
        covers_lifted_record(lifted, by=event)
        return event


def _auto_link_still_wanted(claim: Claim, earlier: Claim) -> None:
    """The linker decided from a read taken before this lock (its claim had no group, nobody had
    split it out or rejected the match); a reviewer may have confirmed, moved or split the claim,
    or rejected the match, since. Checked again on the locked row so the machine never
    overwrites a person's decision; a person's own link is theirs to make and keeps moving the
    claim. A rejection takes this claim's lock too (suggestion_reject), so one in flight is
    either seen here or waits for this link and is refused (already in one group)."""
    if claim.group_id:
        raise GroupActionRefused("This claim was grouped meanwhile; it is not linked again.")
    split_out = ClaimGroupEvent.objects.filter(
        claim=claim, kind=GroupEventKind.SPLIT, undone_by__isnull=True
    )
    if split_out.exists():
        raise GroupActionRefused("A reviewer split this claim out; it is not linked again.")
    rejected = MatchSuggestion.objects.filter(
        claim=claim, candidate=earlier, status=SuggestionStatus.REJECTED
    )
    if rejected.exists():
        raise GroupActionRefused("A reviewer rejected this match; it is not linked.")


def suggestion_confirm(*, suggestion: MatchSuggestion, actor) -> ClaimGroupEvent:
    with transaction.atomic():
        suggestion = _locked_open(suggestion, SuggestionStatus.CONFIRMED, actor)
        event = claim_group_link(
            claim=suggestion.claim,
            earlier=suggestion.candidate,
            actor=actor,
            kind=GroupEventKind.CONFIRMED,
        )
        _suggestion_decide(suggestion, SuggestionStatus.CONFIRMED, actor, event)
        return event


def suggestion_reject(*, suggestion: MatchSuggestion, actor) -> ClaimGroupEvent:
    with transaction.atomic():
        suggestion = _locked_open(suggestion, SuggestionStatus.REJECTED, actor)
        # The claims' locks, as the worker's link takes them: a rejection and a link of the
        # same pair run one after the other, never both (_auto_link_still_wanted).
        claim, candidate = _locked(suggestion.claim, suggestion.candidate)
        if claim.group_id and claim.group_id == candidate.group_id:
            raise GroupActionRefused(
                "These claims were linked meanwhile; split the claim out of the group instead."
            )
        event = ClaimGroupEvent.objects.create(
            group_id=candidate.group_id or claim.group_id,
            claim=claim,
            kind=GroupEventKind.REJECTED,
            actor=actor,
            data={"before": {}, "suggestion": suggestion.pk},
        )
        _suggestion_decide(suggestion, SuggestionStatus.REJECTED, actor, event)
        return event


# Each decision on a match as it is told once made, and the verb of making it.
_MATCH_DECIDED = {
    SuggestionStatus.CONFIRMED: ("confirmed this match", "confirm"),
    SuggestionStatus.REJECTED: ("rejected this match", "reject"),
}
# The way back from the other decision, told with its refusal.
_MATCH_INSTEAD = {
    SuggestionStatus.CONFIRMED: "If the two claims are not the same, split the claim out of its "
    "group on its page (or undo the confirmation there).",
    SuggestionStatus.REJECTED: "If they are the same claim after all, undo the rejection on the "
    "claim's page, then confirm the match.",
}


def _locked_open(suggestion: MatchSuggestion, deciding: str, actor) -> MatchSuggestion:
    """The suggestion, locked, while open; decided as `deciding` already, the same button sent
    twice (or a colleague's first): said so, not refused; decided the other way, refused
    saying who decided it, when, and the way back."""
    return request_locked(
        suggestion, deciding, actor=actor, decided=_MATCH_DECIDED, refused=GroupActionRefused,
        pending=SuggestionStatus.OPEN, instead=_MATCH_INSTEAD,
    )  # fmt: skip


def _suggestion_decide(suggestion, status, actor, event) -> None:
    suggestion.status, suggestion.decided_by = status, actor
    suggestion.decided_at = timezone.now()
    suggestion.save(update_fields=["status", "decided_by", "decided_at"])
    event.data["suggestion"] = suggestion.pk
    event.save(update_fields=["data"])


def group_merge(
    *, source: ClaimGroup, target: ClaimGroup, actor, founder: Claim | None = None
) -> ClaimGroupEvent:
    """Every appearance of `source` joins `target`; `source` stays, empty, for its history.

    `founder`: the claim `target` was just founded with (group_merge_into_claim), named on the
    event since nothing else records that it was ever in the group."""
    if source.pk == target.pk:
        raise GroupActionRefused("A group cannot be merged into itself.")
    with transaction.atomic():
        members = list(Claim.objects.select_for_update().filter(group=source).order_by("pk"))
        if not members:
            raise GroupActionRefused("That group has no claims left to merge.")
        before = _before(members)
        with public_appearances_kept(
            actor=actor, claim_ids=[c.pk for c in members], group_ids=[source.pk, target.pk]
        ) as lifted:
            Claim.objects.filter(pk__in=[c.pk for c in members]).update(
                group=target, group_link=GroupLink.CONFIRMED
            )
        _canonical_refresh(source.pk)
        ClaimGroup.objects.filter(pk=target.pk).update(updated_at=timezone.now())
        event = ClaimGroupEvent.objects.create(
            group=target, kind=GroupEventKind.MERGED, actor=actor,
            data={
                "before": before, "source": source.pk,
                **({"founder": founder.pk} if founder is not None else {}),
            },
        )  # fmt: skip
        covers_lifted_record(lifted, by=event)
        return event


def group_merge_into_claim(*, source: ClaimGroup, target_claim: Claim, actor) -> ClaimGroupEvent:
    """Merge `source` into the group of `target_claim` (founding one when it has none)."""
    if target_claim.group_id == source.pk:
        raise GroupActionRefused(
            "That claim is already one of this group's appearances; a group cannot be merged "
            "into one of its own members."
        )
    with transaction.atomic():
        (target_claim,) = _locked(target_claim)
        founds = not target_claim.group_id
        return group_merge(
            source=source,
            target=_group_for(target_claim),
            actor=actor,
            founder=target_claim if founds else None,
        )


def claim_split(*, claim: Claim, actor) -> ClaimGroupEvent:
    """Take `claim` out of its group: it was not a repeat after all.

    A repeat an editor applied a published verdict to stops being covered by it, but stays
    dismissed, so that undoing the split puts the cover back; so do the repeats a split-out
    checked claim leaves behind. Each gets its record (covers_lifted_record), which its claim
    page and history show, with the way back to the queue (reopening it)."""
    with transaction.atomic():
        (claim,) = _locked(claim)
        if not claim.group_id:
            raise GroupActionRefused("This claim is not in a group.")
        group_id = claim.group_id
        before = _before([claim])
        with public_appearances_kept(
            actor=actor, claim_ids=[claim.pk], group_ids=[group_id]
        ) as lifted:
            Claim.objects.filter(pk=claim.pk).update(group=None, group_link="")
        wording_before = _canonical_refresh(group_id)
        event = ClaimGroupEvent.objects.create(
            group_id=group_id, claim=claim, kind=GroupEventKind.SPLIT, actor=actor,
            data={
                "before": before, **wording_before,
                **repeats_left_uncovered(lifted, checked_id=claim.pk),
            },
        )  # fmt: skip
        covers_lifted_record(lifted, by=event)
        return event


def group_event_undo(*, event: ClaimGroupEvent, actor) -> ClaimGroupEvent:
    """Put back the groups `event` changed, if nothing changed them since; record the undo."""
    with transaction.atomic():
        event = ClaimGroupEvent.objects.select_for_update().get(pk=event.pk)
        if event.undone_by_id:  # the Undo button sent twice, or a colleague's first
            undo = ClaimGroupEvent.objects.select_related("actor").get(pk=event.undone_by_id)
            raise already_done(
                did="undid this change", by=undo.actor, at=undo.created_at, actor=actor
            )
        before = group_event_before(event)
        claims = list(Claim.objects.select_for_update().filter(pk__in=[int(pk) for pk in before]))
        refusal = group_event_undo_refusal(
            event,
            groups_now={claim.pk: claim.group_id for claim in claims},
            later=later_events_touching([event]),
        )
        if refusal is not None:
            raise GroupActionRefused(refusal)
        groups_touched = {event.group_id, *(g for g, _ in before.values() if g)}
        # Around the undo's mark too: an undone split or link no longer takes a repeat out of
        # its group, so the mark is what puts an application back on the public record.
        with public_appearances_kept(
            actor=actor, claim_ids=[c.pk for c in claims], group_ids=groups_touched
        ) as lifted:
            for claim in claims:
                group_id, link = before[str(claim.pk)]
                Claim.objects.filter(pk=claim.pk).update(group_id=group_id, group_link=link)
            wording_before = event.data.get("wording_before", {})
            for group_id in groups_touched:
                _canonical_refresh(group_id, back=wording_before.get(str(group_id)))
            suggestion_id = event.data.get("suggestion")
            if suggestion_id:
                MatchSuggestion.objects.filter(pk=suggestion_id).update(
                    status=SuggestionStatus.OPEN, decided_by=None, decided_at=None
                )
            undo = ClaimGroupEvent.objects.create(
                group_id=event.group_id, claim=event.claim, kind=GroupEventKind.UNDONE,
                actor=actor, data={"before": {}, "undoes": event.pk, "undone_kind": event.kind},
            )  # fmt: skip
            event.undone_by = undo
            event.save(update_fields=["undone_by"])
        covers_lifted_record(lifted, by=undo)
        return undo


def _canonical_refresh(group_id: int | None, *, back: int | None = None) -> dict:
    """A group's canonical wording is its founder's, or its earliest member's once it left;
    an undo gives it `back` to the claim whose wording the change took, once that claim is a
    member again. Returns `{"wording_before": {group: that claim}}` when the wording moved, for
    the change's event to record, so that its undo can give it back."""
    if group_id is None:
        return {}
    group = ClaimGroup.objects.filter(pk=group_id).first()
    if group is None:
        return {}
    members = Claim.objects.filter(group_id=group_id).order_by("created_at", "pk")
    wording = (
        members.filter(pk=back).first() if back not in (None, group.canonical_claim_id) else None
    )
    if wording is None:
        if group.canonical_claim_id and members.filter(pk=group.canonical_claim_id).exists():
            return {}
        wording = members.first()
    if wording is None:
        return {}
    former = group.canonical_claim_id
    group.canonical_claim, group.canonical_text = wording, wording.text
    group.save(update_fields=["canonical_claim", "canonical_text", "updated_at"])
    return {"wording_before": {str(group_id): former}}
