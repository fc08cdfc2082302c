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

from .appearances import claim_appearances
from .models import SpeakerKind, Verdict


def claimreview_for(verdict: Verdict, *, request_or_base_url: HttpRequest | str) -> dict:
    """The ClaimReview of a published verdict as a JSON-ready dict."""
    if isinstance(request_or_base_url, str):
        base_url = request_or_base_url
    else:
        base_url = request_or_base_url.build_absolute_uri("/")
    claim = verdict.claim
    rating = verdict.rating
    bounds = rating.scale.ratings.aggregate(best=Max("value"), worst=Min("value"))

    item_reviewed = {"@type": "Claim"}
    if claim.speaker is not None:
        item_reviewed["author"] = _claim_author(claim.speaker)
    # A narration claim (no speaker) is the article's own statement: its outlet published it,
    # which `appearance.publisher` says; naming the outlet (or "Unknown") as the Claim's author
    # would credit someone with making a claim the desk never attributed.
    # Every article the canonical claim appeared in publicly (claims.appearances), the first one
    # first.
    appeared_in = [other.article for other in claim_appearances(claim)]
    appearances = [_appearance(other) for other in appeared_in]
    # The claim was made when it first appeared, which may be a repeat in an earlier article
    # than the one this verdict was written on: the same day as firstAppearance says.
    dates = [other.published_at for other in appeared_in if other.published_at]
    if dates:
        item_reviewed["datePublished"] = desk_moment(min(dates))
    item_reviewed["appearance"] = appearances
    item_reviewed["firstAppearance"] = appearances[0]

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
    corrections = list(verdict.corrections.all())
    if corrections:
        review["dateModified"] = desk_moment(corrections[-1].created_at)
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
    return appearance


def _claim_author(speaker) -> dict:
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
