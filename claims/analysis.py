"""Turn one stored article into sentences and claims.

The slow part (the NLP pipeline) runs outside any transaction; the write happens in one
transaction with the article row locked, so a crash leaves either the old rows or the new ones,
and running the analysis twice gives the same rows.
"""

import logging
import threading
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from articles.models import AnalysisProblem, AnalysisStatus, Article

from .models import Claim, ClaimEvent, ClaimEventKind, ClaimOrigin, Sentence, Speaker
from .nlp import checkworthiness, pipeline
from .nlp.attribution import Attribution, speaker_aliases
from .services import speaker_resolve

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class AnalysisResult:
    sentences: int
    claims_created: int
    claims_updated: int
    claims_removed: int


def checkworthiness_threshold() -> float:
    configured = settings.CHECKWORTHINESS_THRESHOLD
    return configured if configured is not None else checkworthiness.model_info().threshold


class Superseded(Exception):
    """This job is not the article's current one (it was sent again, or already finished)."""


def _this_job(article_id: int, task_id: str | None):
    rows = Article.objects.filter(pk=article_id)
    if task_id is None:  # called directly (tests, commands), not as a queued job
        return rows
    # An empty id: queued before jobs carried one.
    return rows.filter(Q(analysis_task_id=task_id) | Q(analysis_task_id=""))


def article_mark_running(*, article_id: int, task_id: str | None = None) -> None:
    """Claim the work. A redelivered job (its worker died) claims it again; a stale or
    finished one does not."""
    now = timezone.now()
    claimed = (
        _this_job(article_id, task_id)
        .filter(analysis_status__in=[AnalysisStatus.QUEUED, AnalysisStatus.RUNNING])
        .update(
            analysis_status=AnalysisStatus.RUNNING,
            analysis_started_at=now,
            analysis_heartbeat_at=now,
            analysis_finished_at=None,
            analysis_error="",
            analysis_problem=AnalysisProblem.NONE,
        )
    )
    if not claimed and task_id is not None:
        raise Superseded(f"article {article_id}: job {task_id} is not the current one")


@contextmanager
def _heartbeat(article_id: int, task_id: str | None):
    """While the pipeline runs, tell the recovery this worker is alive (its own connection)."""
    stop = threading.Event()

    def beat():
        try:
            while not stop.wait(settings.ANALYSIS_HEARTBEAT_SECONDS):
                try:
                    _this_job(article_id, task_id).filter(
                        analysis_status=AnalysisStatus.RUNNING
                    ).update(analysis_heartbeat_at=timezone.now())
                except Exception:
                    # One missed beat is harmless; stopping would make a long analysis look
                    # stalled and be sent again while it still runs. The connection may be the
                    # broken part (PostgreSQL restarted): the next beat opens a new one.
                    logger.warning("Heartbeat of article %s failed", article_id, exc_info=True)
                    connection.close()
        finally:
            connection.close()

    thread = threading.Thread(target=beat, name=f"heartbeat-{article_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


def article_mark_failed(
    *, article_id: int, reason: str, retrying: bool = False, task_id: str | None = None
) -> None:
    """Only the article's current job, while in progress: a stale job failing (sent again by
    the recovery meanwhile) must not turn the current job's analysis back to queued or failed,
    where nothing would ever finish it (its own retry finds another task id and stops)."""
    in_progress = [AnalysisStatus.QUEUED, AnalysisStatus.RUNNING]
    _this_job(article_id, task_id).filter(analysis_status__in=in_progress).update(
        analysis_status=AnalysisStatus.QUEUED if retrying else AnalysisStatus.FAILED,
        analysis_error=reason[:5000],
        analysis_problem=AnalysisProblem.RETRYING if retrying else AnalysisProblem.FAILED,
        analysis_finished_at=None if retrying else timezone.now(),
    )


def article_analyze(*, article_id: int, task_id: str | None = None) -> AnalysisResult:
    article = Article.objects.get(pk=article_id)
    article_mark_running(article_id=article_id, task_id=task_id)
    with _heartbeat(article_id, task_id):
        analysed = pipeline.analyze_text(article.body)
    version = checkworthiness.model_info().version
    threshold = checkworthiness_threshold()
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article_id)
        if task_id is not None and article.analysis_task_id not in ("", task_id):
            raise Superseded(f"article {article_id} was sent again while job {task_id} ran")
        speakers = _resolve_speakers(analysed)
        _replace_sentences(article, analysed, speakers, version)
        result = _sync_claims(article, analysed, speakers, version, threshold)
        article.analysis_status = AnalysisStatus.DONE
        article.analysis_error = ""
        article.analysis_problem = AnalysisProblem.NONE
        article.analysis_finished_at = timezone.now()
        article.analysis_model_version = version
        article.save(
            update_fields=[
                "analysis_status",
                "analysis_error",
                "analysis_problem",
                "analysis_finished_at",
                "analysis_model_version",
                "updated_at",
            ]
        )
    return result


def _resolve_speakers(analysed) -> dict[Attribution, Speaker]:
    speakers: dict[Attribution, Speaker] = {}
    for sentence in analysed:
        attribution = sentence.attribution
        if attribution is not None and attribution not in speakers:
            speakers[attribution] = speaker_resolve(
                name=attribution.speaker,
                role=attribution.role,
                kind=attribution.kind,
                aliases=speaker_aliases(attribution),
            )
    return speakers


def _replace_sentences(article, analysed, speakers, version: str) -> None:
    # Sentences carry no reviewer work, so replacing them wholesale is safe and idempotent.
    Sentence.objects.filter(article=article).delete()
    Sentence.objects.bulk_create(
        [
            Sentence(
                article=article,
                index=index,
                start=sentence.start,
                end=sentence.end,
                text=sentence.text,
                speaker=speakers.get(sentence.attribution),
                attribution_cue=sentence.attribution.cue if sentence.attribution else "",
                is_direct_quote=bool(sentence.attribution and sentence.attribution.is_direct_quote),
                check_worthiness=sentence.check_worthiness,
                model_version=version,
            )
            for index, sentence in enumerate(analysed)
        ]
    )


def _sync_claims(article, analysed, speakers, version: str, threshold: float) -> AnalysisResult:
    # Locked (after the speakers, as every writer orders them): a claim published or taken into
    # review meanwhile is saved with its own status and attribution, never a stale copy.
    existing = {
        (claim.start, claim.end): claim
        for claim in Claim.objects.select_for_update().filter(article=article).order_by("pk")
    }
    kept_with_work = set(
        Claim.objects.filter(article=article).with_reviewer_work().values_list("start", "end")
    )
    by_span = {(sentence.start, sentence.end): sentence for sentence in analysed}
    created = updated = 0
    for span, sentence in by_span.items():
        claim = existing.get(span)
        if claim is not None:
            if _rescore(claim, sentence, speakers, version):
                updated += 1
        elif sentence.check_worthiness >= threshold:
            _create_detected_claim(article, sentence, speakers, version, threshold)
            created += 1
    removable = [
        claim.pk
        for span, claim in existing.items()
        if span not in kept_with_work
        and claim.origin == ClaimOrigin.MODEL
        and (span not in by_span or by_span[span].check_worthiness < threshold)
    ]
    Claim.objects.filter(pk__in=removable).delete()
    return AnalysisResult(len(analysed), created, updated, len(removable))


def _create_detected_claim(article, sentence, speakers, version: str, threshold: float) -> None:
    attribution = sentence.attribution
    claim = Claim.objects.create(
        article=article,
        start=sentence.start,
        end=sentence.end,
        text=sentence.text,
        speaker=speakers.get(attribution),
        attribution_cue=attribution.cue if attribution else "",
        is_direct_quote=bool(attribution and attribution.is_direct_quote),
        check_worthiness=sentence.check_worthiness,
        model_version=version,
    )
    ClaimEvent.objects.create(
        claim=claim,
        kind=ClaimEventKind.DETECTED,
        to_status=claim.status,
        data={
            "model_version": version,
            "check_worthiness": round(sentence.check_worthiness, 4),
            "threshold": threshold,
        },
    )


# What a re-analysis may write on an existing claim (the attribution only while no reviewer
# edited it and it is not on record).
RESCORED_FIELDS = (
    "check_worthiness",
    "model_version",
    "speaker",
    "attribution_cue",
    "is_direct_quote",
)


def _rescore(claim: Claim, sentence, speakers, version: str) -> bool:
    """Refresh the model's fields; leave what a reviewer edited alone, and the attribution of a
    claim whose verdict is submitted or published (part of the record)."""
    if claim.model_version == version and claim.check_worthiness == sentence.check_worthiness:
        return False
    previous = {"model_version": claim.model_version, "check_worthiness": claim.check_worthiness}
    claim.check_worthiness = sentence.check_worthiness
    claim.model_version = version
    if not claim.edited_by_reviewer and not claim.is_record_locked:
        attribution = sentence.attribution
        claim.speaker = speakers.get(attribution)
        claim.attribution_cue = attribution.cue if attribution else ""
        claim.is_direct_quote = bool(attribution and attribution.is_direct_quote)
    claim.save(update_fields=[*RESCORED_FIELDS, "updated_at"])
    ClaimEvent.objects.create(
        claim=claim,
        kind=ClaimEventKind.RESCORED,
        from_status=claim.status,
        to_status=claim.status,
        data={
            "previous": previous,
            "model_version": version,
            "check_worthiness": round(sentence.check_worthiness, 4),
        },
    )
    return True
