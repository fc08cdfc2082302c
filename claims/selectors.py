"""Read helpers for the review desk: the queue, a claim's context, the dashboard (a claim's
history is claims.timeline)."""

import statistics
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import TruncWeek
from django.utils import timezone

from .models import (
    Claim,
    ClaimEvent,
    ClaimStatus,
    Correction,
    Rating,
    Sentence,
    Speaker,
    Verdict,
    VerdictStatus,
    published_verdict_q,
)

QUEUE_STATUSES = {
    # "Open", not "awaiting review": in review is the status of a claim an editor has.
    "": ("Open (new and in progress)", [ClaimStatus.NEW, ClaimStatus.IN_PROGRESS]),
    **{status.value: (status.label, [status.value]) for status in ClaimStatus},
    "all": ("Any status", list(ClaimStatus.values)),
}


def claim_queue(*, user, filters: dict) -> QuerySet[Claim]:
    """Claims for the fact-checker queue, highest priority and check-worthiness first.

    `filters` is a QueueFilterForm's cleaned_data (the fields that validated); empty values
    filter nothing.
    """
    claims = Claim.objects.select_related(
        "article", "article__outlet", "speaker", "assignee", "verdict", "verdict__rating"
    )
    _, statuses = QUEUE_STATUSES.get(filters.get("status") or "", QUEUE_STATUSES[""])
    claims = claims.filter(status__in=statuses)
    if filters.get("speaker"):
        claims = claims.filter(speaker__name__icontains=filters["speaker"])
    if filters.get("outlet"):
        claims = claims.filter(article__outlet=filters["outlet"])
    if filters.get("published_from"):
        claims = claims.filter(article__published_at__date__gte=filters["published_from"])
    if filters.get("published_to"):
        claims = claims.filter(article__published_at__date__lte=filters["published_to"])
    if filters.get("score_min") is not None:
        claims = claims.filter(check_worthiness__gte=filters["score_min"])
    if filters.get("score_max") is not None:
        claims = claims.filter(check_worthiness__lte=filters["score_max"])
    if filters.get("assignee") == "mine":
        claims = claims.filter(assignee=user)
    elif filters.get("assignee") == "unassigned":
        claims = claims.filter(assignee__isnull=True)
    if filters.get("q"):
        claims = claims_search(claims, filters["q"])
    claims = claims.with_already_checked()
    if filters.get("repeats") == "new":
        claims = claims.filter(already_checked=False)
    elif filters.get("repeats") == "checked":
        claims = claims.filter(already_checked=True)
    _, _, order = QUEUE_SORTS.get(filters.get("sort") or "", QUEUE_SORTS[""])
    return claims.order_by(*order)


# The queue's orders: (the choice, what the page says, the ORDER BY); each ends on the id, so
# pages never overlap. An article without a publication date goes after the dated ones.
QUEUE_SORTS = {
    "": (
        "Priority and score",
        "highest priority and check-worthiness first",
        ("-priority", "-check_worthiness", "-created_at", "-id"),
    ),
    "newest_article": (
        "Newest article",
        "newest article first",
        (F("article__published_at").desc(nulls_last=True), "-article_id", "-priority", "-id"),
    ),
    "oldest_detected": ("Oldest detected", "oldest detected first", ("created_at", "id")),
}


def review_queue() -> QuerySet[Verdict]:
    """Submitted verdicts for the editors, oldest submission first (index verdict_submitted_idx)."""
    return (
        Verdict.objects.filter(status=VerdictStatus.SUBMITTED)
        .select_related("claim", "claim__speaker", "claim__article", "author", "rating")
        .order_by("submitted_at", "id")
    )


def claims_search(claims: QuerySet[Claim], text: str, *, aliases: bool = True) -> QuerySet[Claim]:
    """Claims whose words match `text`, or whose speaker is called that (by name, or with
    `aliases` by any spelling the desk recorded): the same on every database.

    The public index passes aliases=False: a speaker's spellings come from every article the
    desk analysed (pasted ones too), corrections and merges, and a substring match on them
    would let anyone spell a desk-only one out; the name is what published pages show."""
    by_name = Q(name__icontains=text)
    speakers = Speaker.objects.filter(
        by_name | Q(aliases__alias__icontains=text) if aliases else by_name
    ).values("pk")
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        vector = SearchVector("text", config="english")
        query = SearchQuery(text, config="english", search_type="websearch")
        by_words = Claim.objects.annotate(search=vector).filter(search=query)
    else:
        by_words = Claim.objects.filter(text__icontains=text)
    by_speaker = Claim.objects.filter(speaker_id__in=speakers)
    # A union, not an OR in one WHERE: an OR of the two lets PostgreSQL use neither the GIN
    # index on the text nor the speaker index, and it reads every claim.
    # (Unordered: SQLite refuses an ORDER BY, the model's default, in a union's parts.)
    matching = by_words.order_by().values("pk").union(by_speaker.order_by().values("pk"))
    return claims.filter(pk__in=matching)


@dataclass
class ClaimContext:
    before: str
    claim: str
    after: str
    other_sentences: list[Sentence] = field(default_factory=list)


def claim_context(claim: Claim) -> ClaimContext:
    """The paragraph around the claim, split so the template can mark the claim (escaped)."""
    body = claim.article.body
    paragraph_start = body.rfind("\n", 0, claim.start) + 1
    paragraph_end = body.find("\n", claim.end)
    if paragraph_end == -1:
        paragraph_end = len(body)
    others = list(
        Sentence.objects.filter(article_id=claim.article_id)
        .exclude(start=claim.start, end=claim.end)
        .select_related("speaker")
        .order_by("start")
    )
    return ClaimContext(
        before=body[paragraph_start : claim.start],
        claim=body[claim.start : claim.end],
        after=body[claim.end : paragraph_end],
        other_sentences=others,
    )


def speaker_earlier_claims(claim: Claim, *, limit: int = 10) -> list[Claim]:
    if claim.speaker_id is None:
        return []
    return list(
        Claim.objects.filter(speaker_id=claim.speaker_id)
        .exclude(pk=claim.pk)
        .select_related("article", "verdict", "verdict__rating")
        .order_by("-created_at")[:limit]
    )


def speakers_offered_for(claim: Claim, *, also: list[int] = ()) -> QuerySet[Speaker]:
    """The speakers a claim's speaker correction lists: those of its article's sentences, its
    own, and any of `also` (a choice being shown again), by name."""
    ids = [pk for pk in [claim.speaker_id, *also] if pk]
    # A subquery on the article's sentences, not an OR across a join with DISTINCT: that form
    # reads every sentence of every article (60,000 in bench/desk_pages.py) on each claim page.
    in_article = Sentence.objects.filter(article_id=claim.article_id).values("speaker_id")
    return Speaker.objects.filter(Q(pk__in=in_article) | Q(pk__in=ids)).order_by("name", "pk")


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


def events_for_desk(*, actor=None, date_from=None, date_to=None) -> QuerySet[ClaimEvent]:
    events = ClaimEvent.objects.select_related("actor", "claim").order_by("-created_at", "-id")
    if actor is not None:
        events = events.filter(actor=actor)
    if date_from:
        events = events.filter(created_at__date__gte=date_from)
    if date_to:
        events = events.filter(created_at__date__lte=date_to)
    return events


def source_domains(urls: list[str]) -> set[str]:
    return {(urlsplit(url).hostname or "").lower().removeprefix("www.") for url in urls if url} - {
        ""
    }


# --- Speaker page and dashboard ----------------------------------------------------------------


@dataclass
class Bar:
    label: str
    count: int
    colour: str = "#0b5cad"
    width: float = 0.0
    y: int = 0
    top: float = 0.0


def bars(items: list[Bar], *, width: int = 300, row: int = 28) -> list[Bar]:
    """Lay horizontal bars out for a server-rendered SVG."""
    most = max((item.count for item in items), default=0) or 1
    for position, item in enumerate(items):
        item.width = round(width * item.count / most, 1)
        item.y = position * row
    return items


def speaker_rating_distribution(speaker: Speaker) -> list[Bar]:
    counts = dict(
        Verdict.objects.published()
        .filter(claim__speaker=speaker)
        .values_list("rating_id")
        .annotate(total=Count("id"))
    )
    ratings = Rating.objects.filter(scale__is_active=True).order_by("-value")
    return bars([Bar(r.label, counts.get(r.pk, 0), r.colour) for r in ratings])


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
    week_bars = [Bar(week.strftime("%d %b"), per_week.get(week, 0)) for week in weeks]
    most = max((bar.count for bar in week_bars), default=0) or 1
    for position, bar in enumerate(week_bars):
        bar.width = round(120 * bar.count / most, 1)  # the column's height in the SVG
        bar.top = 130 - bar.width
        bar.y = position * 40

    top_speakers = list(
        Speaker.objects.annotate(
            checked=Count("claims", filter=published_verdict_q("claims__verdict__"))
        )
        .filter(checked__gt=0)
        .order_by("-checked", "name")[:10]
    )
    return {
        "status_counts": status_counts,
        "median_to_publication": duration_text(median),
        "published_count": published_count,
        "week_bars": week_bars,
        "top_speakers": top_speakers,
    }


@dataclass
class PublicCorrection:
    created_at: datetime
    note: str
    previous_rating: str = ""  # only when this correction changed the rating
    previous_speaker: str = ""  # only when it changed who the claim is attributed to


def public_corrections(verdict: Verdict) -> list[PublicCorrection]:
    """The verdict's corrections, oldest first, each saying what it changed. A correction keeps
    the public fields as they read before it: the rating after it is the next content
    correction's "before", or the verdict's rating for the last one."""
    corrections = list(verdict.corrections.all())
    rating_after = verdict.rating.label if verdict.rating else ""
    shown = []
    for correction in reversed(corrections):
        previous = correction.previous or {}
        entry = PublicCorrection(correction.created_at, correction.note)
        if "rating" in previous:
            if previous["rating"] != rating_after:
                entry.previous_rating = previous["rating"]
            rating_after = previous["rating"]
        entry.previous_speaker = previous.get("speaker") or ""
        shown.append(entry)
    return shown[::-1]


def published_index(*, q: str = "", rating: str = "") -> QuerySet[Verdict]:
    """Published verdicts for the public index and its feed, newest first (only what
    Verdict.objects.published() lets the public read)."""
    verdicts = Verdict.objects.published().select_related("claim", "claim__speaker", "rating")
    if rating:
        verdicts = verdicts.filter(rating__slug=rating)
    if q:
        matching = claims_search(Claim.objects.all(), q, aliases=False).values("pk")
        verdicts = verdicts.filter(claim__in=matching)
    # The latest correction as a subquery, not Max() over a join: the aggregate groups every
    # published verdict before the page's LIMIT (240 ms for 10,000 of them on the shared
    # development machine, bench/desk_pages.py); the subquery runs for the rows shown.
    latest_correction = (
        Correction.objects.filter(verdict=OuterRef("pk"))
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    return verdicts.annotate(corrected_at=Subquery(latest_correction)).order_by(
        "-published_at", "-id"
    )


def published_rating_choices() -> list[tuple[str, str]]:
    """The ratings that published verdicts use, as (slug, label)."""
    rows = (
        Verdict.objects.published()
        .values_list("rating__slug", "rating__label")
        .distinct()
        .order_by("rating__label")
    )
    return [(slug, label) for slug, label in rows if slug]


def speaker_is_public(speaker: Speaker) -> bool:
    """Its name and role show on a published fact-check (public page, ClaimReview, API), so
    they change only with a public correction (claims.speaker_edits)."""
    return Verdict.objects.published().filter(claim__speaker=speaker).exists()


def verdicts_returned_to(user, *, limit: int = 5) -> tuple[int, list[Verdict]]:
    """The verdicts an editor sent back to `user` that still wait for changes: how many, and
    the oldest few (they have waited longest)."""
    returned = Verdict.objects.filter(status=VerdictStatus.RETURNED, author=user)
    count = returned.count()
    oldest = (
        list(returned.select_related("claim").order_by("updated_at", "pk")[:limit]) if count else []
    )
    return count, oldest
