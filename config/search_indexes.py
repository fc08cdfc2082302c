"""Trigram indexes for substring searches (Django's icontains: UPPER(column) LIKE '%…%'), which
only such an index serves. PostgreSQL with pg_trgm only (claims.0005 creates the extension where
the database allows it); elsewhere the search reads every row, as it would without them.

Built CONCURRENTLY, so the migrations that call these run outside a transaction: a plain
CREATE INDEX would hold back every write to the table while it builds. Imports only Django."""

from functools import partial

from django.db import migrations


def _trigrams_available(schema_editor) -> bool:
    if schema_editor.connection.vendor != "postgresql":
        return False
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        return cursor.fetchone() is not None


def trigram_indexes_create(schema_editor, indexes: dict[str, str]) -> None:
    """`indexes`: index name -> "table USING gin (...)"."""
    if not _trigrams_available(schema_editor):
        return
    for name, table_and_columns in indexes.items():
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {table_and_columns}"
        )


def trigram_indexes_drop(schema_editor, indexes: dict[str, str]) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for name in indexes:
            schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


def trigram_indexes_operation(indexes: dict[str, str]) -> migrations.RunPython:
    """A migration's operation that creates `indexes` (and drops them when reversed); its
    migration must say `atomic = False`."""
    return migrations.RunPython(partial(_create, indexes=indexes), partial(_drop, indexes=indexes))


def _create(apps, schema_editor, *, indexes):
    trigram_indexes_create(schema_editor, indexes)


def _drop(apps, schema_editor, *, indexes):
    trigram_indexes_drop(schema_editor, indexes)
