"""Article submission (queues the analysis, or an intake job for a URL sent alone), the
article's status with its claims, and the intake job's status."""

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import (
    OpenApiExample,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from articles.intake.jobs import intake_job_submit
from articles.models import IntakeJob, SourceKind
from articles.services import DuplicateArticle, article_submit

from ..models import Claim
from . import docs
from .article_serializers import (
    ArticleAcceptedSerializer,
    ArticleSerializer,
    ArticleSubmitSerializer,
    IntakeJobSerializer,
)
from .auth import (
    SubmitScope,
    SubmitThrottle,
    articles_visible,
    intake_jobs_visible,
    reads_unpublished,
    request_token,
)
from .base import StrictQueryMixin
from .claim_rows import claim_rows_attach, claims_readable
from .errors import Conflict, PayloadTooLarge


@extend_schema_view(
    create=extend_schema(
        summary="Submit an article for analysis",
        description="Stores the article and queues its analysis. Answers 202 at once; poll "
        "`status_url` until `analysis_status` is `done` (or `failed`). A `url` sent without a "
        "`body` is fetched by the desk instead, and the `title`, `outlet_name`, `byline`, "
        "`published_at` and `language` sent with it are stored over what the page says (the "
        "page's own fill in any left out): the 202 answer is then an intake job, whose "
        "`status_url` says when the article is stored (or why it failed; `duplicate` when the "
        "page, after redirects, was stored already); where tasks run in the request (no "
        "broker) the 202 is the job as the fetch left it. A URL that another "
        "client's job is already fetching answers 409, without that job. Needs the submit "
        "scope.",
        request=ArticleSubmitSerializer,
        responses=docs.with_errors(
            PolymorphicProxySerializer(
                component_name="ArticleSubmitted",
                # Which one answers depends on whether a `body` was sent; no field says so.
                serializers=[ArticleAcceptedSerializer, IntakeJobSerializer],
                resource_type_field_name=None,
            ),
            400,
            409,
            413,
            415,
            success_status=status.HTTP_202_ACCEPTED,
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
        description="Desk-scope keys see every claim with its status; other keys see the claims "
        "that have a published verdict.",
        responses=docs.with_errors(ArticleSerializer, 404),
    ),
)
class ArticleViewSet(
    StrictQueryMixin, mixins.CreateModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    permission_classes = [SubmitScope]
    serializer_class = ArticleSerializer

    def get_queryset(self):
        return articles_visible(token=request_token(self.request)).select_related("outlet")

    def get_throttles(self):
        return [*super().get_throttles(), SubmitThrottle()]

    def get_serializer_class(self):
        # By method, not action: OPTIONS describes its POST through a copy of the request
        # whose method is POST but whose action is unset, and described what GET answers.
        return ArticleSubmitSerializer if self.request.method == "POST" else ArticleSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "staff": reads_unpublished(self.request)}

    def create(self, request, *args, **kwargs):
        submitted = ArticleSubmitSerializer(data=request.data)
        submitted.is_valid(raise_exception=True)
        fields = submitted.validated_data
        if not fields["body"].strip():
            return self._fetch(fields)
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
            raise self._duplicate_conflict(duplicate) from None
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
        staff = reads_unpublished(request)
        claims = list(claims_readable(claims, staff=staff).order_by("start", "id"))
        claim_rows_attach(claims, staff=staff)
        context = {**self.get_serializer_context(), "claims": claims}
        return Response(ArticleSerializer(article, context=context).data)

    def _fetch(self, fields) -> Response:
        try:
            job = intake_job_submit(
                url=fields["url"],
                outlet_name=fields["outlet_name"],
                byline=fields["byline"],
                title=fields["title"],
                published_at=fields["published_at"],
                language=fields.get("language", ""),
                created_by=request_token(self.request).user,
            )
        except DuplicateArticle as duplicate:
            raise self._duplicate_conflict(duplicate) from None
        if not intake_jobs_visible(token=request_token(self.request)).filter(pk=job.pk).exists():
            # Another client's job is fetching this URL: say so without handing over its id,
            # which this key could not read anyway.
            raise Conflict(
                "This URL is already being fetched (submitted by someone else).",
                existing_url=None,
            )
        # Without a broker (eager tasks) the fetch ran on commit, inside this request: answer
        # with what the job became, not the "queued" it was created as. Still a 202 when the
        # page turned out to be stored already (`duplicate`): a client learns that from the
        # job either way, whether a worker or this request did the fetch.
        job.refresh_from_db()
        body = IntakeJobSerializer(job, context=self.get_serializer_context()).data
        return Response(
            body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["status_url"]}
        )

    def _duplicate_conflict(self, duplicate: DuplicateArticle) -> Conflict:
        token = request_token(self.request)
        if articles_visible(token=token).filter(pk=duplicate.existing.pk).exists():
            return Conflict(duplicate.message, existing_url=self._status_url(duplicate.existing.pk))
        # Another client's article: say it is a repeat without naming it.
        return Conflict(
            "This article is already stored (submitted by someone else).", existing_url=None
        )

    def _status_url(self, pk: int) -> str:
        return self.request.build_absolute_uri(reverse("api:article-detail", args=[pk]))


@extend_schema_view(
    retrieve=extend_schema(
        summary="An intake job: a URL the desk is fetching",
        description="`status` is queued, fetching, stored or failed; `reason` says why it "
        "failed; `article_url` is the stored article (an existing one when `duplicate`). A key "
        "sees the jobs of its own account; desk-scope keys (read and the desk scope) see all.",
        responses=docs.with_errors(IntakeJobSerializer, 404),
    )
)
class IntakeJobViewSet(StrictQueryMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [SubmitScope]
    serializer_class = IntakeJobSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no key
            return IntakeJob.objects.all()
        return intake_jobs_visible(token=request_token(self.request))
