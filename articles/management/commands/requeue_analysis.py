from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from articles.services import articles_requeue_stale


class Command(BaseCommand):
    help = (
        "Send again the analyses that never reached a worker (broker down) or whose worker "
        "vanished. Safe to run from cron: analysis is idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("--queued-minutes", type=int, default=5)
        parser.add_argument("--running-minutes", type=int, default=30)

    def handle(self, *args, queued_minutes: int, running_minutes: int, **options):
        if queued_minutes < 0 or running_minutes < 1:
            raise CommandError("--queued-minutes must be >= 0 and --running-minutes >= 1.")
        ids = articles_requeue_stale(
            queued_for=timedelta(minutes=queued_minutes),
            running_for=timedelta(minutes=running_minutes),
        )
        self.stdout.write(
            f"Requeued {len(ids)} article(s){': ' if ids else ''}"
            + ", ".join(f"#{pk}" for pk in ids)
        )
