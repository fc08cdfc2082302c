import re

from babel import Locale
from django.db import migrations

# articles.services.LANGUAGE_CODE and its CLDR lists, copied: that module imports the models,
# which a migration must not (they change with later migrations).
_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$")


def factcheck_languages_known(apps, schema_editor):
    """Other fact-checkers' reviews imported before their inLanguage was read as a code the
    desk's filters know (2026-12-06): a language's English name ("english") becomes its code,
    and anything else not a language ("xx") becomes not known, as the intake stores it now."""
    ExternalFactCheck = apps.get_model("articles", "ExternalFactCheck")
    languages = {code: name for code, name in Locale("en").languages.items() if "_" not in code}
    names = {}
    for code, name in languages.items():
        names.setdefault(name.casefold(), code)
    stored = ExternalFactCheck.objects.exclude(language="").values_list("language", flat=True)
    for language in set(stored.distinct()):
        known = _LANGUAGE_CODE.fullmatch(language) and language.split("-", 1)[0] in languages
        if not known:
            # update(), not save(): updated_at stays the time of the last real change.
            ExternalFactCheck.objects.filter(language=language).update(
                language=names.get(language.casefold(), "")
            )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0019_old_rows_bidi_cleaned"),
    ]

    operations = [
        migrations.RunPython(factcheck_languages_known, migrations.RunPython.noop),
    ]
