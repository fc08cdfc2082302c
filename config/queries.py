"""Query helpers that every app may use (no imports from the project)."""

from django.db.models import Func, IntegerField, QuerySet, Subquery


def row_count(rows: QuerySet) -> Subquery:
    """How many of `rows` (filtered on an OuterRef) there are, as a subquery to annotate with.
    PostgreSQL runs it for the rows a page shows, where Count() over the join groups the whole
    table before the LIMIT; a plain COUNT, not Django's GROUP BY form of one. COUNT(*), not
    COUNT(id): the rows' own column need not be read, so an index on the OuterRef's column
    answers alone (an index-only scan once the table is vacuumed)."""
    count = Func(template="COUNT(*)", output_field=IntegerField())
    return Subquery(rows.order_by().values(n=count))
