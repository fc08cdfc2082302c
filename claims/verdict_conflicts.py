"""Stale verdict forms: the optimistic lock on Verdict.version and what the desk says when it
refuses a save, a correction or an action drawn at an older version (who changed it, when,
and in the words of what they did), or a draft saved on a claim a colleague took meanwhile,
or tells a form sent twice that it was done already."""

from django.core.exceptions import PermissionDenied

from articles.times import desk_time

from . import ownership
from .models import ClaimEventKind, Verdict, VerdictStatus
from .verdict_content import content_unchanged
from .workflow import IllegalTransition, VersionConflict


class AlreadySaved(VersionConflict):
    """A stale save or correction whose content is what the verdict holds now: the same form
    sent twice (a double click, a second tab), or a colleague who wrote the same. Nothing is
    written; the desk says so instead of a conflict. Still a VersionConflict, so a caller that
    does not tell the two apart refuses it and writes nothing."""

    def __init__(self, message: str, *, verdict: Verdict):
        super().__init__(message, code="already_saved")
        self.verdict = verdict


def already_saved(verdict: Verdict, *, actor) -> AlreadySaved:
    when = desk_time(verdict.updated_at)
    if verdict.updated_by_id == actor.pk:
        saved = f"you saved this at {when}, in another tab or by sending the form twice"
    else:
        who = verdict.updated_by.get_username() if verdict.updated_by else "someone"
        saved = f"{who} last changed it at {when}"
    return AlreadySaved(
        f"Nothing changed: the verdict already holds what you sent ({saved}).", verdict=verdict
    )


def version_conflict(verdict: Verdict, *, actor, draft: bool = False) -> VersionConflict:
    mine = verdict.updated_by_id == actor.pk
    who = (
        "you" if mine else (verdict.updated_by.get_username() if verdict.updated_by else "someone")
    )
    when = desk_time(verdict.updated_at)
    if draft and verdict.status == VerdictStatus.PUBLISHED:
        # Reloading would not help: the draft form saves drafts, and a published verdict
        # changes only through a correction.
        return VersionConflict(
            f"This verdict was published by {who} at {when}: a published verdict changes only "
            "through a correction.",
            code="conflict",
        )
    if mine:
        # Not "their changes": the other save was this person's own, and naming them as
        # someone else sent them looking for a colleague. Not "saved" either when what they
        # did was publish or return it: the words of their own last step on it.
        return VersionConflict(
            f"You {_own_last_step(verdict, actor=actor)} at {when}, in another tab or by "
            "sending the form twice — reload to see it as it is now before you change it.",
            code="conflict",
        )
    return VersionConflict(
        f"This verdict was changed by {who} at {when} — reload to see their changes "
        "before saving yours.",
        code="conflict",
    )


class TakenOver(PermissionDenied):
    """A draft refused because a colleague holds the claim now. Its message says the text is
    kept below, true where the refused form is drawn again (the claim page, the admin form's
    check); `not_kept` is what a page that cannot draw it again says instead."""

    def __init__(self, happened: str):
        super().__init__(f"{happened}. Your text is kept below so you can copy it.")
        self.not_kept = (
            f"{happened}. What you typed could not be kept: this page shows the verdict as it "
            "is now."
        )


def taken_over(
    claim, verdict: Verdict | None, *, actor, expected_version: int | None
) -> TakenOver | None:
    """The refusal of a draft `actor` may not save because a colleague holds the claim now
    (claims.ownership's rule), saying how they came to hold it and when; None where the rule
    allows the save. "Changed by ... reload to see their changes" read as an edit to merge,
    where a take-over leaves the writer nothing to save: they copy their text instead."""
    if ownership.claim_work_refusal(claim=claim, user=actor, work="draft") is None:
        return None
    if verdict is not None and verdict.is_published:
        return None  # version_conflict says it changes only through a correction
    holder = claim.assignee.get_username()
    event = _holder_since(claim)
    when = f" at {desk_time(event.created_at)}" if event is not None else ""
    if event is not None and event.kind == ClaimEventKind.DRAFTED:
        happened = f"{holder} saved this verdict{when}, which assigned the claim to them"
    else:
        previous = event.data.get("previous_assignee") if event is not None else None
        if previous:
            whom = "you" if previous == actor.get_username() else previous
            happened = f"{holder} took this claim over from {whom}{when}"
        else:
            happened = f"{holder} took this claim{when}"
        happened += f"; it is now assigned to {holder}"
        if verdict is not None and verdict.version != expected_version:
            happened += ", and its verdict has changed since you opened the page"
    return TakenOver(happened)


def _holder_since(claim):
    """The event that gave the claim to its assignee: their assignment, or, where they took it
    unassigned by saving its draft (claims.verdicts), that first save; None if none says."""
    events = claim.events.order_by("-id")
    last = events.filter(kind__in=[ClaimEventKind.ASSIGNED, ClaimEventKind.UNASSIGNED]).first()
    if last is not None and last.kind == ClaimEventKind.ASSIGNED:
        return last
    drafts = events.filter(kind=ClaimEventKind.DRAFTED, actor_id=claim.assignee_id)
    if last is not None:
        drafts = drafts.filter(id__gt=last.id)
    return drafts.order_by("id").first()


# What a person did to a verdict, by the timeline event their step recorded: as "You ..." of
# one's own step (version_conflict), and as "<who> ..." in an action's refusal (action_conflict).
_OWN_STEPS = {
    ClaimEventKind.DRAFTED: "saved this verdict again",
    ClaimEventKind.SUBMITTED: "submitted this verdict for review",
    ClaimEventKind.WITHDRAWN: "withdrew this verdict from review",
    ClaimEventKind.RETURNED: "returned this verdict to its author",
    ClaimEventKind.PUBLISHED: "published this verdict",
    ClaimEventKind.CORRECTED: "published a correction of this verdict",
}


_STEPS = {
    ClaimEventKind.DRAFTED: "saved it",
    ClaimEventKind.SUBMITTED: "submitted it for review",
    ClaimEventKind.WITHDRAWN: "withdrew it from review",
    ClaimEventKind.RETURNED: "returned it to its author",
    ClaimEventKind.PUBLISHED: "published it",
    ClaimEventKind.CORRECTED: "published a correction of it",
}


def _last_step(verdict: Verdict, *, user_id) -> str | None:
    """The kind of the last verdict step `user_id` recorded on the verdict's claim, or None."""
    return (
        verdict.claim.events.filter(kind__in=_OWN_STEPS, actor_id=user_id)
        .order_by("-id")
        .values_list("kind", flat=True)
        .first()
    )


def _own_last_step(verdict: Verdict, *, actor) -> str:
    return _OWN_STEPS.get(_last_step(verdict, user_id=actor.pk), "changed this verdict")


def verdict_locked(
    verdict: Verdict, expected_version: int | None, *, actor, sent: dict | None = None
) -> Verdict:
    """The verdict, locked, refused if it is no longer at `expected_version`; when what was
    `sent` (content_unchanged's rating, conclusion, explanation and sources) is what it holds
    now, refused as AlreadySaved instead."""
    locked = (
        Verdict.objects.select_for_update(of=("self",))
        .select_related("updated_by")
        .get(pk=verdict.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        if sent is not None and content_unchanged(locked, **sent):
            raise already_saved(locked, actor=actor)
        raise version_conflict(locked, actor=actor)
    return locked


# What each action leaves the verdict as, and its words for a second send of the same form.
# (Its words as a refused action's: "Not submitted", "can no longer be submitted".)
_ACTION_DONE = {
    "submit": "submitted",
    "withdraw": "withdrawn",
    "return": "returned",
    "publish": "published",
}


_ACTION_REACHES = {
    "submit": (VerdictStatus.SUBMITTED, "submitted it for review"),
    "withdraw": (VerdictStatus.DRAFT, "withdrew it from review"),
    "return": (VerdictStatus.RETURNED, "returned it to its author"),
    "publish": (VerdictStatus.PUBLISHED, "published it"),
}


def _action_already_done(
    verdict: Verdict, action: str, actor, expected_version: int
) -> AlreadySaved | None:
    """The answer to the same action sent twice (a double click, a re-sent form): the verdict
    is one version on, in the state the action leaves, and this person moved it there."""
    status, done = _ACTION_REACHES[action]
    if (
        verdict.status == status
        and verdict.updated_by_id == actor.pk
        and verdict.version == expected_version + 1
    ):
        when = desk_time(verdict.updated_at)
        return AlreadySaved(
            f"Already done: you {done} at {when} (the form was sent twice).", verdict=verdict
        )
    return None


def action_conflict(
    verdict: Verdict, action: str, actor, expected_version: int
) -> VersionConflict | IllegalTransition:
    """Why `action` on the verdict as loaded at `expected_version` is refused, said for what
    the action is: an action saves nothing the user typed, so "not saved" and "their changes"
    told them of a loss there was not."""
    done = _action_already_done(verdict, action, actor, expected_version)
    if done is not None:
        return done
    if verdict.status == VerdictStatus.PUBLISHED:
        # Published meanwhile (a colleague first, or both at once: the second waits on the
        # lock and finds it so). Reloading would not help: say what the verdict is now.
        who = _who(verdict.editor, actor=actor)
        when = desk_time(verdict.published_at)
        if action == "publish":
            return AlreadySaved(f"Already published by {who} at {when}.", verdict=verdict)
        return IllegalTransition(
            f"This verdict can no longer be {_ACTION_DONE[action]}: {who} published it at "
            f"{when}, and a change now goes through a correction."
        )
    when = desk_time(verdict.updated_at)
    step = _STEPS.get(_last_step(verdict, user_id=verdict.updated_by_id), "changed it")
    if verdict.updated_by_id == actor.pk:
        return VersionConflict(
            f"Not {_ACTION_DONE[action]}: you {step} at {when}, in another tab or by sending "
            "the form twice. Reload to see the verdict as it is now.",
            code="conflict",
        )
    return VersionConflict(
        f"Not {_ACTION_DONE[action]}: the verdict changed since you opened the page "
        f"({_who(verdict.updated_by, actor=actor)} {step} at {when}). Reload to see the change.",
        code="conflict",
    )


def _who(user, *, actor) -> str:
    if user is None:
        return "someone"
    return "you" if user.pk == actor.pk else user.get_username()
