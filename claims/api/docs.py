"""OpenAPI pieces shared by the views: the error shape, examples and the auth scheme."""

from django.db import DatabaseError
from django_filters import rest_framework as filters
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.extensions import (
    OpenApiAuthenticationExtension,
    OpenApiSerializerFieldExtension,
)
from drf_spectacular.plumbing import build_basic_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, inline_serializer
from rest_framework import serializers

from ..claimreview import CLAIMREVIEW_RECENT_APPEARANCES
from .errors import PRECONDITION_FAILED, throttled_detail, unsupported_media_type_detail
from .filters import DATE_TIME_INVALID
from .serializers import VerdictMatchSerializer, rating_slugs


class ErrorSerializer(serializers.Serializer):
    error = serializers.CharField(help_text="Machine-readable code, e.g. invalid, not_found.")
    detail = serializers.CharField(help_text="What went wrong, for a person.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="On 400 and 413: the messages for each field.",
    )
    existing_url = serializers.URLField(required=False, help_text="On 409: the stored article.")
    retry_after = serializers.IntegerField(
        required=False, help_text="On 429: seconds to wait (also in the Retry-After header)."
    )


ERROR_EXAMPLES = {
    400: OpenApiExample(
        "Invalid input",
        value={
            "error": "invalid",
            "detail": "The request has invalid fields.",
            "fields": {"published_after": [DATE_TIME_INVALID]},
        },
        status_codes=["400"],
        response_only=True,
    ),
    401: OpenApiExample(
        "Bad key",
        value={"error": "authentication_failed", "detail": "The API key is not valid."},
        status_codes=["401"],
        response_only=True,
    ),
    403: OpenApiExample(
        "Missing scope",
        value={
            "error": "permission_denied",
            "detail": "This API key does not have the read scope.",
        },
        status_codes=["403"],
        response_only=True,
    ),
    404: OpenApiExample(
        "Not found",
        value={"error": "not_found", "detail": "There is no such verdict."},
        status_codes=["404"],
        response_only=True,
    ),
    409: OpenApiExample(
        "Already stored",
        value={
            "error": "duplicate",
            "detail": "This text is already stored as article #12 (Budget debate).",
            "existing_url": "https://factcheck.example/api/v1/articles/12/",
        },
        status_codes=["409"],
        response_only=True,
    ),
    412: OpenApiExample(
        "Changed since",
        value=PRECONDITION_FAILED,
        status_codes=["412"],
        response_only=True,
    ),
    413: OpenApiExample(
        "Too long",
        value={
            "error": "too_large",
            "detail": "The article text is too long.",
            "fields": {
                "body": ["The article text has 250,000 characters; the maximum is 200,000."]
            },
        },
        status_codes=["413"],
        response_only=True,
    ),
    415: OpenApiExample(
        "Not JSON",
        value={
            "error": "unsupported_media_type",
            "detail": unsupported_media_type_detail("text/plain"),
        },
        status_codes=["415"],
        response_only=True,
    ),
    429: OpenApiExample(
        "Throttled",
        value={
            "error": "throttled",
            "detail": throttled_detail(12),
            "retry_after": 12,
        },
        status_codes=["429"],
        response_only=True,
    ),
}
ERROR_DESCRIPTIONS = {
    400: "Invalid, unknown or repeated parameters, or an invalid body; `fields` says which "
    "(`parse_error`, without `fields`: the body is not valid JSON, or repeats a key in an object; "
    "the detail says where).",
    401: "The key is missing (where one is needed), malformed, unknown or revoked, or the "
    "Authorization header uses a scheme other than Bearer (or Token).",
    403: "The key lacks the scope this endpoint needs, or has no scope at all (an admin grants "
    "one).",
    404: "No such object, or it is not published.",
    409: "The article is already stored; `existing_url` points to it.",
    412: "An `If-Match` (or `If-Unmodified-Since`) sent with the request no longer matches: the "
    "answer changed since the client read it. Read it again without the header.",
    413: "The article text (or the whole body) is too large.",
    415: "The body is not `application/json`.",
    429: "Too many requests for this key (or address); see `retry_after`.",
}


def with_errors(success, *codes: int, success_status: int = 200) -> dict:
    """The responses of an operation: its success and the errors it can answer with."""
    responses = {success_status: success}
    for code in sorted({400, 401, 403, 429, *codes}):
        responses[code] = OpenApiResponse(
            ErrorSerializer, description=ERROR_DESCRIPTIONS[code], examples=[ERROR_EXAMPLES[code]]
        )
    return responses


# Said on each read that has an ETag: desk-scope answers are no-store, so they get none.
CONDITIONAL_READS = (
    "Answers without a key, or to a key without the desk scope, carry an `ETag`: send it back "
    "as `If-None-Match` to get 304 while the answer is unchanged, or as `If-Match` to get 412 "
    "once it has changed. Answers to a desk-scope key are not stored (`Cache-Control: private, "
    "no-store`): they carry no `ETag` and are always sent in full."
)

NOT_MODIFIED = OpenApiResponse(
    description="The `ETag` sent as `If-None-Match` still matches: the answer is unchanged, and "
    "no body is sent. Never sent to a desk-scope key (its answers carry no `ETag`)."
)


def with_conditional_errors(success, *codes: int) -> dict:
    """The responses of a read answered with an ETag (the published verdicts): with_errors',
    and 304 for a matching If-None-Match, 412 for an If-Match that no longer matches."""
    return {**with_errors(success, 412, *codes), 304: NOT_MODIFIED}


# Published verdicts answer without a key too; `{}` says so in OpenAPI.
OPTIONAL_AUTH = [{"apiKey": []}, {}]
VERDICT_LIST_PARAMETERS: list = []

APPEARANCE_EXAMPLE = {
    "@type": "CreativeWork",
    "headline": "Council passes budget",
    "url": "https://news.example/budget",
    "datePublished": "2026-11-18T07:00:00+00:00",
    "publisher": {"@type": "Organization", "name": "News Example"},
}
CLAIMREVIEW_RESPONSE = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="schema.org ClaimReview, as JSON-LD. Dates are ISO 8601 date-times with the "
    "desk's UTC offset; `appearance` lists the articles the claim appeared in (the first, "
    f"also as `firstAppearance`, the reviewed claim's own and the {CLAIMREVIEW_RECENT_APPEARANCES} "
    "most recent); `correction` once it was corrected, `dateModified` once it was corrected or "
    "an editor changed its appearances.",
    examples=[
        OpenApiExample(
            "ClaimReview",
            value={
                "@context": "https://schema.org",
                "@type": "ClaimReview",
                "url": "https://factcheck.example/fact-checks/42/",
                "claimReviewed": "The budget grew by 40 percent.",
                "datePublished": "2026-11-20T09:30:00+00:00",
                "author": {
                    "@type": "Organization",
                    "name": "Fact-check desk",
                    "url": "https://factcheck.example/",
                },
                "reviewRating": {
                    "@type": "Rating",
                    "ratingValue": 2,
                    "bestRating": 6,
                    "worstRating": 1,
                    "alternateName": "False",
                },
                "itemReviewed": {
                    "@type": "Claim",
                    "author": {"@type": "Person", "name": "Jane Doe", "jobTitle": "Mayor"},
                    "datePublished": "2026-11-18T07:00:00+00:00",
                    "appearance": [APPEARANCE_EXAMPLE],
                    "firstAppearance": APPEARANCE_EXAMPLE,
                },
            },
        )
    ],
)

SEARCH_RESPONSE = inline_serializer(
    "VerdictSearchResult",
    fields={"query": serializers.CharField(), "results": VerdictMatchSerializer(many=True)},
)


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "claims.api.auth.ApiTokenAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A key created by staff in the admin (API tokens). "
            "`Authorization: Token <key>` works too.",
        }


class RatingSlugSchema(OpenApiSerializerFieldExtension):
    """A verdict's rating and the `rating` filter as the list of slugs the desk has (any
    scale's), read when the schema is generated, so it follows the ratings table."""

    target_class = "claims.api.serializers.RatingSlugField"

    def get_name(self):
        return "RatingSlugEnum"

    def map_serializer_field(self, auto_schema, direction):
        schema = build_basic_type(OpenApiTypes.STR)
        try:
            slugs = rating_slugs()
        except DatabaseError:
            # `manage.py check` generates the schema too (drf-spectacular's E001), and a deploy
            # check may run where the database is not reachable yet: a plain string then.
            slugs = []
        if slugs:  # an empty enum would accept nothing at all
            schema["enum"] = slugs
        return schema


class BoundedFilterExtension(DjangoFilterExtension):
    """The list filters' parameters with the bounds their form fields enforce, read from the
    same `max_length`, `min_value` and `max_value` the filter is declared with, so the schema
    and the validation cannot drift apart. A text filter also needs a character: StrictFilterSet
    refuses an empty value."""

    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        parameters = super().resolve_filter_field(
            auto_schema, model, filterset_class, field_name, filter_field
        )
        bounds = {}
        if isinstance(filter_field, filters.CharFilter):
            bounds["minLength"] = 1
            if filter_field.extra.get("max_length") is not None:
                bounds["maxLength"] = filter_field.extra["max_length"]
        for keyword, name in (("min_value", "minimum"), ("max_value", "maximum")):
            if filter_field.extra.get(keyword) is not None:
                bounds[name] = filter_field.extra[keyword]
        for parameter in parameters:
            parameter["schema"].update(bounds)
        return parameters
