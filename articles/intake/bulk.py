"""Bulk import of articles from a CSV or JSON Lines file, row by row.

Columns (CSV header) or keys (JSON Lines): title, body or url, published_at, outlet, byline,
language. A row with a body is stored and analysed; a row with only a URL becomes an intake job
of the batch (counted as queued, not stored: the job says what became of it).
Every bad row is reported with its line number; re-importing a file stores nothing twice
(the same text or URL is recognised and skipped). The file itself (kept in pieces until the
import is done or failed, read a piece at a time) is bulkfile.py's.
"""

import io
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from itertools import islice
from pathlib import PurePath
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from config.celery import drop_broken_database_connection

from ..models import Article, ImportBatch, ImportStatus
from ..publication_dates import PAGE_DATE_INSTEAD, STORED_UNDATED, published_at_for_intake
from ..services import article_refusal_reasons
from .bulkfile import (
    file_format_for,
    import_file_drop,
    import_rows,
    import_text,
    store_chunks,
)
from .bulkrows import (
    RowOutcome,
    import_job_urls,
    import_row_clean,
    import_row_store,
    import_urls_in_flight,
)
from .import_recovery import import_batch_lock, import_batch_send
from .inprocess import intake_jobs_run_in_process
from .queue import DATABASE_ERRORS, DATABASE_RETRIES, in_process_retry_wait, tasks_run_in_process

logger = logging.getLogger(__name__)
# Of each: a file of a million bad rows would otherwise keep a million reasons on one row.
MAX_REPORTED_ERRORS = 1000
MAX_REPORTED_NOTES = 1000
INTERNAL_ERROR = (
    "An internal error stopped the import after {done:,} of {total} rows; the desk's logs have "
    "the details. Import the file again to store the rest: rows already stored are skipped."
)
DATABASE_RETRY_ERROR = (
    "The database could not be reached after {done:,} rows; the import tries again in {seconds} s "
    "and goes on from there (the rows already stored are kept)."
)
_CHUNK_ROWS = 100


@dataclass
class ImportProgress:
    total: int | None  # None while the rows are being counted
    done: int = 0
    stored: int = 0  # stored as articles
    skipped: int = 0
    failed: int = 0
    queued: int = 0  # a URL alone, queued for fetching (an intake job, not yet an article)


def import_batch_create(
    *, file_name: str, data: bytes | BinaryIO, created_by=None, queue: bool = True
) -> ImportBatch:
    """Check the file (format, size, encoding, header, a first row) and store it, in pieces,
    for the import task. `data` is the file's bytes or a binary file (an upload, an open file),
    read a piece at a time. Raises ValidationError, storing nothing; the task is queued once
    committed. The rows are counted by the task (import_rows_count): reading a 200 MB file
    through would hold the upload's request past a web server's time-out."""
    file_format = file_format_for(file_name)
    source = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            file_name=PurePath(file_name).name[:255],
            file_format=file_format,
            created_by=created_by,
        )
        store_chunks(batch, source)
        # Reading the first row checks the header (CSV) and that there is a row at all.
        if next(import_rows(import_text(batch), file_format), None) is None:
            raise ValidationError("The file has no rows.")
    if queue:
        transaction.on_commit(lambda: import_batch_send(batch.pk))
    return batch


def import_rows_count(*, batch_id: int) -> int:
    """Count the batch's rows, once (a resumed run finds them counted), for its progress."""
    batch = ImportBatch.objects.defer("content").get(pk=batch_id)
    if batch.total_rows is None:
        batch.total_rows = sum(1 for _ in import_rows(import_text(batch), batch.file_format))
        ImportBatch.objects.filter(pk=batch_id).update(total_rows=batch.total_rows)
    return batch.total_rows


def _stopped_after(done: int, total: int | None) -> str:
    # An import that stopped while its rows were still being counted has no total yet.
    return INTERNAL_ERROR.format(done=done, total=f"{total:,}" if total else "?")


def import_batch_retry_later(*, batch_id: int, retry_in: float, retry_sent: bool) -> None:
    """The import stopped on a database error (it is tried again in `retry_in` seconds): it
    is queued again, saying so, and resumes after its last committed chunk. `retry_sent`: the
    retry is a message the task sends to the broker (a worker's); an in-process retry is only
    a wait in this process, which a kill or Ctrl-C ends, so the batch reads as never sent and
    the recovery takes it within minutes, not an hour on (queue.not_in_broker)."""
    done = _saved_rows(batch_id)
    ImportBatch.objects.filter(
        pk=batch_id, status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING]
    ).update(
        status=ImportStatus.QUEUED,
        # A worker's 30 s, or an in-process wait's 0.7 s.
        error=DATABASE_RETRY_ERROR.format(done=done, seconds=f"{round(retry_in, 1):g}"),
        sent_at=timezone.now() if retry_sent else None,
    )


def import_batch_fail(*, batch_id: int) -> None:
    """The last word when the import cannot go on (the database stayed away through every
    retry): failed, saying how many rows were kept, so it never reads 'running' for ever."""
    batch = ImportBatch.objects.defer("content").get(pk=batch_id)
    with transaction.atomic():
        if ImportBatch.objects.filter(
            pk=batch_id, status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING]
        ).update(
            status=ImportStatus.FAILED,
            error=_stopped_after(batch.rows_done, batch.total_rows),
            finished_at=timezone.now(),
        ):
            import_file_drop(batch_id=batch_id)


def import_batch_run(
    *, batch_id: int, on_progress: Callable[[ImportProgress], None] | None = None
) -> ImportProgress:
    """Import the batch's rows, once. A second run while one is running does nothing (it
    holds the batch's lock); a run after its worker died resumes after the last committed
    chunk, whose rows and counts were committed together, so every row counts once."""
    with import_batch_lock(batch_id) as ours:
        if ours and ImportBatch.objects.filter(
            pk=batch_id, status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING]
        ).update(status=ImportStatus.RUNNING, error=""):
            return _run(batch_id, on_progress)
    batch = ImportBatch.objects.get(pk=batch_id)
    return _progress_of(batch)


def import_batch_run_in_process(
    *,
    batch_id: int,
    on_progress: Callable[[ImportProgress], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> ImportProgress:
    """Run the import here, where no worker does (tasks in-process, manage.py import_articles):
    a database error is tried again as often as the task tries it, DATABASE_RETRIES times, but
    after the in-process waits (in_process_retry_wait: INTAKE_IN_PROCESS_RETRY_SECONDS in all),
    as its URL rows' jobs are, since someone waits for it; `sleep` waits. Each try resumes after
    the last committed chunk. After the last the import is failed, and the error raised."""
    retries, waited = 0, 0.0
    while True:
        try:
            return import_batch_run(batch_id=batch_id, on_progress=on_progress)
        except DATABASE_ERRORS as error:
            drop_broken_database_connection()
            if retries >= DATABASE_RETRIES:
                logger.exception("Import batch %s stopped", batch_id)
                _fail_if_reachable(batch_id)
                raise
            retries += 1
            retry_in = in_process_retry_wait(retries, waited=waited)
            logger.warning(
                "Import batch %s: database error, retrying in %.1f s: %s", batch_id, retry_in, error
            )
            try:
                import_batch_retry_later(batch_id=batch_id, retry_in=retry_in, retry_sent=False)
            except DATABASE_ERRORS:
                drop_broken_database_connection()  # the next try says more, or fails it
            sleep(retry_in)
            waited += retry_in


def _fail_if_reachable(batch_id: int) -> None:
    """Failed; while the database is still away the batch is left as it is (queued, or
    running), its committed chunks kept, for the import recovery to resume."""
    try:
        import_batch_fail(batch_id=batch_id)
    except DATABASE_ERRORS:
        drop_broken_database_connection()
        logger.exception("Import batch %s could not be marked failed", batch_id)


def _progress_of(batch: ImportBatch) -> ImportProgress:
    return ImportProgress(
        batch.total_rows,
        batch.rows_done,
        batch.stored,
        batch.skipped,
        batch.failed,
        queued=batch.queued,
    )


def _run(batch_id: int, on_progress) -> ImportProgress:
    batch = ImportBatch.objects.get(pk=batch_id)
    progress = _progress_of(batch)
    report = _Report(errors=list(batch.errors), notes=list(batch.notes))
    # Rows a dead run committed are not read again: the file is the same, so are its rows.
    rows = islice(import_rows(import_text(batch), batch.file_format), batch.rows_done, None)
    # Without a worker the chunk's URL rows are fetched here, several at once, once it is
    # committed; one task each, run in turn, would take one fetch time per row.
    in_process = tasks_run_in_process()
    try:
        progress.total = import_rows_count(batch_id=batch_id)
        while chunk := list(islice(rows, _CHUNK_ROWS)):
            # One commit (one disk flush) per chunk instead of per row; every row still has its
            # own savepoint in the services, so a refused row leaves the others in place.
            # The chunk's URLs with a job in flight are read in one query, not one per row.
            # The counts are committed with the rows, so a crash never leaves one without
            # the other.
            with transaction.atomic():
                in_flight = import_urls_in_flight(import_job_urls(chunk))
                fetch_here: list[int] | None = [] if in_process else None
                for line, row, error in chunk:
                    _import_one(batch, line, row, error, progress, report, in_flight, fetch_here)
                _save_progress(batch_id, progress, report)
                if fetch_here:
                    transaction.on_commit(partial(intake_jobs_run_in_process, job_ids=fetch_here))
            if on_progress:
                on_progress(progress)
    except ValidationError as fatal:
        with transaction.atomic():
            ImportBatch.objects.filter(pk=batch_id).update(
                status=ImportStatus.FAILED,
                error=" ".join(fatal.messages),
                finished_at=timezone.now(),
            )
            import_file_drop(batch_id=batch_id)
        raise
    except DATABASE_ERRORS:
        # Nothing is written down a connection that may be dead: the caller (the task, with
        # its retry, or the command) records what happens next on a new one.
        raise
    except Exception:
        # The chunk that broke was rolled back whole; the chunks before it are committed and
        # their counts saved. Without this the batch would show "running" for ever. The
        # exception text (a database error, say) goes to the log, not the page.
        logger.exception("Import batch %s stopped", batch_id)
        with transaction.atomic():
            ImportBatch.objects.filter(pk=batch_id).update(
                status=ImportStatus.FAILED,
                error=_stopped_after(_saved_rows(batch_id), progress.total),
                finished_at=timezone.now(),
            )
            import_file_drop(batch_id=batch_id)
        raise
    with transaction.atomic():
        _save_progress(batch_id, progress, report, status=ImportStatus.DONE)
        # Every row is stored or reported: the file has served. Until now a worker that died
        # left it for the next delivery of the task (acks_late), which skips the rows stored.
        import_file_drop(batch_id=batch_id)
    return progress


def _saved_rows(batch_id: int) -> int:
    return ImportBatch.objects.filter(pk=batch_id).values_list("rows_done", flat=True).get()


@dataclass
class _Report:
    """What the batch's page lists by line: rows refused, and rows stored with a note."""

    errors: list[dict]
    notes: list[dict]


def _import_one(
    batch,
    line: int,
    row: dict | None,
    error: str,
    progress,
    report: _Report,
    in_flight: set[str],
    fetch_here: list[int] | None,
) -> None:
    note = ""
    if row is not None:
        try:
            fields = import_row_clean(row)
            fields["published_at"], note = published_at_for_intake(
                fields["published_at"],
                left_out=STORED_UNDATED if fields["body"] else PAGE_DATE_INSTEAD,
            )
            outcome = import_row_store(
                fields,
                created_by=batch.created_by,
                in_flight=in_flight,
                batch=batch,
                line=line,
                fetch_here=fetch_here,
            )
        except ValidationError as refusal:
            error = "; ".join(article_refusal_reasons(refusal))
        else:
            progress.stored += outcome == RowOutcome.STORED
            progress.queued += outcome == RowOutcome.QUEUED
            progress.skipped += outcome == RowOutcome.SKIPPED
            if outcome == RowOutcome.SKIPPED:
                # Nothing was stored from this row, so "stored without a date" would be false.
                note = ""
    if error:
        progress.failed += 1
        if len(report.errors) < MAX_REPORTED_ERRORS:
            report.errors.append({"line": line, "reason": error})
    elif note and len(report.notes) < MAX_REPORTED_NOTES:
        # Stored, but not as the file said: not a refusal, and not to be counted as one.
        report.notes.append({"line": line, "note": note})
    progress.done += 1


def import_article_counts(*, batch_ids: list[int]) -> dict[int, int]:
    """How many articles each import holds (0 for none): its rows stored with a body and the
    pages fetched for its URL rows, the articles its link (/articles/?import_batch=N) lists.
    Its `stored` counts only the first, and read "0 stored" above a list of two."""
    counts = dict(
        Article.objects.filter(import_batch__in=batch_ids)
        .order_by()
        .values_list("import_batch")
        .annotate(Count("pk"))
    )
    return {batch_id: counts.get(batch_id, 0) for batch_id in batch_ids}


def _save_progress(batch_id: int, progress: ImportProgress, report: _Report, status=None) -> None:
    fields = {
        "rows_done": progress.done,
        "stored": progress.stored,
        "skipped": progress.skipped,
        "failed": progress.failed,
        "queued": progress.queued,
        "errors": report.errors,
        "notes": report.notes,
    }
    if status:
        fields.update(status=status, finished_at=timezone.now())
    ImportBatch.objects.filter(pk=batch_id).update(**fields)
