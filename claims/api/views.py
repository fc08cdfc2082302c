"""Read endpoints: published verdicts (also as ClaimReview), claims and speakers."""

from django.db import connection
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.functional import cached_property
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from ..claimreview import claimreview_for
from ..models import Claim, EvidenceSource, Rating, Speaker, Verdict, VerdictStatus
from . import docs
from .auth import is_staff_client
from .filters import SEARCH_CONFIG, ClaimFilter, SpeakerFilter, VerdictFilter, query_words
from .pagination import SpeakerPagination, StableCursorPagination, VerdictPagination
from .serializers import (
    ClaimSerializer,
    SpeakerSerializer,
    VerdictMatchSerializer,
    VerdictSerializer,
)

SEARCH_LIMIT_DEFAULT, SEARCH_LIMIT_MAX = 10, 50
PUBLISHED_VERDICT = Q(verdict__status=VerdictStatus.PUBLISHED, verdict__published_at__isnull=False)


class JSONLDRenderer(JSONRenderer):
    media_type = "application/ld+json"
    format = "jsonld"


def published_verdicts() -> QuerySet[Verdict]:
    return (
        Verdict.objects.published()
        .select_related("claim__speaker", "claim__article__outlet", "rating")
        .prefetch_related(Prefetch("sources", queryset=EvidenceSource.objects.order_by("id")))
    )


class StrictQueryMixin:
    """Refuse query parameters the endpoint does not know, so `?ratng=false` is a 400 that
    names the typo instead of an unfiltered list that looks like an answer."""

    extra_query_params: dict[str, set[str]] = {}

    def allowed_query_params(self) -> set[str]:
        allowed = {"format"} | self.extra_query_params.get(self.action, set())
        if self.action == "list":
            if getattr(self, "filterset_class", None):
                allowed |= set(self.filterset_class.base_filters)
            if self.paginator is not None:
                allowed |= self.paginator.query_params()
        return allowed

    def initial(self, request, *args, **kwargs):
        requested_format = request.query_params.get("format")
        formats = {renderer.format for renderer in self.renderer_classes}
        if requested_format is not None and requested_format not in formats:
            raise ValidationError({"format": [f"Choose one of: {', '.join(sorted(formats))}."]})
        super().initial(request, *args, **kwargs)
        if self.action is None:  # a method the view lacks: DRF answers 405 next
            return
        unknown = sorted(set(request.query_params) - self.allowed_query_params())
        if unknown:
            raise ValidationError({name: ["Unknown parameter."] for name in unknown})


class SearchParameters(serializers.Serializer):
    q = serializers.CharField(max_length=1000, help_text="The statement to look for.")
    limit = serializers.IntegerField(
        min_value=1, max_value=SEARCH_LIMIT_MAX, default=SEARCH_LIMIT_DEFAULT, required=False
    )

    def validate_q(self, value: str) -> str:
        if not query_words(value):
            raise serializers.ValidationError("Give at least one word to search for.")
        return value


@extend_schema_view(
    list=extend_schema(
        summary="Published verdicts",
        description="Newest first by default. Follow `next` to page; the cursor stays valid "
        "while new verdicts are published.",
        parameters=docs.VERDICT_LIST_PARAMETERS,
        responses=docs.with_errors(VerdictSerializer(many=True), 400),
        auth=docs.OPTIONAL_AUTH,
    ),
    retrieve=extend_schema(
        summary="One published verdict",
        responses=docs.with_errors(VerdictSerializer, 404),
        auth=docs.OPTIONAL_AUTH,
    ),
)
class VerdictViewSet(StrictQueryMixin, viewsets.ReadOnlyModelViewSet):
    anonymous_reads = True
    extra_query_params = {"search": {"q", "limit"}}
    serializer_class = VerdictSerializer
    filterset_class = VerdictFilter
    pagination_class = VerdictPagination

    def get_queryset(self):
        return published_verdicts()

    @extend_schema(
        summary="A published verdict as schema.org ClaimReview (JSON-LD)",
        description="The same ClaimReview that the public fact-check page embeds.",
        responses=docs.with_errors(docs.CLAIMREVIEW_RESPONSE, 404),
        auth=docs.OPTIONAL_AUTH,
    )
    @action(
        detail=True,
        filter_backends=[],
        renderer_classes=[JSONRenderer, JSONLDRenderer],
        serializer_class=None,
    )
    def claimreview(self, request, pk=None):
        verdict = self.get_object()
        return Response(claimreview_for(verdict, request_or_base_url=request))

    @extend_schema(
        summary="Has this been checked? Published verdicts most similar to a statement",
        description="Full-text ranking (PostgreSQL) of the claims behind published verdicts; "
        "`score` runs from 0 (unrelated) towards 1.",
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, required=True, description="A statement."),
            OpenApiParameter(
                "limit", OpenApiTypes.INT, description=f"1 to {SEARCH_LIMIT_MAX}, default 10."
            ),
        ],
        responses=docs.with_errors(docs.SEARCH_RESPONSE, 400),
        auth=docs.OPTIONAL_AUTH,
    )
    @action(detail=False, filter_backends=[], pagination_class=None)
    def search(self, request):
        # A plain dict, so that an empty `limit=` is an error rather than "use the default".
        params = SearchParameters(data=request.query_params.dict())
        params.is_valid(raise_exception=True)
        query, limit = params.validated_data["q"], params.validated_data["limit"]
        matches = verdicts_similar_to(query, limit=limit)
        data = VerdictMatchSerializer(
            [{"score": score, "verdict": verdict} for verdict, score in matches],
            many=True,
            context=self.get_serializer_context(),
        ).data
        return Response({"query": query, "results": data})


def verdicts_similar_to(text: str, *, limit: int) -> list[tuple[Verdict, float]]:
    words = query_words(text)
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        # Any word may match (OR), and the rank rewards claims that share more of them: a
        # statement worded differently from the checked claim should still find it.
        query = SearchQuery(words[0], config=SEARCH_CONFIG)
        for word in words[1:]:
            query |= SearchQuery(word, config=SEARCH_CONFIG)
        vector = SearchVector("claim__text", config=SEARCH_CONFIG)
        rows = (
            published_verdicts()
            .annotate(search=vector, score=SearchRank(vector, query, normalization=32))
            .filter(search=query)
            .order_by("-score", "-published_at", "-id")[:limit]
        )
        return [(verdict, round(verdict.score, 4)) for verdict in rows]
    # SQLite (development): candidates sharing a word, scored by the share of query words.
    wanted = set(words)
    candidates = Q()
    for word in sorted(wanted, key=len, reverse=True)[:8]:
        candidates |= Q(claim__text__icontains=word)
    scored = []
    for verdict in published_verdicts().filter(candidates).order_by("-published_at")[:500]:
        score = len(wanted & set(query_words(verdict.claim.text, limit=10_000))) / len(wanted)
        if score > 0:
            scored.append((verdict, round(score, 4)))
    scored.sort(key=lambda pair: (-pair[1], -pair[0].published_at.timestamp()))
    return scored[:limit]


@extend_schema_view(
    list=extend_schema(
        summary="Claims",
        description="Staff keys see every claim with its workflow status; other keys see "
        "only claims with a published verdict.",
        responses=docs.with_errors(ClaimSerializer(many=True), 400, 401, 403),
    ),
    retrieve=extend_schema(
        summary="One claim", responses=docs.with_errors(ClaimSerializer, 401, 403, 404)
    ),
)
class ClaimViewSet(StrictQueryMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ClaimSerializer
    filterset_class = ClaimFilter
    pagination_class = StableCursorPagination

    def get_queryset(self):
        claims = Claim.objects.select_related(
            "speaker", "article__outlet", "verdict__rating"
        ).order_by("-id")
        if is_staff_client(self.request):
            return claims
        return claims.filter(PUBLISHED_VERDICT)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "staff": is_staff_client(self.request)}


def rating_slugs() -> list[str]:
    return sorted(set(Rating.objects.values_list("slug", flat=True)))


def speakers_with_rating_counts(*, staff: bool, slugs: list[str]) -> QuerySet[Speaker]:
    """Speakers annotated with their published verdicts per rating, in one query."""
    published = Q(
        claims__verdict__status=VerdictStatus.PUBLISHED,
        claims__verdict__published_at__isnull=False,
    )
    counts = {
        f"rating_{index}": Count(
            "claims__verdict", filter=published & Q(claims__verdict__rating__slug=slug)
        )
        for index, slug in enumerate(slugs)
    }
    speakers = Speaker.objects.annotate(
        published_verdicts=Count("claims__verdict", filter=published), **counts
    )
    if not staff:
        # A speaker seen only in unpublished work stays private.
        speakers = speakers.filter(published_verdicts__gt=0)
    return speakers


@extend_schema_view(
    list=extend_schema(
        summary="Speakers with their published verdicts by rating",
        responses=docs.with_errors(SpeakerSerializer(many=True), 400, 401, 403),
    ),
    retrieve=extend_schema(
        summary="One speaker", responses=docs.with_errors(SpeakerSerializer, 401, 403, 404)
    ),
)
class SpeakerViewSet(StrictQueryMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = SpeakerSerializer
    filterset_class = SpeakerFilter
    pagination_class = SpeakerPagination

    @cached_property
    def slugs(self) -> list[str]:
        return rating_slugs()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reading the view
            return Speaker.objects.none()
        return speakers_with_rating_counts(staff=is_staff_client(self.request), slugs=self.slugs)

    def get_serializer(self, instance=None, *args, **kwargs):
        slugs = self.slugs
        rows = instance if kwargs.get("many") else [instance]
        for speaker in rows or []:
            speaker.rating_counts = {
                slug: getattr(speaker, f"rating_{index}") for index, slug in enumerate(slugs)
            }
        return super().get_serializer(instance, *args, **kwargs)
