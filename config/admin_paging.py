"""Changelists of tables that grow with the desk (claims, articles, sentences, events, verdicts,
intake jobs, imported fact-checks) stay cheap at a million rows: both apps' admins use this, and
so do the desk's unfiltered lists of articles (/articles/), intake jobs (/intake/) and
fact-checks (/intake/fact-checks/), which say "about" before an estimated number.

Imports only Django."""

from django.contrib import admin
from django.core.paginator import EmptyPage, Page, Paginator
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


class EstimatedPage(Page):
    """A page of an estimated count (EstimatedCountPaginator): from the estimate's last page on,
    it has a next page where a row follows it, not where the estimate says one should."""

    def has_next(self) -> bool:
        paginator = self.paginator
        if not paginator.estimated or self.number < paginator.num_pages:
            return super().has_next()
        return paginator.holds_rows_from(self.number * paginator.per_page)


class EstimatedCountPaginator(Paginator):
    """COUNT(*) reads the whole table (a second and more at a million claims, on every page of
    the changelist); an unfiltered list of a big table shows the statistics' estimate instead,
    within a few percent. Filtered lists count exactly: their numbers are what a person acts on.

    An estimate short of the rows there are would hide the rows past it: Django's paginator cuts
    the last page at the count and refuses any page after it (the admin sent a page number past
    it back to the first page). Estimated, the last page is a whole page, and a page past it is
    there when a row is (EstimatedPage.has_next says so); an exact count pages as Django's."""

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

    @cached_property
    def _rows_found(self) -> dict[int, bool]:
        return {}

    def holds_rows_from(self, offset: int) -> bool:
        """Whether the list has a row at `offset` (0-based): one probe, asked once, as the
        admin validates its page number twice (the page, then its pager)."""
        if offset not in self._rows_found:
            self._rows_found[offset] = self.object_list[offset : offset + 1].exists()
        return self._rows_found[offset]

    def validate_number(self, number):
        try:
            return super().validate_number(number)
        except EmptyPage:
            # Django's check parsed it: only its range failed.
            past = int(number) > self.num_pages
            if self.estimated and past and self.holds_rows_from((int(number) - 1) * self.per_page):
                return int(number)
            raise

    def page(self, number):
        if not self.estimated:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        return self._get_page(self.object_list[bottom : bottom + self.per_page], number, self)

    def get_elided_page_range(self, number=1, *, on_each_side=3, on_ends=2):
        pages = list(
            super().get_elided_page_range(number, on_each_side=on_each_side, on_ends=on_ends)
        )
        number = self.validate_number(number)
        if number not in pages:
            # Past the estimate's last page, where Django lists only up to it when they are few.
            first = max(self.num_pages + 1, number - on_each_side)
            pages += [self.ELLIPSIS] if first > self.num_pages + 1 else []
            pages += range(first, number + 1)
        return pages

    def _get_page(self, *args, **kwargs):
        return EstimatedPage(*args, **kwargs)


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
