"""Thin Celery tasks over articles/ services (intake, analysis recovery). They take ids and
re-fetch rows; the periodic ones run on Celery beat (CELERY_BEAT_SCHEDULE in config/settings.py).

The services are imported on first use: ArticlesConfig.ready() imports this module to register
the task names, and the web process should not load trafilatura and feedparser just to start.
"""

import logging
from datetime import timedelta

from celery import shared_task
from celery.exceptions import Reject
from django.conf import settings

from config.celery import drop_broken_database_connection

from .intake.queue import DATABASE_ERRORS, DATABASE_RETRIES, retry_countdown

logger = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=DATABASE_RETRIES)
def intake_fetch(self, job_id: int) -> str | None:
    from .intake import jobrun, jobs
    from .models import IntakeJob

    final_attempt = self.request.retries >= self.max_retries
    try:
        # Eager (applied here, not by a worker; jobs._send runs a job in-process instead): it
        # runs inside its caller, which cannot wait out retries.
        outcome = jobrun.intake_job_run(
            job_id=job_id, final_attempt=final_attempt, in_request=bool(self.request.is_eager)
        )
    except IntakeJob.DoesNotExist:
        logger.warning("Intake job %s vanished before it ran", job_id)
        return None
    except DATABASE_ERRORS as error:
        drop_broken_database_connection()
        if not final_attempt:
            logger.warning("Intake job %s: database error, retrying: %s", job_id, error)
            retry_in = retry_countdown(self.request.retries + 1)
            jobrun.intake_job_retry_later(
                job_id=job_id,
                reason=jobrun.DATABASE_RETRY_REASON,
                retry_in=retry_in,
                retry_sent=True,
            )
            _retry(self, error, retry_in, unsent=lambda: jobs.intake_job_unsent(job_id=job_id))
        logger.exception("Intake job %s failed", job_id)
        jobrun.intake_job_fail(job_id=job_id, reason=jobrun.INTERNAL_ERROR_REASON)
        return None
    except Exception:
        logger.exception("Intake job %s failed", job_id)
        drop_broken_database_connection()
        # The reason reaches API clients: the exception text (a database error, say) stays in
        # the log above.
        jobrun.intake_job_fail(job_id=job_id, reason=jobrun.INTERNAL_ERROR_REASON)
        return None
    if outcome.retry_in is not None:
        _retry(self, None, outcome.retry_in, unsent=lambda: jobs.intake_job_unsent(job_id=job_id))
    return outcome.job.status


def _retry(task, error, countdown: int, *, unsent) -> None:
    """Raise the task's retry. When it cannot be sent (the broker is away too), Celery drops
    the job: `unsent()` leaves the row to its recovery instead of 'queued' and presumed sent."""
    try:
        raise task.retry(exc=error, countdown=countdown)
    except Reject:
        unsent()
        raise


@shared_task
def intake_jobs_requeue_stale() -> int:
    from .intake import jobs

    return len(
        jobs.intake_jobs_requeue_stale(
            queued_for=timedelta(minutes=5), fetching_for=timedelta(minutes=15)
        )
    )


@shared_task
def feeds_poll_due() -> int:
    """Beat's entry point: one task per due feed (feeds_send_due)."""
    from .intake import feeds

    return feeds.feeds_send_due()


@shared_task(acks_late=True)
def feed_poll(feed_id: int) -> dict | None:
    from .intake import feeds
    from .models import Feed

    feed = Feed.objects.filter(pk=feed_id).first()
    if feed is None:
        return None
    return feeds.feed_poll(feed=feed).__dict__


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=DATABASE_RETRIES)
def import_batch_run(self, batch_id: int) -> dict | None:
    from .intake import bulk
    from .intake.import_recovery import import_batch_unsent

    if self.request.is_eager:
        # Run inside its caller (no worker): Celery's eager retries would come all at once,
        # their countdowns skipped; bulk's in-process rule waits, briefly, as jobs do.
        try:
            return bulk.import_batch_run_in_process(batch_id=batch_id).__dict__
        except DATABASE_ERRORS:
            return None  # failed and logged, or left to the recovery if the database is away
    try:
        return bulk.import_batch_run(batch_id=batch_id).__dict__
    except DATABASE_ERRORS as error:
        # The chunk it hit was rolled back; the rows before it are kept, and the retry resumes
        # after them (intake jobs wait out a database error the same way).
        drop_broken_database_connection()
        if self.request.retries < self.max_retries:
            logger.warning("Import batch %s: database error, retrying: %s", batch_id, error)
            retry_in = retry_countdown(self.request.retries + 1)
            bulk.import_batch_retry_later(batch_id=batch_id, retry_in=retry_in, retry_sent=True)
            _retry(self, error, retry_in, unsent=lambda: import_batch_unsent(batch_id=batch_id))
        logger.exception("Import batch %s stopped", batch_id)
        bulk.import_batch_fail(batch_id=batch_id)
        return None


@shared_task
def import_batches_recover() -> int:
    from .intake.bulkfile import import_files_drop_finished
    from .intake.import_recovery import import_batches_recover

    sent = import_batches_recover(queued_for=timedelta(minutes=5))
    dropped = import_files_drop_finished()
    if dropped:
        logger.info("Dropped %s stored piece(s) of finished imports' files", dropped)
    return len(sent)


@shared_task(ignore_result=True)
def recover_analyses() -> dict:
    from .queueing import articles_recover

    recovery = articles_recover(
        stalled_after=timedelta(seconds=settings.ANALYSIS_STALLED_SECONDS),
        unsent_after=timedelta(seconds=settings.ANALYSIS_UNSENT_SECONDS),
    )
    return recovery.__dict__
