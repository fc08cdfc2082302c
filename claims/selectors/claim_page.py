"""What the claim page reads besides the claim: the paragraph around it, the speaker's earlier
claims, the speakers a correction offers, the domains of the verdict's sources and the split
that took a repeat from under an applied fact-check."""

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.db.models import OuterRef, Q, QuerySet, Subquery

from ..models import (
    Claim,
    ClaimEvent,
    ClaimEventKind,
    ClaimGroupEvent,
    ClaimStatus,
    GroupEventKind,
    Sentence,
    Speaker,
    claim_made_at,
)


@dataclass
class ClaimContext:
    before: str
    claim: str
    after: str
    other_sentences: list[Sentence] = field(default_factory=list)


def claim_context(claim: Claim) -> ClaimContext:
    """The paragraph around the claim, split so the template can mark the claim (escaped), and
    the article's other sentences, each with `claim_pk`: the claim already made of it, if any,
    so the page links to that claim instead of offering to add it again."""
    body = claim.article.body
    paragraph_start = body.rfind("\n", 0, claim.start) + 1
    paragraph_end = body.find("\n", claim.end)
    if paragraph_end == -1:
        paragraph_end = len(body)
    others = list(
        Sentence.objects.filter(article_id=claim.article_id)
        .exclude(start=claim.start, end=claim.end)
        .select_related("speaker")
        # One subquery in the same SELECT (claim_span_unique indexes it), not a query a row.
        .annotate(
            claim_pk=Subquery(
                Claim.objects.filter(
                    article_id=OuterRef("article_id"), start=OuterRef("start"), end=OuterRef("end")
                ).values("pk")[:1]
            )
        )
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
        .order_by(claim_made_at().desc(), "-pk")[:limit]
    )


def speakers_offered_for(claim: Claim, *, also: list[int] = ()) -> QuerySet[Speaker]:
    """The speakers a claim's speaker correction lists: those of its article's sentences, its
    own, and any of `also` (a choice being shown again), by name."""
    ids = [pk for pk in [claim.speaker_id, *also] if pk]
    # A subquery on the article's sentences, not an OR across a join with DISTINCT: that form
    # reads every sentence of every article (60,000 in bench/desk_pages.py) on each claim page.
    in_article = Sentence.objects.filter(article_id=claim.article_id).values("speaker_id")
    return Speaker.objects.filter(Q(pk__in=in_article) | Q(pk__in=ids)).order_by("name", "pk")


# The desk's rule: a verdict rests on sources from at least this many distinct sites. The claim
# page hands it to sources.js, which keeps the warning in step as URLs are typed.
INDEPENDENT_SOURCES = 2


def sources_need_another(domains: set[str]) -> bool:
    """Whether to warn that the sources so far are too few independent ones: not before the
    first source is given, when "0 distinct domains" reads as a complaint about a blank form."""
    return 0 < len(domains) < INDEPENDENT_SOURCES


def source_domains(urls: list[str]) -> set[str]:
    return {(urlsplit(url).hostname or "").lower().removeprefix("www.") for url in urls if url} - {
        ""
    }


def claim_cover_lifted(claim: Claim) -> ClaimGroupEvent | None:
    """The record (claims.appearances.covers_lifted_record) that a group change ended the
    cover of the published fact-check an editor had applied to this dismissed repeat: split
    out, linked to another group, or left behind by its checked claim. None once that change
    was undone (the cover is back), a verdict was applied to the claim again, or someone
    dismissed it again since for a reason of their own; None for a claim not dismissed.
    (Before these records, a split of the repeat itself named the fact-check in its own
    `data["uncovered"]`: such a split is its own record.)"""
    if claim.status != ClaimStatus.DISMISSED:
        return None
    latest = (
        ClaimGroupEvent.objects.filter(claim=claim)
        .filter(
            Q(kind__in=[GroupEventKind.COVER_LIFTED, GroupEventKind.VERDICT_APPLIED])
            | Q(kind=GroupEventKind.SPLIT, data__has_key="uncovered")
        )
        .select_related("actor")
        .order_by("-created_at", "-pk")
        .first()
    )
    if latest is None or latest.kind == GroupEventKind.VERDICT_APPLIED:
        return None
    if not isinstance(latest.data.get("uncovered"), int):
        return None
    by = latest.data.get("by", latest.pk)
    if ClaimGroupEvent.objects.filter(pk=by, undone_by__isnull=False).exists():
        return None
    dismissed_since = ClaimEvent.objects.filter(
        claim=claim, kind=ClaimEventKind.DISMISSED, created_at__gt=latest.created_at
    )
    return None if dismissed_since.exists() else latest
