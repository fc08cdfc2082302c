"""Query helpers that every app may use (no imports from the project)."""

from django.db.models import F, Func, IntegerField, QuerySet, Subquery


def row_count(rows: QuerySet) -> Subquery:
    """How many of `rows` (filtered on an OuterRef) there are, as a subquery to annotate with.
    PostgreSQL runs it for the rows a page shows, where Count() over the join groups the whole
    table before the LIMIT; a plain COUNT, not Django's GROUP BY form of one."""
    count = Func(F("pk"), function="COUNT", output_field=IntegerField())
    return Subquery(rows.order_by().values(n=count))
