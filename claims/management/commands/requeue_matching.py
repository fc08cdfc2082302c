"""Send again the matching of claims still without a vector, whatever their age.

Celery beat's sweeper (claims.tasks.match_unembedded_claims) does this for a day after a claim
is made and then gives up; this command, and the admin's "Send matching again" on the claims
list (its "vector" filter shows them), are for the claims it gave up on and after an outage
longer than that. Unlike `rebuild_match_index`, the worker links what it embeds (groups and
suggestions), as for a claim matched on time.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from claims.matching.linking import UNEMBEDDED_AFTER
from claims.models import Claim
from claims.tasks import RESEND_LIMIT, matching_resend


class Command(BaseCommand):
    help = (
        "Send again the matching of every article with a claim still without a vector "
        f"{int(UNEMBEDDED_AFTER.total_seconds() // 60)} minutes after it was made (newer ones "
        "are probably still queued), newest first."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--limit",
            type=int,
            default=RESEND_LIMIT,
            help=f"At most this many articles a run (default {RESEND_LIMIT}).",
        )

    def handle(self, *args, limit: int, **options):
        if limit < 1:
            raise CommandError("--limit must be at least 1.")
        claims = Claim.objects.filter(created_at__lt=timezone.now() - UNEMBEDDED_AFTER)
        resent = matching_resend(claims=claims, limit=limit)
        listed = ", ".join(f"#{pk}" for pk in resent.sent)
        self.stdout.write(
            f"{len(resent.sent)} article(s) sent for matching{': ' if listed else ''}{listed}"
        )
        if resent.left:
            self.stdout.write(f"{resent.left} more article(s) wait: run the command again.")
        if resent.unsent:
            raise CommandError(
                f"The task queue is unreachable: {len(resent.unsent)} article(s) not sent."
            )
