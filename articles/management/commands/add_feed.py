from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from articles.intake.feeds import feed_add
from articles.intake.storable import url_redacted


class Command(BaseCommand):
    help = "Subscribe to an RSS or Atom feed; Celery beat (or poll_feeds) polls it."

    def add_arguments(self, parser):
        parser.add_argument("url")
        parser.add_argument("--outlet", default="", help="The outlet's domain, e.g. reuters.com.")
        parser.add_argument("--interval", type=int, default=30, help="Minutes between polls.")

    def handle(self, *args, url: str, outlet: str, interval: int, **options):
        try:
            feed = feed_add(url=url, outlet_domain=outlet, interval_minutes=interval)
        except ValidationError as error:
            raise CommandError(
                " ".join(f"{field}: {' '.join(msgs)}" for field, msgs in error.message_dict.items())
            ) from None
        self.stdout.write(
            f"Feed #{feed.pk} {url_redacted(feed.url)}, polled every {interval} minutes."
        )
