"""Article, the text every claim offset points into, with its Outlet, how it came in
(SourceKind) and where its analysis stands (AnalysisStatus, AnalysisProblem). Also
NullsLastIndex, the index its newest-first order needs. Imports only Django."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, OrderBy, Q
from django.db.models.functions import Lower
from django.utils import timezone


class NullsLastIndex(models.Index):
    """An index whose NULLS LAST is left out on SQLite, which refuses it in CREATE INDEX
    ("unsupported use of NULLS LAST", though ORDER BY takes it): there a descending column puts
    NULLs last anyway, so the plain index serves the same order, and `make run` can migrate."""

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor != "sqlite":
            return super().create_sql(model, schema_editor, using=using, **kwargs)
        plain = models.Index(
            *(
                OrderBy(term.expression, descending=term.descending)
                if isinstance(term, OrderBy)
                else term
                for term in self.expressions
            ),
            name=self.name,
        )
        return plain.create_sql(model, schema_editor, using=using, **kwargs)


class Outlet(models.Model):
    name = models.CharField(max_length=200)
    # NULL, not a made-up domain, for an outlet known only by its name (pasted text with no
    # URL): "city-gazette.unknown" reached API clients as if it were the outlet's site.
    domain = models.CharField(
        max_length=253,
        unique=True,
        null=True,
        blank=True,
        help_text="Registered domain, e.g. reuters.com; none for an outlet known only by its name.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            # The key of an outlet known by name alone, as outlet_get_or_create matches one:
            # two submissions of one new name at once make one outlet, not two.
            models.UniqueConstraint(
                Lower("name"),
                condition=Q(domain__isnull=True),
                name="outlet_name_only_unique",
                violation_error_message="An outlet with this name and no domain already exists.",
            ),
            # One spelling of "no domain": an empty one would be a second, never unique.
            models.CheckConstraint(condition=~Q(domain=""), name="outlet_domain_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name


class SourceKind(models.TextChoices):
    PASTED = "pasted", "Pasted text"
    URL = "url", "Fetched from a URL"
    API = "api", "Submitted through the API"
    FEED = "feed", "From a feed"
    IMPORT = "import", "Bulk import"
    SEED = "seed", "Seed data"


class AnalysisStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class AnalysisProblem(models.TextChoices):
    """Why an analysis is not done, as clients are told (the full text stays internal)."""

    NONE = "", "None"
    QUEUE_UNAVAILABLE = "queue_unavailable", "The task queue could not be reached"
    RETRYING = "retrying", "Retrying after a temporary error"
    STALLED = "stalled", "The worker running it stopped; it is being sent again"
    FAILED = "failed", "The analysis failed"


class ArticleQuerySet(models.QuerySet):
    def analysed(self):
        return self.filter(analysis_status=AnalysisStatus.DONE)

    def awaiting_analysis(self):
        return self.filter(analysis_status__in=[AnalysisStatus.QUEUED, AnalysisStatus.RUNNING])


class Article(models.Model):
    title = models.CharField(max_length=500)
    outlet = models.ForeignKey(
        Outlet, null=True, blank=True, on_delete=models.PROTECT, related_name="articles"
    )
    byline = models.CharField(max_length=300, blank=True)
    url = models.URLField("URL", max_length=2000, blank=True, help_text="Normalised canonical URL.")
    published_at = models.DateTimeField(null=True, blank=True)
    language = models.CharField(max_length=16, default="en")
    body = models.TextField(help_text="Normalised text; every offset in the app points into it.")
    content_hash = models.CharField(max_length=64, unique=True, editable=False)
    source_kind = models.CharField(max_length=16, choices=SourceKind.choices)

    analysis_status = models.CharField(
        max_length=16, choices=AnalysisStatus.choices, default=AnalysisStatus.QUEUED
    )
    analysis_error = models.TextField(blank=True, help_text="Internal: for the desk and logs.")
    analysis_problem = models.CharField(
        max_length=32, choices=AnalysisProblem.choices, blank=True, default=""
    )
    analysis_queued_at = models.DateTimeField(null=True, blank=True)
    analysis_started_at = models.DateTimeField(null=True, blank=True)
    analysis_finished_at = models.DateTimeField(null=True, blank=True)
    analysis_model_version = models.CharField(max_length=100, blank=True)
    # The job last handed to the broker: a job with another id is stale and does nothing, so a
    # recovered analysis never runs twice. `sent_at` empty: it never reached the broker.
    analysis_task_id = models.CharField(max_length=64, blank=True, editable=False)
    analysis_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Written by the worker while it analyses; a silent running job lost its worker.
    analysis_heartbeat_at = models.DateTimeField(null=True, blank=True, editable=False)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="submitted_articles",
    )
    import_batch = models.ForeignKey(
        "ImportBatch",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
        # Indexed below for the rows that have one: nearly every article has none.
        db_index=False,
        help_text="The bulk import that stored it: from a row with a body, or fetched for a row "
        "with a URL alone. Empty for every other article (one a row found already stored "
        "keeps its own), and for those imported before an import recorded its articles.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["url"], condition=~Q(url=""), name="article_url_unique_when_present"
            ),
            models.CheckConstraint(
                condition=Q(analysis_status__in=AnalysisStatus.values),
                name="article_analysis_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(source_kind__in=SourceKind.values), name="article_source_kind_valid"
            ),
            models.CheckConstraint(condition=~Q(body=""), name="article_body_not_empty"),
        ]
        indexes = [
            models.Index(fields=["analysis_status", "-created_at"]),
            # The admin's list, newest first (its order ends with the primary key): a page reads
            # its rows from here instead of sorting every article.
            models.Index(fields=["-created_at", "-id"], name="article_created_idx"),
            models.Index(fields=["outlet", "-published_at"]),
            # The queue's "newest article" order (claims.selectors.queue.QUEUE_SORTS): undated last.
            NullsLastIndex(
                F("published_at").desc(nulls_last=True), F("id").desc(), name="article_newest_idx"
            ),
            # The list of one import's articles (/articles/?import=N), in the list's order.
            models.Index(
                fields=["import_batch", "-created_at", "-id"],
                condition=Q(import_batch__isnull=False),
                name="article_import_batch_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def analysis_stalled(self) -> bool:
        """Running, but its worker has been silent past ANALYSIS_STALLED_SECONDS."""
        if self.analysis_status != AnalysisStatus.RUNNING:
            return False
        last = self.analysis_heartbeat_at or self.analysis_started_at
        limit = timedelta(seconds=settings.ANALYSIS_STALLED_SECONDS)
        return last is not None and timezone.now() - last > limit

    @property
    def analysis_problem_shown(self) -> str:
        """The reason code to show: a silent worker reads as stalled before recovery runs."""
        return AnalysisProblem.STALLED if self.analysis_stalled else self.analysis_problem
