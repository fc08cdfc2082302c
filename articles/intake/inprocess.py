"""Intake jobs run in this process, their pages fetched several at once, where tasks run
in-process (CELERY_TASK_ALWAYS_EAGER, the zero-config start). There each job's task runs inside
the request or command that queued it, so a bulk file's 50 URL rows at a slow site, fetched one
after another, held the import for 50 fetch times.

Only the fetches (network, no database) run on the pool, at most INTAKE_FETCH_CONCURRENCY at a
time, each with every check of fetch.py (the SSRF rule on every address of every hop,
robots.txt, the in-request time). Every database read and write stays on the calling thread,
one job at a time, through the steps of the job's own task (jobs.intake_job_claim, page_fetch,
intake_job_record), so each job is stored or failed whole, with the reason it would have had.
With a worker none of this runs: each job is its own task.
"""

import logging
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

from django.conf import settings

from config.celery import drop_broken_database_connection

from ..models import IntakeJob
from .jobs import (
    INTERNAL_ERROR_REASON,
    intake_job_claim,
    intake_job_fail,
    intake_job_record,
    page_fetch,
)

logger = logging.getLogger(__name__)


def intake_jobs_run_in_process(*, job_ids: list[int]) -> None:
    """Run these queued jobs here, their pages fetched INTAKE_FETCH_CONCURRENCY at a time. Never
    raises (it runs once its caller has committed): a job that breaks is logged and failed, as
    its task would fail it, and the others go on."""
    limit = settings.INTAKE_FETCH_CONCURRENCY
    waiting = iter(job_ids)
    running: dict[Future, IntakeJob] = {}
    with ThreadPoolExecutor(max_workers=limit, thread_name_prefix="intake-fetch") as pool:
        while True:
            # A job is claimed (and shown fetching) only once a thread is free to fetch it.
            while len(running) < limit and (job := _next_claimed(waiting)) is not None:
                url = job.fetch_url or job.url
                try:
                    running[pool.submit(page_fetch, url, in_request=True)] = job
                except Exception:  # no thread could be started for it
                    _broke(job.pk)
            if not running:
                return
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                job = running.pop(future)
                try:
                    intake_job_record(job=job, fetched=future.result(), in_request=True)
                except Exception:
                    _broke(job.pk)


def _next_claimed(waiting: Iterator[int]) -> IntakeJob | None:
    """The next of the waiting jobs that is this run's to fetch; None when none is left."""
    for job_id in waiting:
        try:
            job, claimed = intake_job_claim(job_id=job_id)
        except IntakeJob.DoesNotExist:
            logger.warning("Intake job %s vanished before it ran", job_id)
            continue
        except Exception:
            _broke(job_id)
            continue
        if claimed:
            return job
    return None


def _broke(job_id: int) -> None:
    """As the task does with a job that broke: logged, and failed, so it never stays fetching.
    A database that is away now is only logged: the job stays where it was."""
    logger.exception("Intake job %s failed", job_id)
    drop_broken_database_connection()
    try:
        intake_job_fail(job_id=job_id, reason=INTERNAL_ERROR_REASON)
    except Exception:
        logger.exception("Intake job %s could not be marked failed", job_id)
