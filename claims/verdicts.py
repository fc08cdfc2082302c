"""Writes to verdicts: drafts with their sources, review and publication. Who may take each
step, and what a verdict needs first, is claims.verdict_rules; its texts and sources as stored,
claims.verdict_content; what a stale form is told, claims.verdict_conflicts. Corrections of
published verdicts are claims.corrections.

Every change of status goes through claims.workflow.transition(); saves are optimistically
locked on Verdict.version. What the published record protects (deletes, ratings in use, the
readers' cache generation) is claims.record.
"""

from collections.abc import Collection

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from articles.services import visible_text

from . import ownership, workflow
from .appearances import second_fact_check_refusal
from .models import Claim, ClaimEventKind, ClaimGroup, ContributionKind, Speaker, Verdict
from .modified import verdicts_modified
from .record import published_changed
from .services import contribution_record, locked_claim
from .verdict_conflicts import (
    action_conflict,
    already_saved,
    taken_over,
    verdict_locked,
    version_conflict,
)
from .verdict_content import (
    content_unchanged,
    sources_changed,
    sources_check,
    sources_replace,
    verdict_text_check,
)
from .verdict_rules import (
    refuse_missing,
    verdict_publish_refusal,
    verdict_return_refusal,
    verdict_review_missing,
    verdict_withdraw_refusal,
)
from .workflow import VersionConflict


def _content(verdict: Verdict) -> tuple:
    sources = tuple(verdict.sources.order_by("id").values_list("url", "title", "note"))
    return verdict.rating_id, verdict.conclusion, verdict.explanation, sources


def _locked_speaker_and_claim(claim_id: int) -> Claim:
    """Lock the claim's speaker, then the claim: the order merges, speaker edits and the claim
    page's speaker correction use. Publishing (and submitting) puts the speaker on the record,
    so a speaker edit that found it off the record cannot be overtaken."""
    speaker_id = Claim.objects.filter(pk=claim_id).values_list("speaker_id", flat=True)
    speaker = Speaker.objects.select_for_update().filter(pk__in=speaker_id).first()
    claim = Claim.objects.select_for_update().get(pk=claim_id)
    if claim.speaker_id != (speaker.pk if speaker else None):
        raise ValidationError("The claim's speaker changed meanwhile: try again.")
    return claim


def _refuse_incomplete(verdict: Verdict, *, before: str) -> None:
    refuse_missing(verdict_review_missing(verdict), before=before)


def verdict_submit(*, verdict: Verdict, actor) -> Verdict:
    with transaction.atomic():
        claim = _locked_speaker_and_claim(verdict.claim_id)  # it goes on the record
        verdict = Verdict.objects.select_for_update().get(pk=verdict.pk)
        workflow.check(ClaimEventKind.SUBMITTED, claim=claim, verdict=verdict)
        overridden = ownership.claim_work_check(claim=claim, user=actor, work="submit")
        _refuse_incomplete(verdict, before="review")
        verdict.submitted_at = timezone.now()
        verdict.version += 1
        verdict.updated_by = actor
        workflow.transition(
            ClaimEventKind.SUBMITTED, claim=claim, verdict=verdict, actor=actor, data=overridden
        )
    return verdict


def verdict_return(*, verdict: Verdict, actor, comment: str) -> Verdict:
    comment = visible_text(comment)
    if not actor.has_perm("claims.return_verdict"):
        raise PermissionDenied("Only editors can return verdicts.")
    if not comment:
        raise ValidationError({"comment": "Tell the author what to change."})
    verdict_text_check(comment=comment)
    with transaction.atomic():
        claim = locked_claim(verdict.claim)
        verdict = Verdict.objects.select_for_update().get(pk=verdict.pk)
        workflow.check(ClaimEventKind.RETURNED, claim=claim, verdict=verdict)
        refusal = verdict_return_refusal(verdict=verdict, user=actor)
        if refusal:
            raise PermissionDenied(refusal)
        verdict.review_comment = comment
        verdict.version += 1
        verdict.updated_by = actor
        workflow.transition(
            ClaimEventKind.RETURNED, claim=claim, verdict=verdict, actor=actor, note=comment
        )
    return verdict


def verdict_withdraw(*, verdict: Verdict, actor) -> Verdict:
    """The author takes a submitted verdict back before an editor acts: a draft again, the
    claim back in progress."""
    with transaction.atomic():
        claim = _locked_speaker_and_claim(verdict.claim_id)  # the lock order of verdict_act
        verdict = Verdict.objects.select_for_update().get(pk=verdict.pk)
        workflow.check(ClaimEventKind.WITHDRAWN, claim=claim, verdict=verdict)
        refusal = verdict_withdraw_refusal(verdict=verdict, user=actor)
        if refusal:
            raise PermissionDenied(refusal)
        verdict.version += 1
        verdict.updated_by = actor
        workflow.transition(ClaimEventKind.WITHDRAWN, claim=claim, verdict=verdict, actor=actor)
    return verdict


def verdict_publish(*, verdict: Verdict, editor, beside: Collection[int] = ()) -> Verdict:
    """Publish the verdict in review. `beside`: the claims of its group whose published
    fact-checks the editor was shown and confirmed publishing this one beside (a second
    fact-check of one claim is refused without it: appearances.second_fact_check_refusal);
    the publication's event records them."""
    if not editor.has_perm("claims.publish_verdict"):
        raise PermissionDenied("Only editors can publish verdicts.")
    with transaction.atomic():
        claim = _locked_speaker_and_claim(verdict.claim_id)
        verdict = Verdict.objects.select_for_update().get(pk=verdict.pk)
        refusal = verdict_publish_refusal(verdict=verdict, user=editor)
        if refusal:
            raise PermissionDenied(refusal)
        workflow.check(ClaimEventKind.PUBLISHED, claim=claim, verdict=verdict)
        # Held at submission and read-only since; checked again, as it is the published rule.
        _refuse_incomplete(verdict, before="publication")
        if claim.group_id:
            # Two editors publishing two repeats of one group at once would each find the
            # other unpublished: the group's row makes them take turns.
            ClaimGroup.objects.select_for_update().filter(pk=claim.group_id).first()
        beside, second_refusal = second_fact_check_refusal(claim, beside=beside)
        if second_refusal:
            raise ValidationError(second_refusal, code="second_fact_check")
        verdict.editor = editor
        verdict.published_at = timezone.now()
        verdict.version += 1
        verdict.updated_by = editor
        workflow.transition(
            ClaimEventKind.PUBLISHED,
            claim=claim,
            verdict=verdict,
            actor=editor,
            data={"published_beside": beside} if beside else None,
        )
        verdicts_modified(verdicts=[verdict], at=verdict.published_at)
        transaction.on_commit(published_changed)
    return verdict


def _draft_write(
    *,
    claim: Claim,
    actor,
    expected_version: int | None,
    rating,
    conclusion: str,
    explanation: str,
    sources: list[dict],
) -> tuple[Verdict, tuple | None]:
    """Write the draft's fields; return it with its content as it was (None if new). When the
    rating, wording and sources are what the draft holds already, nothing is written and the
    version stays `expected_version`."""
    conclusion, explanation = visible_text(conclusion), visible_text(explanation)
    if rating is not None and not rating.scale.is_active:
        raise ValidationError({"rating": "Choose a rating from the active scale."})
    verdict_text_check(conclusion=conclusion, explanation=explanation)
    sources_check(sources)
    claim = locked_claim(claim)
    verdict = Verdict.objects.select_for_update().filter(claim=claim).first()
    # A colleague took the claim since the form was drawn: said before a stale version, which
    # would send the writer to reload and merge a draft they may no longer save. Not for the
    # same form sent twice, which changes nothing (already_saved says so).
    unchanged = verdict is not None and content_unchanged(
        verdict, rating, conclusion, explanation, sources
    )
    if not unchanged and (
        taken := taken_over(claim, verdict, actor=actor, expected_version=expected_version)
    ):
        raise taken
    if verdict is None:
        if expected_version is not None:
            # The verdict this editor loaded was deleted since. Starting a new one at version
            # 1 would read as "nothing changed" to a caller that loaded version 1, and its
            # sources would never be saved: refused as a stale save, the typed form kept.
            raise VersionConflict(
                "The verdict you were editing was deleted since you loaded the page — reload "
                "to start a new one."
            )
        verdict = Verdict(claim=claim, author=actor)
        before = None
    else:
        if expected_version != verdict.version:
            if unchanged:
                raise already_saved(verdict, actor=actor)
            raise version_conflict(verdict, actor=actor, draft=True)
        before = _content(verdict)
        if unchanged:
            # Still refused where an edit would be (a verdict in review or published).
            workflow.check(ClaimEventKind.DRAFTED, claim=claim, verdict=verdict)
            return verdict, before
        verdict.version += 1
    # After the version and workflow checks: a stale form is told who changed the draft and
    # when, and a verdict in review or published says so first. A colleague's claim was
    # refused above (taken_over); here an editor's override is recorded.
    workflow.check(ClaimEventKind.DRAFTED, claim=claim, verdict=verdict)
    data = ownership.claim_work_check(claim=claim, user=actor, work="draft")
    verdict.rating = rating
    verdict.conclusion = conclusion
    verdict.explanation = explanation
    verdict.updated_by = actor
    if claim.assignee_id is None:
        # Saving an unassigned claim's draft takes the claim (the form says so), so from now
        # on the draft is this person's work and nobody else saves over it unseen.
        claim.assignee = actor
    workflow.transition(
        ClaimEventKind.DRAFTED, claim=claim, verdict=verdict, actor=actor, data=data
    )
    return verdict, before


def _contribution_if_changed(*, verdict: Verdict, user, before: tuple | None) -> None:
    """The one definition of contributing to a version: its wording, rating or sources differ
    from the version before (a new verdict always counts; saving it unchanged does not)."""
    if _content(verdict) != before:
        contribution_record(verdict=verdict, user=user, kind=ContributionKind.DRAFT)


def verdict_save(
    *,
    claim: Claim,
    actor,
    expected_version: int | None,
    rating=None,
    conclusion: str = "",
    explanation: str = "",
    sources: list[dict] = (),
) -> Verdict:
    """Save the draft and its evidence sources together, refusing stale saves.

    A save that changes nothing (the same rating, wording and sources) writes nothing: no
    version, no timeline entry, no new source rows; the verdict comes back at
    `expected_version`, which is how a caller tells the user nothing changed."""
    sources = list(sources)
    with transaction.atomic():
        verdict, before = _draft_write(
            claim=claim,
            actor=actor,
            expected_version=expected_version,
            rating=rating,
            conclusion=conclusion,
            explanation=explanation,
            sources=sources,
        )
        if verdict.version == expected_version:
            return verdict
        sources_replace(verdict, sources)
        _contribution_if_changed(verdict=verdict, user=actor, before=before)
        # The draft's event names the sources it added, removed or changed, so the history
        # shows when they changed (all of them on every save repeated the list each time).
        changed = sources_changed(before[3] if before else (), sources)
        if changed:
            event = verdict.claim.events.filter(kind=ClaimEventKind.DRAFTED).latest("id")
            event.data = {**event.data, **changed}
            event.save(update_fields=["data"])
    return verdict


def verdict_act(
    *,
    verdict: Verdict,
    actor,
    action: str,
    expected_version: int,
    comment: str = "",
    beside: Collection[int] = (),
):
    """Submit, withdraw, return or publish the verdict as loaded at `expected_version`
    (`beside`: as for verdict_publish).

    The row lock taken here is held by the action's own transaction, so nobody can save in
    between the version check and the move.
    """
    actions = {
        "submit": lambda v: verdict_submit(verdict=v, actor=actor),
        "withdraw": lambda v: verdict_withdraw(verdict=v, actor=actor),
        "return": lambda v: verdict_return(verdict=v, actor=actor, comment=comment),
        "publish": lambda v: verdict_publish(verdict=v, editor=actor, beside=beside),
    }
    if action not in actions:
        raise ValueError(f"Unknown verdict action {action!r}.")
    with transaction.atomic():
        # The actions' own lock order: the speaker, the claim, then the verdict.
        _locked_speaker_and_claim(verdict.claim_id)
        try:
            locked = verdict_locked(verdict, expected_version, actor=actor)
        except VersionConflict as conflict:
            current = Verdict.objects.select_related("updated_by", "editor").get(pk=verdict.pk)
            raise action_conflict(current, action, actor, expected_version) from conflict
        return actions[action](locked)
