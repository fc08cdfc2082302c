"""One queue action on many claims at once (the queue's ticked boxes): each claim goes through
its own service call and transaction, as if acted on from its page."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError

from articles.services import is_blank, visible_text

from . import services, workflow
from .models import Claim


@dataclass(frozen=True)
class BulkOutcome:
    done: list[int]
    refused: dict[int, str]  # claim id -> why, in the words the claim page would show
    # claim id -> what it is already (assigned to the actor, not assigned): nothing recorded
    unchanged: dict[int, str]


BULK_ACTIONS = ("assign", "unassign", "dismiss")
BULK_MAX = 100


def claims_bulk_act(*, claim_ids: list[int], action: str, actor, reason: str = "") -> BulkOutcome:
    """One queue action on many claims, each through its own service call and transaction: a
    claim the workflow refuses (its verdict is in review, it is dismissed already) is reported
    and the others go ahead."""
    if action not in BULK_ACTIONS:
        raise ValidationError({"action": f"Choose one of: {', '.join(BULK_ACTIONS)}."})
    if not claim_ids or len(claim_ids) > BULK_MAX:
        raise ValidationError({"claims": f"Select from 1 to {BULK_MAX} claims."})
    if action == "dismiss" and is_blank(reason or ""):
        raise ValidationError({"reason": "Say why the claims are not check-worthy."})
    if action == "dismiss":
        # Once for all of them, not the same refusal claim by claim.
        services.dismissal_reason_check(visible_text(reason))
    if action != "dismiss" and not is_blank(reason or ""):
        # Typed for a dismissal with another action still chosen: refused, not dropped unseen.
        raise ValidationError(
            {
                "reason": "A reason is used only to dismiss claims: choose the dismissal, or "
                f"clear the reason to {action} them."
            }
        )
    calls = {
        "assign": lambda claim: services.claim_assign(claim=claim, actor=actor),
        "unassign": lambda claim: services.claim_unassign(claim=claim, actor=actor),
        "dismiss": lambda claim: services.claim_dismiss(claim=claim, actor=actor, reason=reason),
    }
    claims = {claim.pk: claim for claim in Claim.objects.filter(pk__in=claim_ids)}
    done, refused, unchanged = [], {}, {}
    for pk in sorted(set(claim_ids)):
        claim = claims.get(pk)
        if claim is None:
            refused[pk] = "No such claim."
            continue
        try:
            calls[action](claim)
        except workflow.NothingChanged as already:
            unchanged[pk] = str(already)
        except (workflow.IllegalTransition, ValidationError, PermissionDenied) as error:
            refused[pk] = " ".join(getattr(error, "messages", None) or [str(error)])
        else:
            done.append(pk)
    return BulkOutcome(done=done, refused=refused, unchanged=unchanged)
