from django.core.management.base import BaseCommand

from articles.intake.feeds import feeds_poll_due
from articles.intake.storable import url_redacted


class Command(BaseCommand):
    help = (
        "Poll every due feed once (a feed never polled is due), in this process, and print per "
        "feed how many entries were new, skipped, failed and left for later polls (over "
        "INTAKE_FEED_MAX_ENTRIES_PER_POLL). New entries become intake jobs."
    )

    def handle(self, *args, **options):
        polled = feeds_poll_due()
        if not polled:
            self.stdout.write("No feed is due.")
        for feed, result in polled:
            # A terminal's output is kept (a cron mail, a CI log): no feed's key in it.
            line = (
                f"{url_redacted(feed.url)}: {result.new} new, {result.skipped} skipped, "
                f"{result.failed} failed"
            )
            if result.left:
                line += f", {result.left} left for later polls"
            if result.reused_guids:
                line += f", {result.reused_guids} with a reused GUID"
            if result.not_modified:
                line += " (not modified)"
            if result.error:
                line += f"; error: {result.error}"
            self.stdout.write(line)
