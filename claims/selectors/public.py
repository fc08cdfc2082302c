"""Reads for the public pages: the published index and its feed and sitemap, the rating
filter's choices, and a verdict's corrections as readers see them."""

from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from ..models import Claim, Correction, Rating, Verdict
from ..record import published_generation
from .search import claims_search


@dataclass
class PublicCorrection:
    created_at: datetime
    note: str
    previous_rating: str = ""  # only when this correction changed the rating
    previous_speaker: str = ""  # only when it changed who the claim is attributed to


# The rating id of a correction stored before corrections kept one (2026-12-06): not known.
_UNKNOWN = object()


def public_corrections(verdict: Verdict) -> list[PublicCorrection]:
    """The verdict's corrections, oldest first, each saying what it changed. A correction keeps
    the public fields as they read before it: the rating after it is the next content
    correction's "before", or the verdict's rating for the last one."""
    corrections = list(verdict.corrections.all())
    label_after = verdict.rating.label if verdict.rating else ""
    id_after = verdict.rating_id
    shown = []
    for correction in reversed(corrections):
        previous = correction.previous or {}
        entry = PublicCorrection(correction.created_at, correction.note)
        if "rating" in previous:
            # Which rating it is, where the correction kept it: a label an editor renamed on
            # the scale since is the same rating. Corrections older than their rating_id key are
            # compared by label.
            id_before = previous.get("rating_id", _UNKNOWN)
            if id_before is not _UNKNOWN and id_after is not _UNKNOWN:
                changed = id_before != id_after
            else:
                changed = previous["rating"] != label_after
            if changed:
                entry.previous_rating = previous["rating"]
            label_after, id_after = previous["rating"], id_before
        entry.previous_speaker = previous.get("speaker") or ""
        shown.append(entry)
    return shown[::-1]


def published_index(*, q: str = "", ratings: list[str] | None = None) -> QuerySet[Verdict]:
    """Published verdicts for the public index and its feed, newest first (only what
    Verdict.objects.published() lets the public read); `ratings`, slugs from
    rating_slugs_named, keeps those rated so."""
    verdicts = Verdict.objects.published().select_related("claim", "claim__speaker", "rating")
    if ratings:
        verdicts = verdicts.filter(rating__slug__in=ratings)
    if q:
        matching = claims_search(Claim.objects.all(), q, aliases=False).values("pk")
        verdicts = verdicts.filter(claim__in=matching)
    # The latest correction as a subquery, not Max() over a join: the aggregate groups every
    # published verdict before the page's LIMIT (240 ms for 10,000 of them on the shared
    # development machine, bench/desk_pages.py); the subquery runs for the rows shown.
    return with_modified_at(verdicts).order_by("-published_at", "-id")


def with_modified_at(verdicts: QuerySet[Verdict]) -> QuerySet[Verdict]:
    """Each published verdict's `corrected_at` (its latest correction), for the index's
    "corrected" date. Its `modified_at`, the one date for ClaimReview's dateModified, the feed's
    updated date and the sitemap's lastmod, is a stored column now (claims.modified says what
    moves it), so the API sorts and filters on it through an index."""
    latest_correction = (
        Correction.objects.filter(verdict=OuterRef("pk"))
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    return verdicts.annotate(corrected_at=Subquery(latest_correction))


def modified_since(verdicts: QuerySet[Verdict], when: datetime) -> QuerySet[Verdict]:
    """The published verdicts among `verdicts` whose `modified_at` is at or after `when` (the
    API's incremental sync), a range on the published verdicts' modified_at index."""
    return verdicts.filter(modified_at__gte=when)


def published_rating_choices() -> list[tuple[str, str]]:
    """The ratings the public may filter published fact-checks by, as (slug, label), in the
    scale's order (truest first, as the verdict form lists them): the active scale's, whether
    or not a fact-check has one yet (a reader asking for one gets an empty list that says so,
    not a refusal), then an older scale's that published verdicts still carry. Never by what
    unpublished verdicts use: a rating offered because a draft has it would tell the public
    there is such a draft. The one rule for the public index, the API's `rating` filter and the
    slugs the API's schema lists.

    Kept in the cache under the published generation (claims.record), which every change to
    the published set moves on once it commits (a publication, a correction, a repeat applied)
    and so does a save of a rating scale in the admin: the index, the API's rating filter,
    its speakers pages and its schema read it on every request, and no longer query for it
    each time. The timeout bounds how long a process whose cache fell back to its own memory
    (config.cache), or a ratings row written in a shell, keeps an old list."""
    key = f"ratings:published-choices:{published_generation()}"
    choices = cache.get(key)
    if choices is None:
        choices = _published_rating_choices_read()
        cache.set(key, choices, RATING_CHOICES_CACHE_SECONDS)
    return [(slug, label) for slug, label in choices]


RATING_CHOICES_CACHE_SECONDS = 300


def _published_rating_choices_read() -> list[tuple[str, str]]:
    # EXISTS, probing the rating's verdicts by their index, rather than IN over every
    # published verdict.
    in_use = Exists(Verdict.objects.published().filter(rating=OuterRef("pk")))
    rows = (
        Rating.objects.filter(Q(scale__is_active=True) | in_use)
        .order_by("-scale__is_active", "scale", "-value")
        .values_list("slug", "label")
    )
    choices: dict[str, str] = {}
    for slug, label in rows:
        choices.setdefault(slug, label)  # a slug an older scale shares is the active one's
    return list(choices.items())


def rating_slugs_named(value: str, *, choices: list[tuple[str, str]]) -> list[str]:
    """The slugs among `choices` (published_rating_choices()) that a reader's `rating=`
    names, in any case: `FALSE` is `false`, on the public index as in the API. A list, as two
    scales' slugs may differ only by case; the choices are a few dozen, so matching them here
    costs nothing."""
    wanted = value.strip().lower()
    return [slug for slug, _ in choices if slug.lower() == wanted]
