"""The desk's work lists: the fact-checker queue (its filters and orders), the editors' review
queue, and the verdicts sent back to an author."""

from django.db.models import F, QuerySet

from ..models import Claim, ClaimStatus, Speaker, Verdict, VerdictStatus
from .search import claims_search
from .speakers import speakers_named

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
        named = speakers_named(filters["speaker"])
        claims = claims.filter(speaker_id__in=Speaker.objects.filter(named).values("pk"))
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
    claims = claims.with_already_checked().with_application_pending()
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


def verdicts_returned_to(user, *, limit: int = 5) -> tuple[int, list[Verdict]]:
    """The verdicts an editor sent back to `user` that still wait for changes: how many, and
    the oldest few (they have waited longest)."""
    # Only while its claim is still to work: one dismissed since, by hand or as a repeat an
    # editor covered with a published verdict (applying one dismisses it), needs no rework.
    returned = Verdict.objects.filter(
        status=VerdictStatus.RETURNED, author=user, claim__in=Claim.objects.in_queue()
    )
    count = returned.count()
    oldest = (
        list(returned.select_related("claim").order_by("updated_at", "pk")[:limit]) if count else []
    )
    return count, oldest
