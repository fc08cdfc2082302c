"""Changelists of tables that grow with the desk (claims, articles, sentences, events, verdicts,
intake jobs) stay cheap at a million rows: both apps' admins use this.

Imports only Django."""

from django.core.paginator import Paginator
from django.db import connections
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
    def count(self) -> int:
        estimate = (
            estimated_rows(self.object_list) if isinstance(self.object_list, QuerySet) else None
        )
        return super().count if estimate is None else estimate


class LargeChangelistMixin:
    """No second count of the whole table under a filtered list ("5 results (1,000,000 total)"),
    and the estimated count for the unfiltered one."""

    show_full_result_count = False
    paginator = EstimatedCountPaginator
