"""The published record as readers and deletes see it: the generation number readers cache the
published set under, what a published verdict stands on (so may not be deleted) with the
refusal people read, and whether a rating is in published use.

Reads only (plus the cache counter); writes to verdicts are claims.verdicts. The delete guards
themselves are on_delete handlers in claims.models (published verdicts, research notes, who said
a claim), so they hold on every ORM path; this module only says which one refused.
"""

import time

from django.core.cache import cache
from django.db import router
from django.db.models import ProtectedError
from django.db.models.deletion import Collector

from .models import Claim, ClaimNote, Verdict, VerdictApplication

# Readers of published verdicts (the API's list pages) cache what they serve under this number;
# every change to the published set moves it on, so a new or corrected verdict shows at once.
PUBLISHED_GENERATION_KEY = "verdicts:published-generation"


def published_generation() -> int:
    return cache.get_or_set(PUBLISHED_GENERATION_KEY, _fresh_generation, timeout=None)


def published_changed() -> None:
    try:
        cache.incr(PUBLISHED_GENERATION_KEY)
    except ValueError:  # evicted or never read: a fresh number invalidates old entries
        cache.set(PUBLISHED_GENERATION_KEY, _fresh_generation(), timeout=None)


def _fresh_generation() -> int:
    """A number no earlier generation had, for a cache that lost the counter (evicted, or a
    restart of one kept in memory) while entries cached under it live on (a day, for the
    sitemap and the top speakers). Starting again at 1 gave out old numbers again, and their
    pages with them. The clock in nanoseconds is past every number so far: each was an earlier
    reading plus one a publication."""
    return time.time_ns()


# --- Deleting ----------------------------------------------------------------------------------


def _protected_by_delete(objects: list) -> list:
    """The rows the on_delete guards in claims.models name when a delete of `objects` reaches
    them, found by walking the delete's cascade without deleting, so the guards stay the one
    definition."""
    collector = Collector(using=router.db_for_write(type(objects[0])))
    try:
        collector.collect(objects)
    except ProtectedError as error:
        return list(error.protected_objects)
    return []


def protected_verdicts_of(*, objects) -> list[Verdict]:
    """The verdicts that stand on these rows (articles, claims, verdicts, speakers): published
    ones, and submitted ones for who said their claim."""
    objects = list(objects)
    if not objects:
        return []
    found = _published_among(objects) + _locked(_protected_by_delete(objects))
    return sorted(set(found), key=lambda v: v.pk)


def _published_among(objects: list) -> list[Verdict]:
    # A published verdict deleted itself: refused by Verdict.delete(), not by the cascade.
    return [obj for obj in objects if isinstance(obj, Verdict) and obj.is_published]


def _locked(protected) -> list[Verdict]:
    return [obj for obj in protected if isinstance(obj, Verdict) and obj.is_locked]


def claims_with_notes_of(*, objects) -> list[Claim]:
    """The claims with research notes that a delete of `objects` would take with it (the guard
    on ClaimNote.claim refuses it). A note is the desk's research (what a source said, whom to
    call back): the desk takes one back on the claim page, which keeps the removal on the
    timeline (as a re-analysis keeps a claim with notes: ClaimQuerySet.with_reviewer_work)."""
    objects = list(objects)
    return _noted_claims(_protected_by_delete(objects)) if objects else []


def _noted_claims(protected) -> list[Claim]:
    claim_ids = {obj.claim_id for obj in protected if isinstance(obj, ClaimNote)}
    return list(Claim.objects.filter(pk__in=claim_ids).order_by("pk")) if claim_ids else []


def record_delete_refusal(*, objects) -> str | None:
    """Why `objects` may not be deleted in the admin (its delete page and the bulk action), or
    None: a published verdict changes only through a correction, so nothing it stands on is
    deleted; research notes are not deleted unseen with their claim; and a speaker's claims
    keep who said them. The on_delete guards in claims.models hold the rules on every path;
    this only says which one refused."""
    objects = list(objects)
    if not objects:
        return None
    return _refusal_of(_protected_by_delete(objects) + _published_among(objects))


def delete_refusal(error: ProtectedError) -> str | None:
    """The refusal to show for a delete that raised `error`, or None when no guard of the
    record caused it (another PROTECT foreign key did)."""
    return _refusal_of(list(error.protected_objects))


def _refusal_of(protected: list) -> str | None:
    refusal = _refusal(sorted(set(_locked(protected)), key=lambda v: v.pk))
    if refusal:
        return refusal
    with_notes = _noted_claims(protected)
    if with_notes:
        return (
            f"Nothing was deleted: the desk's research notes on {_named(with_notes)} would go "
            "with it, and nothing would record them. Their author or an editor takes them back "
            "on the claim page first."
        )
    appearing = sorted(
        {obj.claim for obj in protected if isinstance(obj, VerdictApplication)}, key=lambda c: c.pk
    )
    if appearing:
        return (
            f"Nothing was deleted: {_named(appearing)} is an appearance of a published "
            "fact-check (an editor applied its verdict), which its ClaimReview lists. An editor "
            "splits it from its group on its claim page first."
        )
    attributed = sorted({obj for obj in protected if isinstance(obj, Claim)}, key=lambda c: c.pk)
    if attributed:
        return (
            f"Nothing was deleted: {_named(attributed)} would lose who said them, with nothing "
            "on their timelines. Merge the speaker into the right one on its desk page, or "
            "correct those claims' speaker on their claim pages, first."
        )
    return None


def _named(rows: list) -> str:
    named = "; ".join(f"“{row}”" for row in rows[:3])
    return named + (f" and {len(rows) - 3:,} more" if len(rows) > 3 else "")


def _refusal(protected: list[Verdict]) -> str | None:
    if not protected:
        return None
    named = _named([verdict.claim for verdict in protected])
    if any(verdict.is_published for verdict in protected):
        return (
            f"Nothing was deleted: it holds published verdicts (on {named}), and a "
            "published verdict changes only through a correction on its claim page."
        )
    return (
        f"Nothing was deleted: verdicts submitted for review stand on who said {named}; "
        "an editor returns or publishes them first."
    )


def rating_in_published_use(*, rating) -> bool:
    return Verdict.objects.published().filter(rating=rating).exists()


def scale_in_published_use(*, scale) -> bool:
    """Published verdicts rate on this scale: their ClaimReview's worstRating and bestRating
    are its lowest and highest values, read from its ratings whenever it is served."""
    return Verdict.objects.published().filter(rating__scale=scale).exists()
