"""Handing work to the broker: an article's analysis and imported fact-checks' vectors, each
sent once the rows are committed, and the periodic recovery of analyses that never reached the
broker, that it lost, or whose worker died.

The work itself belongs to claims/, which articles/ never imports: claims registers the senders
(`analysis_sender_register`, `factchecks_sender_register`) in ClaimsConfig.ready(). Storing
articles is articles.services; this module writes only the analysis fields of Article.
"""

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .intake.queue import presumed_lost_after
from .models import AnalysisProblem, AnalysisStatus, Article
from .times import desk_time

logger = logging.getLogger(__name__)

# --- Analyses: queued, sent, recovered ------------------------------------------------------

BROKER_DOWN_MESSAGE = (
    "The task queue could not be reached; the article stays queued and the periodic recovery "
    "sends it again once the queue is back."
)
NO_ANALYSIS_MESSAGE = "No analysis is installed (the claims app registers it); nothing was queued."

_analysis_sender: Callable[[int, str], None] | None = None


def analysis_sender_register(sender: Callable[[int, str], None]) -> None:
    """Set how an article's analysis is queued: `sender(article_id, task_id)` hands the job to
    the broker under that task id."""
    global _analysis_sender
    _analysis_sender = sender


def article_queue_analysis(
    *, article: Article, problem: str = AnalysisProblem.NONE, reason: str = ""
) -> str:
    """Queue a new analysis job; any earlier job of the article becomes stale (it will find
    another task id on the row and do nothing). Returns the new task id."""
    task_id = str(uuid.uuid4())
    Article.objects.filter(pk=article.pk).update(
        analysis_status=AnalysisStatus.QUEUED,
        analysis_queued_at=timezone.now(),
        analysis_error=reason,
        analysis_problem=problem,
        analysis_task_id=task_id,
        analysis_sent_at=None,
        analysis_heartbeat_at=None,
    )
    article.analysis_status = AnalysisStatus.QUEUED
    article.analysis_task_id = task_id
    article_id = article.pk
    transaction.on_commit(lambda: _send_analysis(article_id, task_id))
    return task_id


ANALYSIS_IN_PROGRESS = (AnalysisStatus.QUEUED, AnalysisStatus.RUNNING)


def article_analysis_rerun(*, article: Article) -> str:
    """Analyse a done or failed article again: the admin's "Re-run analysis" and the article
    page's button. Refused while an analysis is queued or running, under the row's lock: a
    second job would only make the first one stale (a stalled one is sent again by
    `articles_recover`). Returns the new task id."""
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        if locked.analysis_status in ANALYSIS_IN_PROGRESS:
            raise ValidationError(
                f"The analysis of this article is {locked.get_analysis_status_display().lower()}"
                " already: wait for it to finish before running it again.",
                code="in_progress",
            )
        task_id = article_queue_analysis(article=locked)
    article.analysis_status, article.analysis_task_id = locked.analysis_status, task_id
    return task_id


def _send_analysis(article_id: int, task_id: str) -> None:
    this_job = Article.objects.filter(pk=article_id, analysis_task_id=task_id)
    if _analysis_sender is None:
        logger.error("Could not queue analysis of article %s: no sender registered", article_id)
        this_job.update(analysis_error=NO_ANALYSIS_MESSAGE)
        return
    try:
        _analysis_sender(article_id, task_id)
    except Exception as error:  # kombu raises several types when the broker is away
        logger.error("Could not queue analysis of article %s: %s", article_id, error)
        this_job.filter(analysis_status=AnalysisStatus.QUEUED).update(
            analysis_error=BROKER_DOWN_MESSAGE,
            analysis_problem=AnalysisProblem.QUEUE_UNAVAILABLE,
        )
    else:
        this_job.update(analysis_sent_at=timezone.now())


def article_analysis_unsent(*, article_id: int) -> None:
    """The job's retry could not reach the broker (it went away with the database): the job is
    gone, so the article is left to the recovery of unsent analyses, as if submitted while the
    broker was down."""
    Article.objects.filter(pk=article_id, analysis_status=AnalysisStatus.QUEUED).update(
        analysis_sent_at=None,
        analysis_queued_at=timezone.now(),
        analysis_error=BROKER_DOWN_MESSAGE,
        analysis_problem=AnalysisProblem.QUEUE_UNAVAILABLE,
    )


@dataclass(frozen=True)
class Recovery:
    stalled: list[int]  # running, worker silent: shown as stalled and sent again
    unsent: list[int]  # queued but never handed to the broker (it was down): sent now
    lost: list[int]  # sent so long ago, and never heard of since, that the message is lost
    resent: list[int]  # queued and sent, sent again on request (the broker lost its data)


def articles_recover(
    *, stalled_after: timedelta, unsent_after: timedelta, include_sent: bool = False
) -> Recovery:
    """Send again the analyses that never reached the broker or whose worker died.

    A job still waiting in the broker is left alone (it has a send time), so a backlog is never
    doubled; one sent longer ago than queue.presumed_lost_after() (the rule intake jobs and
    imports follow) and not run since is presumed lost (Redis lost its data, the message went
    with a worker that died before starting it) and sent again. `include_sent` also sends the
    younger ones, for when the broker is known to have lost everything. Runs on Celery beat
    (articles.tasks.recover_analyses); safe to run from several places at once: rows are
    claimed with SKIP LOCKED and re-checked.
    """
    now = timezone.now()
    silent = Q(analysis_heartbeat_at__lt=now - stalled_after) | Q(
        analysis_heartbeat_at__isnull=True, analysis_started_at__lt=now - stalled_after
    )
    waiting = Q(analysis_status=AnalysisStatus.QUEUED, analysis_queued_at__lt=now - unsent_after)
    lost_before = now - presumed_lost_after()
    # A worker that ran the job since it was sent (a heartbeat) left a retry in the broker, due
    # within minutes: that one is not lost. Otherwise a message this old would have been taken.
    not_run_since = Q(analysis_heartbeat_at__isnull=True) | Q(analysis_heartbeat_at__lt=lost_before)
    groups = {
        "stalled": Q(analysis_status=AnalysisStatus.RUNNING) & silent,
        "unsent": waiting & Q(analysis_sent_at__isnull=True),
        "lost": waiting & Q(analysis_sent_at__lt=lost_before) & not_run_since,
        "resent": waiting & Q(analysis_sent_at__isnull=False) if include_sent else None,
    }
    found: dict[str, list[int]] = {name: [] for name in groups}
    for name, condition in groups.items():
        if condition is None:
            continue
        for pk in Article.objects.filter(condition).values_list("pk", flat=True):
            with transaction.atomic():
                article = (
                    Article.objects.select_for_update(skip_locked=True)
                    .filter(condition, pk=pk)
                    .first()
                )
                if article is None:  # taken by the analysis or another recovery meanwhile
                    continue
                if name == "stalled":
                    last = article.analysis_heartbeat_at or article.analysis_started_at
                    reason = (
                        f"The worker running the analysis stopped responding (last heard "
                        f"{desk_time(last, seconds=True)}); sent again at "
                        f"{desk_time(now, seconds=True)}."
                    )
                    article_queue_analysis(
                        article=article, problem=AnalysisProblem.STALLED, reason=reason
                    )
                elif name == "lost":
                    reason = (
                        f"The task queue lost the job sent {desk_time(article.analysis_sent_at)}"
                        f" (no worker started it); sent again at {desk_time(now, seconds=True)}."
                    )
                    article_queue_analysis(article=article, reason=reason)
                else:
                    article_queue_analysis(article=article)
                found[name].append(pk)
    for pk in found["stalled"]:
        logger.warning("Analysis of article %s stalled (worker silent); sent again", pk)
    for pk in found["lost"]:
        logger.warning("Analysis of article %s presumed lost by the broker; sent again", pk)
    return Recovery(**found)


# --- Imported fact-checks, their vectors queued ------------------------------------------------

_factchecks_sender: Callable[[list[int]], None] | None = None


def factchecks_sender_register(sender: Callable[[list[int]], None]) -> None:
    """Set how imported fact-checks are queued for their vectors (claims registers it, as it
    registers the analysis): `sender(factcheck_ids)` hands the job to the broker."""
    global _factchecks_sender
    _factchecks_sender = sender


def factchecks_queue_matching(*, factcheck_ids: list[int]) -> None:
    """After commit, queue the vectors of these fact-checks. If the queue is away they are only
    logged: `rebuild_match_index` embeds every fact-check that lacks a vector."""

    def send() -> None:
        if _factchecks_sender is None:
            logger.error("No sender registered for the vectors of imported fact-checks")
            return
        try:
            _factchecks_sender(factcheck_ids)
        except Exception as error:  # kombu raises several types when the broker is away
            logger.error("Could not queue the vectors of imported fact-checks: %s", error)

    if factcheck_ids:
        transaction.on_commit(send)
