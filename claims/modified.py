"""A published verdict's `modified_at`: when what its fact-check says last changed, the one
date behind ClaimReview's dateModified, the feed's updated date, the sitemap's lastmod and the
API's `modified_at` (its ordering and `updated_since` read the stored, indexed column).

It is the latest of the verdict's publication, its latest correction and the latest change to
the appearances its ClaimReview lists (an editor applying the verdict to a repeat, or a
group change or reopening that changed the public set, claims.appearances). Each write that
moves one of these calls verdicts_modified with the moment it stamped, inside its transaction:

- claims.verdicts.verdict_publish (the publication),
- claims.corrections (a correction of the verdict, or of who said its claim),
- claims.matching.applications (an applied repeat: the verdict applied),
- claims.appearances.public_appearances_kept (an editor's split, link, merge, undo or
  reopening that changed a published fact-check's appearances).

Migration 0027 stamped the verdicts published before the column from the same dates.

Imports claims.models only.
"""

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Q, QuerySet

from .models import Verdict, published_verdict_q


def verdicts_modified(*, verdicts: QuerySet[Verdict] | Iterable[Verdict], at: datetime) -> None:
    """The published verdicts among `verdicts` changed at `at`: their modified_at becomes `at`
    unless it is later already. It never moves back: a repeat that stops being public changes
    the fact-check as much as one that becomes public, and a partner syncing on `updated_since`
    must hear of both. Unpublished verdicts keep none (nothing public changed).

    One conditional UPDATE, so a write that reads the row earlier and saves it later cannot
    carry an older date over a newer one; Verdict instances passed in get the date in memory
    too (a full save() afterwards keeps it)."""
    instances = [] if isinstance(verdicts, QuerySet) else list(verdicts)
    rows = (
        verdicts
        if isinstance(verdicts, QuerySet)
        else Verdict.objects.filter(pk__in=[verdict.pk for verdict in instances])
    )
    rows.filter(published_verdict_q()).filter(
        Q(modified_at__isnull=True) | Q(modified_at__lt=at)
    ).update(modified_at=at)
    for verdict in instances:
        if verdict.is_published and (verdict.modified_at is None or verdict.modified_at < at):
            verdict.modified_at = at
