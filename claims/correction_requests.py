"""A correction of a published verdict, asked for and decided: written by a fact-checker or an
editor, published by an editor who wrote none of the verdict's content and not this correction
(the four-eyes rule of first publications, claims.verdict_rules.verdict_publish_refusal, holds for
every later change of what the verdict says). Its writer may withdraw it; an editor rejects it
with a reason the writer reads on the claim's timeline. Until it is approved nothing of it is
public: the verdict reads as published. Each step is one transaction with a ClaimEvent."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from articles.services import visible_text
from articles.times import desk_time

from .corrections import (
    NOTHING_CORRECTED,
    corrected_fields,
    correction_checked,
    correction_publish,
    verdict_public_fields,
)
from .limits import REJECTION_NOTE, text_refusals
from .models import (
    ApplicationStatus,
    ClaimEventKind,
    ContributionKind,
    Correction,
    CorrectionRequest,
    Verdict,
)
from .services import locked_claim
from .verdict_conflicts import verdict_locked
from .verdict_content import content_unchanged, source_stored
from .verdict_rules import verdict_contributor_ids
from .workflow import already_done, check, event_record, request_locked

WRITE_PERMISSION = "claims.change_verdict"
PUBLISH_PERMISSION = "claims.publish_verdict"

# Each decision as it is told once done ("Already done: you published ...", "ed published
# this correction at ...: nothing to reject"), and the verb of deciding so. "Published", not
# the status's "approved": an approved correction is what readers read.
_DECIDED = {
    ApplicationStatus.APPROVED: ("published this correction", "publish"),
    ApplicationStatus.REJECTED: ("rejected this correction", "reject"),
    ApplicationStatus.WITHDRAWN: ("withdrew this correction", "withdraw"),
}


def pending_correction_of(verdict: Verdict | None) -> CorrectionRequest | None:
    if verdict is None:
        return None
    return (
        verdict.correction_requests.filter(status=ApplicationStatus.PENDING)
        .select_related("proposed_by", "rating")
        .first()
    )


def pending_corrections():
    """Every correction waiting for an editor, oldest first (the review page's list)."""
    return CorrectionRequest.objects.filter(status=ApplicationStatus.PENDING).select_related(
        "verdict__claim", "verdict__rating", "rating", "proposed_by"
    )


def correction_decide_refusal(*, correction: CorrectionRequest, user) -> str | None:
    """Why `user` may not decide on `correction`, publish or reject it (its writer withdraws
    it instead), or None: who decides, the one rule the services and the desk (which then
    offers no form to send for nothing) share."""
    if not user.has_perm(PUBLISH_PERMISSION):
        return "Only editors publish corrections."
    if correction.proposed_by_id == user.pk:
        return "You wrote this correction: another editor publishes it."
    verdict = correction.verdict
    if user.pk in verdict_contributor_ids(verdict=verdict, kinds=[ContributionKind.DRAFT]):
        return (
            "You wrote or changed this verdict before it was published: another editor "
            "decides on its corrections."
        )
    if user.pk in verdict_contributor_ids(verdict=verdict):
        return (
            "You wrote part of what this verdict says now (an earlier correction, or a change "
            "of who said the claim or where): another editor decides on its corrections."
        )
    return None


def correction_approve_refusal(*, correction: CorrectionRequest, user) -> str | None:
    """Why `user` may not publish `correction` now, or None: who decides
    (correction_decide_refusal), then whether it can still be published as written. The one
    rule of correction_approve and of the claim page's Publish button, which shows this reason
    in its place (the Reject form stays where only the second part refuses)."""
    refusal = correction_decide_refusal(correction=correction, user=user)
    return refusal or _unpublishable(correction)


def _unpublishable(correction: CorrectionRequest) -> str | None:
    """Why `correction` cannot be published as written any more, whoever publishes it: the
    verdict says something else now, or the correction no longer passes the checks it passed
    when it was written (a rating of a scale the desk retired since, or a rule tightened)."""
    if not _written_on(correction, correction.verdict):
        # Published over, it would silently undo what changed since it was written.
        return (
            "The published verdict changed after this correction was written: reject it, "
            "and its writer corrects what the verdict says now."
        )
    try:
        correction_checked(
            note=correction.note,
            rating=correction.rating,
            conclusion=correction.conclusion,
            explanation=correction.explanation,
            sources=correction.sources,
        )
    except ValidationError as refused:
        return (
            f"This correction can no longer be published as written ({' '.join(refused.messages)}"
            "): reject it, and its writer writes it again."
        )
    return None


def _written_on(correction: CorrectionRequest, verdict: Verdict) -> bool:
    """Whether `verdict` still says what the correction's writer read (its `based_on`): the
    same rating (CorrectionRequest.based_on_rating: which rating, not its label, an editor may
    rename that), and the same wording and sources, word for word."""
    now, then = verdict_public_fields(verdict), correction.based_on
    return correction.based_on_rating(verdict.rating) and all(
        now[field] == then.get(field) for field in ("conclusion", "explanation", "sources")
    )


def correction_request(
    *,
    verdict: Verdict,
    author,
    expected_version: int,
    note: str,
    rating,
    conclusion: str,
    explanation: str,
    sources: list[dict],
) -> CorrectionRequest:
    """Ask for a correction of the published `verdict`, checked as a correction is when it is
    published; it waits for an editor (correction_approve)."""
    if not author.has_perm(WRITE_PERMISSION):
        raise PermissionDenied("Only fact-checkers and editors write corrections.")
    note, conclusion, explanation = correction_checked(
        note=note, rating=rating, conclusion=conclusion, explanation=explanation, sources=sources
    )
    stored = [dict(zip(("url", "title", "note"), source_stored(s), strict=True)) for s in sources]
    sent = {"rating": rating, "conclusion": conclusion, "explanation": explanation}
    with transaction.atomic():
        claim = locked_claim(verdict.claim)
        # Corrected already to what was sent (the same correction approved meanwhile): said so.
        verdict = verdict_locked(
            verdict, expected_version, actor=author, sent={**sent, "sources": stored}
        )
        check(ClaimEventKind.CORRECTED, claim=claim, verdict=verdict)
        pending = pending_correction_of(verdict)
        if pending is not None:
            if pending.proposed_by_id == author.pk and _holds(pending, sent, stored, note):
                raise already_done(
                    did="sent this correction", by=author, at=pending.proposed_at, actor=author
                )
            raise ValidationError(_waiting_refusal(pending, author=author))
        if content_unchanged(verdict, rating, conclusion, explanation, stored):
            raise ValidationError(NOTHING_CORRECTED, code="unchanged")
        previous = verdict_public_fields(verdict)
        correction = CorrectionRequest.objects.create(
            verdict=verdict,
            based_on=previous,
            rating=rating,
            conclusion=conclusion,
            explanation=explanation,
            sources=stored,
            note=note,
            proposed_by=author,
        )
        event_record(
            claim,
            ClaimEventKind.CORRECTION_REQUESTED,
            author,
            note=note,
            request=correction.pk,
            **corrected_fields(previous, rating, conclusion, explanation, stored),
        )
    return correction


def _waiting_refusal(pending: CorrectionRequest, *, author) -> str:
    """Why a second correction is not sent while `pending` waits, saying whose that one is:
    named as a colleague's, the writer's own sent them looking for someone else."""
    sent = desk_time(pending.proposed_at)
    if pending.proposed_by_id == author.pk:
        return (
            f"Your own correction of this verdict, sent at {sent}, waits for an editor "
            "already: withdraw it on the claim page to send this one instead, or wait until "
            "an editor publishes or rejects it."
        )
    return (
        f"{pending.proposed_by.get_username()}'s correction of this verdict, sent at {sent}, "
        "waits for an editor already: an editor publishes or rejects it before another is sent."
    )


def _holds(pending: CorrectionRequest, sent: dict, sources: list[dict], note: str) -> bool:
    return (
        pending.rating_id == sent["rating"].pk
        and (pending.conclusion, pending.explanation) == (sent["conclusion"], sent["explanation"])
        and pending.sources == sources
        and pending.note == note
    )


def correction_approve(*, correction: CorrectionRequest, editor) -> Correction:
    """An editor who wrote none of it publishes the correction: a dated public note, a new
    version, its writer recorded as the correction's author and the editor as its publisher."""
    with transaction.atomic():
        correction = request_locked(
            correction, ApplicationStatus.APPROVED, actor=editor, decided=_DECIDED
        )
        claim = locked_claim(correction.verdict.claim)
        verdict = Verdict.objects.select_for_update(of=("self",)).get(pk=correction.verdict_id)
        correction.verdict = verdict
        if refusal := correction_decide_refusal(correction=correction, user=editor):
            raise PermissionDenied(refusal)
        if refusal := _unpublishable(correction):
            raise ValidationError(refusal)
        published = correction_publish(
            claim=claim,
            verdict=verdict,
            writer=correction.proposed_by,
            publisher=editor,
            note=correction.note,
            rating=correction.rating,
            conclusion=correction.conclusion,
            explanation=correction.explanation,
            sources=correction.sources,
            data={
                "request": correction.pk,
                "proposed_by": correction.proposed_by.get_username(),
            },
        )
        correction.status, correction.correction = ApplicationStatus.APPROVED, published
        correction.decided_by, correction.decided_at = editor, timezone.now()
        correction.save(update_fields=["status", "correction", "decided_by", "decided_at"])
    return published


def correction_reject(*, correction: CorrectionRequest, editor, note: str) -> CorrectionRequest:
    """An editor says no, and why; the verdict stays as published."""
    note = visible_text(note)
    if not editor.has_perm(PUBLISH_PERMISSION):
        raise PermissionDenied("Only editors reject corrections.")
    if not note:
        raise ValidationError({"note": "Say why the correction is not published."})
    if refused := text_refusals(note, *REJECTION_NOTE):
        raise ValidationError({"note": refused})
    return _close(correction, editor, ApplicationStatus.REJECTED, note=note)


def correction_withdraw_refusal(*, correction: CorrectionRequest, user) -> str | None:
    """Why `user` may not withdraw `correction`, or None: its writer may, whatever they may do
    on the desk now (a writer who no longer writes verdicts still takes back their own)."""
    if correction.proposed_by_id != user.pk:
        return "Only whoever wrote a correction withdraws it; an editor rejects it instead."
    return None


def correction_withdraw(*, correction: CorrectionRequest, actor) -> CorrectionRequest:
    """The correction's writer takes it back before an editor decides."""
    return _close(correction, actor, ApplicationStatus.WITHDRAWN)


def _close(correction: CorrectionRequest, actor, status: str, *, note: str = ""):
    kinds = {
        ApplicationStatus.REJECTED: ClaimEventKind.CORRECTION_REJECTED,
        ApplicationStatus.WITHDRAWN: ClaimEventKind.CORRECTION_WITHDRAWN,
    }
    with transaction.atomic():
        correction = request_locked(correction, status, actor=actor, decided=_DECIDED)
        if status == ApplicationStatus.WITHDRAWN and (
            refusal := correction_withdraw_refusal(correction=correction, user=actor)
        ):
            raise PermissionDenied(refusal)
        if status == ApplicationStatus.REJECTED and correction.proposed_by_id == actor.pk:
            raise PermissionDenied("You wrote this correction: withdraw it instead.")
        # A rejection decides as much as a publication: whoever wrote the verdict does not
        # keep a correction of it off the record.
        if status == ApplicationStatus.REJECTED and (
            refusal := correction_decide_refusal(correction=correction, user=actor)
        ):
            raise PermissionDenied(refusal)
        correction.status, correction.decision_note = status, note
        correction.decided_by, correction.decided_at = actor, timezone.now()
        correction.save(update_fields=["status", "decision_note", "decided_by", "decided_at"])
        claim = locked_claim(correction.verdict.claim)
        event_record(claim, kinds[status], actor, note=note, request=correction.pk)
    return correction
