"""Stamp each published verdict's new modified_at column with the date the public pages and
the API computed for it on every read until now (claims.selectors.public.with_modified_at and
claims.appearances.appearances_changed_at as they stood at migration 0025): the latest of its
publication, its latest correction, the latest standing application of this verdict (the
event's `checked`, the fact-check applied) to a repeat of its group that is still dismissed,
and its appearances_changed_at. (Before this column, any application in the group dated every
published verdict of it; since each fact-check's appearances are only the repeats applied to
it, only the fact-check applied is dated, and so is the backfill.)

Written out here with the historical models and the values the enums had, so that a later
change to that code cannot change what this migration does. One UPDATE with a correlated
subquery, the same SQL on SQLite and PostgreSQL (each date coalesced to the publication
first: SQLite's MAX() of a NULL is NULL, PostgreSQL's GREATEST skips it)."""

from django.db import migrations
from django.db.models import BigIntegerField, Exists, OuterRef, Subquery
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce, Greatest

PUBLISHED = "published"
DISMISSED = "dismissed"
VERDICT_APPLIED = "verdict_applied"
LEFT_THE_GROUP = ["split", "confirmed", "auto_linked"]
REOPENED = "reopened"


def computed_modified_at(apps):
    """The published verdicts, each annotated with `computed_modified_at`."""
    Verdict = apps.get_model("claims", "Verdict")
    Correction = apps.get_model("claims", "Correction")
    ClaimGroupEvent = apps.get_model("claims", "ClaimGroupEvent")
    ClaimEvent = apps.get_model("claims", "ClaimEvent")
    left_since = ClaimGroupEvent.objects.filter(
        claim=OuterRef("claim"),
        kind__in=LEFT_THE_GROUP,
        undone_by__isnull=True,
        pk__gt=OuterRef("pk"),
    )
    reopened_since = ClaimEvent.objects.filter(
        claim=OuterRef("claim"), kind=REOPENED, created_at__gt=OuterRef("created_at")
    )
    dating = (
        ClaimGroupEvent.objects.filter(kind=VERDICT_APPLIED)
        .exclude(Exists(left_since))
        .exclude(Exists(reopened_since))
        # The key read as a number: PostgreSQL compares no jsonb with a column.
        .annotate(checked=Cast(KeyTextTransform("checked", "data"), BigIntegerField()))
        .filter(
            claim__status=DISMISSED,
            claim__group_id=OuterRef("claim__group_id"),
            checked=OuterRef("claim_id"),
        )
    )
    applied_at = Subquery(dating.order_by("-created_at").values("created_at")[:1])
    corrected_at = Subquery(
        Correction.objects.filter(verdict=OuterRef("pk"))
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    return Verdict.objects.filter(status=PUBLISHED, published_at__isnull=False).annotate(
        computed_modified_at=Greatest(
            Coalesce(corrected_at, "published_at"),
            Greatest(
                Coalesce(applied_at, "published_at"),
                Coalesce("appearances_changed_at", "published_at"),
            ),
        )
    )


def modified_at_stamped(apps, schema_editor):
    Verdict = apps.get_model("claims", "Verdict")
    computed = computed_modified_at(apps).filter(pk=OuterRef("pk"))
    Verdict.objects.filter(status=PUBLISHED, published_at__isnull=False).update(
        modified_at=Subquery(computed.values("computed_modified_at")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0026_verdict_modified_at"),
    ]

    operations = [
        migrations.RunPython(modified_at_stamped, migrations.RunPython.noop),
    ]
