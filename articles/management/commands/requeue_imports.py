from datetime import timedelta

from django.core.management.base import BaseCommand

from articles.intake.bulkfile import import_files_drop_finished
from articles.intake.import_recovery import import_batches_recover
from articles.intake.queue import tasks_run_in_process
from articles.models import ImportBatch, ImportStatus
from config.command_options import YEAR_MINUTES, option_range_check

_SHOWN = 20  # of the imports left alone, by number; the count says how many in all


class Command(BaseCommand):
    help = (
        "Send again the bulk imports nobody runs: queued for --queued-minutes and never sent "
        "(the broker was down) or whose message is presumed lost, and those marked running "
        "whose worker died; each resumes after its last committed chunk. Imports waiting in "
        "the broker are left there. Without a task queue they run here, now. Celery beat runs "
        "the same every five minutes."
    )

    def add_arguments(self, parser):
        parser.add_argument("--queued-minutes", type=int, default=5)

    def handle(self, *args, queued_minutes: int, **options):
        option_range_check("--queued-minutes", queued_minutes, minimum=0, maximum=YEAR_MINUTES)
        ids = import_batches_recover(queued_for=timedelta(minutes=queued_minutes))
        in_process = tasks_run_in_process()
        self.stdout.write(
            f"{'Ran' if in_process else 'Requeued'} {len(ids)} import(s)"
            + (" here (no task queue)" if in_process and ids else "")
            + (": " if ids else ".")
            + ", ".join(f"#{pk}" for pk in ids)
        )
        # Where each stands now: sent to the broker, or, run here, done, failed or still queued
        # (the database away), with the reason the import's page gives.
        for batch in ImportBatch.objects.filter(pk__in=ids).order_by("pk"):
            self.stdout.write(
                f"#{batch.pk} {batch.file_name}: {batch.get_status_display().lower()}, "
                f"{batch.rows_done:,} of {_total(batch)} rows done, {batch.stored:,} stored, "
                f"{batch.queued:,} queued for fetching, {batch.skipped:,} skipped, "
                f"{batch.failed:,} failed" + (f". {batch.error}" if batch.error else "")
            )
        left = ImportBatch.objects.filter(
            status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING]
        ).exclude(pk__in=ids)
        if count := left.count():
            shown = left.order_by("pk").values_list("pk", flat=True)[:_SHOWN]
            self.stdout.write(
                f"Left as they are: {count} unfinished import(s) running, waiting in the "
                f"broker or queued less than {queued_minutes} minute(s) ago: "
                + ", ".join(f"#{pk}" for pk in shown)
                + (", ..." if count > _SHOWN else "")
            )
        if dropped := import_files_drop_finished():
            self.stdout.write(f"Dropped {dropped} stored piece(s) of finished imports' files.")


def _total(batch: ImportBatch) -> str:
    # Counted by the import as it starts: one that never started has no total yet.
    return "?" if batch.total_rows is None else f"{batch.total_rows:,}"
