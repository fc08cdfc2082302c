import time
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import pluralize
from django.urls import reverse

from articles.intake.bulk import (
    DATABASE_ERRORS,
    MAX_REPORTED_ERRORS,
    import_batch_create,
    import_batch_run_in_process,
)
from articles.intake.bulkfile import import_size_check
from articles.models import ImportBatch, IntakeStatus


class Command(BaseCommand):
    help = (
        "Import articles from a CSV or JSON Lines file (columns: title, body or url, "
        "published_at, outlet, byline, language) in this process, with a progress bar. Bad rows "
        "are listed with their line numbers; importing the same file again stores nothing twice. "
        "Exits with an error when every row failed, a URL row's page that could not be fetched "
        "counting as failed once its fetch has ended."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file: str, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        try:
            # The command imports here and now; the task the service queues finds it done.
            import_size_check(path.stat().st_size)
            with path.open("rb") as source:  # read a piece at a time, not whole
                batch = import_batch_create(file_name=path.name, data=source, queue=False)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        started = time.monotonic()
        interactive = self.stdout.isatty()
        shown_tenths = set()

        def show(progress):
            tenth = 10 * progress.done // max(progress.total or 0, 1)
            if not interactive and tenth in shown_tenths:
                return  # a log file gets a line per tenth, a terminal a redrawn bar
            shown_tenths.add(tenth)
            width = 30
            filled = width * progress.done // max(progress.total or 0, 1)
            line = (
                f"[{'#' * filled}{'.' * (width - filled)}] {progress.done}/{progress.total} rows"
                f" · {progress.stored} stored · {progress.queued} queued for fetching"
                f" · {progress.skipped} skipped"
                f" · {progress.failed} failed · {time.monotonic() - started:.0f} s"
            )
            self.stdout.write(
                ("\r" + line) if interactive else line, ending="" if interactive else "\n"
            )

        try:
            # A database error is tried again here, after short waits, as without a worker.
            progress = import_batch_run_in_process(batch_id=batch.pk, on_progress=show)
        except DATABASE_ERRORS as error:
            raise CommandError(f"{_stopped(batch.pk)} ({type(error).__name__})") from None
        if interactive:
            self.stdout.write("")
        batch = ImportBatch.objects.get(pk=batch.pk)
        for error in batch.errors:
            self.stdout.write(f"line {error['line']}: {error['reason']}")
        for note in batch.notes:
            self.stdout.write(f"line {note['line']} (stored): {note['note']}")
        if progress.failed > len(batch.errors):
            self.stdout.write(f"... and {progress.failed - len(batch.errors)} more bad rows")
        # A URL row's page is fetched by its job: here, before the run returned, when tasks
        # run in this process (the default, with no broker), or later by a worker. What the
        # jobs have become so far is all the command knows of those rows.
        jobs = batch.job_counts()
        fetch_failed = jobs[IntakeStatus.FAILED]
        waiting = jobs[IntakeStatus.QUEUED] + jobs[IntakeStatus.FETCHING]
        failed_jobs = batch.jobs.filter(status=IntakeStatus.FAILED).order_by("import_line", "pk")
        for job in failed_jobs[:MAX_REPORTED_ERRORS]:
            self.stdout.write(f"line {job.import_line} (not fetched): {job.reason}")
        if fetch_failed > MAX_REPORTED_ERRORS:
            self.stdout.write(
                f"... and {fetch_failed - MAX_REPORTED_ERRORS} more pages not fetched"
            )
        counts = (
            f"{progress.done} rows, {progress.stored} stored, {progress.queued} queued for "
            f"fetching, {progress.skipped} skipped, {progress.failed} failed"
        )
        if progress.queued:
            counts += (
                f" (of the pages queued: {jobs[IntakeStatus.STORED]} fetched and stored, "
                f"{fetch_failed} not fetched, {waiting} waiting for a worker)"
            )
        if waiting:
            page = reverse("articles:import", args=[batch.pk])
            self.stdout.write(
                f"{waiting} page{pluralize(waiting)} still to be fetched by a worker: the "
                f"import's page ({page}) shows how each ends."
            )
        unused = progress.failed + fetch_failed
        if unused and unused == progress.done:
            # A script or a cron job reads the exit status, not the lines: a file of which
            # nothing could be used (the wrong file, a broken export, pages that all failed to
            # fetch) must not read as done. Rows skipped as already stored are not a failure: a
            # file imported again is; nor is a page still waiting for a worker, not known yet.
            raise CommandError(f"No row of {path.name} was imported: {counts}.")
        self.stdout.write(f"Imported {path.name} in {time.monotonic() - started:.1f} s: {counts}.")


def _stopped(batch_id: int) -> str:
    """Why the import stopped (its batch says, with the rows kept), or, with the database still
    away, that it stopped: the rows committed are kept either way."""
    try:
        return ImportBatch.objects.values_list("error", flat=True).get(pk=batch_id)
    except DATABASE_ERRORS:
        return (
            "The database could not be reached, so the import stopped; the rows already "
            "stored are kept."
        )
