"""After analysis: embed an article's claims, then link repeats and suggest likely ones.

A claim whose best earlier match reaches "same claim" joins that claim's group on its own;
matches at "suggested" become MatchSuggestion rows for a reviewer. Running it twice changes
nothing: grouped claims are skipped, suggestions are unique per pair, and a pair a reviewer
rejected (or a claim a reviewer split out) is never linked automatically again.

A claim's vector and its linking are committed together (one transaction a batch), so a claim
with a vector has been linked, and one without has work left: the beat's sweeper
(articles_with_unembedded_claims) finds both a lost embedding and a lost linking that way.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Max, QuerySet
from django.utils import timezone

from articles.models import ExternalFactCheck

from ..appearances import NeedsAnEditor
from ..models import (
    Claim,
    ClaimGroupEvent,
    GroupEventKind,
    MatchSuggestion,
    SuggestionStatus,
)
from . import embedding
from .group_changes import GroupActionRefused, claim_group_link
from .retrieval import SAME_CLAIM
from .store import CLAIMS, claim_embeddings_compute, claim_key, key_claim_id, live_corpus

SUGGESTIONS_PER_CLAIM = 5
# A claim without a vector for this long lost its matching job; well past a normal backlog.
UNEMBEDDED_AFTER = timedelta(minutes=10)
# The sweeper looks this far back and no further: a broker away for longer is an outage for
# `requeue_matching`, and a claim whose vector cannot be made is tried ~300 times, not for ever.
SWEEP_WINDOW = timedelta(days=1)


@dataclass(frozen=True)
class LinkResult:
    embedded: int
    linked: int
    suggested: int


def article_claims_match(*, article_id: int) -> LinkResult:
    claim_ids = list(Claim.objects.filter(article_id=article_id).values_list("pk", flat=True))
    linked = suggested = 0
    done: set[int] = set()

    def link(batch_ids: list[int]) -> None:  # in the batch's transaction, with its vectors
        nonlocal linked, suggested
        more_linked, more_suggested = claims_link(claim_ids=batch_ids)
        linked, suggested = linked + more_linked, suggested + more_suggested
        done.update(batch_ids)

    embedded = claim_embeddings_compute(claim_ids=claim_ids, then=link)
    # Claims whose vector was up to date: looked up again, which changes nothing where they
    # were linked already (a second delivery, a re-analysis keeping reviewed claims).
    rest = [pk for pk in claim_ids if pk not in done]
    if rest:
        more_linked, more_suggested = claims_link(claim_ids=rest)
        linked, suggested = linked + more_linked, suggested + more_suggested
    return LinkResult(embedded, linked, suggested)


def articles_with_unembedded_claims(
    *, created_before: datetime, since: datetime, limit: int = 200
) -> list[int]:
    """Articles with a claim created between `since` and `created_before` and still without a
    vector: its matching job never ran to the end (the broker was down when it was queued or at
    a retry, the worker died and Redis has not redelivered it yet, the retries ran out). The
    beat task sends their matching again; a job that meanwhile ran makes the second one a no-op.

    The window follows each claim's own creation, not its article's analysis: a claim a
    reviewer adds to an article analysed last month is as new as one analysis made today.
    Only the window's claims are read, not every claim: at a million claims the anti-join over
    all of them ran at every beat, and a claim whose vector can never be made was sent again for
    ever; after the window it is listed for the desk instead (`claims_given_up`). Newest first,
    so claims that keep failing age out of the window instead of holding up newer ones."""
    window = Claim.objects.filter(created_at__gte=since, created_at__lt=created_before)
    # Claim.created_at has no index (one is a migration away); ids grow with creation time, so
    # the window starts after the newest claim older than it, found by walking the primary key
    # back from the newest claim: the walk reads about the window's claims, not the table.
    older = Claim.objects.filter(created_at__lt=since).order_by("-pk")
    boundary = older.values_list("pk", flat=True).first()
    if boundary is not None:
        window = window.filter(pk__gt=boundary)
    return list(articles_of_unembedded(claims=window)[:limit])


def articles_of_unembedded(*, claims: QuerySet[Claim]) -> QuerySet:
    """The articles of those `claims` still without a vector, each once, the article of the
    newest such claim first: what the sweeper, the admin's action and `requeue_matching` send."""
    return (
        claims.filter(embedding__isnull=True)
        .values("article_id")
        .annotate(newest=Max("pk"))
        .order_by("-newest")
        .values_list("article_id", flat=True)
    )


def claims_given_up(*, claims: QuerySet[Claim] | None = None) -> QuerySet[Claim]:
    """Those of `claims` (all by default) the sweeper no longer sends: still without a vector
    after its window. The admin lists them (its "vector" filter on claims), and its action or
    `requeue_matching` sends their matching."""
    claims = Claim.objects.all() if claims is None else claims
    return claims.filter(embedding__isnull=True, created_at__lt=timezone.now() - SWEEP_WINDOW)


def factchecks_without_vectors(
    *, changed_before: datetime, since: datetime, limit: int = 1000
) -> list[int]:
    """Imported fact-checks stored or updated between `since` and `changed_before` and still
    without a vector: their embedding job was lost (the queue was away at import or at a
    retry). Read through the index on `updated_at`, as the claims' window."""
    return list(
        ExternalFactCheck.objects.filter(
            updated_at__gte=since, updated_at__lt=changed_before, embedding__isnull=True
        )
        .order_by("-updated_at")
        .values_list("pk", flat=True)[:limit]
    )


def claims_link(*, claim_ids: list[int]) -> tuple[int, int]:
    live = live_corpus(CLAIMS)
    live.sync(force=True)
    matcher = live.matcher()
    split_out = set(
        ClaimGroupEvent.objects.filter(
            claim_id__in=claim_ids, kind=GroupEventKind.SPLIT, undone_by__isnull=True
        ).values_list("claim_id", flat=True)
    )
    linked = suggested = 0
    claims = list(
        Claim.objects.filter(pk__in=claim_ids, embedding__isnull=False)
        .select_related("embedding")
        .order_by("pk")
    )
    # What each claim's search leaves out, read for all of them at once (not two queries a claim).
    same_article: dict[int, set[str]] = defaultdict(set)
    siblings = Claim.objects.filter(article_id__in={claim.article_id for claim in claims})
    for article_id, pk in siblings.values_list("article_id", "pk"):
        same_article[article_id].add(claim_key(pk))
    rejected: dict[int, set[int]] = defaultdict(set)
    refusals = MatchSuggestion.objects.filter(
        claim_id__in=[claim.pk for claim in claims], status=SuggestionStatus.REJECTED
    )
    for claim_id, candidate_id in refusals.values_list("claim_id", "candidate_id"):
        rejected[claim_id].add(candidate_id)
    for claim in claims:
        matches = matcher.search_vector(
            claim.text,
            embedding.vector_from_bytes(claim.embedding.vector),
            limit=SUGGESTIONS_PER_CLAIM,
            exclude=same_article[claim.article_id],
        )
        # This process's index still holds the vectors of claims deleted since it read them.
        found = {key_claim_id(match.key) for match in matches} - {None}
        existing = set(Claim.objects.filter(pk__in=found).values_list("pk", flat=True))
        live.forget([claim_key(pk) for pk in found - existing])
        for match in matches:
            earlier_id = key_claim_id(match.key)
            # Only earlier claims: a repeat points back to where the statement appeared first.
            if match.level is None or earlier_id not in existing or earlier_id >= claim.pk:
                continue
            if earlier_id in rejected[claim.pk]:
                continue
            can_link = claim.group_id is None and claim.pk not in split_out
            if match.level == SAME_CLAIM and can_link:
                try:
                    claim_group_link(claim=claim, earlier=Claim.objects.get(pk=earlier_id))
                except GroupActionRefused:
                    # Decided meanwhile, seen under the lock: a second delivery of this job
                    # linked it first, or a reviewer grouped, split or rejected it.
                    claim.refresh_from_db(fields=["group", "group_link"])
                    continue
                except NeedsAnEditor:
                    # Linked, a published fact-check would gain (or lose) a public appearance,
                    # or share its group with another: an editor decides, so it is only
                    # suggested (below).
                    pass
                else:
                    claim.refresh_from_db(fields=["group", "group_link"])
                    linked += 1
                    continue
            _, created = MatchSuggestion.objects.get_or_create(
                claim=claim,
                candidate_id=earlier_id,
                defaults={"score": match.score, "level": match.level},
            )
            suggested += created
    return linked, suggested
