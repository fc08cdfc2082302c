"""What analysis makes of an article: its Sentences and the Claims reviewers work on (status,
origin, assignee, group), with ClaimQuerySet's reusable reads."""

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce
from simple_history.models import HistoricalRecords

from articles.models import Article

from ..matching.models import ApplicationStatus, ClaimGroup, GroupLink, VerdictApplication
from ..text_cuts import title_cut
from .published import protect_attributed_claims, published_verdict_q
from .speakers import Speaker


class Sentence(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="sentences")
    index = models.PositiveIntegerField()
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.TextField()
    speaker = models.ForeignKey(
        Speaker, null=True, blank=True, on_delete=models.SET_NULL, related_name="sentences"
    )
    attribution_cue = models.CharField(max_length=100, blank=True)
    is_direct_quote = models.BooleanField(default=False)
    check_worthiness = models.FloatField(null=True, blank=True)
    model_version = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["article", "start"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "start", "end"], name="sentence_span_unique"
            ),
            models.UniqueConstraint(fields=["article", "index"], name="sentence_index_unique"),
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="sentence_span_valid"),
            models.CheckConstraint(
                condition=Q(check_worthiness__isnull=True)
                | Q(check_worthiness__gte=0, check_worthiness__lte=1),
                name="sentence_score_in_range",
            ),
        ]

    def __str__(self) -> str:
        return title_cut(self.text, 80)  # a record's name in the admin: cut at a word


class ClaimStatus(models.TextChoices):
    NEW = "new", "New"
    IN_PROGRESS = "in_progress", "In progress"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"
    DISMISSED = "dismissed", "Dismissed"


# Its verdict is submitted or published: the claim's text and attribution are part of the record.
LOCKED_CLAIM_STATES = frozenset({ClaimStatus.IN_REVIEW, ClaimStatus.PUBLISHED})


class ClaimOrigin(models.TextChoices):
    MODEL = "model", "Detected by the model"
    MANUAL = "manual", "Added by a reviewer"


def claim_made_at(prefix: str = "") -> Coalesce:
    """When a claim was made: its article's publication date, or for an undated article when
    the desk stored the claim. Not created_at alone: an archive or a feed's backlog is read in
    any order. Also one order on every database, where the date alone is not (PostgreSQL sorts
    NULLs last, SQLite first). `prefix` reaches it through a relation, e.g. "claims__"."""
    return Coalesce(f"{prefix}article__published_at", f"{prefix}created_at")


class ClaimQuerySet(models.QuerySet):
    def in_queue(self):
        return self.filter(status__in=[ClaimStatus.NEW, ClaimStatus.IN_PROGRESS])

    def published(self):
        """Claims whose own verdict the public may read (the one definition, via the verdict).
        The public claims are these and the repeats a published verdict covers:
        claims.appearances.public_member_q."""
        return self.filter(published_verdict_q("verdict__"))

    def with_already_checked(self):
        """`already_checked`: another claim of the same group has a published verdict."""
        checked = (
            self.model.objects.filter(group=OuterRef("group"), group__isnull=False)
            .filter(published_verdict_q("verdict__"))
            .exclude(pk=OuterRef("pk"))
        )
        return self.annotate(already_checked=Exists(checked))

    def with_application_pending(self):
        """`application_pending`: a request to apply a published verdict to the claim waits
        for an editor (claims.matching.applications)."""
        pending = VerdictApplication.objects.filter(
            claim=OuterRef("pk"), status=ApplicationStatus.PENDING
        )
        return self.annotate(application_pending=Exists(pending))

    def with_reviewer_work(self):
        """Claims a re-analysis must keep: someone has touched them."""
        return self.filter(
            Q(origin=ClaimOrigin.MANUAL)
            | Q(assignee__isnull=False)
            | Q(verdict__isnull=False)
            | Q(edited_by_reviewer=True)
            | ~Q(status=ClaimStatus.NEW)
            | Q(notes__isnull=False)  # a research note is work too
        ).distinct()


class Claim(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="claims")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.TextField()
    speaker = models.ForeignKey(
        Speaker,
        null=True,
        blank=True,
        on_delete=protect_attributed_claims,
        related_name="claims",
        help_text="Empty when the statement is the article's own narration.",
    )
    attribution_cue = models.CharField(max_length=100, blank=True)
    is_direct_quote = models.BooleanField(default=False)
    check_worthiness = models.FloatField(null=True, blank=True)
    model_version = models.CharField(max_length=100, blank=True)
    origin = models.CharField(max_length=16, choices=ClaimOrigin.choices, default=ClaimOrigin.MODEL)
    status = models.CharField(max_length=16, choices=ClaimStatus.choices, default=ClaimStatus.NEW)
    priority = models.SmallIntegerField(default=0, help_text="Higher is reviewed first.")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_claims",
    )
    dismissal_reason = models.TextField(blank=True)
    edited_by_reviewer = models.BooleanField(
        default=False, help_text="A reviewer changed the text or speaker by hand."
    )
    group = models.ForeignKey(
        ClaimGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="claims"
    )
    group_link = models.CharField(max_length=16, choices=GroupLink.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["group", "group_link"])
    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["-priority", "-check_worthiness", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["article", "start", "end"], name="claim_span_unique"),
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="claim_span_valid"),
            models.CheckConstraint(
                condition=Q(status__in=ClaimStatus.values), name="claim_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(check_worthiness__isnull=True)
                | Q(check_worthiness__gte=0, check_worthiness__lte=1),
                name="claim_score_in_range",
            ),
        ]
        indexes = [
            models.Index(
                fields=["status", "-priority", "-check_worthiness"], name="claim_queue_idx"
            ),
            models.Index(fields=["assignee", "status"], name="claim_assignee_idx"),
            models.Index(fields=["speaker", "-created_at"], name="claim_speaker_idx"),
            # The admin's date filter: without it each "past 7 days" read the whole speaker
            # index (claims_claim's only one with created_at).
            models.Index(fields=["created_at"], name="claim_created_idx"),
        ]

    def __str__(self) -> str:
        return title_cut(self.text, 80)  # a record's name in the admin: cut at a word

    @property
    def is_record_locked(self) -> bool:
        """Text, speaker, cue and quote flag change only through review or a correction."""
        return self.status in LOCKED_CLAIM_STATES
