"""Which claims a key reads (/claims/, /claims/{id}/, its appearances, an article's claims) and
what a repeat covered by a published fact-check reads as: the public rule is
claims.appearances.public_member_q, the one the ClaimReview's appearances follow, so a claim the
API lists as an appearance is one the key can open.

A covered repeat reads with the verdict that covers it, its group's public appearances, and
its speaker only where /speakers/{id}/ answers the key (the ClaimReview names the fact-check's
speaker, not the repeat's)."""

from django.db.models import QuerySet

from ..appearances import (
    appearances_of,
    group_public_appearances,
    public_member_q,
    with_covering_claim,
)
from ..models import Claim, Verdict
from .auth import speakers_visible


def claims_readable(claims: QuerySet[Claim], *, staff: bool) -> QuerySet[Claim]:
    """`claims` as a key reads them: all with the desk scope, else the public ones; each with
    `covering_claim_id` for claim_rows_attach."""
    claims = with_covering_claim(claims)
    return claims if staff else claims.filter(public_member_q())


def claim_rows_attach(claims: list[Claim], *, staff: bool) -> None:
    """Set `covering_verdict` (the published verdict applied to a covered repeat, else None)
    and `speaker_hidden` on claims read through claims_readable, in two queries a page."""
    covering = {claim.covering_claim_id for claim in claims} - {None}
    verdicts = {
        verdict.claim_id: verdict
        for verdict in Verdict.objects.published()
        .filter(claim_id__in=covering)
        .select_related("rating", "claim__article")
    }
    hidden: set[int] = set()
    if not staff:
        repeats_by = {claim.speaker_id for claim in claims if claim.covering_claim_id} - {None}
        visible = speakers_visible(staff=False).filter(pk__in=repeats_by)
        hidden = repeats_by - set(visible.values_list("pk", flat=True))
    for claim in claims:
        claim.covering_verdict = verdicts.get(claim.covering_claim_id)
        claim.speaker_hidden = claim.covering_claim_id is not None and claim.speaker_id in hidden


def appearances_read(claim: Claim, *, staff: bool) -> QuerySet[Claim]:
    """The claim's group's appearances as the key reads them: in public, the group's public
    claims, the same whichever of them is asked (for a group with one fact-check, the list its
    ClaimReview shows); with the desk scope every claim of the group."""
    if not staff and claim.group_id:
        return group_public_appearances(claim.group_id)
    return appearances_of(claim, public=not staff)
