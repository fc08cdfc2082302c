"""The database's guard on a published verdict's evidence rows names the verdicts it lets through.

Migration 0014's trigger let every published verdict's evidence change while a correction had
set `factcheck.replacing_sources` to 'on', so raw SQL run inside that block could rewrite any
published verdict's sources. Now the setting holds the comma-separated ids of the verdicts
being corrected (published_sources_replaceable() in claims.models.published writes them and
puts back what was there before) and only rows of those verdicts pass; any other value,
'on' included, lets no published verdict through. PostgreSQL only, as 0014.
"""

import importlib

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION claims_evidence_guard() RETURNS trigger AS $$
DECLARE
    touched bigint[];
    replacing text[];
    published bigint;
BEGIN
    -- Compared as text: a value that is not a list of ids matches nothing instead of failing.
    replacing := string_to_array(
        COALESCE(current_setting('factcheck.replacing_sources', true), ''), ',');
    IF TG_OP = 'INSERT' THEN
        touched := ARRAY[NEW.verdict_id];
    ELSIF TG_OP = 'DELETE' THEN
        touched := ARRAY[OLD.verdict_id];
    ELSE
        touched := ARRAY[OLD.verdict_id, NEW.verdict_id];
    END IF;
    SELECT v.id INTO published FROM claims_verdict v
     WHERE v.id = ANY(touched) AND v.status = 'published' AND v.published_at IS NOT NULL
       AND NOT (v.id::text = ANY(replacing))
     LIMIT 1;
    IF published IS NOT NULL THEN
        RAISE EXCEPTION 'Verdict % is published: its evidence changes only through a correction.',
            published USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN COALESCE(NEW, OLD);
END
$$ LANGUAGE plpgsql;
"""

# Going back restores 0014's function (the trigger itself is unchanged).
PREVIOUS = importlib.import_module("claims.migrations.0014_evidence_guard_trigger")


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)  # the SQL has its own % signs

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0018_verdict_applications_need_an_editor"),
    ]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(PREVIOUS.CREATE))]
