"""Whose work a claim is: the one rule on who may act on a claim a colleague holds.

A claim assigned to someone is their work. Only they, or an editor, dismiss it or reopen it,
change or submit its draft verdict, correct its speaker (their draft publishes under it), take
it over or unassign them: otherwise a second fact-checker could undo a colleague's work unseen,
or take the claim (take over, unassign) and then do so. An editor may, as the desk's referee,
and the event records whose claim they overrode.

A dismissed claim keeps its assignee, and reopening it puts it back in progress in their name,
with their draft: so the rule holds for reopening too. A colleague who disagrees with the
dismissal asks them or an editor, as for any other of their decisions.

The services ask here (claims.services, claims.verdicts) before they write, so the claim page,
the queue's bulk actions and the admin refuse the same things in the same words; the claim
page asks too, to leave out the buttons the user may not press and say why.
"""

from django.core.exceptions import PermissionDenied

# Who referees the desk: the editors, as for a claim's public appearances (claims.appearances).
OVERRIDE_PERMISSION = "claims.publish_verdict"

# What each act is, in the refusal's words: "only they or an editor can <...>".
WORK = {
    "dismiss": "dismiss it",
    "draft": "change its verdict",
    "submit": "submit its verdict for review",
    "take_over": "take it over",
    "unassign": "unassign them",
    "speaker": "correct its speaker",
    "reopen": "reopen it",
    # The claim page's notes: where its actions are left out, and what an editor may still do.
    "actions": "dismiss it or take it over",
    "any": "change its verdict or its speaker, dismiss it, unassign them or take it over",
    # The queue's box of a colleague's claim, left without a tick (claims_held_from).
    "bulk": "act on it",
}

# The event data key that says an editor acted on a colleague's claim, and whose it was
# (claims.event_details labels it on the timeline).
OVERRODE_KEY = "overrode_assignee"


def held_by_colleague(claim, user) -> bool:
    return claim.assignee_id is not None and claim.assignee_id != user.pk


def may_override(user) -> bool:
    return user.has_perm(OVERRIDE_PERMISSION)


def claim_work_refusal(*, claim, user, work: str) -> str | None:
    """Why `user` may not do `work` (a key of WORK) to `claim`, or None: the claim is someone
    else's and `user` is no editor."""
    if not held_by_colleague(claim, user) or may_override(user):
        return None
    holder = claim.assignee.get_username()
    return (
        f"{holder} is working on this claim: only they or an editor can {WORK[work]}. "
        f"Ask {holder} to unassign themselves, or an editor to reassign it."
    )


def claims_held_from(claims, user) -> dict[int, str]:
    """Those of `claims` that are a colleague's and `user` no editor, by id, each with why, as
    the queue labels the box it offers no tick in (every bulk action would be refused)."""
    if may_override(user):
        return {}
    return {
        claim.pk: (
            f"Claim #{claim.pk} is assigned to {claim.assignee.get_username()}: only they or "
            f"an editor can {WORK['bulk']}"
        )
        for claim in claims
        if held_by_colleague(claim, user)
    }


# What claim_work_check records of an editor's override (OVERRODE_KEY), in the notices' words.
OVERRIDE_RECORDED = "the history records that you overrode their assignment"


def _overrides(claim, user) -> bool:
    return held_by_colleague(claim, user) and may_override(user)


def override_notice(*, claim, user) -> str | None:
    """What the claim page tells an editor on a colleague's claim, or None."""
    if not _overrides(claim, user):
        return None
    return (
        f"{claim.assignee.get_username()} is working on this claim. As an editor you can still "
        f"{WORK['any']}; {OVERRIDE_RECORDED}."
    )


def reopen_override_notice(*, claim, user) -> str | None:
    """What the Reopen button tells an editor on a colleague's dismissed claim, or None. Not
    "takes it from them": reopening leaves it theirs (claims.services.claim_reopen)."""
    if not _overrides(claim, user):
        return None
    holder = claim.assignee.get_username()
    return (
        f"{holder} holds this claim. Reopening it as an editor brings it back in progress, "
        f"still assigned to {holder}; {OVERRIDE_RECORDED}."
    )


def claim_work_check(*, claim, user, work: str) -> dict:
    """Refuse `work` on `claim` (PermissionDenied, claim_work_refusal's words), or return the
    event data that goes with it: whose claim an editor overrode, else nothing. Call with the
    claim locked, so the assignee read is the one the write keeps."""
    refusal = claim_work_refusal(claim=claim, user=user, work=work)
    if refusal:
        raise PermissionDenied(refusal)
    if held_by_colleague(claim, user):
        return {OVERRODE_KEY: claim.assignee.get_username()}
    return {}
