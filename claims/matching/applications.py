"""Applying a published verdict to a repeat: the request, and an editor's decision on it.

Applied, the repeat joins the checked claim's group, leaves the queue (dismissed as already
checked) and becomes a public appearance of that fact-check (claims.appearances): a change to
what the public reads, so a second person decides, as for publishing. A fact-checker's request
waits on the editors' review page until an editor who did not make it approves or rejects it
(or its author withdraws it); nothing of it is public meanwhile. An editor's request is applied
as it is made, recorded with who and when like an approval.

Each step is one transaction with a ClaimEvent on the repeat's timeline (who, when, which
fact-check); the approval also writes the VERDICT_APPLIED group event the public rule reads.
An applied repeat is taken back by reopening it or splitting it out, an editor's action too
(claims.appearances.public_appearances_kept).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from articles.services import visible_text
from articles.times import desk_time

from .. import services
from ..appearances import NeedsAnEditor, may_change_public_appearances, standing_applications
from ..limits import REJECTION_NOTE, text_refusals
from ..models import (
    LOCKED_VERDICT_STATES,
    ApplicationStatus,
    Claim,
    ClaimEventKind,
    ClaimGroupEvent,
    ClaimStatus,
    GroupEventKind,
    Verdict,
    VerdictApplication,
)
from ..modified import verdicts_modified
from ..record import published_changed
from ..workflow import NothingChanged, event_record, request_locked
from .group_changes import GroupActionRefused, claim_group_link


def _refuse_unless_applicable(*, claim: Claim, checked: Claim) -> None:
    if claim.pk == checked.pk:
        raise GroupActionRefused("A claim cannot be a repeat of itself.")
    if not Claim.objects.published().filter(pk=checked.pk).exists():
        raise GroupActionRefused("Only a published verdict can be applied to a repeat.")
    # Applied, the claim shows publicly as an appearance of `checked`: not while an editor
    # has yet to decide on its own verdict, nor once it has a fact-check of its own.
    own = Verdict.objects.filter(claim=claim, status__in=LOCKED_VERDICT_STATES).first()
    if own is not None:
        raise GroupActionRefused(
            f"Claim #{claim.pk} has its own verdict {own.get_status_display().lower()}: "
            "it is not a repeat to cover with another fact-check."
        )
    if (
        claim.status == ClaimStatus.DISMISSED
        and claim.group_id == checked.group_id
        and standing_applications().filter(claim=claim).exists()
    ):
        raise GroupActionRefused(
            f"A published verdict covers claim #{claim.pk} already: reopen it or split it out "
            "first."
        )


# Each decision as it is told once done ("Already done: you approved ...", "ed approved this
# request at ...: nothing to reject"), and the verb of deciding so.
_DECIDED = {
    ApplicationStatus.APPROVED: ("approved this request", "approve"),
    ApplicationStatus.REJECTED: ("rejected this request", "reject"),
    ApplicationStatus.WITHDRAWN: ("withdrew this request", "withdraw"),
}


def _locked_pending(application: VerdictApplication, deciding: str, actor) -> VerdictApplication:
    return request_locked(
        application, deciding, actor=actor, decided=_DECIDED, refused=GroupActionRefused
    )


def _apply(*, application: VerdictApplication, editor) -> None:
    """The approved application's writes: link, dismiss, the VERDICT_APPLIED group event."""
    claim = services.locked_claim(application.claim)
    checked = Claim.objects.get(pk=application.checked_id)
    _refuse_unless_applicable(claim=claim, checked=checked)
    if claim.group_id is None or claim.group_id != checked.group_id:
        claim_group_link(claim=claim, earlier=checked, actor=editor, kind=GroupEventKind.CONFIRMED)
    claim.refresh_from_db()
    if claim.status in (ClaimStatus.NEW, ClaimStatus.IN_PROGRESS):
        services.claim_dismiss(
            claim=claim,
            actor=editor,
            reason=f"Already checked: a repeat of claim {checked.pk}, rated and published.",
        )
        claim.refresh_from_db()
    proposer = application.proposed_by.get_username()
    applied = ClaimGroupEvent.objects.create(
        group_id=claim.group_id, claim=claim, kind=GroupEventKind.VERDICT_APPLIED, actor=editor,
        data={"before": {}, "checked": checked.pk, "application": application.pk,
              "proposed_by": proposer},
    )  # fmt: skip
    # A new public appearance of the fact-check applied, and of no other of the group (each
    # verdict speaks for its own repeats, claims.appearances), dated by its event.
    verdicts_modified(
        verdicts=Verdict.objects.published().filter(claim_id=checked.pk), at=applied.created_at
    )
    application.status = ApplicationStatus.APPROVED
    application.decided_by, application.decided_at = editor, timezone.now()
    application.save(update_fields=["status", "decided_by", "decided_at"])
    event_record(
        claim,
        ClaimEventKind.APPLICATION_APPROVED,
        editor,
        checked=checked.pk,
        proposed_by=proposer,
        application=application.pk,
    )
    # A new appearance and a new dateModified: cached sitemap pages and API lists go stale.
    transaction.on_commit(published_changed)


def verdict_application_request(*, claim: Claim, checked: Claim, actor) -> VerdictApplication:
    """`checked`'s published verdict for the repeat `claim`, as the claim page asks for it: an
    editor's applies at once (approved, by them); anyone else's waits for an editor."""
    with transaction.atomic():
        claim = services.locked_claim(claim)
        checked.refresh_from_db()
        _refuse_unless_applicable(claim=claim, checked=checked)
        pending = VerdictApplication.objects.filter(
            claim=claim, status=ApplicationStatus.PENDING
        ).first()
        if (
            pending is not None
            and pending.checked_id == checked.pk
            and not may_change_public_appearances(actor)
        ):
            # "Ask an editor" sent again (a second tab, a colleague first): nothing is lost.
            raise _already_asked(pending, actor=actor)
        if pending is not None:
            raise GroupActionRefused(_waiting_refusal(pending, actor=actor))
        application = VerdictApplication.objects.create(
            claim=claim, checked=checked, proposed_by=actor
        )
        if may_change_public_appearances(actor):
            # The timeline says "approved" by the editor; nothing waited in between.
            _apply(application=application, editor=actor)
        else:
            event_record(
                claim,
                ClaimEventKind.APPLICATION_PROPOSED,
                actor,
                checked=checked.pk,
                application=application.pk,
            )
    return application


def _already_asked(pending: VerdictApplication, *, actor) -> NothingChanged:
    """The same request sent again while the first waits: information, not an error."""
    sent = desk_time(pending.proposed_at)
    if pending.proposed_by_id == actor.pk:
        return NothingChanged(
            f"Already asked: you sent this request at {sent}, and it waits for an editor to "
            "approve or reject it (withdraw it to send another)."
        )
    return NothingChanged(
        f"Already asked by {pending.proposed_by.get_username()} at {sent}: the request to apply "
        f"the verdict of claim #{pending.checked_id} to this claim waits for an editor."
    )


def _waiting_refusal(pending: VerdictApplication, *, actor) -> str:
    """Why another request is not sent while `pending` waits, saying whose that one is: the
    sender's own named in the third person sent them looking for someone else."""
    what = f"to apply the verdict of claim #{pending.checked_id} to this claim"
    sent = desk_time(pending.proposed_at)
    if pending.proposed_by_id == actor.pk:
        return (
            f"Your request {what}, sent at {sent}, waits for an editor already: withdraw it "
            "to send another, or wait until an editor approves or rejects it."
        )
    return (
        f"{pending.proposed_by.get_username()}'s request {what}, sent at {sent}, waits for an "
        "editor already: an editor approves or rejects it."
    )


def verdict_application_approve(*, application: VerdictApplication, editor) -> VerdictApplication:
    """An editor who did not ask for it applies the verdict: from now on the repeat is a
    public appearance of the fact-check."""
    if not may_change_public_appearances(editor):
        raise NeedsAnEditor("Only an editor approves applying a published verdict to a repeat.")
    with transaction.atomic():
        application = _locked_pending(application, ApplicationStatus.APPROVED, editor)
        if application.proposed_by_id == editor.pk:
            raise PermissionDenied("You asked for this: another editor approves it.")
        _apply(application=application, editor=editor)
    return application


def verdict_application_reject(
    *, application: VerdictApplication, editor, note: str
) -> VerdictApplication:
    """An editor says no, and why (the request's author reads it on the claim's timeline)."""
    note = visible_text(note)
    if not may_change_public_appearances(editor):
        raise NeedsAnEditor("Only an editor rejects a request to apply a published verdict.")
    if not note:
        raise ValidationError({"note": "Say why the verdict does not cover this claim."})
    if refused := text_refusals(note, *REJECTION_NOTE):
        raise ValidationError({"note": refused})
    return _close(application, editor, ApplicationStatus.REJECTED, note=note)


def verdict_application_withdraw(*, application: VerdictApplication, actor) -> VerdictApplication:
    """The request's author takes it back before an editor decides."""
    return _close(application, actor, ApplicationStatus.WITHDRAWN)


def _close(application, actor, status: str, *, note: str = "") -> VerdictApplication:
    kinds = {
        ApplicationStatus.REJECTED: ClaimEventKind.APPLICATION_REJECTED,
        ApplicationStatus.WITHDRAWN: ClaimEventKind.APPLICATION_WITHDRAWN,
    }
    with transaction.atomic():
        application = _locked_pending(application, status, actor)
        if status == ApplicationStatus.WITHDRAWN and application.proposed_by_id != actor.pk:
            raise PermissionDenied(
                "Only whoever asked for it withdraws a request; an editor rejects it instead."
            )
        application.status, application.decision_note = status, note
        application.decided_by, application.decided_at = actor, timezone.now()
        application.save(update_fields=["status", "decision_note", "decided_by", "decided_at"])
        claim = services.locked_claim(application.claim)
        event_record(
            claim,
            kinds[status],
            actor,
            note=note,
            checked=application.checked_id,
            application=application.pk,
        )
    return application
