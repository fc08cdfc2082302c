import hashlib
import re

from django.db import migrations

# The input rule itself, not a copy, as 0016_old_rows_cleaned takes it: old rows are to read as
# a row stored today would.
from articles.intake.storable import storable_line

# The bidi embeddings, overrides and isolates, which storable_line drops since 2026-12-06 (0016
# already dropped the control characters): only the rows holding one are read into Python.
_BIDI = "[\u202a-\u202e\u2066-\u2069]"
_WHITESPACE = re.compile(r"\s+")


def _lines_cleaned(model, field: str, *, blank_as=None) -> None:
    """Each `field` holding a bidi control as storable_line stores it. One that nothing would
    be left of takes `blank_as(row)` where given, and otherwise stays as it was."""
    rows = model.objects.filter(**{f"{field}__regex": _BIDI}).order_by("pk")
    for row in rows.only("pk", field).iterator():
        cleaned = storable_line(getattr(row, field))
        if not cleaned:
            if blank_as is None:
                continue
            cleaned = blank_as(row)
        # update(), not save(): updated_at stays the time of the last real change.
        model.objects.filter(pk=row.pk).update(**{field: cleaned})


def _identity(url: str, claim: str) -> str:
    """articles.intake.claimreview._identity, copied: that module imports the models, which a
    migration must not."""
    key = f"{url}\n{_WHITESPACE.sub(' ', claim).strip().casefold()}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _claims_reviewed_cleaned(ExternalFactCheck) -> None:
    """A fact-check's claim with its identity, which is read from the claim: left stale, the
    next import of the same ClaimReview (cleaned today) would store it a second time. One whose
    cleaned identity another row holds already stays as it was. Its vector stays: the
    tokenizer drops these characters (Unicode category Cf) before the model sees the text."""
    rows = ExternalFactCheck.objects.filter(claim_reviewed__regex=_BIDI).order_by("pk")
    for pk, url, claim in rows.values_list("pk", "url", "claim_reviewed").iterator():
        cleaned = storable_line(claim)
        identity = _identity(url, cleaned)
        if not cleaned or ExternalFactCheck.objects.filter(identity=identity).exists():
            continue
        ExternalFactCheck.objects.filter(pk=pk).update(claim_reviewed=cleaned, identity=identity)


def old_rows_bidi_cleaned(apps, schema_editor):
    """Titles, bylines, outlet and feed names and other fact-checkers' ClaimReview texts stored
    before storable_line dropped the bidi controls: a U+202E in a title reversed the rest of
    the public page's "Claimed by ... in" line and the ClaimReview headline."""
    Article = apps.get_model("articles", "Article")
    Outlet = apps.get_model("articles", "Outlet")
    Feed = apps.get_model("articles", "Feed")
    ExternalFactCheck = apps.get_model("articles", "ExternalFactCheck")
    _lines_cleaned(Article, "title")
    _lines_cleaned(Article, "byline", blank_as=lambda row: "")
    _lines_cleaned(Outlet, "name", blank_as=lambda row: row.domain)
    _lines_cleaned(Feed, "title", blank_as=lambda row: "")
    for field in ("claimant", "rating_text"):
        _lines_cleaned(ExternalFactCheck, field, blank_as=lambda row: "")
    _lines_cleaned(ExternalFactCheck, "publisher_name")
    _claims_reviewed_cleaned(ExternalFactCheck)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0018_url_verbose_names"),
    ]

    operations = [
        migrations.RunPython(old_rows_bidi_cleaned, migrations.RunPython.noop),
    ]
