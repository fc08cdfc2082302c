"""schema.org ClaimReview for a published verdict: one builder, used by the page and the API."""

import json
from datetime import datetime
from urllib.parse import urljoin

from django.conf import settings
from django.db.models import Max, Min
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from articles.services import language_cased

from .appearances import appearances_of, claim_appearances_capped
from .models import SpeakerKind, Verdict

# A viral claim repeated in thousands of articles would make every page of its fact-check carry
# thousands of `appearance` objects: page weight for readers, and a structured-data block past
# what Google's guidance expects (one ClaimReview of the claim, not an index of the press). The
# first appearance, the reviewed claim's own article and the most recent ones say where it came
# from and that it is still going round; the API's appearances endpoint pages the full list.
CLAIMREVIEW_RECENT_APPEARANCES = 50


def public_appearances(claim) -> list:
    """The claim's public appearances that its ClaimReview and public page show (the first, its
    own and the most recent: CLAIMREVIEW_RECENT_APPEARANCES), in order."""
    return claim_appearances_capped(claim, latest=CLAIMREVIEW_RECENT_APPEARANCES)


def _earliest_article_date(claim) -> datetime | None:
    """The earliest date among all the claim's public appearances' articles. The first
    appearance is the earliest dated one unless its article is undated (placed by when the
    desk read it); then a dated one may be among those the cap left out."""
    return appearances_of(claim).aggregate(first=Min("article__published_at"))["first"]


def claimreview_for(
    verdict: Verdict, *, request_or_base_url: HttpRequest | str, appearances: list | None = None
) -> dict:
    """The ClaimReview of a published verdict as a JSON-ready dict. `appearances`: the claim's
    public_appearances, when the caller read them already (the public page lists them too)."""
    if isinstance(request_or_base_url, str):
        base_url = request_or_base_url
    else:
        base_url = request_or_base_url.build_absolute_uri("/")
    claim = verdict.claim
    rating = verdict.rating
    bounds = rating.scale.ratings.aggregate(best=Max("value"), worst=Min("value"))

    item_reviewed = {"@type": "Claim"}
    author = _claim_author(claim.speaker) if claim.speaker is not None else None
    if author is not None:
        item_reviewed["author"] = author
    # A narration claim (no speaker) is the article's own statement: its outlet published it,
    # which `appearance.publisher` says; naming the outlet (or "Unknown") as the Claim's author
    # would credit someone with making a claim the desk never attributed.
    # The articles the canonical claim appeared in publicly (claims.appearances), the first one
    # first, at most the first, the claim's own and the most recent ones (the constant's why).
    if appearances is None:
        appearances = public_appearances(claim)
    appeared_in = [other.article for other in appearances]
    shown = [_appearance(other) for other in appeared_in]
    # The claim was made when it first appeared, which may be a repeat in an earlier article
    # than the one this verdict was written on: the same day as firstAppearance says.
    first_made = appeared_in[0].published_at or _earliest_article_date(claim)
    if first_made:
        item_reviewed["datePublished"] = desk_moment(first_made)
    item_reviewed["appearance"] = shown
    item_reviewed["firstAppearance"] = shown[0]

    review = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": urljoin(base_url, reverse("claims:public", args=[verdict.pk])),
        "claimReviewed": claim.text,
        "datePublished": desk_moment(verdict.published_at),
        "author": {
            "@type": "Organization",
            "name": settings.FACTCHECK_ORG_NAME,
            "url": settings.FACTCHECK_ORG_URL or base_url,
        },
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": rating.value,
            "bestRating": bounds["best"],
            "worstRating": bounds["worst"],
            "alternateName": rating.label,
        },
        "itemReviewed": item_reviewed,
    }
    if verdict.conclusion:
        review["reviewBody"] = verdict.conclusion
    # The review's content includes itemReviewed: an appearance an editor added dates it too
    # (claims.modified keeps the verdict's modified_at).
    if verdict.modified_at and verdict.modified_at > verdict.published_at:
        review["dateModified"] = desk_moment(verdict.modified_at)
    corrections = list(verdict.corrections.all())
    if corrections:
        review["correction"] = [
            {
                "@type": "CorrectionComment",
                "text": correction.note,
                "datePublished": desk_moment(correction.created_at),
            }
            for correction in corrections
        ]
    return review


def desk_moment(value: datetime) -> str:
    """ISO 8601 with its offset, in the desk's TIME_ZONE: the instant the API gives, and the
    calendar day the page shows ("3 December 2026"). A bare UTC date disagreed with the page
    by a day for anything published near midnight in any zone but UTC."""
    return timezone.localtime(value).isoformat(timespec="seconds")


def _appearance(article) -> dict:
    appearance = {"@type": "CreativeWork", "headline": article.title}
    if article.url:
        appearance["url"] = article.url
    if article.published_at:
        appearance["datePublished"] = desk_moment(article.published_at)
    if article.outlet:
        appearance["publisher"] = {"@type": "Organization", "name": article.outlet.name}
    if article.language:
        # schema.org's inLanguage is a BCP 47 tag, written as BCP 47 cases it ('pt-BR').
        appearance["inLanguage"] = language_cased(article.language)
    return appearance


def _claim_author(speaker) -> dict | None:
    # An anonymous source ("a senior official") names nobody: an author of either type would
    # tell search engines and fact-check aggregators that an entity called "a senior official"
    # made the claim. schema.org's Claim.author is optional (Google's ClaimReview guidelines
    # recommend it, not require it), so none is given; the article still says who published it.
    if speaker.kind == SpeakerKind.ANONYMOUS:
        return None
    kind = "Person" if speaker.kind == SpeakerKind.PERSON else "Organization"
    author = {"@type": kind, "name": speaker.name}
    if speaker.role and kind == "Person":
        author["jobTitle"] = speaker.role
    return author


def jsonld_script(data: dict) -> SafeString:
    """A <script type="application/ld+json"> element that no text inside it can close early."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    # The same escaping as Django's json_script: "</script>" can never appear in the output.
    text = text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    return format_html('<script type="application/ld+json">{}</script>', SafeString(text))
