"""Reads about a speaker: its published ratings (the speaker page), whether its name is on
the public record, which speakers a filter's value names (the API's and the queue's), and the
desk's index of speakers."""

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.db.models.functions import Lower

from ..ids import is_id
from ..models import (
    Claim,
    Rating,
    Speaker,
    SpeakerAlias,
    Verdict,
    claim_made_at,
    published_verdict_q,
)
from ..nlp.attribution import speaker_key
from .dashboard import Bar, bars


def speaker_rating_distribution(speaker: Speaker) -> list[Bar]:
    counts = dict(
        Verdict.objects.published()
        .filter(claim__speaker=speaker)
        .values_list("rating_id")
        .annotate(total=Count("id"))
    )
    ratings = Rating.objects.filter(scale__is_active=True).order_by("-value")
    return bars([Bar(r.label, counts.get(r.pk, 0), r.colour, r.edge_colour) for r in ratings])


def speaker_other_spellings(speaker: Speaker):
    """The speaker page's "Also written as": its aliases but the one written as its name, which
    every speaker has (the page read "Two anonymous U.S. officials · Also written as: Two
    anonymous U.S. officials")."""
    return speaker.aliases.exclude(alias=speaker.name)


def speaker_is_public(speaker: Speaker) -> bool:
    """Its name and role show on a published fact-check (public page, ClaimReview, API), so
    they change only with a public correction (claims.speaker_edits)."""
    return Verdict.objects.published().filter(claim__speaker=speaker).exists()


def speaker_ids_matching(value: str, *, aliases: bool) -> Q:
    """A speaker given as an id, a slug or its name (matched like attribution does: case,
    spacing, accents and honorifics aside), and with `aliases` by any spelling the desk
    recorded. It picks speakers only: which of their rows a key sees stays its endpoint's
    rule (published ones only, for a partner key).

    Only the desk scope passes aliases=True: a speaker's spellings come from every article the
    desk analysed (pasted ones too), corrections and merges, and an exact match on them would
    confirm a guessed desk-only one; the name and slug are what published answers show (the
    public index's search keeps to the name for the same reason, claims_search)."""
    # Any run of whitespace (a non-breaking space pasted from a page) reads as one space.
    value = " ".join(value.split())
    if is_id(value):
        return Q(pk=int(value))
    # Slugs are lower case. The name match covers speakers added in the admin without aliases
    # (a scan, but of the speakers table, which stays small).
    matching = Q(slug=value.lower()) | Q(name__iexact=value)
    key = speaker_key(value)
    if not key:
        return matching
    if aliases:
        # Alias keys are indexed and unique.
        return matching | Q(pk__in=SpeakerAlias.objects.filter(key=key).values("speaker_id"))
    # The public name as attribution keys it ("  ANTONY  blinken", "Antoný Blinken"): the one
    # speaker holding the key counts only when the key is its name's own.
    alias = SpeakerAlias.objects.filter(key=key).select_related("speaker").first()
    if alias is not None and speaker_key(alias.speaker.name) == key:
        matching |= Q(pk=alias.speaker_id)
    return matching


def speakers_named(value: str) -> Q:
    """The desk's speaker search (the queue's speaker filter and the speakers index): part of
    the name as typed, or the speaker as the desk-scope API names one: its id, slug, name or
    any spelling the desk recorded (speaker_ids_matching)."""
    return Q(name__icontains=value) | speaker_ids_matching(value, aliases=True)


def speakers_indexed(*, q: str = "") -> QuerySet[Speaker]:
    """The speakers the desk's index lists (all, or those its search `q` names), without
    its counts: what its pager counts (config.pages.RowsCountedPaginator).

    A speaker with no claim left (all moved to another speaker by a correction, or removed
    with their article) is left out: the list is of those the desk has claims from, and a
    name with nothing behind it is noise there. Its page stays at its address, and the
    duplicates page and the admin still reach it for a merge."""
    speakers = Speaker.objects.filter(Exists(Claim.objects.filter(speaker=OuterRef("pk"))))
    return speakers.filter(speakers_named(q)) if q else speakers


def speaker_index(*, q: str = "") -> QuerySet[Speaker]:
    """The desk's list of speakers, each with its number of claims, of those with a published
    verdict, and the date its latest claim was made; most claims first, then by name in any
    case (PostgreSQL's C collation and SQLite put "U.S. military" before "militias"), then by
    id, so a page holds the same rows however the names tie. Counted in the one query, so a
    page of the list costs the same however many speakers it shows.

    Ordered by a count, so it aggregates every claim whatever the page; the latest date as a
    subquery for the page's rows only was slower (the first page's speakers say the most).
    No DISTINCT in the counts: each claim joins one verdict (one-to-one) and one article, so
    no claim is counted twice, and COUNT(DISTINCT) sorted the 50,000 claims of
    bench/desk_pages.py on disk (400 ms; 170 ms without). A join that can repeat a claim
    (its notes, its events) needs a subquery here, not another join."""
    return (
        speakers_indexed(q=q)
        .annotate(
            claim_count=Count("claims"),
            # Draft, submitted and returned verdicts are not on the record: only published ones.
            published_count=Count("claims", filter=published_verdict_q("claims__verdict__")),
            # When the latest claim was made, not when the desk stored it (an archive read late).
            latest_claim_at=Max(claim_made_at("claims__")),
        )
        .order_by("-claim_count", Lower("name"), "pk")
    )
