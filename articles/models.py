from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, OrderBy, Q
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
    domain = models.CharField(
        max_length=253, unique=True, help_text="Registered domain, e.g. reuters.com."
    )

    class Meta:
        ordering = ["name"]

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


# --- Intake: URL jobs, feeds, bulk imports, other fact-checkers' ClaimReview -------------------


class IntakeStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    FETCHING = "fetching", "Fetching"
    STORED = "stored", "Stored"
    FAILED = "failed", "Failed"


class IntakeJobQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=[IntakeStatus.QUEUED, IntakeStatus.FETCHING])

    def visible_to(self, user):
        """The jobs a desk user may follow: every job with `view_intakejob`, else their own
        (whoever may submit a URL may watch what became of it)."""
        if user.has_perm("articles.view_intakejob"):
            return self
        return self.filter(created_by=user.pk) if user.is_authenticated else self.none()


class IntakeJob(models.Model):
    """One request to take in a URL (pasted, from the API, a feed entry or an import row)."""

    url = models.URLField(
        "URL",
        max_length=2000,
        help_text="Normalised, to recognise a URL already stored or in flight.",
    )
    fetch_url = models.URLField(
        "fetch URL",
        max_length=2000,
        help_text="The URL as submitted, which is what is fetched: normalising drops 'www.' "
        "and trailing slashes, which some sites need.",
    )
    fetched_url = models.URLField(
        "fetched URL",
        max_length=2000,
        blank=True,
        help_text="Where the last fetch ended, after redirects (what its reason speaks of).",
    )
    source_kind = models.CharField(
        max_length=16, choices=SourceKind.choices, default=SourceKind.URL
    )
    status = models.CharField(
        max_length=16, choices=IntakeStatus.choices, default=IntakeStatus.QUEUED
    )
    reason = models.TextField(blank=True, help_text="Why it failed, in words a person reads.")
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="intake_jobs"
    )
    duplicate = models.BooleanField(
        default=False, help_text="The page was already stored; `article` is the existing one."
    )
    feed = models.ForeignKey(
        "Feed", null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs"
    )
    import_batch = models.ForeignKey(
        "ImportBatch",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="jobs",
        help_text="The bulk import whose row (a URL alone) queued this job.",
    )
    import_line = models.PositiveIntegerField(
        null=True, blank=True, help_text="That row's line in the imported file."
    )
    outlet_name = models.CharField(max_length=200, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="intake_jobs",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the broker took the job's last message; empty while it never reached it.",
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = IntakeJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=IntakeStatus.values), name="intakejob_status_valid"
            ),
            # Submitting a URL twice while the first is in flight gives the same job.
            models.UniqueConstraint(
                fields=["url"],
                condition=Q(status__in=[IntakeStatus.QUEUED, IntakeStatus.FETCHING]),
                name="intakejob_one_active_job_per_url",
            ),
            models.CheckConstraint(
                condition=~Q(status=IntakeStatus.FAILED) | ~Q(reason=""),
                name="intakejob_failure_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-created_at"]),
            # The admin's list in the model's order, newest first, without sorting every job.
            models.Index(fields=["-created_at", "-id"], name="intakejob_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.url} ({self.get_status_display()})"

    @property
    def is_settled(self) -> bool:
        """Nothing more will change on the job's page: it failed, or its article is stored and
        that article's analysis has ended (done or failed)."""
        if self.status == IntakeStatus.FAILED:
            return True
        if self.status != IntakeStatus.STORED:
            return False
        return self.article is None or self.article.analysis_status in (
            AnalysisStatus.DONE,
            AnalysisStatus.FAILED,
        )


class Feed(models.Model):
    """An RSS or Atom subscription, polled by Celery beat (articles.tasks.feeds_poll_due)."""

    url = models.URLField("feed URL", max_length=2000, unique=True)
    outlet = models.ForeignKey(
        Outlet, null=True, blank=True, on_delete=models.PROTECT, related_name="feeds"
    )
    title = models.CharField(max_length=500, blank=True)
    poll_interval_minutes = models.PositiveIntegerField(default=30)
    active = models.BooleanField(default=True)
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_warning = models.TextField(
        blank=True, help_text="What the last full read of the feed found wrong but worked around."
    )
    consecutive_failures = models.PositiveIntegerField(default=0)
    entries_left = models.PositiveIntegerField(
        default=0, help_text="New entries the last poll left for later polls (over the cap)."
    )
    next_poll_at = models.DateTimeField(
        null=True, blank=True, help_text="Empty: never polled, so due now."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["url"]
        constraints = [
            models.CheckConstraint(
                condition=Q(poll_interval_minutes__gte=1), name="feed_interval_positive"
            )
        ]

    def __str__(self) -> str:
        return self.title or self.url


class FeedEntry(models.Model):
    """An entry already seen in a feed, so the next poll skips it."""

    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="entries")
    key = models.CharField(max_length=2000, help_text="The entry's id, or its link.")
    url = models.URLField("URL", max_length=2000, blank=True)
    job = models.ForeignKey(IntakeJob, null=True, blank=True, on_delete=models.SET_NULL)
    seen_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "feed entries"
        constraints = [
            models.UniqueConstraint(fields=["feed", "key"], name="feedentry_unique_per_feed")
        ]

    def __str__(self) -> str:
        return self.key


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class ImportBatch(models.Model):
    """One uploaded CSV or JSON Lines file and its progress, row by row."""

    file_name = models.CharField(max_length=255)
    file_format = models.CharField(max_length=8, choices=[("csv", "CSV"), ("jsonl", "JSON Lines")])
    content = models.TextField(
        blank=True,
        help_text="Before the file was kept in pieces (ImportChunk): the file as uploaded.",
    )
    status = models.CharField(
        max_length=16, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    total_rows = models.PositiveIntegerField(
        null=True, blank=True, help_text="Empty until the import task has counted the rows."
    )
    rows_done = models.PositiveIntegerField(default=0)
    stored = models.PositiveIntegerField(default=0, help_text="Rows stored as articles.")
    queued = models.PositiveIntegerField(
        default=0,
        help_text="Rows with a URL alone, queued to be fetched: their intake jobs say what "
        "became of them.",
    )
    skipped = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    errors = models.JSONField(
        default=list, blank=True, help_text="[{line, reason}] for every row that failed."
    )
    notes = models.JSONField(
        default=list,
        blank=True,
        help_text="[{line, note}] for rows stored, but not quite as the file had them (a "
        "publication date left out).",
    )
    error = models.TextField(blank=True, help_text="Why the whole import stopped, if it did.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="import_batches",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the broker took the import's last message; empty while it never did.",
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "import batches"
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ImportStatus.values), name="importbatch_status_valid"
            )
        ]

    def __str__(self) -> str:
        return self.file_name

    def job_counts(self) -> dict[str, int]:
        """How many of the jobs its URL rows queued are in each IntakeStatus (one query)."""
        counts = dict(self.jobs.order_by().values_list("status").annotate(models.Count("pk")))
        return {status: counts.get(status, 0) for status in IntakeStatus.values}

    def is_settled(self, job_counts: dict[str, int] | None = None) -> bool:
        """Nothing more will change on its page: the rows are read and every job they queued
        is stored or failed."""
        if self.status not in (ImportStatus.DONE, ImportStatus.FAILED):
            return False
        counts = job_counts if job_counts is not None else self.job_counts()
        return not (counts[IntakeStatus.QUEUED] or counts[IntakeStatus.FETCHING])


class ImportChunk(models.Model):
    """One piece of an uploaded bulk file, in order. The file is kept in the database, where a
    worker on any machine reads it and the batch's transaction stores it whole or not at all,
    in pieces so that no row, and no read, holds the whole of a 200 MB file. Deleted once the
    import is done or failed (a failed one is not resumed); kept while it is queued or runs, so
    a worker that dies mid-import loses nothing."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="chunks")
    number = models.PositiveIntegerField()
    data = models.BinaryField(help_text="Bytes of the file as uploaded (UTF-8).")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["batch", "number"], name="importchunk_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.batch} #{self.number}"


class ExternalFactCheck(models.Model):
    """A ClaimReview published by another fact-checker. Never one of the desk's own verdicts:
    it lives here, apart from claims.Verdict, and is always shown with its publisher."""

    claim_reviewed = models.TextField(help_text="The claim as the publisher wrote it, plain text.")
    claimant = models.CharField(max_length=500, blank=True)
    claim_date = models.DateField(null=True, blank=True)
    rating_text = models.CharField(max_length=500, blank=True, help_text="e.g. 'Mostly false'.")
    rating_value = models.FloatField(null=True, blank=True)
    best_rating = models.FloatField(null=True, blank=True)
    worst_rating = models.FloatField(null=True, blank=True)
    publisher_name = models.CharField(max_length=300)
    publisher_url = models.URLField("publisher URL", max_length=2000, blank=True)
    url = models.URLField("URL", max_length=2000, help_text="The fact-check's page.")
    review_date = models.DateField(null=True, blank=True)
    language = models.CharField(max_length=16, blank=True)
    identity = models.CharField(
        max_length=64, unique=True, editable=False, help_text="SHA-256 of URL and claim."
    )
    imported_from = models.CharField(max_length=2000, blank=True)
    raw = models.JSONField(default=dict, blank=True)
    imported_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-review_date", "-id"]
        # The matching sweeper's window: fact-checks stored lately whose vector job was lost.
        indexes = [
            models.Index(fields=["updated_at"], name="externalfactcheck_updated_idx"),
            # The admin's list: its order, and its publisher and language filters (each value
            # listed from its index, config.admin_paging.indexed_values, and each filtered list
            # read in order from the same index).
            models.Index(fields=["-review_date", "-id"], name="factcheck_review_idx"),
            models.Index(
                fields=["publisher_name", "-review_date", "-id"], name="factcheck_publisher_idx"
            ),
            models.Index(fields=["language", "-review_date", "-id"], name="factcheck_language_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(claim_reviewed=""), name="externalfactcheck_claim_not_empty"
            ),
            models.CheckConstraint(
                condition=~Q(publisher_name=""), name="externalfactcheck_has_publisher"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.publisher_name}: {self.claim_reviewed[:80]}"
