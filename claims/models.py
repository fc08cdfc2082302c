from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from simple_history.models import HistoricalRecords

from articles.models import Article

from .matching.models import (  # noqa: F401 (the app's models are all importable from here)
    ClaimEmbedding,
    ClaimGroup,
    ClaimGroupEvent,
    ExternalFactCheckEmbedding,
    GroupEventKind,
    GroupLink,
    MatchSuggestion,
    SuggestionStatus,
)

# --- Deleting what a published verdict stands on -------------------------------------------
# A published verdict changes only through a correction, so no delete through the ORM (the
# admin, a shell, a cascade from its article) removes it, its claim or its evidence, or changes
# who said it. These on_delete handlers do what CASCADE or SET_NULL did unless a published
# verdict is among the rows the delete reaches; then they raise ProtectedError naming those
# verdicts (claims.record turns it into the refusal people read).


def _refuse_published(verdicts: models.QuerySet) -> None:
    published = list(verdicts.filter(published_verdict_q()).distinct().order_by("pk"))
    if published:
        raise models.ProtectedError(
            "A published verdict stands on these rows; it changes only through a correction.",
            published,
        )


def cascade_unless_published(collector, field, sub_objs, using):
    """Verdict.claim: deleting a claim (or its article) deletes its verdict unless published."""
    _refuse_published(sub_objs)
    models.CASCADE(collector, field, sub_objs, using)


def cascade_unless_verdict_published(collector, field, sub_objs, using):
    """EvidenceSource.verdict: deleting a verdict deletes its sources unless it is published
    (submitting and correcting need a source, so every published verdict reaches this)."""
    _refuse_published(Verdict._base_manager.filter(sources__in=sub_objs))
    models.CASCADE(collector, field, sub_objs, using)


def set_null_unless_published(collector, field, sub_objs, using):
    """Claim.speaker: deleting a speaker empties its claims' speaker unless one of them has a
    published verdict (it would change who said it)."""
    _refuse_published(Verdict._base_manager.filter(claim__in=sub_objs))
    models.SET_NULL(collector, field, sub_objs, using)


class SpeakerKind(models.TextChoices):
    PERSON = "person", "Person"
    ORGANISATION = "organisation", "Organisation"
    GROUP = "group", "Group"
    ANONYMOUS = "anonymous", "Anonymous source"


class Speaker(models.Model):
    name = models.CharField(max_length=300, help_text="Canonical name, e.g. 'Antony Blinken'.")
    slug = models.SlugField(max_length=320, unique=True)
    role = models.CharField(max_length=300, blank=True, help_text="Title or role, as last seen.")
    kind = models.CharField(max_length=16, choices=SpeakerKind.choices, default=SpeakerKind.PERSON)
    created_at = models.DateTimeField(auto_now_add=True)

    # A rename or a new role shows on every published verdict of the speaker: keep a record.
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=SpeakerKind.values), name="speaker_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SpeakerAlias(models.Model):
    """A way the speaker is written; `key` is the normalised form used for matching."""

    speaker = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="aliases")
    alias = models.CharField(max_length=300)
    key = models.CharField(max_length=300, unique=True)

    class Meta:
        ordering = ["alias"]

    def __str__(self) -> str:
        return self.alias


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
        return self.text[:80]


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


class ClaimQuerySet(models.QuerySet):
    def in_queue(self):
        return self.filter(status__in=[ClaimStatus.NEW, ClaimStatus.IN_PROGRESS])

    def published(self):
        """Claims whose verdict the public may read (the one definition, via the verdict)."""
        return self.filter(published_verdict_q("verdict__"))

    def with_already_checked(self):
        """`already_checked`: another claim of the same group has a published verdict."""
        checked = (
            self.model.objects.filter(group=OuterRef("group"), group__isnull=False)
            .filter(published_verdict_q("verdict__"))
            .exclude(pk=OuterRef("pk"))
        )
        return self.annotate(already_checked=Exists(checked))

    def with_reviewer_work(self):
        """Claims a re-analysis must keep: someone has touched them."""
        return self.filter(
            Q(origin=ClaimOrigin.MANUAL)
            | Q(assignee__isnull=False)
            | Q(verdict__isnull=False)
            | Q(edited_by_reviewer=True)
            | ~Q(status=ClaimStatus.NEW)
        )


class Claim(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="claims")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.TextField()
    speaker = models.ForeignKey(
        Speaker,
        null=True,
        blank=True,
        on_delete=set_null_unless_published,
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
        ]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def is_record_locked(self) -> bool:
        """Text, speaker, cue and quote flag change only through review or a correction."""
        return self.status in LOCKED_CLAIM_STATES


class RatingScale(models.Model):
    name = models.CharField(max_length=100, unique=True)
    is_active = models.BooleanField(default=False)
    description = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=Q(is_active=True), name="one_active_rating_scale"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Rating(models.Model):
    scale = models.ForeignKey(RatingScale, on_delete=models.PROTECT, related_name="ratings")
    label = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100)
    value = models.SmallIntegerField(help_text="schema.org ratingValue; higher is truer.")
    colour = models.CharField(max_length=7, help_text="Hex colour, e.g. #2e7d32.")
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["scale", "-value"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "slug"], name="rating_slug_unique"),
            models.UniqueConstraint(fields=["scale", "value"], name="rating_value_unique"),
            models.CheckConstraint(
                condition=Q(colour__regex=r"^#[0-9a-fA-F]{6}$"), name="rating_colour_hex"
            ),
        ]

    def __str__(self) -> str:
        return self.label


class VerdictStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted for review"
    RETURNED = "returned", "Returned to author"
    PUBLISHED = "published", "Published"


def published_verdict_q(prefix: str = "") -> Q:
    """What the public may read. Every API view, public page, JSON-LD, search and template goes
    through this (or Verdict.is_published for one row); `prefix` reaches it through a relation,
    e.g. "verdict__" from claims."""
    return Q(**{f"{prefix}status": VerdictStatus.PUBLISHED, f"{prefix}published_at__isnull": False})


# A claim whose record is fixed: its verdict was submitted or published (see claims/workflow.py).
LOCKED_VERDICT_STATES = frozenset({VerdictStatus.SUBMITTED, VerdictStatus.PUBLISHED})


class VerdictQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_verdict_q())


class Verdict(models.Model):
    claim = models.OneToOneField(Claim, on_delete=cascade_unless_published, related_name="verdict")
    rating = models.ForeignKey(
        Rating, null=True, blank=True, on_delete=models.PROTECT, related_name="verdicts"
    )
    conclusion = models.CharField(max_length=300, blank=True, help_text="One sentence.")
    explanation = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="authored_verdicts"
    )
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="edited_verdicts",
    )
    status = models.CharField(
        max_length=16, choices=VerdictStatus.choices, default=VerdictStatus.DRAFT
    )
    review_comment = models.TextField(blank=True, help_text="The editor's note when returning.")
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, help_text="Optimistic-locking counter.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords()
    objects = VerdictQuerySet.as_manager()

    class Meta:
        permissions = [
            ("publish_verdict", "Can approve and publish verdicts"),
            ("return_verdict", "Can return submitted verdicts to their author"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=VerdictStatus.values), name="verdict_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=VerdictStatus.PUBLISHED)
                | Q(published_at__isnull=False, rating__isnull=False, editor__isnull=False),
                name="published_verdict_complete",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="verdict_status_idx"),
            models.Index(fields=["-updated_at"], name="verdict_updated_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.rating or 'Unrated'}: {self.claim}"

    @property
    def is_published(self) -> bool:
        """The row-level twin of VerdictQuerySet.published()."""
        return self.status == VerdictStatus.PUBLISHED and self.published_at is not None

    @property
    def is_locked(self) -> bool:
        """Submitted or published: content changes only through review or a correction."""
        return self.status in LOCKED_VERDICT_STATES


class ContributionKind(models.TextChoices):
    DRAFT = "draft", "Wrote or changed the draft"
    CORRECTION = "correction", "Wrote a correction"


class VerdictContribution(models.Model):
    """Who wrote or changed a verdict's wording, rating or sources, and in which version.

    The four-eyes rule reads this set: nobody in it publishes the verdict.
    """

    verdict = models.ForeignKey(Verdict, on_delete=models.CASCADE, related_name="contributions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="verdict_contributions"
    )
    version = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, choices=ContributionKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["verdict", "version", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["verdict", "version", "user"], name="verdict_contribution_unique"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ContributionKind.values), name="contribution_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} on verdict {self.verdict_id} v{self.version}"


class EvidenceSource(models.Model):
    verdict = models.ForeignKey(
        Verdict, on_delete=cascade_unless_verdict_published, related_name="sources"
    )
    url = models.URLField(max_length=2000)
    title = models.CharField(max_length=500)
    note = models.TextField(blank=True)
    accessed_on = models.DateField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title


class ClaimEventKind(models.TextChoices):
    DETECTED = "detected", "Detected"
    RESCORED = "rescored", "Re-scored"
    ADDED = "added", "Added by a reviewer"
    ASSIGNED = "assigned", "Assigned"
    UNASSIGNED = "unassigned", "Unassigned"
    DISMISSED = "dismissed", "Dismissed"
    REOPENED = "reopened", "Reopened"
    SPEAKER_CORRECTED = "speaker_corrected", "Speaker corrected"
    DRAFTED = "drafted", "Verdict drafted"
    SUBMITTED = "submitted", "Submitted for review"
    RETURNED = "returned", "Returned to author"
    PUBLISHED = "published", "Published"
    CORRECTED = "corrected", "Correction published"


class ClaimEvent(models.Model):
    """One row per workflow transition: who did what to the claim, and when."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=32, choices=ClaimEventKind.choices)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="claim_events",
    )
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["actor", "-created_at"], name="claim_event_actor_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.claim_id}"


class Correction(models.Model):
    """A dated public note on a published verdict that changed (the IFCN corrections policy).

    The verdict's earlier wording stays in its simple-history record; `previous` keeps the
    public fields as they read before, so the note can say what changed without a join.
    """

    verdict = models.ForeignKey(Verdict, on_delete=models.CASCADE, related_name="corrections")
    note = models.TextField(help_text="Public: what changed and why.")
    previous = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="verdict_corrections"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(note=""), name="correction_note_not_empty"),
        ]

    def __str__(self) -> str:
        return f"Correction of verdict {self.verdict_id} on {self.created_at:%Y-%m-%d}"


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A client's key to the API. Only a hash of the secret is stored; `prefix` finds the row.

    The key is shown once, when staff create the token in the admin.
    """

    name = models.CharField(max_length=100, help_text="Who uses it, e.g. 'Partner site: Ex News'.")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="api_tokens",
        help_text="The account the client acts as: its submitted articles are recorded under "
        "it, and its keys may read those articles' status.",
    )
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    can_read = models.BooleanField(default=True, help_text="Read verdicts, claims and speakers.")
    can_submit = models.BooleanField(default=False, help_text="Submit articles for analysis.")
    can_read_unpublished = models.BooleanField(
        default=False,
        help_text="Desk scope: also see unpublished claims with their status, every speaker and "
        "every article. Only for the newsroom's own tools.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
