"""Intake work run in this process, its pages fetched several at once, where tasks run
in-process (CELERY_TASK_ALWAYS_EAGER, the zero-config start). There each task runs inside the
request or command that queued it, so a bulk file's 50 URL rows at a slow site, or ten feeds,
fetched one after another, held the import or the poll for 50 (or ten) fetch times.

fetch_together is the one mechanism: only the fetches (network, no database) run on the pool,
at most INTAKE_FETCH_CONCURRENCY at a time, each with every check of fetch.py (the SSRF rule on
every address of every hop, robots.txt, time-outs). Every database read and write stays on the
calling thread, one item at a time, so each is stored or failed whole, with the reason it would
have had. Intake jobs (bulk rows, feed entries) go through the steps of their own task
(jobrun.intake_job_claim, page_fetch, intake_job_record) and its retry rule for a database error
(queue.DATABASE_RETRIES, with the shorter in_process_retry_wait); feeds.py runs its polls here
too, and jobs.py a single URL's job and the jobs a requeue sends again. An import's own retry
(bulk.import_batch_run_in_process) follows the same rule.
With a worker none of this runs: each job and each feed is its own task.
"""

import logging
import time
from collections import Counter, deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import TypeVar

from django.conf import settings

from config.celery import drop_broken_database_connection

from ..models import IntakeJob
from .jobrun import (
    DATABASE_RETRY_REASON,
    INTERNAL_ERROR_REASON,
    intake_job_claim,
    intake_job_fail,
    intake_job_record,
    intake_job_retry_later,
    page_fetch,
)
from .queue import DATABASE_ERRORS, DATABASE_RETRIES, in_process_retry_wait

logger = logging.getLogger(__name__)
Item = TypeVar("Item")
Fetched = TypeVar("Fetched")


def fetch_together(
    next_item: Callable[[], Item | None],
    *,
    fetch: Callable[[Item], Fetched],
    record: Callable[[Item, Fetched], None],
    broke: Callable[[Item, Exception], None],
) -> None:
    """Fetch the items `next_item()` hands out (None: none left) on a pool, at most
    INTAKE_FETCH_CONCURRENCY at a time, and `record` each fetched one here. `fetch` must read
    no database; an item is asked for only once a thread is free to fetch it. An item that
    breaks (its fetch raised, or its record) goes to `broke`, and the others go on."""
    limit = settings.INTAKE_FETCH_CONCURRENCY
    running: dict[Future, Item] = {}
    with ThreadPoolExecutor(max_workers=limit, thread_name_prefix="intake-fetch") as pool:
        while True:
            while len(running) < limit and (item := next_item()) is not None:
                try:
                    running[pool.submit(fetch, item)] = item
                except Exception as error:  # no thread could be started for it
                    broke(item, error)
            if not running:
                return
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                item = running.pop(future)
                try:
                    record(item, future.result())
                except Exception as error:
                    broke(item, error)


def intake_jobs_run_in_process(
    *, job_ids: list[int], sleep: Callable[[float], None] = time.sleep
) -> None:
    """Run these queued jobs here, their pages fetched INTAKE_FETCH_CONCURRENCY at a time. Never
    raises (it runs once its caller has committed): a job that breaks is logged and failed, as
    its task would fail it, and the others go on. A database error is tried again as often as
    the task tries it, DATABASE_RETRIES times, but after shorter waits (in_process_retry_wait:
    INTAKE_IN_PROCESS_RETRY_SECONDS in all), since someone waits for this run; `sleep` waits."""
    run = _JobsRun(job_ids, sleep)
    fetch_together(run.next_claimed, fetch=run.fetch, record=run.record, broke=run.broke)


class _JobsRun:
    def __init__(self, job_ids: list[int], sleep: Callable[[float], None]):
        self.waiting = deque(job_ids)
        self.retries: Counter[int] = Counter()
        self.sleep = sleep
        self.waited = 0.0

    def next_claimed(self) -> IntakeJob | None:
        """The next of the waiting jobs that is this run's to fetch; None when none is left."""
        while self.waiting:
            job_id = self.waiting.popleft()
            try:
                if self.retries[job_id]:
                    # Queued again after its wait, so that it can be claimed again, even where
                    # marking it before the wait found the database still away.
                    intake_job_retry_later(
                        job_id=job_id, reason=DATABASE_RETRY_REASON, retry_in=0, retry_sent=False
                    )
                job, claimed = intake_job_claim(job_id=job_id)
            except IntakeJob.DoesNotExist:
                logger.warning("Intake job %s vanished before it ran", job_id)
                continue
            except Exception as error:
                self.broke(job_id, error)
                continue
            if claimed:
                return job
        return None

    @staticmethod
    def fetch(job: IntakeJob):
        return page_fetch(job.fetch_url or job.url, in_request=True)

    @staticmethod
    def record(job: IntakeJob, fetched) -> None:
        intake_job_record(job=job, fetched=fetched, in_request=True)

    def broke(self, job: IntakeJob | int, error: Exception) -> None:
        """As the task does with a job that broke: a database error is tried again after its
        countdown, the job's later turn coming before the jobs not yet begun; anything else,
        or the last database error, fails it, so it never stays fetching."""
        job_id = job if isinstance(job, int) else job.pk
        drop_broken_database_connection()
        if not isinstance(error, DATABASE_ERRORS) or self.retries[job_id] >= DATABASE_RETRIES:
            _broke(job_id, error)
            return
        self.retries[job_id] += 1
        retry_in = in_process_retry_wait(self.retries[job_id], waited=self.waited)
        logger.warning(
            "Intake job %s: database error, retrying in %.1f s: %s", job_id, retry_in, error
        )
        try:
            # Its page says why it waits, while it does.
            intake_job_retry_later(
                job_id=job_id, reason=DATABASE_RETRY_REASON, retry_in=retry_in, retry_sent=False
            )
        except DATABASE_ERRORS:
            drop_broken_database_connection()
        self.sleep(retry_in)
        self.waited += retry_in
        self.waiting.appendleft(job_id)


def _broke(job_id: int, error: Exception) -> None:
    """Logged, and failed. A database that is away now is only logged: the job stays where it
    was, for the recovery (manage.py requeue_intake)."""
    logger.error("Intake job %s failed", job_id, exc_info=error)
    drop_broken_database_connection()
    try:
        intake_job_fail(job_id=job_id, reason=INTERNAL_ERROR_REASON)
    except Exception:
        logger.exception("Intake job %s could not be marked failed", job_id)
