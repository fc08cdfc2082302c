"""The published record as readers and deletes see it: the generation number readers cache the
published set under, what a published verdict stands on (so may not be deleted), and whether a
rating is in published use.

Reads only (plus the cache counter); writes to verdicts are claims.verdicts.
"""

from django.core.cache import cache

from .models import Verdict

# Readers of published verdicts (the API's list pages) cache what they serve under this number;
# every change to the published set moves it on, so a new or corrected verdict shows at once.
PUBLISHED_GENERATION_KEY = "verdicts:published-generation"


def published_generation() -> int:
    return cache.get_or_set(PUBLISHED_GENERATION_KEY, 1, timeout=None)


def published_changed() -> None:
    try:
        cache.incr(PUBLISHED_GENERATION_KEY)
    except ValueError:  # evicted or never read: any fresh number invalidates old entries
        cache.set(PUBLISHED_GENERATION_KEY, published_generation() + 1, timeout=None)


# --- Deleting ----------------------------------------------------------------------------------

# What a published verdict hangs on, from each model the admin can delete: removing one of these
# would remove the verdict (or, for a speaker, change who said it) outside the correction path.
_PUBLISHED_VERDICT_THROUGH = {
    "articles.Article": "claim__article",
    "claims.Claim": "claim",
    "claims.Verdict": "pk",
    "claims.Speaker": "claim__speaker",
}


def published_verdicts_of(*, objects) -> list[Verdict]:
    """The published verdicts that stand on these articles, claims, verdicts or speakers."""
    objects = list(objects)
    through = _PUBLISHED_VERDICT_THROUGH.get(objects[0]._meta.label) if objects else None
    if through is None:
        return []
    return list(
        Verdict.objects.published()
        .filter(**{f"{through}__in": [obj.pk for obj in objects]})
        .select_related("claim")
        .order_by("pk")
        .distinct()
    )


def record_delete_refusal(*, objects) -> str | None:
    """Why `objects` may not be deleted, or None: a published verdict changes only through a
    correction, so nothing it stands on is deleted (admin, bulk action, or any other path)."""
    published = published_verdicts_of(objects=objects)
    if not published:
        return None
    named = "; ".join(f"“{verdict.claim}”" for verdict in published[:3])
    more = f" and {len(published) - 3} more" if len(published) > 3 else ""
    return (
        f"Nothing was deleted: it holds published verdicts (on {named}{more}), and a published "
        "verdict changes only through a correction on its claim page."
    )


def rating_in_published_use(*, rating) -> bool:
    return Verdict.objects.published().filter(rating=rating).exists()
