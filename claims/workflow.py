"""The review workflow as one small state machine.

Every change of a claim's or a verdict's status goes through `transition()`, which checks the
move is legal, applies it and records a ClaimEvent with who and when. Services call it; nothing
else writes `status`.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from articles.times import desk_time

from .models import ClaimEventKind, ClaimStatus, VerdictStatus


class IllegalTransition(Exception):
    """The requested action is not allowed from the claim's current state."""


class NothingChanged(Exception):
    """An edit that would leave the claim as it is: nothing is written and no event recorded,
    so the timeline lists only real changes; the caller tells the user so."""


def already_done(*, did: str, by, at, actor) -> NothingChanged:
    """The answer to an action sent again once done (a double click, a second tab, a colleague
    first): "Already done: you rejected this match at 6 Dec 2026 14:02 CET.", which the desk
    shows as information, not an error (claims.views.base.attempt), since nothing was lost.
    `by` and `at`: who did it and when, as the row recorded them (either may be unknown)."""
    if by is not None and by.pk == actor.pk:
        who = "you"
    else:
        who = by.get_username() if by is not None else "someone"
    when = f" at {desk_time(at)}" if at is not None else ""
    return NothingChanged(f"Already done: {who} {did}{when}.")


class VersionConflict(ValidationError):
    """Someone saved the row (a verdict, a claim's speaker, a speaker) since the form was
    drawn: refused, not saved over theirs; the message says who and when."""


@dataclass(frozen=True)
class Move:
    claim_from: frozenset[str]
    # None: the claim's status stays as it is; several: the service says which one with `to=`.
    claim_to: frozenset[str] | None
    verdict_from: frozenset[str] | None = None  # None: the action does not involve a verdict
    verdict_to: str | None = None


def _states(*values: str) -> frozenset[str]:
    return frozenset(values)


MOVES: dict[str, Move] = {
    ClaimEventKind.ASSIGNED: Move(
        _states(ClaimStatus.NEW, ClaimStatus.IN_PROGRESS), _states(ClaimStatus.IN_PROGRESS)
    ),
    # Unassigning a claim that already has a draft keeps it in progress; otherwise it is new again.
    ClaimEventKind.UNASSIGNED: Move(
        _states(ClaimStatus.NEW, ClaimStatus.IN_PROGRESS),
        _states(ClaimStatus.NEW, ClaimStatus.IN_PROGRESS),
    ),
    ClaimEventKind.DISMISSED: Move(
        _states(ClaimStatus.NEW, ClaimStatus.IN_PROGRESS), _states(ClaimStatus.DISMISSED)
    ),
    # Reopened: in progress again while someone holds it or it has a draft, otherwise new.
    ClaimEventKind.REOPENED: Move(
        _states(ClaimStatus.DISMISSED), _states(ClaimStatus.NEW, ClaimStatus.IN_PROGRESS)
    ),
    # Once a verdict is submitted the claim's attribution is part of the record (it is what
    # the editor approves): only a return to the author, or a correction, changes it.
    ClaimEventKind.SPEAKER_CORRECTED: Move(_states(ClaimStatus.NEW, ClaimStatus.IN_PROGRESS), None),
    ClaimEventKind.DRAFTED: Move(
        _states(ClaimStatus.NEW, ClaimStatus.IN_PROGRESS),
        _states(ClaimStatus.IN_PROGRESS),
        verdict_from=_states(VerdictStatus.DRAFT, VerdictStatus.RETURNED),
        verdict_to=None,
    ),
    ClaimEventKind.SUBMITTED: Move(
        _states(ClaimStatus.IN_PROGRESS),
        _states(ClaimStatus.IN_REVIEW),
        verdict_from=_states(VerdictStatus.DRAFT, VerdictStatus.RETURNED),
        verdict_to=VerdictStatus.SUBMITTED,
    ),
    ClaimEventKind.RETURNED: Move(
        _states(ClaimStatus.IN_REVIEW),
        _states(ClaimStatus.IN_PROGRESS),
        verdict_from=_states(VerdictStatus.SUBMITTED),
        verdict_to=VerdictStatus.RETURNED,
    ),
    # The author takes a submitted verdict back before an editor acts on it: a draft again,
    # theirs to edit (an editor who wants changes returns it with a comment instead).
    ClaimEventKind.WITHDRAWN: Move(
        _states(ClaimStatus.IN_REVIEW),
        _states(ClaimStatus.IN_PROGRESS),
        verdict_from=_states(VerdictStatus.SUBMITTED),
        verdict_to=VerdictStatus.DRAFT,
    ),
    ClaimEventKind.PUBLISHED: Move(
        _states(ClaimStatus.IN_REVIEW),
        _states(ClaimStatus.PUBLISHED),
        verdict_from=_states(VerdictStatus.SUBMITTED),
        verdict_to=VerdictStatus.PUBLISHED,
    ),
    ClaimEventKind.CORRECTED: Move(
        _states(ClaimStatus.PUBLISHED),
        _states(ClaimStatus.PUBLISHED),
        verdict_from=_states(VerdictStatus.PUBLISHED),
        verdict_to=VerdictStatus.PUBLISHED,
    ),
}


ACTION_NAMES = {
    ClaimEventKind.ASSIGNED: "assign",
    ClaimEventKind.UNASSIGNED: "unassign",
    ClaimEventKind.DISMISSED: "dismiss",
    ClaimEventKind.REOPENED: "reopen",
    ClaimEventKind.SPEAKER_CORRECTED: "correct the speaker of",
    ClaimEventKind.DRAFTED: "edit the verdict of",
    ClaimEventKind.SUBMITTED: "submit",
    ClaimEventKind.RETURNED: "return",
    ClaimEventKind.WITHDRAWN: "withdraw",
    ClaimEventKind.PUBLISHED: "publish",
    ClaimEventKind.CORRECTED: "correct",
}

# Why a move is refused from a state, where "Cannot withdraw a verdict that is published" would
# leave the reader asking what to do instead.
REFUSALS = {
    (ClaimEventKind.WITHDRAWN, VerdictStatus.PUBLISHED): (
        "This verdict can no longer be withdrawn: it is published, and a change now goes "
        "through a correction."
    ),
    (ClaimEventKind.WITHDRAWN, VerdictStatus.RETURNED): (
        "An editor has returned this verdict already: it is a draft again, to edit and resubmit."
    ),
    # "Cannot edit the verdict of a verdict that is submitted for review" said neither what
    # the state means nor who moves it on.
    (ClaimEventKind.DRAFTED, VerdictStatus.SUBMITTED): (
        "This verdict is in review: an editor publishes it or returns it to its author for changes."
    ),
    (ClaimEventKind.DRAFTED, VerdictStatus.PUBLISHED): (
        "This verdict is published: a change now goes through a correction."
    ),
    (ClaimEventKind.WITHDRAWN, VerdictStatus.DRAFT): (
        "This verdict is not submitted for review: there is nothing to withdraw."
    ),
}


def check(kind: str, *, claim, verdict=None) -> Move:
    move = MOVES[kind]
    action = ACTION_NAMES[kind]
    if move.verdict_from is not None:
        if verdict is None:
            raise IllegalTransition(f"Cannot {action} this claim: it has no verdict yet.")
        if verdict.status not in move.verdict_from:
            raise IllegalTransition(
                REFUSALS.get((kind, verdict.status))
                or f"Cannot {action} a verdict that is {verdict.get_status_display().lower()}."
            )
    if claim.status not in move.claim_from:
        raise IllegalTransition(
            f"Cannot {action} a claim that is {claim.get_status_display().lower()}."
        )
    return move


def transition(kind: str, *, claim, actor, verdict=None, to=None, note: str = "", data=None):
    """Apply a legal move to claim (and verdict) in memory, save them, and record the event.

    Call inside transaction.atomic() with the claim row locked (select_for_update).
    """
    from .models import ClaimEvent

    move = check(kind, claim=claim, verdict=verdict)
    from_status = claim.status
    if move.claim_to is not None:
        if len(move.claim_to) == 1:
            (claim.status,) = move.claim_to
        elif to in move.claim_to:
            claim.status = to
        else:
            raise ValueError(f"{kind} needs to= one of {sorted(move.claim_to)}, got {to!r}")
    reason = ClaimEventKind(kind).label
    _saved_with_reason(claim, reason)
    if verdict is not None and move.verdict_to is not None:
        verdict.status = move.verdict_to
    if verdict is not None:
        _saved_with_reason(verdict, reason)
    return ClaimEvent.objects.create(
        claim=claim,
        kind=kind,
        from_status=from_status,
        to_status=claim.status,
        actor=actor,
        note=note,
        data=data or {},
    )


def _saved_with_reason(row, reason: str) -> None:
    """row.save(), its simple-history record naming the event that made it ("Submitted for
    review"): the admin's history pages show it as the change reason. Set for this save only,
    so a later save of the same object elsewhere does not claim this event."""
    row._change_reason = reason
    try:
        row.save()
    finally:
        del row._change_reason


def event_record(claim, kind: str, actor, *, note: str = "", **data):
    """A ClaimEvent for a step that leaves the claim's status as it is and is no move of the
    workflow (a request to an editor, and what became of it)."""
    from .models import ClaimEvent

    return ClaimEvent.objects.create(
        claim=claim,
        kind=kind,
        from_status=claim.status,
        to_status=claim.status,
        actor=actor,
        note=note,
        data=data,
    )


def request_locked(
    request,
    deciding: str,
    *,
    actor,
    decided: dict,
    refused=ValidationError,
    pending: str | None = None,
    instead: dict | None = None,
):
    """A request to an editor (a row with status, decided_by and decided_at), locked, while
    pending (`pending`: that status's value, ApplicationStatus.PENDING unless given; a match
    suggestion's is "open"). `decided` gives each decision's words: what was done ("published
    this correction") and the verb of deciding so ("publish"). Decided as `deciding` already,
    the same button sent twice or a colleague's first, it is said so (already_done), not
    refused; decided otherwise, it is refused as `refused`, saying who decided and when, and
    what to do instead where `instead` has a sentence for that decision."""
    from .models import ApplicationStatus

    request = type(request).objects.select_for_update().get(pk=request.pk)
    if request.status == deciding:
        raise already_done(
            did=decided[deciding][0], by=request.decided_by, at=request.decided_at, actor=actor
        )
    if request.status != (pending or ApplicationStatus.PENDING):
        # "This request was approved already" left the sender asking by whom, and when.
        by = request.decided_by
        who = "Someone" if by is None else "You" if by.pk == actor.pk else by.get_username()
        when = f" at {desk_time(request.decided_at)}" if request.decided_at else ""
        did, _ = decided[request.status]
        then = (instead or {}).get(request.status)
        refusal = f"{who} {did}{when}: nothing to {decided[deciding][1]}."
        raise refused(f"{refusal} {then}" if then else refusal)
    return request
