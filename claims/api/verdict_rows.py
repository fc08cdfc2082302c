"""The published-verdict list's fast path: the columns it reads with .values() and the JSON it
builds from them, the same dict VerdictSerializer's declarations describe (test_api_verdict_detail
checks that the two agree). No serializers here, only plain dicts.
"""

from django.utils import timezone

# The columns the list endpoint reads with .values(): model instances for a page of 100
# verdicts with five related rows each cost more CPU than everything else in the request.
VERDICT_ROW_FIELDS = (
    "id",
    "conclusion",
    "explanation",
    "published_at",
    "updated_at",
    "modified_at",  # stored, kept by claims.modified
    "claim_id",
    "claim__text",
    "claim__is_direct_quote",
    "claim__speaker_id",
    "claim__speaker__name",
    "claim__speaker__slug",
    "claim__speaker__role",
    "claim__speaker__kind",
    "claim__article_id",
    "claim__article__title",
    "claim__article__url",
    "claim__article__published_at",
    "claim__article__language",
    "claim__article__outlet_id",
    "claim__article__outlet__name",
    "claim__article__outlet__domain",
    "rating__slug",
    "rating__label",
    "rating__value",
)
SOURCE_ROW_FIELDS = ("verdict_id", "url", "title", "note", "accessed_on")
CORRECTION_ROW_FIELDS = ("verdict_id", "note", "created_at")


def verdict_row(verdict) -> dict:
    """A Verdict (with its related rows loaded) as the dict .values(*VERDICT_ROW_FIELDS) gives."""
    claim, rating = verdict.claim, verdict.rating
    article, speaker = claim.article, claim.speaker
    outlet = article.outlet
    return {
        "id": verdict.pk,
        "conclusion": verdict.conclusion,
        "explanation": verdict.explanation,
        "published_at": verdict.published_at,
        "updated_at": verdict.updated_at,
        "modified_at": verdict.modified_at,
        "claim_id": claim.pk,
        "claim__text": claim.text,
        "claim__is_direct_quote": claim.is_direct_quote,
        "claim__speaker_id": claim.speaker_id,
        "claim__speaker__name": speaker and speaker.name,
        "claim__speaker__slug": speaker and speaker.slug,
        "claim__speaker__role": speaker and speaker.role,
        "claim__speaker__kind": speaker and speaker.kind,
        "claim__article_id": article.pk,
        "claim__article__title": article.title,
        "claim__article__url": article.url,
        "claim__article__published_at": article.published_at,
        "claim__article__language": article.language,
        "claim__article__outlet_id": article.outlet_id,
        "claim__article__outlet__name": outlet and outlet.name,
        "claim__article__outlet__domain": outlet and outlet.domain,
        "rating__slug": rating.slug,
        "rating__label": rating.label,
        "rating__value": rating.value,
    }


def verdict_row_representation(
    row: dict, sources: list[dict], urls: dict[str, str], corrections: list[dict]
) -> dict:
    pk, speaker_id, outlet_id = (
        row["id"],
        row["claim__speaker_id"],
        row["claim__article__outlet_id"],
    )
    return {
        "id": pk,
        "url": f"{urls['verdict']}{pk}/",
        "public_url": f"{urls['public']}{pk}/",
        "claimreview_url": f"{urls['verdict']}{pk}/claimreview/",
        "claim": {
            "id": row["claim_id"],
            "text": row["claim__text"],
            "speaker": None
            if speaker_id is None
            else {
                "id": speaker_id,
                "name": row["claim__speaker__name"],
                "slug": row["claim__speaker__slug"],
                "role": row["claim__speaker__role"],
                "kind": row["claim__speaker__kind"],
                "url": f"{urls['speaker']}{speaker_id}/",
            },
            "is_direct_quote": row["claim__is_direct_quote"],
            "article": {
                "id": row["claim__article_id"],
                "title": row["claim__article__title"],
                "url": row["claim__article__url"],
                "outlet": None
                if outlet_id is None
                else {
                    "id": outlet_id,
                    "name": row["claim__article__outlet__name"],
                    "domain": row["claim__article__outlet__domain"],
                },
                "published_at": _iso(row["claim__article__published_at"]),
                "language": row["claim__article__language"],
            },
        },
        "rating": {
            "slug": row["rating__slug"],
            "label": row["rating__label"],
            "value": row["rating__value"],
        },
        "conclusion": row["conclusion"],
        "explanation": row["explanation"],
        "sources": [
            {
                "url": source["url"],
                "title": source["title"],
                "note": source["note"],
                "accessed_on": source["accessed_on"].isoformat(),
            }
            for source in sources
        ],
        # The public notes a partner showing the verdict must show with it (the fact-check
        # page and the ClaimReview carry them too), oldest first.
        "corrections": [
            {"note": correction["note"], "published_at": _iso(correction["created_at"])}
            for correction in corrections
        ],
        "published_at": _iso(row["published_at"]),
        "updated_at": _iso(row["updated_at"]),
        "modified_at": _iso(row["modified_at"]),
    }


def _iso(value) -> str | None:
    """A date-time as DRF writes it: ISO 8601 in the current time zone, UTC as 'Z'."""
    if value is None:
        return None
    text = timezone.localtime(value).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text
