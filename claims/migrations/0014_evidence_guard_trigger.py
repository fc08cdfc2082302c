"""The database's own guard on a published verdict's evidence rows (PostgreSQL only).

The ORM refuses changes outside a correction (claims.models.published), but `loaddata`, raw SQL
and a psql session do not go through it. This trigger refuses them too, unless the transaction
has set `factcheck.replacing_sources` to 'on', which published_sources_replaceable() does for
the correction service. "Published" is spelled as published_verdict_q() defines it. SQLite, the
zero-config development database, keeps the ORM guard only. It stops mistakes, not a person with
database access (who can set the variable too); a data-only restore needs --disable-triggers.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION claims_evidence_guard() RETURNS trigger AS $$
DECLARE
    touched bigint[];
    published bigint;
BEGIN
    IF current_setting('factcheck.replacing_sources', true) = 'on' THEN
        RETURN COALESCE(NEW, OLD);
    END IF;
    IF TG_OP = 'INSERT' THEN
        touched := ARRAY[NEW.verdict_id];
    ELSIF TG_OP = 'DELETE' THEN
        touched := ARRAY[OLD.verdict_id];
    ELSE
        touched := ARRAY[OLD.verdict_id, NEW.verdict_id];
    END IF;
    SELECT v.id INTO published FROM claims_verdict v
     WHERE v.id = ANY(touched) AND v.status = 'published' AND v.published_at IS NOT NULL
     LIMIT 1;
    IF published IS NOT NULL THEN
        RAISE EXCEPTION 'Verdict % is published: its evidence changes only through a correction.',
            published USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN COALESCE(NEW, OLD);
END
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS claims_evidence_guard ON claims_evidencesource;
CREATE TRIGGER claims_evidence_guard
    BEFORE INSERT OR UPDATE OR DELETE ON claims_evidencesource
    FOR EACH ROW EXECUTE FUNCTION claims_evidence_guard();
"""

DROP = """
DROP TRIGGER IF EXISTS claims_evidence_guard ON claims_evidencesource;
DROP FUNCTION IF EXISTS claims_evidence_guard();
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)  # the SQL has its own % signs

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0013_speaker_merge_source_id"),
    ]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
