from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand

from articles.queueing import articles_recover
from config.command_options import YEAR_MINUTES, YEAR_SECONDS, option_range_check


class Command(BaseCommand):
    help = (
        "Send again the analyses that never reached the broker (it was down), whose message is "
        "presumed lost (sent over an hour ago, never started) or whose worker died. Jobs still "
        "waiting in the broker are left alone. Celery beat runs the same "
        "recovery every ANALYSIS_RECOVER_EVERY_SECONDS (articles.tasks.recover_analyses)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--queued-minutes",
            type=int,
            default=None,
            help="Send queued articles that never reached the broker after this long "
            "(default: ANALYSIS_UNSENT_SECONDS).",
        )
        parser.add_argument(
            "--stalled-seconds",
            type=int,
            default=None,
            help="A running analysis whose worker is silent this long is stalled "
            "(default: ANALYSIS_STALLED_SECONDS).",
        )
        parser.add_argument(
            "--include-sent",
            action="store_true",
            help="Also send queued jobs that reached the broker lately (those sent longer ago "
            "than the broker's presumed-lost window are sent anyway): only after the broker "
            "lost its data, or a backlog doubles.",
        )

    def handle(self, *args, queued_minutes, stalled_seconds, include_sent: bool, **options):
        option_range_check("--queued-minutes", queued_minutes, minimum=0, maximum=YEAR_MINUTES)
        option_range_check("--stalled-seconds", stalled_seconds, minimum=1, maximum=YEAR_SECONDS)
        unsent_after = (
            timedelta(minutes=queued_minutes)
            if queued_minutes is not None
            else timedelta(seconds=settings.ANALYSIS_UNSENT_SECONDS)
        )
        recovery = articles_recover(
            stalled_after=timedelta(seconds=stalled_seconds or settings.ANALYSIS_STALLED_SECONDS),
            unsent_after=unsent_after,
            include_sent=include_sent,
        )
        for label, ids in (
            ("stalled and sent again", recovery.stalled),
            ("never reached the broker, sent", recovery.unsent),
            ("presumed lost by the broker, sent again", recovery.lost),
            ("sent again on request", recovery.resent),
        ):
            listed = ", ".join(f"#{pk}" for pk in ids)
            self.stdout.write(f"{len(ids)} article(s) {label}{': ' if ids else ''}{listed}")
