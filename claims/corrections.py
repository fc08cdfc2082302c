"""Corrections: a published verdict changes only here, with a dated public note, a new version
and the correcting editor recorded; the four-eyes rule of claims.verdicts holds (an editor who
wrote a draft of the verdict leaves the correction to another editor)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from articles.services import visible_text

from . import workflow
from .models import (
    Claim,
    ClaimEventKind,
    ContributionKind,
    Correction,
    Verdict,
    published_sources_replaceable,
    published_verdict_q,
)
from .modified import verdicts_modified
from .record import published_changed
from .services import attribution_contributions_record, locked_claim
from .verdicts import (
    content_unchanged,
    contribution_record,
    refuse_missing,
    sources_changed,
    sources_replace,
    verdict_content_missing,
    verdict_contributor_ids,
    verdict_locked,
    verdict_text_check,
)

NOTHING_CORRECTED = (
    "This correction changes nothing: the rating, conclusion, explanation and sources are as "
    "published. Nothing was published; change what was wrong first."
)


def verdict_public_fields(verdict: Verdict) -> dict:
    return {
        "rating": verdict.rating.label if verdict.rating else "",
        "conclusion": verdict.conclusion,
        "explanation": verdict.explanation,
        "sources": [
            {"url": source.url, "title": source.title, "note": source.note}
            for source in verdict.sources.all()
        ],
    }


def verdict_correct_refusal(*, verdict: Verdict, user) -> str | None:
    """Why `user`, an editor, may not correct `verdict`, or None: the one rule the service and
    the claim page (which then offers no correction form to fill in for nothing) share."""
    # A correction is published by the editor who writes it, with a dated public note; it must
    # not become a way to publish a draft one wrote, so draft authors may not correct.
    if user.pk in verdict_contributor_ids(verdict=verdict, kinds=[ContributionKind.DRAFT]):
        return (
            f"You wrote or changed the verdict on claim #{verdict.claim_id} before it was "
            "published: another editor must correct it."
        )
    return None


def _refuse_correcting_own_draft(*, verdict: Verdict, editor) -> None:
    refusal = verdict_correct_refusal(verdict=verdict, user=editor)
    if refusal is not None:
        raise PermissionDenied(refusal)


def _correction_republish(*, claim: Claim, verdict: Verdict, editor, note: str, data: dict):
    """The steps every correction ends with: a new version, the editor recorded as corrector,
    and the 'corrected' event (claim and verdict saved as they are in memory)."""
    verdict.version += 1
    verdict.updated_by = editor
    contribution_record(verdict=verdict, user=editor, kind=ContributionKind.CORRECTION)
    workflow.transition(
        ClaimEventKind.CORRECTED, claim=claim, verdict=verdict, actor=editor, note=note, data=data
    )


def verdict_correct(
    *,
    verdict: Verdict,
    editor,
    expected_version: int,
    note: str,
    rating,
    conclusion: str,
    explanation: str,
    sources: list[dict],
):
    """Change a published verdict: keep what it said, record a dated public note, republish."""
    note = visible_text(note)  # zero-width marks alone say nothing
    if not editor.has_perm("claims.publish_verdict"):
        raise PermissionDenied("Only editors can correct published verdicts.")
    if not note:
        raise ValidationError({"note": "Say publicly what changed and why."})
    # A correction republishes what it is given: it needs what any verdict needs.
    missing = verdict_content_missing(
        rating=rating, conclusion=conclusion, has_sources=bool(sources)
    )
    refuse_missing(missing, before="a correction is published")
    if not rating.scale.is_active:
        raise ValidationError({"rating": "Choose a rating from the active scale."})
    conclusion, explanation = visible_text(conclusion), visible_text(explanation)
    verdict_text_check(note=note, conclusion=conclusion, explanation=explanation)
    with transaction.atomic():
        claim = locked_claim(verdict.claim)
        # The same correction sent twice finds it published: said so, not a conflict.
        sent = {
            "rating": rating,
            "conclusion": conclusion,
            "explanation": explanation,
            "sources": sources,
        }
        verdict = verdict_locked(verdict, expected_version, actor=editor, sent=sent)
        workflow.check(ClaimEventKind.CORRECTED, claim=claim, verdict=verdict)
        _refuse_correcting_own_draft(verdict=verdict, editor=editor)
        # A dated public note over an unchanged verdict would tell readers it was wrong.
        if content_unchanged(verdict, rating, conclusion, explanation, sources):
            raise ValidationError(NOTHING_CORRECTED, code="unchanged")
        previous = verdict_public_fields(verdict)
        correction = Correction.objects.create(
            verdict=verdict, note=note, previous=previous, created_by=editor
        )
        verdict.rating = rating
        verdict.conclusion = conclusion
        verdict.explanation = explanation
        _correction_republish(
            claim=claim,
            verdict=verdict,
            editor=editor,
            note=note,
            data={"correction": correction.pk, **_corrected(previous, verdict, sources)},
        )
        verdicts_modified(verdicts=[verdict], at=correction.created_at)
        # After the verdict's new version is saved, as a draft save does: the timeline reads
        # the sources written after a version (and before the next) as that version's, so
        # written first they were shown as changed by the publication before the correction.
        with published_sources_replaceable(verdicts=[verdict]):
            sources_replace(verdict, sources)
        transaction.on_commit(published_changed)
    return correction


def _corrected(previous: dict, verdict: Verdict, sources: list[dict]) -> dict:
    """What the correction changed, for its event: the rating from and to, the texts
    reworded, and the sources added, removed or changed (verdicts.sources_changed, as a
    draft's event names them); what it kept is left out."""
    changed = {}
    rating = verdict.rating.label
    if rating != previous["rating"]:
        changed["rating"] = {"from": previous["rating"], "to": rating}
    reworded = [
        field
        for field in ("conclusion", "explanation")
        if getattr(verdict, field) != previous[field]
    ]
    if reworded:
        changed["reworded"] = reworded
    before = [(source["url"], source["title"], source["note"]) for source in previous["sources"]]
    return {**changed, **sources_changed(before, sources)}


def verdicts_speaker_correct(*, claims: list[Claim], editor, note: str, previous_speaker: str):
    """These claims now name another speaker record for the same person (a speaker merge):
    each published verdict among them gets a dated public correction saying so, a new version
    and the editor as its corrector. The same four-eyes rule as verdict_correct: an editor who
    wrote a draft of one of them leaves it to another editor.

    A verdict among them that is not public yet (a draft, returned or in review) changed
    under the editor all the same: the editor becomes a contributor, so another editor
    publishes it (services.attribution_contributions_record).

    Call inside the caller's transaction, the claims locked and already given their new
    speaker in memory (the transition saves them as they are)."""
    by_id = {claim.pk: claim for claim in claims}
    attribution_contributions_record(claim_ids=list(by_id), actor=editor)
    locked = list(
        Verdict.objects.select_for_update(of=("self",))
        .filter(published_verdict_q(), claim__in=list(by_id))
        .order_by("pk")
    )
    if locked and not editor.has_perm("claims.publish_verdict"):
        raise PermissionDenied("Only editors can correct published verdicts.")
    for verdict in locked:
        _refuse_correcting_own_draft(verdict=verdict, editor=editor)
    corrections = []
    for verdict in locked:
        claim = by_id[verdict.claim_id]
        workflow.check(ClaimEventKind.CORRECTED, claim=claim, verdict=verdict)
        correction = Correction.objects.create(
            verdict=verdict, note=note, previous={"speaker": previous_speaker}, created_by=editor
        )
        _correction_republish(
            claim=claim,
            verdict=verdict,
            editor=editor,
            note=note,
            data={"correction": correction.pk, "previous_speaker": previous_speaker},
        )
        verdicts_modified(verdicts=[verdict], at=correction.created_at)
        corrections.append(correction)
    if corrections:
        transaction.on_commit(published_changed)
    return corrections
