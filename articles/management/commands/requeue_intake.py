from datetime import timedelta

from django.core.management.base import BaseCommand

from articles.intake.jobs import intake_jobs_requeue_stale
from config.command_options import YEAR_MINUTES, option_range_check


class Command(BaseCommand):
    help = (
        "Send again the intake jobs that never reached the broker (it was down) or whose message "
        "is presumed lost, and those whose worker died while fetching; jobs waiting in the "
        "broker are left there. Celery beat runs the same every five minutes."
    )

    def add_arguments(self, parser):
        parser.add_argument("--queued-minutes", type=int, default=5)
        parser.add_argument("--fetching-minutes", type=int, default=15)

    def handle(self, *args, queued_minutes: int, fetching_minutes: int, **options):
        option_range_check("--queued-minutes", queued_minutes, minimum=0, maximum=YEAR_MINUTES)
        option_range_check("--fetching-minutes", fetching_minutes, minimum=0, maximum=YEAR_MINUTES)
        ids = intake_jobs_requeue_stale(
            queued_for=timedelta(minutes=queued_minutes),
            fetching_for=timedelta(minutes=fetching_minutes),
        )
        self.stdout.write(
            f"Requeued {len(ids)} intake job(s){': ' if ids else ''}"
            + ", ".join(f"#{pk}" for pk in ids)
        )
