import unicodedata

from django.db import migrations

# The desk's rule itself, not a copy (see articles.0016_old_rows_cleaned): storable.py imports
# no Django, and a reason cleaned here should read as one typed today.
from articles.intake.storable import storable_text

# What storable_text drops, as a PostgreSQL pattern (its control characters and the bidi
# embeddings, overrides and isolates): only the rows holding one are read.
_DROPPED = "[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"


def _is_blank(text: str) -> bool:
    """articles.services.is_blank, copied: that module imports the models, which a migration
    must not (they change with later migrations)."""
    return all(char.isspace() or unicodedata.category(char) == "Cf" for char in text)


def dismissal_reasons_cleaned(apps, schema_editor):
    """Dismissal reasons stored before the desk's texts went through visible_text (2026-12-03):
    without control characters or bidi controls, trimmed. A reason nothing would be left of
    stays as it was: a dismissal needs one, and nobody is here to give it."""
    Claim = apps.get_model("claims", "Claim")
    rows = Claim.objects.filter(dismissal_reason__regex=_DROPPED).order_by("pk")
    for pk, reason in rows.values_list("pk", "dismissal_reason").iterator():
        cleaned = storable_text(reason)
        if not _is_blank(cleaned):
            # update(), not save(): updated_at stays the time of the last real change.
            Claim.objects.filter(pk=pk).update(dismissal_reason=cleaned.strip())


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0029_group_event_data_index"),
    ]

    operations = [
        migrations.RunPython(dismissal_reasons_cleaned, migrations.RunPython.noop),
    ]
