"""Writes to claims, speakers and verdicts, and the entry point that turns articles into claims.

Views, API views, admin actions, tasks and commands all call these functions: one path for each
change of state. Workflow moves go through claims.workflow.transition().
"""

import logging
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from articles.models import AnalysisStatus, Article
from articles.services import article_create

from . import workflow
from .models import (
    Claim,
    ClaimEventKind,
    ClaimStatus,
    Speaker,
    SpeakerAlias,
    SpeakerKind,
    Verdict,
    VerdictStatus,
)
from .nlp.attribution import speaker_key

logger = logging.getLogger(__name__)

BROKER_DOWN_MESSAGE = (
    "The task queue could not be reached; the article stays queued and will be sent again "
    "by `manage.py requeue_analysis`."
)


# --- Articles in, analysis queued --------------------------------------------------------------


def article_submit(*, queue: bool = True, **fields) -> Article:
    """Store a new article and queue its analysis once the row is committed."""
    with transaction.atomic():
        article = article_create(**fields)
        if queue:
            article_queue_analysis(article=article)
    return article


def article_queue_analysis(*, article: Article) -> None:
    Article.objects.filter(pk=article.pk).update(
        analysis_status=AnalysisStatus.QUEUED,
        analysis_queued_at=timezone.now(),
        analysis_error="",
    )
    article.analysis_status = AnalysisStatus.QUEUED
    article_id = article.pk
    transaction.on_commit(lambda: _send_analysis(article_id))


def _send_analysis(article_id: int) -> None:
    from .tasks import analyze_article

    try:
        analyze_article.delay(article_id)
    except Exception as error:  # kombu raises several types when the broker is away
        logger.error("Could not queue analysis of article %s: %s", article_id, error)
        Article.objects.filter(pk=article_id, analysis_status=AnalysisStatus.QUEUED).update(
            analysis_error=BROKER_DOWN_MESSAGE
        )


def articles_requeue_stale(*, queued_for: timedelta, running_for: timedelta) -> list[int]:
    """Send again the analyses that never reached a worker or whose worker vanished."""
    now = timezone.now()
    stale = Article.objects.filter(
        analysis_status=AnalysisStatus.QUEUED, analysis_queued_at__lt=now - queued_for
    ) | Article.objects.filter(
        analysis_status=AnalysisStatus.RUNNING, analysis_started_at__lt=now - running_for
    )
    ids = list(stale.values_list("pk", flat=True))
    for article in Article.objects.filter(pk__in=ids):
        with transaction.atomic():
            article_queue_analysis(article=article)
    return ids


# --- Speakers ----------------------------------------------------------------------------------


def speaker_resolve(
    *, name: str, role: str = "", kind: str = "", aliases: list[str] = ()
) -> Speaker:
    """The Speaker these names belong to, created (with its aliases) when none matches."""
    names = [name, *aliases]
    keys = {speaker_key(alias): alias for alias in names if speaker_key(alias)}
    primary_key = speaker_key(name)
    if not primary_key:
        raise ValidationError("A speaker needs a name.")
    match = SpeakerAlias.objects.filter(key=primary_key).select_related("speaker").first()
    if match is None:
        match = (
            SpeakerAlias.objects.filter(key__in=keys)
            .select_related("speaker")
            .order_by("id")
            .first()
        )
    if match is not None:
        speaker = match.speaker
        if role and not speaker.role:
            speaker.role = role
            speaker.save(update_fields=["role"])
    else:
        speaker = Speaker.objects.create(
            name=name,
            slug=_unique_speaker_slug(name),
            role=role,
            kind=kind if kind in SpeakerKind.values else SpeakerKind.PERSON,
        )
    existing = set(SpeakerAlias.objects.filter(key__in=keys).values_list("key", flat=True))
    SpeakerAlias.objects.bulk_create(
        [
            SpeakerAlias(speaker=speaker, alias=alias, key=key)
            for key, alias in keys.items()
            if key not in existing
        ],
        ignore_conflicts=True,
    )
    return speaker


def _unique_speaker_slug(name: str) -> str:
    base = slugify(name)[:300] or "speaker"
    slug, counter = base, 2
    while Speaker.objects.filter(slug=slug).exists():
        slug, counter = f"{base}-{counter}", counter + 1
    return slug


# --- Claim workflow ----------------------------------------------------------------------------


def _locked_claim(claim: Claim) -> Claim:
    return Claim.objects.select_for_update().get(pk=claim.pk)


def claim_assign(*, claim: Claim, actor, assignee=None) -> Claim:
    """Assign the claim to `assignee` (default: the actor). Starts work on a new claim."""
    assignee = assignee or actor
    with transaction.atomic():
        claim = _locked_claim(claim)
        claim.assignee = assignee
        workflow.transition(
            ClaimEventKind.ASSIGNED,
            claim=claim,
            actor=actor,
            data={"assignee": assignee.get_username()},
        )
    return claim


def claim_unassign(*, claim: Claim, actor) -> Claim:
    with transaction.atomic():
        claim = _locked_claim(claim)
        previous = claim.assignee
        claim.assignee = None
        has_draft = Verdict.objects.filter(claim=claim).exists()
        workflow.transition(
            ClaimEventKind.UNASSIGNED,
            claim=claim,
            actor=actor,
            to=ClaimStatus.IN_PROGRESS if has_draft else ClaimStatus.NEW,
            data={"previous_assignee": previous.get_username() if previous else None},
        )
    return claim


def claim_dismiss(*, claim: Claim, actor, reason: str) -> Claim:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the claim is not check-worthy."})
    with transaction.atomic():
        claim = _locked_claim(claim)
        claim.dismissal_reason = reason
        workflow.transition(ClaimEventKind.DISMISSED, claim=claim, actor=actor, note=reason)
    return claim


def claim_reopen(*, claim: Claim, actor) -> Claim:
    with transaction.atomic():
        claim = _locked_claim(claim)
        claim.dismissal_reason = ""
        workflow.transition(ClaimEventKind.REOPENED, claim=claim, actor=actor)
    return claim


# --- Verdict workflow --------------------------------------------------------------------------


def verdict_submit(*, verdict: Verdict, actor) -> Verdict:
    with transaction.atomic():
        claim = _locked_claim(verdict.claim)
        verdict = Verdict.objects.select_for_update().get(pk=verdict.pk)
        if verdict.rating_id is None or not verdict.conclusion.strip():
            raise ValidationError("A verdict needs a rating and a conclusion before review.")
        if not verdict.sources.exists():
            raise ValidationError("A verdict needs at least one evidence source before review.")
        verdict.submitted_at = timezone.now()
        verdict.version += 1
        verdict.updated_by = actor
        workflow.transition(ClaimEventKind.SUBMITTED, claim=claim, verdict=verdict, actor=actor)
    return verdict


def verdict_return(*, verdict: Verdict, actor, comment: str) -> Verdict:
    comment = (comment or "").strip()
    if not actor.has_perm("claims.return_verdict"):
        raise PermissionDenied("Only editors can return verdicts.")
    if not comment:
        raise ValidationError({"comment": "Tell the author what to change."})
    with transaction.atomic():
        claim = _locked_claim(verdict.claim)
        verdict = Verdict.objects.select_for_update().get(pk=verdict.pk)
        verdict.review_comment = comment
        verdict.version += 1
        verdict.updated_by = actor
        workflow.transition(
            ClaimEventKind.RETURNED, claim=claim, verdict=verdict, actor=actor, note=comment
        )
    return verdict


def verdict_publish(*, verdict: Verdict, editor) -> Verdict:
    if not editor.has_perm("claims.publish_verdict"):
        raise PermissionDenied("Only editors can publish verdicts.")
    with transaction.atomic():
        claim = _locked_claim(verdict.claim)
        verdict = Verdict.objects.select_for_update().get(pk=verdict.pk)
        if verdict.author_id == editor.pk:
            raise PermissionDenied(
                "Nobody publishes their own verdict: another editor must approve it."
            )
        verdict.editor = editor
        verdict.published_at = timezone.now()
        verdict.version += 1
        verdict.updated_by = editor
        workflow.transition(ClaimEventKind.PUBLISHED, claim=claim, verdict=verdict, actor=editor)
    return verdict


def verdict_is_public(verdict: Verdict) -> bool:
    return verdict.status == VerdictStatus.PUBLISHED and verdict.published_at is not None


class VersionConflict(ValidationError):
    """Someone else saved the verdict since this editor loaded it."""


def verdict_save_draft(
    *,
    claim: Claim,
    actor,
    expected_version: int | None,
    rating=None,
    conclusion: str = "",
    explanation: str = "",
) -> Verdict:
    """Create or update the working draft of a claim's verdict, refusing stale saves."""
    conclusion, explanation = (conclusion or "").strip(), (explanation or "").strip()
    if rating is not None and not rating.scale.is_active:
        raise ValidationError({"rating": "Choose a rating from the active scale."})
    with transaction.atomic():
        claim = _locked_claim(claim)
        verdict = Verdict.objects.select_for_update().filter(claim=claim).first()
        if verdict is None:
            verdict = Verdict(claim=claim, author=actor)
        else:
            if expected_version != verdict.version:
                who = verdict.updated_by.get_username() if verdict.updated_by else "someone"
                when = timezone.localtime(verdict.updated_at).strftime("%Y-%m-%d %H:%M")
                raise VersionConflict(
                    f"This verdict was changed by {who} at {when} — reload to see their "
                    "changes before saving yours.",
                    code="conflict",
                )
            verdict.version += 1
        verdict.rating = rating
        verdict.conclusion = conclusion
        verdict.explanation = explanation
        verdict.updated_by = actor
        if claim.assignee_id is None:
            claim.assignee = actor
        workflow.transition(ClaimEventKind.DRAFTED, claim=claim, verdict=verdict, actor=actor)
    return verdict


# --- Review desk: sources, versioned actions, corrections, manual claims, speakers ------------


def _version_conflict(verdict: Verdict) -> VersionConflict:
    who = verdict.updated_by.get_username() if verdict.updated_by else "someone"
    when = timezone.localtime(verdict.updated_at).strftime("%Y-%m-%d %H:%M")
    return VersionConflict(
        f"This verdict was changed by {who} at {when} — reload to see their changes "
        "before saving yours.",
        code="conflict",
    )


def _locked_verdict(verdict: Verdict, expected_version: int | None) -> Verdict:
    locked = (
        Verdict.objects.select_for_update(of=("self",))
        .select_related("updated_by")
        .get(pk=verdict.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise _version_conflict(locked)
    return locked


def _replace_sources(verdict: Verdict, sources: list[dict]) -> None:
    from .models import EvidenceSource

    today = timezone.localdate()
    verdict.sources.all().delete()
    EvidenceSource.objects.bulk_create(
        [
            EvidenceSource(
                verdict=verdict,
                url=source["url"].strip(),
                title=source["title"].strip(),
                note=(source.get("note") or "").strip(),
                accessed_on=source.get("accessed_on") or today,
            )
            for source in sources
        ]
    )


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
    """Save the draft and its evidence sources together, refusing stale saves."""
    with transaction.atomic():
        verdict = verdict_save_draft(
            claim=claim,
            actor=actor,
            expected_version=expected_version,
            rating=rating,
            conclusion=conclusion,
            explanation=explanation,
        )
        sources = list(sources)
        _replace_sources(verdict, sources)
        # The draft's event names its sources, so the history shows when they changed.
        event = verdict.claim.events.filter(kind=ClaimEventKind.DRAFTED).latest("id")
        event.data = {**event.data, "sources": _source_urls(sources)}
        event.save(update_fields=["data"])
    return verdict


def _source_urls(sources: list[dict]) -> str:
    return ", ".join(source["url"].strip() for source in sources)


def verdict_act(*, verdict: Verdict, actor, action: str, expected_version: int, comment: str = ""):
    """Submit, return or publish the verdict as loaded at `expected_version`.

    The row lock taken here is held by the action's own transaction, so nobody can save in
    between the version check and the move.
    """
    actions = {
        "submit": lambda v: verdict_submit(verdict=v, actor=actor),
        "return": lambda v: verdict_return(verdict=v, actor=actor, comment=comment),
        "publish": lambda v: verdict_publish(verdict=v, editor=actor),
    }
    if action not in actions:
        raise ValueError(f"Unknown verdict action {action!r}.")
    with transaction.atomic():
        _locked_claim(verdict.claim)  # same lock order as the actions: claim, then verdict
        locked = _locked_verdict(verdict, expected_version)
        return actions[action](locked)


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
    from .models import Correction

    note = (note or "").strip()
    if not editor.has_perm("claims.publish_verdict"):
        raise PermissionDenied("Only editors can correct published verdicts.")
    if not note:
        raise ValidationError({"note": "Say publicly what changed and why."})
    if rating is None or not rating.scale.is_active:
        raise ValidationError({"rating": "Choose a rating from the active scale."})
    if not (conclusion or "").strip():
        raise ValidationError({"conclusion": "A published verdict needs a conclusion."})
    if not sources:
        raise ValidationError("A published verdict needs at least one evidence source.")
    with transaction.atomic():
        claim = _locked_claim(verdict.claim)
        verdict = _locked_verdict(verdict, expected_version)
        workflow.check(ClaimEventKind.CORRECTED, claim=claim, verdict=verdict)
        previous = verdict_public_fields(verdict)
        correction = Correction.objects.create(
            verdict=verdict, note=note, previous=previous, created_by=editor
        )
        verdict.rating = rating
        verdict.conclusion = conclusion.strip()
        verdict.explanation = (explanation or "").strip()
        verdict.version += 1
        verdict.updated_by = editor
        _replace_sources(verdict, sources)
        workflow.transition(
            ClaimEventKind.CORRECTED,
            claim=claim,
            verdict=verdict,
            actor=editor,
            note=note,
            data={
                "correction": correction.pk,
                "previous_rating": previous["rating"],
                "sources": _source_urls(sources),
            },
        )
    return correction


def claim_add_from_sentence(*, sentence, actor) -> Claim:
    """A claim the model missed, added by a reviewer from one sentence of the article."""
    from .models import ClaimEvent, ClaimOrigin

    with transaction.atomic():
        existing = Claim.objects.filter(
            article_id=sentence.article_id, start=sentence.start, end=sentence.end
        ).first()
        if existing is not None:
            raise ValidationError("This sentence is already a claim.", code="duplicate")
        claim = Claim.objects.create(
            article_id=sentence.article_id,
            start=sentence.start,
            end=sentence.end,
            text=sentence.text,
            speaker=sentence.speaker,
            attribution_cue=sentence.attribution_cue,
            is_direct_quote=sentence.is_direct_quote,
            check_worthiness=sentence.check_worthiness,
            model_version=sentence.model_version,
            origin=ClaimOrigin.MANUAL,
        )
        ClaimEvent.objects.create(
            claim=claim,
            kind=ClaimEventKind.ADDED,
            to_status=claim.status,
            actor=actor,
            data={"sentence": sentence.index, "check_worthiness": sentence.check_worthiness},
        )
    return claim


def claim_speaker_correct(
    *, claim: Claim, actor, name: str, role: str = "", speaker: Speaker | None = None
) -> Claim:
    """Set the claim's speaker by hand. The name as written becomes an alias of the speaker, so
    the next analysis attributes it the same way."""
    name = (name or "").strip()
    if speaker is None and not name:
        raise ValidationError({"name": "Name the speaker."})
    with transaction.atomic():
        claim = _locked_claim(claim)
        previous = claim.speaker.name if claim.speaker else None
        if speaker is None:
            speaker = speaker_resolve(name=name, role=role.strip())
        elif name and speaker_key(name):
            SpeakerAlias.objects.get_or_create(
                key=speaker_key(name), defaults={"speaker": speaker, "alias": name}
            )
        if role.strip() and speaker.role != role.strip():
            speaker.role = role.strip()
            speaker.save(update_fields=["role"])
        claim.speaker = speaker
        claim.edited_by_reviewer = True
        workflow.transition(
            ClaimEventKind.SPEAKER_CORRECTED,
            claim=claim,
            actor=actor,
            data={"from": previous, "to": speaker.name, "written_as": name or speaker.name},
        )
    return claim
