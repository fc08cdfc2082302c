"""IntakeJob, one request to take in a URL (pasted, from the API, a feed entry or an import
row), and the RSS or Atom Feed subscriptions that queue them, with the FeedEntry rows a poll
has already seen. Imports `articles` (Article, Outlet, SourceKind)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from .articles import AnalysisStatus, Article, Outlet, SourceKind


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
    byline = models.CharField(
        max_length=300,
        blank=True,
        help_text="The byline given with the URL (a bulk row's, the API's): the article's, "
        "over the one the page names.",
    )
    # Given with the URL as the byline is, and preferred over the page's the same way.
    title = models.CharField(
        max_length=500,
        blank=True,
        help_text="The title given with the URL (a bulk row's, the API's, the submit form's): "
        "the article's, over the one the page names.",
    )
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="The publication date given with the URL: the article's, over the page's.",
    )
    language = models.CharField(
        max_length=16,
        blank=True,
        help_text="The language code given with the URL: the article's, over the page's lang.",
    )
    # A feed's date for its entry is the feed's word, not the newsroom's: unlike published_at,
    # it only fills in for a page that states no date (jobrun.py).
    feed_published_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="The date the feed gives its entry: the article's where the page states none.",
    )
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
