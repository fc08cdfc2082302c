"""schema.org ClaimReview for a published verdict: one builder, used by the page and the API."""

import json
from urllib.parse import urljoin

from django.conf import settings
from django.db.models import Max, Min
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from .appearances import claim_appearances
from .models import SpeakerKind, Verdict
from .selectors.public import with_modified_at


def claimreview_for(verdict: Verdict, *, request_or_base_url: HttpRequest | str) -> dict:
    """The ClaimReview of a published verdict as a JSON-ready dict."""
    if isinstance(request_or_base_url, str):
        base_url = request_or_base_url
    else:
        base_url = request_or_base_url.build_absolute_uri("/")
    claim = verdict.claim
    article = claim.article
    rating = verdict.rating
    bounds = rating.scale.ratings.aggregate(best=Max("value"), worst=Min("value"))

    item_reviewed = {"@type": "Claim"}
    if claim.speaker is not None:
        item_reviewed["author"] = _claim_author(claim.speaker)
    # A narration claim (no speaker) is the article's own statement: its outlet published it,
    # which `appearance.publisher` says; naming the outlet (or "Unknown") as the Claim's author
    # would credit someone with making a claim the desk never attributed.
    if article.published_at:
        item_reviewed["datePublished"] = article.published_at.date().isoformat()
    # Every article the canonical claim appeared in publicly (claims.appearances), the first one
    # first.
    appearances = [_appearance(other.article) for other in claim_appearances(claim)]
    item_reviewed["appearance"] = appearances
    item_reviewed["firstAppearance"] = appearances[0]

    review = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": urljoin(base_url, reverse("claims:public", args=[verdict.pk])),
        "claimReviewed": claim.text,
        "datePublished": verdict.published_at.date().isoformat(),
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
    # The review's content includes itemReviewed: an appearance an editor added dates it too.
    # The page and the API read the verdict through with_modified_at already (no extra query).
    modified_at = getattr(verdict, "modified_at", None)
    if modified_at is None:
        modified_at = (
            with_modified_at(Verdict.objects.filter(pk=verdict.pk))
            .values_list("modified_at", flat=True)
            .get()
        )
    if modified_at > verdict.published_at:
        review["dateModified"] = modified_at.date().isoformat()
    corrections = list(verdict.corrections.all())
    if corrections:
        review["correction"] = [
            {
                "@type": "CorrectionComment",
                "text": correction.note,
                "datePublished": correction.created_at.date().isoformat(),
            }
            for correction in corrections
        ]
    return review


def _appearance(article) -> dict:
    appearance = {"@type": "CreativeWork", "headline": article.title}
    if article.url:
        appearance["url"] = article.url
    if article.published_at:
        appearance["datePublished"] = article.published_at.date().isoformat()
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
