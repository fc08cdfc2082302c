"""The published record as readers and deletes see it: the generation number readers cache the
published set under, what a published verdict stands on (so may not be deleted) with the
refusal people read, and whether a rating is in published use.

Reads only (plus the cache counter); writes to verdicts are claims.verdicts. The delete guards
themselves are on_delete handlers in claims.models, so they hold on every ORM path.
"""

from django.core.cache import cache
from django.db import router
from django.db.models import ProtectedError
from django.db.models.deletion import Collector

from .models import Claim, ClaimNote, Verdict

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


def protected_verdicts_of(*, objects) -> list[Verdict]:
    """The verdicts that stand on these rows (articles, claims, verdicts, speakers): published
    ones, and submitted ones for who said their claim. What the on_delete guards in claims.models
    refuse to let a delete of `objects` reach, found by walking the delete's cascade without
    deleting, so the guards stay the one definition."""
    objects = list(objects)
    if not objects:
        return []
    # A published verdict deleted itself: refused by Verdict.delete(), not by the cascade.
    found = [obj for obj in objects if isinstance(obj, Verdict) and obj.is_published]
    collector = Collector(using=router.db_for_write(type(objects[0])))
    try:
        collector.collect(objects)
    except ProtectedError as error:
        found += protected_verdicts(error)
    return sorted(set(found), key=lambda verdict: verdict.pk)


def protected_verdicts(error: ProtectedError) -> list[Verdict]:
    """The verdicts an on_delete guard refused for: published ones, and submitted ones whose
    claim's speaker a delete would have emptied."""
    found = {obj for obj in error.protected_objects if isinstance(obj, Verdict)}
    return sorted((verdict for verdict in found if verdict.is_locked), key=lambda v: v.pk)


def claims_with_notes_of(*, objects) -> list[Claim]:
    """The claims with research notes that a delete of `objects` would take with it, found by
    the same dry run of the cascade. Call once no published verdict stands in the way (that
    cascade raises). A note is the desk's research (what a source said, whom to call back): the
    desk takes one back on the claim page, which keeps the removal on the timeline; a delete
    would drop it with nothing to say so, which is why the admin refuses it (as a re-analysis
    keeps a claim with notes: ClaimQuerySet.with_reviewer_work)."""
    objects = list(objects)
    if not objects:
        return []
    collector = Collector(using=router.db_for_write(type(objects[0])))
    collector.collect(objects)
    claim_ids = {note.claim_id for note in collector.data.get(ClaimNote, ())}
    for queryset in collector.fast_deletes:
        if queryset.model is ClaimNote:
            claim_ids |= set(queryset.values_list("claim_id", flat=True))
    return list(Claim.objects.filter(pk__in=claim_ids).order_by("pk"))


def record_delete_refusal(*, objects) -> str | None:
    """Why `objects` may not be deleted in the admin (its delete page and the bulk action), or
    None: a published verdict changes only through a correction, so nothing it stands on is
    deleted; and research notes are not deleted unseen with their claim."""
    objects = list(objects)
    refusal = _refusal(protected_verdicts_of(objects=objects))
    if refusal:
        return refusal
    with_notes = claims_with_notes_of(objects=objects)
    if not with_notes:
        return None
    named = "; ".join(f"“{claim}”" for claim in with_notes[:3])
    more = f" and {len(with_notes) - 3} more" if len(with_notes) > 3 else ""
    return (
        f"Nothing was deleted: the desk's research notes on {named}{more} would go with it, "
        "and nothing would record them. Their author or an editor takes them back on the "
        "claim page first."
    )


def delete_refusal(error: ProtectedError) -> str | None:
    """The refusal to show for a delete that raised `error`, or None when no published verdict
    caused it (another PROTECT foreign key did)."""
    return _refusal(protected_verdicts(error))


def _refusal(protected: list[Verdict]) -> str | None:
    if not protected:
        return None
    named = "; ".join(f"“{verdict.claim}”" for verdict in protected[:3])
    more = f" and {len(protected) - 3} more" if len(protected) > 3 else ""
    if any(verdict.is_published for verdict in protected):
        return (
            f"Nothing was deleted: it holds published verdicts (on {named}{more}), and a "
            "published verdict changes only through a correction on its claim page."
        )
    return (
        f"Nothing was deleted: verdicts submitted for review stand on who said {named}{more}; "
        "an editor returns or publishes them first."
    )


def rating_in_published_use(*, rating) -> bool:
    return Verdict.objects.published().filter(rating=rating).exists()
