"""Verdicts and what they are made of: the rating scale and its ratings, the Verdict itself, who
contributed to it, its evidence sources and the public corrections of a published one."""

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from simple_history.models import HistoricalRecords

from ..colours import graphic_edge_colour, readable_text_colour
from .claims import Claim
from .published import (
    LOCKED_VERDICT_STATES,
    VerdictStatus,
    cascade_unless_published,
    cascade_unless_verdict_published,
    published_verdict_q,
    refuse_changing_published_sources,
    refuse_deleting_published,
)


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

    @property
    def text_colour(self) -> str:
        """The badge's label colour: the colour itself is the editor's choice, its legibility
        is not (WCAG 1.4.3)."""
        return readable_text_colour(self.colour)

    @property
    def edge_colour(self) -> str:
        """A chart bar's outline: the editor's colour may be too light to see on the page
        (WCAG 1.4.11); the edge is not."""
        return graphic_edge_colour(self.colour)


class VerdictQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_verdict_q())

    def delete(self):
        refuse_deleting_published(self)
        return super().delete()


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
    # Set by claims.appearances when an editor's group change or reopening changed which
    # appearances this published fact-check shows: the record of that date (modified_at, below,
    # is what the public reads; migration 0027 filled it in from this one too).
    appearances_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # When what the public fact-check says last changed (ClaimReview's dateModified, the API's
    # modified_at): stored so the API's ordering and updated_since read an index. Set at
    # publication, then moved on only by claims.modified.verdicts_modified.
    modified_at = models.DateTimeField(null=True, blank=True, editable=False)
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
            # The API's ordering=modified_at and updated_since, over published verdicts only:
            # the condition is published_verdict_q(), which every published read filters on.
            models.Index(
                fields=["modified_at", "id"],
                name="verdict_modified_idx",
                condition=published_verdict_q(),
            ),
            # The editors' review queue: submitted verdicts, oldest submission first.
            models.Index(fields=["status", "submitted_at", "id"], name="verdict_submitted_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.rating or 'Unrated'}: {self.claim}"

    def delete(self, *args, **kwargs):
        refuse_deleting_published(type(self)._base_manager.filter(pk=self.pk))
        return super().delete(*args, **kwargs)

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


class EvidenceSourceQuerySet(models.QuerySet):
    def _verdict_ids(self):
        return self.values_list("verdict_id", flat=True).distinct()

    def delete(self):
        refuse_changing_published_sources(self._verdict_ids())
        return super().delete()

    def _destination_ids(self, destination):
        """Where an update moves these rows (an id, a row or an expression, bulk_update's Case
        among them), read before the write: the ORM refuses a move onto a published verdict
        as it refuses any other change, and PostgreSQL's trigger would refuse the write."""
        if hasattr(destination, "resolve_expression"):
            rows = self.annotate(_moved_to=destination)
            return set(rows.values_list("_moved_to", flat=True))
        return {destination.pk if isinstance(destination, models.Model) else destination}

    def update(self, **kwargs):
        with transaction.atomic(using=self.db):
            refuse_changing_published_sources(self._verdict_ids())
            destination = kwargs.get("verdict", kwargs.get("verdict_id"))
            moves = "verdict" in kwargs or "verdict_id" in kwargs  # bulk_update comes here too
            if not moves:
                return super().update(**kwargs)
            refuse_changing_published_sources(self._destination_ids(destination))
            moved = list(self.values_list("pk", flat=True))
            count = super().update(**kwargs)
            # Read again after the write: an expression may have read rows that changed in
            # between, and SQLite has no trigger to catch that.
            after = self.model._base_manager.using(self.db).filter(pk__in=moved)
            refuse_changing_published_sources(after._verdict_ids())
        return count

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        refuse_changing_published_sources({source.verdict_id for source in objs})
        return super().bulk_create(objs, *args, **kwargs)


class EvidenceSource(models.Model):
    """A source a verdict cites. A published verdict's sources change only in a correction."""

    verdict = models.ForeignKey(
        Verdict, on_delete=cascade_unless_verdict_published, related_name="sources"
    )
    url = models.URLField("URL", max_length=2000)
    title = models.CharField(max_length=500)
    note = models.TextField(blank=True)
    accessed_on = models.DateField()

    history = HistoricalRecords()
    objects = EvidenceSourceQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        # Related managers (verdict.sources.add()) and other internals use the base manager:
        # it is the guarded one too.
        base_manager_name = "objects"

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        verdict_ids = {self.verdict_id}
        if self.pk is not None:
            verdict_ids |= set(
                type(self)._base_manager.filter(pk=self.pk).values_list("verdict_id", flat=True)
            )
        refuse_changing_published_sources(verdict_ids)
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        refuse_changing_published_sources([self.verdict_id])
        return super().delete(*args, **kwargs)


class Correction(models.Model):
    """A dated public note on a published verdict that changed (the IFCN corrections policy).

    The verdict's earlier wording stays in its simple-history record; `previous` keeps the
    public fields the correction could change, as they read before: rating, conclusion,
    explanation and sources for a correction of the verdict, {"speaker": name} for one of who
    said it (a speaker merge or rename). claims.selectors.public.public_corrections reads both.
    """

    verdict = models.ForeignKey(Verdict, on_delete=models.CASCADE, related_name="corrections")
    note = models.TextField(help_text="Public: what changed and why.")
    previous = models.JSONField(default=dict, blank=True)
    # Who wrote it; `approved_by`, the editor who published it (claims.corrections). Empty for
    # a speaker merge's correction, which its editor writes and publishes, and for corrections
    # made before 2026-12-06, when one editor did both.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="verdict_corrections"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="verdict_corrections_approved",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(note=""), name="correction_note_not_empty"),
        ]

    def __str__(self) -> str:
        return f"Correction of verdict {self.verdict_id} on {self.created_at:%Y-%m-%d}"
