"""The desk dashboard's numbers and charts, and the desk's activity log."""

import statistics
from dataclasses import dataclass
from datetime import timedelta

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    QuerySet,
    Value,
)
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.formats import date_format

from config.pages import page_get

from ..models import Claim, ClaimEvent, ClaimGroupEvent, ClaimStatus, Verdict
from ..record import published_generation


def duration_text(duration: timedelta | None) -> str:
    """A reader's duration: '2 days 3 hours', '5 hours 12 minutes', '40 seconds'."""
    if duration is None:
        return ""
    seconds = int(duration.total_seconds())
    days, seconds = divmod(seconds, 86_400)
    hours, seconds = divmod(seconds, 3_600)
    minutes, seconds = divmod(seconds, 60)
    parts = [(days, "day"), (hours, "hour"), (minutes, "minute"), (seconds, "second")]
    shown = [f"{n} {unit}{'s' if n != 1 else ''}" for n, unit in parts if n][:2]
    return " ".join(shown) or "under a second"


def desk_history_page(*, actor=None, date_from=None, date_to=None, number=1, per_page=50) -> Page:
    """Page `number` of everything done on the desk, newest first: the claims' workflow events
    and the group changes (links, confirmations, rejections, splits, merges, undos), which are
    rows of their own. The database orders and slices one UNION of (when, source, id); only the
    page's rows are read. A group change comes with `is_group_change` set."""

    def keys(rows: QuerySet, source: int) -> QuerySet:
        rows = _desk_filtered(rows.order_by(), actor=actor, date_from=date_from, date_to=date_to)
        return rows.annotate(source=Value(source, IntegerField())).values_list(
            "created_at", "source", "id"
        )

    merged = keys(ClaimEvent.objects.all(), 0).union(
        keys(ClaimGroupEvent.objects.all(), 1), all=True
    )
    page = page_get(Paginator(merged.order_by("-created_at", "-source", "-id"), per_page), number)
    wanted = {0: [], 1: []}
    for _, source, pk in page.object_list:
        wanted[source].append(pk)
    rows = {
        0: ClaimEvent.objects.select_related("actor", "claim").in_bulk(wanted[0]),
        1: ClaimGroupEvent.objects.select_related("actor", "claim").in_bulk(wanted[1]),
    }
    for row in rows[1].values():
        row.is_group_change = True
    page.object_list = [
        rows[source][pk] for _, source, pk in page.object_list if pk in rows[source]
    ]
    return page


def _desk_filtered(rows: QuerySet, *, actor, date_from, date_to) -> QuerySet:
    if actor is not None:
        rows = rows.filter(actor=actor)
    if date_from:
        rows = rows.filter(created_at__date__gte=date_from)
    if date_to:
        rows = rows.filter(created_at__date__lte=date_to)
    return rows


@dataclass
class Bar:
    label: str
    count: int
    colour: str = "#0b5cad"
    # The outline of a bar in a colour the desk chose, reaching 3:1 on the page where the
    # fill may not (Rating.edge_colour); the dashboard's own blue needs none.
    edge: str = ""
    width: float = 0.0
    y: int = 0
    top: float = 0.0
    # The bar's label in full, where `label` is short to fit under it: "week of 30 Nov 2026".
    description: str = ""


def bars(items: list[Bar], *, width: int = 300, row: int = 28) -> list[Bar]:
    """Lay horizontal bars out for a server-rendered SVG."""
    most = max((item.count for item in items), default=0) or 1
    for position, item in enumerate(items):
        item.width = round(width * item.count / most, 1)
        item.y = position * row
    return items


class _Median(Aggregate):
    """PostgreSQL's median of an interval (the mean of the two middle values for an even
    count, as statistics.median)."""

    template = "percentile_cont(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


def _median_time_to_publication() -> tuple[int, timedelta | None]:
    """How many verdicts are published, and the median time from detection to publication."""
    published = Verdict.objects.published()
    time_taken = ExpressionWrapper(
        F("published_at") - F("claim__created_at"), output_field=DurationField()
    )
    if connection.vendor == "postgresql":
        # In the database: read row by row, the times of 10,000 verdicts took longer than the
        # rest of the dashboard together (bench/desk_pages.py).
        found = published.aggregate(count=Count("id"), median=_Median(time_taken))
        return found["count"], found["median"]  # NULL, so None, when nothing is published
    durations = [
        (at - detected).total_seconds()
        for detected, at in published.values_list("claim__created_at", "published_at")
    ]
    median = timedelta(seconds=statistics.median(durations)) if durations else None
    return len(durations), median


def dashboard_numbers() -> dict:
    by_status = dict(Claim.objects.values_list("status").annotate(total=Count("id")))
    status_counts = [(status.label, by_status.get(status.value, 0)) for status in ClaimStatus]

    published_count, median = _median_time_to_publication()

    since = timezone.now() - timedelta(weeks=12)
    weekly = dict(
        Verdict.objects.published()
        .filter(published_at__gte=since)
        .annotate(week=TruncWeek("published_at"))
        .values_list("week")
        .annotate(total=Count("id"))
    )
    first_week = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    weeks = [first_week - timedelta(weeks=back) for back in range(11, -1, -1)]
    per_week = {week.date() if hasattr(week, "date") else week: n for week, n in weekly.items()}
    # Columns, not rows: each bar's `width` is the column's height and `y` its place across.
    week_bars = bars(
        [
            Bar(
                date_format(week, "j M"),
                per_week.get(week, 0),
                description=f"week of {date_format(week, 'j M Y')}",
            )
            for week in weeks
        ],
        width=120,
        row=40,
    )
    for bar in week_bars:
        bar.top = 130 - bar.width

    return {
        "status_counts": status_counts,
        "median_to_publication": duration_text(median),
        "published_count": published_count,
        "week_bars": week_bars,
        "published_in_weeks": sum(bar.count for bar in week_bars),
        "top_speakers": top_speakers(),
    }


@dataclass(frozen=True)
class TopSpeaker:
    pk: int
    name: str
    slug: str
    checked: int  # published verdicts on its claims


TOP_SPEAKERS = 10
# A day: an entry outlives its generation only as garbage; the next one is a fresh key.
TOP_SPEAKERS_CACHE_SECONDS = 86_400


def top_speakers(*, limit: int = TOP_SPEAKERS) -> list[TopSpeaker]:
    """The speakers with the most published verdicts, most first, then by name.

    Counted from the published verdicts, not from every speaker's claims (that grouped all
    50,000 claims of bench/desk_pages.py on each dashboard view), and cached under the published
    generation (claims.record): only a publication or a correction changes these counts, or the
    name of a speaker with something published (claims.speaker_edits, a correction too), and each
    moves the generation on, so the list is never staler than the published record."""
    key = f"dashboard:top-speakers:{published_generation()}:{limit}"
    found = cache.get(key)
    if found is None:
        rows = (
            Verdict.objects.published()
            .filter(claim__speaker__isnull=False)
            .values_list("claim__speaker_id", "claim__speaker__name", "claim__speaker__slug")
            .annotate(checked=Count("id"))
            .order_by("-checked", "claim__speaker__name", "claim__speaker_id")[:limit]
        )
        found = [TopSpeaker(*row) for row in rows]
        cache.set(key, found, timeout=TOP_SPEAKERS_CACHE_SECONDS)
    return found
