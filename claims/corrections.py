"""Corrections: a published verdict changes only here, with a dated public note, a new version,
and who wrote and who published the change recorded. A correction of what the verdict says is
written by one person and published by an editor who wrote none of it (claims.correction_requests
asks and decides, correction_publish writes); a speaker merge's correction of who said the claim
is written and published by its editor, who must not have written a draft of the verdict."""

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
from .services import attribution_contributions_record, contribution_record
from .verdict_content import (
    content_unchanged,
    sources_changed,
    sources_check,
    sources_replace,
    verdict_text_check,
)
from .verdict_rules import refuse_missing, verdict_content_missing, verdict_contributor_ids

NOTHING_CORRECTED = (
    "This correction changes nothing: the rating, conclusion, explanation and sources are as "
    "published. Nothing was published; change what was wrong first."
)


def verdict_public_fields(verdict: Verdict) -> dict:
    """What a correction may change, as readers read it now: kept as a correction's `previous`
    and a request's `based_on`. The rating's label is what they read; its id is which rating
    it is, since an editor may rename a label on the scale."""
    return {
        "rating": verdict.rating.label if verdict.rating else "",
        "rating_id": verdict.rating_id,
        "conclusion": verdict.conclusion,
        "explanation": verdict.explanation,
        "sources": [
            {"url": source.url, "title": source.title, "note": source.note}
            for source in verdict.sources.all()
        ],
    }


def _correction_republish(
    *, claim: Claim, verdict: Verdict, writer, publisher, note: str, data: dict
):
    """The steps every correction ends with: a new version, its writer recorded as a
    contributor (CORRECTION), and the 'corrected' event by its publisher (claim and verdict
    saved as they are in memory)."""
    verdict.version += 1
    verdict.updated_by = publisher
    contribution_record(verdict=verdict, user=writer, kind=ContributionKind.CORRECTION)
    workflow.transition(
        ClaimEventKind.CORRECTED,
        claim=claim,
        verdict=verdict,
        actor=publisher,
        note=note,
        data=data,
    )


def correction_checked(
    *, note: str, rating, conclusion: str, explanation: str, sources: list[dict]
) -> tuple[str, str, str]:
    """The note, conclusion and explanation of a correction as they are stored, refused if the
    correction lacks what any published verdict needs or what it says cannot be stored."""
    note = visible_text(note)  # zero-width marks alone say nothing
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
    sources_check(sources)
    return note, conclusion, explanation


def correction_publish(
    *,
    claim: Claim,
    verdict: Verdict,
    writer,
    publisher,
    note: str,
    rating,
    conclusion: str,
    explanation: str,
    sources: list[dict],
    data: dict,
) -> Correction:
    """Change a published verdict as checked and approved (claims.correction_requests): keep
    what it said, record a dated public note, republish. Call inside the caller's transaction
    with the claim and verdict locked."""
    workflow.check(ClaimEventKind.CORRECTED, claim=claim, verdict=verdict)
    # A dated public note over an unchanged verdict would tell readers it was wrong.
    if content_unchanged(verdict, rating, conclusion, explanation, sources):
        raise ValidationError(NOTHING_CORRECTED, code="unchanged")
    previous = verdict_public_fields(verdict)
    correction = Correction.objects.create(
        verdict=verdict, note=note, previous=previous, created_by=writer, approved_by=publisher
    )
    verdict.rating = rating
    verdict.conclusion = conclusion
    verdict.explanation = explanation
    _correction_republish(
        claim=claim,
        verdict=verdict,
        writer=writer,
        publisher=publisher,
        note=note,
        data={
            "correction": correction.pk,
            **data,
            **corrected_fields(previous, rating, conclusion, explanation, sources),
        },
    )
    verdicts_modified(verdicts=[verdict], at=correction.created_at)
    # After the verdict's new version is saved, as a draft save does: the timeline reads
    # the sources written after a version (and before the next) as that version's, so
    # written first they were shown as changed by the publication before the correction.
    with published_sources_replaceable(verdicts=[verdict]):
        sources_replace(verdict, sources)  # keeps the dates of the addresses it keeps
    transaction.on_commit(published_changed)
    return correction


def _refuse_correcting_own_draft(*, verdict: Verdict, editor) -> None:
    if editor.pk in verdict_contributor_ids(verdict=verdict, kinds=[ContributionKind.DRAFT]):
        raise PermissionDenied(
            f"You wrote or changed the verdict on claim #{verdict.claim_id} before it was "
            "published: another editor must correct it."
        )


def corrected_fields(
    previous: dict, rating, conclusion: str, explanation: str, sources: list[dict]
) -> dict:
    """What a correction changes of the verdict's public fields `previous`, for its events:
    the rating from and to, the texts reworded, and the sources added, removed or changed
    (verdict_content.sources_changed, as a draft's event names them); what it keeps is left out."""
    changed = {}
    if rating.pk != previous["rating_id"]:
        changed["rating"] = {"from": previous["rating"], "to": rating.label}
    texts = {"conclusion": conclusion, "explanation": explanation}
    reworded = [field for field, text in texts.items() if text != previous[field]]
    if reworded:
        changed["reworded"] = reworded
    before = [(source["url"], source["title"], source["note"]) for source in previous["sources"]]
    return {**changed, **sources_changed(before, sources)}


def verdicts_speaker_correct(*, claims: list[Claim], editor, note: str, previous_speaker: str):
    """These claims now name another speaker record for the same person (a speaker merge):
    each published verdict among them gets a dated public correction saying so, a new version
    and the editor as its corrector. As for a first publication, an editor who wrote a draft
    of one of them leaves it to another editor.

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
            writer=editor,
            publisher=editor,
            note=note,
            data={"correction": correction.pk, "previous_speaker": previous_speaker},
        )
        verdicts_modified(verdicts=[verdict], at=correction.created_at)
        corrections.append(correction)
    if corrections:
        transaction.on_commit(published_changed)
    return corrections
