"""Who is running an import, and sending again the imports nobody runs.

A running import holds a PostgreSQL advisory lock on its batch for as long as it runs, on its
own connection: PostgreSQL drops the lock the moment that worker dies (SIGKILL, a lost machine,
a closed connection). So a second delivery of the same batch (Redis redelivering it, the
recovery sending it again) finds the lock taken and does nothing, and a batch marked running
whose lock is free has lost its worker: `import_batches_recover` (on Celery beat) sends it
again, and the run resumes after the rows its dead worker committed. No column is needed for
this; a session-level lock does need a direct connection (not a transaction-pooling PgBouncer).

On SQLite (development, one process) there is no lock and every run may proceed.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from ..models import ImportBatch, ImportStatus
from .queue import not_in_broker, task_send, tasks_run_in_process

logger = logging.getLogger(__name__)
IMPORT_TASK = "articles.tasks.import_batch_run"
# The first key of the two-key advisory lock: this project's imports (any fixed number would do).
_LOCK_SPACE = 7401
BROKER_DOWN_ERROR = (
    "The task queue could not be reached, so the import has not started; it stays queued and "
    "is sent again automatically once the queue is back."
)


def _locks() -> bool:
    return connection.vendor == "postgresql"


@contextmanager
def import_batch_lock(batch_id: int) -> Iterator[bool]:
    """Hold the batch's lock while the block runs; yields False when another run holds it."""
    if not _locks():
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [_LOCK_SPACE, batch_id])
        held = cursor.fetchone()[0]
    try:
        yield held
    finally:
        if held and connection.is_usable():  # a closed connection has released it already
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [_LOCK_SPACE, batch_id])


def import_batch_is_running(batch_id: int) -> bool:
    """Whether a live worker runs this batch now (it holds the lock)."""
    with import_batch_lock(batch_id) as free:
        return not free


def import_batch_send(batch_id: int) -> bool:
    """Hand the batch to the broker (and note when); when it cannot be reached, say so on the
    batch. Without a worker the send has run the import here and now: no broker holds it, so
    nothing is noted, and a run the database left queued is the recovery's at its next turn."""
    if task_send(IMPORT_TASK, batch_id):
        if not tasks_run_in_process():
            ImportBatch.objects.filter(pk=batch_id).update(sent_at=timezone.now())
        return True
    import_batch_unsent(batch_id=batch_id)
    return False


def import_batch_unsent(*, batch_id: int) -> None:
    """The batch's message never reached the broker (at upload, or the task's retry): it stays
    queued, says so, and is sent again by the recovery at its next run."""
    ImportBatch.objects.filter(pk=batch_id, status=ImportStatus.QUEUED).update(
        sent_at=None, error=BROKER_DOWN_ERROR
    )


def import_batches_recover(*, queued_for: timedelta) -> list[int]:
    """Send again the imports nobody runs: queued for longer than `queued_for` and never sent
    (the broker was down) or sent so long ago that the message is presumed lost (the same rule
    as intake jobs', queue.not_in_broker), or marked running by a worker that died. A batch
    waiting in the broker behind a backlog is left there; a copy sent anyway (the first was
    only late) finds it running or done and does nothing."""
    now = timezone.now()
    stale = Q(
        not_in_broker(now=now), status=ImportStatus.QUEUED, created_at__lt=now - queued_for
    ) | Q(status=ImportStatus.RUNNING)
    sent = []
    for pk in ImportBatch.objects.filter(stale).order_by("pk").values_list("pk", flat=True):
        if import_batch_is_running(pk):
            continue
        # Re-read after the lock was free: the run may have finished just before.
        status = ImportBatch.objects.filter(pk=pk).values_list("status", flat=True).first()
        if status not in (ImportStatus.QUEUED, ImportStatus.RUNNING):
            continue
        if status == ImportStatus.RUNNING:
            logger.warning("Import batch %s lost its worker; sent again", pk)
        if import_batch_send(pk):
            sent.append(pk)
    return sent
