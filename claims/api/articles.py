"""Article submission (queues the analysis) and the article's status with its claims."""

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from articles.models import Article, SourceKind
from articles.services import DuplicateArticle, article_submit

from ..models import Claim
from . import docs
from .auth import SubmitScope, SubmitThrottle, is_staff_client, request_token
from .errors import Conflict, PayloadTooLarge
from .serializers import ArticleAcceptedSerializer, ArticleSerializer, ArticleSubmitSerializer
from .views import PUBLISHED_VERDICT, StrictQueryMixin


@extend_schema_view(
    create=extend_schema(
        summary="Submit an article for analysis",
        description="Stores the article and queues its analysis. Answers 202 at once; poll "
        "`status_url` until `analysis_status` is `done` (or `failed`). Needs the submit scope.",
        request=ArticleSubmitSerializer,
        responses=docs.with_errors(
            ArticleAcceptedSerializer, 400, 409, 413, success_status=status.HTTP_202_ACCEPTED
        ),
        examples=[
            OpenApiExample(
                "Article",
                request_only=True,
                value={
                    "title": "Council passes budget",
                    "body": "The mayor said the budget grew by 40 percent. ...",
                    "url": "https://news.example/budget",
                    "outlet_name": "News Example",
                    "published_at": "2026-11-18T09:00:00Z",
                    "language": "en",
                },
            )
        ],
    ),
    retrieve=extend_schema(
        summary="An article's analysis status and its claims",
        description="Staff keys see every claim with its status; other keys see the claims "
        "that have a published verdict.",
        responses=docs.with_errors(ArticleSerializer, 404),
    ),
)
class ArticleViewSet(
    StrictQueryMixin, mixins.CreateModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    permission_classes = [SubmitScope]
    queryset = Article.objects.select_related("outlet")
    serializer_class = ArticleSerializer

    def get_throttles(self):
        return [*super().get_throttles(), SubmitThrottle()]

    def get_serializer_class(self):
        return ArticleSubmitSerializer if self.action == "create" else ArticleSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "staff": is_staff_client(self.request)}

    def create(self, request, *args, **kwargs):
        submitted = ArticleSubmitSerializer(data=request.data)
        submitted.is_valid(raise_exception=True)
        fields = submitted.validated_data
        if len(fields["body"]) > settings.ARTICLE_MAX_CHARS:
            raise PayloadTooLarge(
                "The article text is too long.",
                fields={
                    "body": [
                        f"The article text has {len(fields['body']):,} characters; the "
                        f"maximum is {settings.ARTICLE_MAX_CHARS:,}."
                    ]
                },
            )
        try:
            article = article_submit(
                source_kind=SourceKind.API, created_by=request_token(request).user, **fields
            )
        except DuplicateArticle as duplicate:
            raise Conflict(
                duplicate.message,
                existing_url=self._status_url(duplicate.existing.pk),
            ) from None
        status_url = self._status_url(article.pk)
        body = ArticleAcceptedSerializer(
            {"id": article.pk, "status": article.analysis_status, "status_url": status_url}
        ).data
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": status_url})

    def retrieve(self, request, *args, **kwargs):
        article = self.get_object()
        claims = Claim.objects.filter(article=article).select_related(
            "speaker", "article__outlet", "verdict__rating"
        )
        if not is_staff_client(request):
            claims = claims.filter(PUBLISHED_VERDICT)
        context = {**self.get_serializer_context(), "claims": claims.order_by("start", "id")}
        return Response(ArticleSerializer(article, context=context).data)

    def _status_url(self, pk: int) -> str:
        return self.request.build_absolute_uri(reverse("api:article-detail", args=[pk]))
