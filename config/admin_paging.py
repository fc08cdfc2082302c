"""Changelists of tables that grow with the desk (claims, articles, sentences, events, verdicts,
intake jobs, imported fact-checks) stay cheap at a million rows: both apps' admins use this, and
so do the desk's unfiltered lists of articles (/articles/), intake jobs (/intake/) and
fact-checks (/intake/fact-checks/), which say "about" before an estimated number.

Imports only Django."""

from django.contrib import admin
from django.core.paginator import Paginator
from django.db import connections, router
from django.db.models import QuerySet
from django.utils.functional import cached_property

# Below this many rows (by the statistics) an exact count is cheap, and tests see exact counts.
ESTIMATE_FROM = 10_000


def estimated_rows(queryset: QuerySet) -> int | None:
    """PostgreSQL's estimate of the rows of an unfiltered queryset's table (pg_class.reltuples,
    kept by autovacuum's ANALYZE), or None where only an exact count will do: a filtered,
    searched or distinct list, another database, a table too small to bother or never analysed.
    """
    query = queryset.query
    if query.where or query.distinct or query.combinator or query.is_sliced:
        return None
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s)",
            [connection.ops.quote_name(queryset.model._meta.db_table)],
        )
        row = cursor.fetchone()
    if row is None or row[0] < ESTIMATE_FROM:
        return None
    return row[0]


class EstimatedCountPaginator(Paginator):
    """COUNT(*) reads the whole table (a second and more at a million claims, on every page of
    the changelist); an unfiltered list of a big table shows the statistics' estimate instead,
    within a few percent. Filtered lists count exactly: their numbers are what a person acts on."""

    @cached_property
    def _estimate(self) -> int | None:
        if not isinstance(self.object_list, QuerySet):
            return None
        return estimated_rows(self.object_list)

    @cached_property
    def count(self) -> int:
        return super().count if self._estimate is None else self._estimate

    @property
    def estimated(self) -> bool:
        """Whether `count` (and so num_pages) is the statistics' estimate: a page showing it
        says "about"."""
        return self._estimate is not None


class LargeChangelistMixin:
    """No second count of the whole table under a filtered list ("5 results (1,000,000 total)"),
    the estimated count for the unfiltered one, and no "Show counts" in the filter sidebar: its
    counts are one aggregate over every row the list holds (the whole table when unfiltered) at
    each page, which is the COUNT(*) the estimate is there to avoid."""

    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator = EstimatedCountPaginator


def indexed_values(model, field_name: str) -> list:
    """Every value of a column, in order, read one index probe a value: what PostgreSQL's
    SELECT DISTINCT does not do by itself (it reads every row, or every index entry). A few
    hundred publishers over a million imported fact-checks are a few hundred probes. The column
    needs an index that leads with it; the same SQL runs on SQLite."""
    connection = connections[router.db_for_read(model)]
    name = connection.ops.quote_name
    table = name(model._meta.db_table)
    column = name(model._meta.get_field(field_name).column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH RECURSIVE found(value) AS ("  # noqa: S608 (names from the model, quoted)
            f"SELECT MIN({column}) FROM {table} "
            f"UNION ALL SELECT (SELECT MIN({column}) FROM {table} WHERE {column} > found.value) "
            "FROM found WHERE found.value IS NOT NULL"
            ") SELECT value FROM found WHERE value IS NOT NULL"
        )
        return [row[0] for row in cursor.fetchall()]


class IndexedValuesFilter(admin.SimpleListFilter):
    """A sidebar of every value of a text column, as Django's filter for a plain field name
    draws it, read from the column's index (indexed_values) rather than a DISTINCT over the
    table at each page. Subclasses name the column (parameter_name) and the title."""

    def lookups(self, request, model_admin):
        return [
            (value, value or "(none)")
            for value in indexed_values(model_admin.model, self.parameter_name)
        ]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        return queryset.filter(**{self.parameter_name: self.value()})
