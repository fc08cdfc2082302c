from datetime import UTC, datetime

from django.db import migrations
from django.db.models import Q

# The input rules themselves, not copies, as migration 0021 of claims/ takes the speaker key:
# both modules are plain functions that import no model (storable.py no Django at all), and
# old rows are to read as a row stored today would, so a copy frozen here would clean them by
# a rule the intake no longer applies.
from articles.intake.storable import storable_line
from articles.publication_dates import PUBLISHED_AT_SHOWABLE_YEARS

# The characters storable_line drops, as a PostgreSQL pattern: only the rows holding one are
# read into Python, where storable_line decides what each becomes (C0 but tab and line breaks,
# DEL and C1; NUL never reached a text column).
_CONTROL = "[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"


def _lines_cleaned(model, field: str, *, blank_as=None) -> None:
    """Each `field` holding a control character as storable_line stores it. One that nothing
    would be left of takes `blank_as(row)` where given, and otherwise stays as it was: an
    article with no title is one the desk refuses, and nobody is here to give it one."""
    rows = model.objects.filter(**{f"{field}__regex": _CONTROL}).order_by("pk")
    for row in rows.only("pk", field).iterator():  # not an article's body
        cleaned = storable_line(getattr(row, field))
        if not cleaned:
            if blank_as is None:
                continue
            cleaned = blank_as(row)
        # update(), not save(): updated_at stays the time of the last real change.
        model.objects.filter(pk=row.pk).update(**{field: cleaned})


def old_rows_cleaned(apps, schema_editor):
    """Rows stored before intake and the desk refused them: titles, bylines and outlet names
    with control characters (articles.intake.storable, since 2026-12-02), and publication dates
    no page can show in every time zone (articles.publication_dates, since 2026-12-03: the
    year 1 some sources gave for "unknown", which is what an empty date says)."""
    Article = apps.get_model("articles", "Article")
    Outlet = apps.get_model("articles", "Outlet")
    _lines_cleaned(Article, "title")
    _lines_cleaned(Article, "byline", blank_as=lambda row: "")
    # A name left empty is the domain, as outlet_get_or_create names a new outlet.
    _lines_cleaned(Outlet, "name", blank_as=lambda row: row.domain)
    # The years every page can show (PUBLISHED_AT_SHOWABLE_YEARS, in UTC) as bounds in SQL, not
    # the function over each row: a moment in year 0 in UTC (the year 1 in a zone east of it)
    # cannot even be read into Python.
    first, last = PUBLISHED_AT_SHOWABLE_YEARS
    Article.objects.filter(
        Q(published_at__lt=datetime(first, 1, 1, tzinfo=UTC))
        | Q(published_at__gte=datetime(last + 1, 1, 1, tzinfo=UTC))
    ).update(published_at=None)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0015_article_import_batch"),
    ]

    operations = [
        migrations.RunPython(old_rows_cleaned, migrations.RunPython.noop),
    ]
