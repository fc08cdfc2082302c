"""Read endpoints: published verdicts (also as ClaimReview), claims and speakers."""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from articles.search import SEARCH_QUERY_MAX, SEARCH_QUERY_TOO_LONG

from .. import speaker_merges
from ..claimreview import claimreview_for
from ..ids import is_id
from ..matching.retrieval import Match
from ..matching.store import checked_search
from ..models import Claim, Correction, EvidenceSource, Speaker, Verdict
from ..record import published_generation
from ..selectors.search import SEARCH_QUERY_NO_WORDS
from . import docs
from .auth import ReadScope, reads_unpublished, speakers_visible
from .base import JSONLDRenderer, StrictQueryMixin, api_conditional_page
from .claim_rows import appearances_read, claim_rows_attach, claims_readable
from .filters import (
    ClaimFilter,
    SpeakerFilter,
    VerdictFilter,
    parameter_text_check,
    query_words,
)
from .pagination import (
    AppearancePagination,
    SpeakerPagination,
    StableCursorPagination,
    VerdictPagination,
)
from .serializers import (
    ClaimDetailSerializer,
    ClaimSerializer,
    GroupAppearanceSerializer,
    SpeakerSerializer,
    VerdictMatchSerializer,
    VerdictSerializer,
    appearance_rows,
    rating_slugs,
)
from .verdict_rows import (
    CORRECTION_ROW_FIELDS,
    SOURCE_ROW_FIELDS,
    VERDICT_ROW_FIELDS,
    verdict_row_representation,
)

SEARCH_LIMIT_DEFAULT, SEARCH_LIMIT_MAX = 10, 50


def published_verdicts() -> QuerySet[Verdict]:
    """With what the serializer and ClaimReview read (`modified_at`, their dateModified, is a
    column of the verdict's own)."""
    return (
        Verdict.objects.published()
        .select_related("claim__speaker", "claim__article__outlet", "rating")
        .prefetch_related(
            Prefetch("sources", queryset=EvidenceSource.objects.order_by("id")), "corrections"
        )
    )


def _etag_of_representation(response) -> None:
    """The ETag hashes the media type with the body: a ClaimReview is the same bytes as JSON
    and as JSON-LD, and Django's ETag (the body alone) let a copy of one validate the other."""
    if response.status_code == 200 and "no-store" not in response.get("Cache-Control", ""):
        digest = hashlib.md5(usedforsecurity=False)
        digest.update(response["Content-Type"].encode())
        digest.update(response.content)
        response["ETag"] = f'"{digest.hexdigest()}"'


def _list_cache_key(request) -> str:
    page = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
    return f"api:verdict-list:{published_generation()}:{page}"


class SearchParameters(serializers.Serializer):
    # In the words the list filters use for the same mistakes, not DRF's "This field ...".
    q = serializers.CharField(
        max_length=SEARCH_QUERY_MAX,
        error_messages={
            "max_length": SEARCH_QUERY_TOO_LONG,
            "required": "Give the statement to look for: ?q=...",
            "blank": SEARCH_QUERY_NO_WORDS,
        },
        help_text="The statement to look for.",
    )
    limit = serializers.IntegerField(
        min_value=1,
        max_value=SEARCH_LIMIT_MAX,
        default=SEARCH_LIMIT_DEFAULT,
        required=False,
        error_messages={
            message: f"Give a whole number from 1 to {SEARCH_LIMIT_MAX}."
            for message in ("invalid", "min_value", "max_value", "max_string_length")
        },
    )

    def to_internal_value(self, data):
        # Before the fields, whose validators say DRF's "Null characters are not allowed."
        errors = {}
        for name, value in data.items():
            try:
                parameter_text_check(name, value)
            except DjangoValidationError as error:
                errors[name] = error.messages
        if errors:
            raise serializers.ValidationError(errors)
        return super().to_internal_value(data)

    def validate_q(self, value: str) -> str:
        if not query_words(value):
            raise serializers.ValidationError(SEARCH_QUERY_NO_WORDS)
        return value


@extend_schema_view(
    list=extend_schema(
        summary="Published verdicts",
        description="Newest first by default. Follow `next` to page; the cursor stays valid "
        f"while new verdicts are published. {docs.CONDITIONAL_READS}",
        parameters=docs.VERDICT_LIST_PARAMETERS,
        responses=docs.with_conditional_errors(VerdictSerializer(many=True), 400),
        auth=docs.OPTIONAL_AUTH,
    ),
    retrieve=extend_schema(
        summary="One published verdict",
        description=f"A verdict that is not published answers 404. {docs.CONDITIONAL_READS}",
        responses=docs.with_conditional_errors(VerdictSerializer, 404),
        auth=docs.OPTIONAL_AUTH,
    ),
)
# Partners poll these pages: an ETag (a hash of the answer as sent, so it changes only with
# what this client can read, never with unpublished work) lets If-None-Match answer 304 through
# Django's ConditionalGetMiddleware. Answers marked no-store (desk-scope keys) get none.
@method_decorator(api_conditional_page, name="dispatch")
class VerdictViewSet(StrictQueryMixin, viewsets.ReadOnlyModelViewSet):
    # Stated on each view rather than left to DEFAULT_PERMISSION_CLASSES: a change of that
    # setting must not quietly open the desk-scope reads (test_every_api_view_states_...).
    permission_classes = [ReadScope]
    anonymous_reads = True
    extra_query_params = {"search": {"q", "limit"}}
    serializer_class = VerdictSerializer
    filterset_class = VerdictFilter
    pagination_class = VerdictPagination

    def get_queryset(self):
        if self.action == "list":
            # Read as rows in list(), see below.
            return Verdict.objects.published()
        return published_verdicts()

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if isinstance(response, Response):
            # Runs once the body is rendered, before api_conditional_page compares the ETag.
            response.add_post_render_callback(_etag_of_representation)
        return response

    def list(self, request, *args, **kwargs):
        # Every client sees the same published list, and partners poll the same pages: serve
        # them from the cache until the published set changes (or the entry expires, which
        # bounds the drift of time-relative filters such as max_age_days).
        key = _list_cache_key(request)
        data = cache.get(key)
        if data is None:
            data = self._list_page(request).data
            cache.set(key, data, settings.API_LIST_CACHE_SECONDS)
        return Response(data)

    def _list_page(self, request):
        queryset = self.filter_queryset(self.get_queryset())
        rows = self.paginate_queryset(queryset.values(*VERDICT_ROW_FIELDS))
        sources: dict[int, list[dict]] = {row["id"]: [] for row in rows}
        for source in (
            EvidenceSource.objects.filter(verdict_id__in=list(sources))
            .order_by("id")
            .values(*SOURCE_ROW_FIELDS)
        ):
            sources[source["verdict_id"]].append(source)
        corrections: dict[int, list[dict]] = {pk: [] for pk in sources}
        for correction in (
            Correction.objects.filter(verdict_id__in=list(corrections))
            .order_by("created_at", "id")
            .values(*CORRECTION_ROW_FIELDS)
        ):
            corrections[correction["verdict_id"]].append(correction)
        urls = VerdictSerializer(context=self.get_serializer_context())._url_prefixes()
        data = [
            verdict_row_representation(row, sources[row["id"]], urls, corrections[row["id"]])
            for row in rows
        ]
        return self.get_paginated_response(data)

    @extend_schema(
        summary="A published verdict as schema.org ClaimReview (JSON-LD)",
        description="The same ClaimReview that the public fact-check page embeds. "
        + docs.CONDITIONAL_READS,
        responses=docs.with_conditional_errors(docs.CLAIMREVIEW_RESPONSE, 404),
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
        description="The published verdicts whose claims match the statement, best first: "
        "sentence vectors (MiniLM) and keywords (BM25) fused into `score` (about 0 to 1; 1 is "
        "the same text). `level` is `same_claim` where the desk would link the two as one "
        "statement, `suggested` where a person should look; weaker matches are left out. "
        + docs.CONDITIONAL_READS,
        parameters=[
            OpenApiParameter(
                "q",
                {"type": "string", "minLength": 1, "maxLength": SEARCH_QUERY_MAX},
                required=True,
                description=f"A statement, 1 to {SEARCH_QUERY_MAX:,} characters.",
            ),
            OpenApiParameter(
                "limit",
                {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": SEARCH_LIMIT_MAX,
                    "default": SEARCH_LIMIT_DEFAULT,
                },
                description=f"1 to {SEARCH_LIMIT_MAX}, default {SEARCH_LIMIT_DEFAULT}.",
            ),
        ],
        responses=docs.with_conditional_errors(docs.SEARCH_RESPONSE, 400),
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
            [
                {"score": match.score, "level": match.level, "verdict": verdict}
                for verdict, match in matches
            ],
            many=True,
            context=self.get_serializer_context(),
        ).data
        return Response({"query": query, "results": data})


def verdicts_similar_to(text: str, *, limit: int) -> list[tuple[Verdict, Match]]:
    """Published verdicts whose claim the hybrid matcher finds for `text`, best first."""
    # Below "suggested" a result is noise to a client asking "has this been checked?".
    matches = [(c, m) for c, m in checked_search(text, limit=limit) if m.level is not None]
    verdicts = published_verdicts().in_bulk(
        [claim_id for claim_id, _ in matches], field_name="claim_id"
    )
    return [(verdicts[claim_id], match) for claim_id, match in matches if claim_id in verdicts]


@extend_schema_view(
    list=extend_schema(
        summary="Claims",
        description="Desk-scope keys see every claim with its workflow status; other keys see "
        "only public claims: those with a published verdict, and the repeats an editor applied "
        "one to that its ClaimReview lists as appearances (each with that verdict).",
        responses=docs.with_errors(ClaimSerializer(many=True), 400, 401, 403),
    ),
    retrieve=extend_schema(
        summary="One claim, with its canonical group",
        description="`group` is the claim's canonical claim group (null when the claim is in "
        "no group) with the appearances the key may see: their count, the first page and the "
        "link that pages them all. With the desk scope every claim of the group; otherwise the "
        "group's public claims, the same for whichever of them is asked: its fact-check's "
        "appearances as its ClaimReview lists them, the claim and the repeats an editor "
        "applied its verdict to, one per article (a fact-checker's request stays out until an "
        "editor approves it); a group an editor gave two fact-checks lists both.",
        responses=docs.with_errors(ClaimDetailSerializer, 401, 403, 404),
    ),
)
class ClaimViewSet(StrictQueryMixin, viewsets.ReadOnlyModelViewSet):
    permission_classes = [ReadScope]
    serializer_class = ClaimSerializer
    filterset_class = ClaimFilter
    pagination_class = StableCursorPagination
    extra_query_params = {"appearances": AppearancePagination().query_params()}

    def get_queryset(self):
        claims = Claim.objects.select_related(
            "speaker", "article__outlet", "verdict__rating", "group"
        ).order_by("-id")
        return claims_readable(claims, staff=reads_unpublished(self.request))

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None and self.action == "list":
            claim_rows_attach(page, staff=reads_unpublished(self.request))
        return page

    def get_object(self):
        claim = super().get_object()
        claim_rows_attach([claim], staff=reads_unpublished(self.request))
        return claim

    def get_serializer_class(self):
        return ClaimDetailSerializer if self.action == "retrieve" else ClaimSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "staff": reads_unpublished(self.request)}

    @extend_schema(
        summary="Every appearance of the claim's canonical group, a page at a time",
        description="The same appearances as the claim's `group.appearances`, in publication "
        "order, the key's view of them; follow `next` to page. A claim in no group is its "
        "only appearance.",
        responses=docs.with_errors(GroupAppearanceSerializer(many=True), 400, 401, 403, 404),
    )
    @action(detail=True, filter_backends=[], pagination_class=AppearancePagination)
    def appearances(self, request, pk=None):
        claim = self.get_object()
        page = self.paginate_queryset(appearances_read(claim, staff=reads_unpublished(request)))
        return self.get_paginated_response(appearance_rows(page, self.get_serializer_context()))


def rating_counts_attach(speakers: list[Speaker], *, slugs: list[str]) -> None:
    """Set `rating_counts` and `published_verdicts` on a page of speakers, in one query
    over their published verdicts (not a GROUP BY over every claim)."""
    counts: dict[int, dict[str, int]] = {
        speaker.pk: dict.fromkeys(slugs, 0) for speaker in speakers
    }
    rows = (
        Verdict.objects.published()
        .filter(claim__speaker__in=list(counts))
        .values_list("claim__speaker", "rating__slug")
        .annotate(count=Count("id"))
        .order_by()
    )
    for speaker_id, slug, count in rows:
        counts[speaker_id][slug] = counts[speaker_id].get(slug, 0) + count
    for speaker in speakers:
        speaker.rating_counts = counts[speaker.pk]
        speaker.published_verdicts = sum(counts[speaker.pk].values())


@extend_schema_view(
    list=extend_schema(
        summary="Speakers with their published verdicts by rating",
        description="The speakers named on published verdicts (desk-scope keys: every speaker), "
        "each with how many published verdicts on their claims have each rating. `q` finds "
        "them by part of a name.",
        responses=docs.with_errors(SpeakerSerializer(many=True), 400, 401, 403),
    ),
    retrieve=extend_schema(
        summary="One speaker",
        description="The id of a speaker since merged into another answers 302 with the "
        "address of the speaker kept, for a key that could read the merged one; not "
        "permanently, since the desk can undo a merge.",
        responses=docs.with_errors(SpeakerSerializer, 401, 403, 404),
    ),
)
class SpeakerViewSet(StrictQueryMixin, viewsets.ReadOnlyModelViewSet):
    permission_classes = [ReadScope]
    serializer_class = SpeakerSerializer
    filterset_class = SpeakerFilter
    pagination_class = SpeakerPagination

    def get_queryset(self):
        return speakers_visible(staff=reads_unpublished(self.request))

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        rating_counts_attach(page, slugs=rating_slugs())
        return page

    def get_object(self):
        speaker = super().get_object()
        rating_counts_attach([speaker], slugs=rating_slugs())
        return speaker

    def retrieve(self, request, *args, **kwargs):
        try:
            return super().retrieve(request, *args, **kwargs)
        except Http404:
            # A merged speaker's id leads to the speaker it was merged into, for whoever could
            # read it: the desk scope, or anyone when it had published claims. Not permanent:
            # an undo brings the old id back.
            pk = str(kwargs.get(self.lookup_url_kwarg or self.lookup_field, ""))
            merge = (
                speaker_merges.merged_into_readable(pk=int(pk), desk=reads_unpublished(request))
                if is_id(pk)
                else None
            )
            if merge is None:
                raise
            location = reverse("api:speaker-detail", kwargs={"pk": merge.target_id})
            query = request.META.get("QUERY_STRING", "")
            return HttpResponseRedirect(location + (f"?{query}" if query else ""))
