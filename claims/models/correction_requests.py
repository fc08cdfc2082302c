"""CorrectionRequest: a correction of a published verdict, written by one person and published
by another (the four-eyes rule of claims.verdicts, for corrections as for first publications).

Nothing of a request is public: the verdict reads as published until an editor who wrote none
of its content approves the request (claims.corrections), which writes the Correction row and
the new version then."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from ..matching.models import ApplicationStatus
from .verdicts import Correction, Rating, Verdict


class CorrectionStatus(models.TextChoices):
    """A verdict application's statuses, the same values (the services compare a request's with
    ApplicationStatus), but an approved correction is one readers read: the desk and the admin
    call it published."""

    PENDING = ApplicationStatus.PENDING.value, ApplicationStatus.PENDING.label
    APPROVED = ApplicationStatus.APPROVED.value, "Published"
    REJECTED = ApplicationStatus.REJECTED.value, ApplicationStatus.REJECTED.label
    WITHDRAWN = ApplicationStatus.WITHDRAWN.value, ApplicationStatus.WITHDRAWN.label


class CorrectionRequest(models.Model):
    verdict = models.ForeignKey(
        Verdict, on_delete=models.CASCADE, related_name="correction_requests"
    )
    # The verdict's public fields as its writer read them (corrections.verdict_public_fields):
    # approved over anything else, the correction would undo what was published since.
    based_on = models.JSONField(default=dict)
    rating = models.ForeignKey(Rating, on_delete=models.PROTECT, related_name="+")
    conclusion = models.TextField()
    explanation = models.TextField(blank=True)
    sources = models.JSONField(default=list, blank=True)
    note = models.TextField(
        help_text="Public once the correction is published: what changed and why."
    )
    status = models.CharField(
        max_length=16, choices=CorrectionStatus.choices, default=CorrectionStatus.PENDING
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="correction_requests"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="correction_requests_decided",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True, help_text="Why it was rejected (to its writer).")
    correction = models.OneToOneField(
        Correction,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="request",
    )

    class Meta:
        ordering = ["proposed_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ApplicationStatus.values),
                name="correction_request_status_valid",
            ),
            models.CheckConstraint(condition=~Q(note=""), name="correction_request_note_not_empty"),
            # One open correction a verdict: a second would be decided against a stale first.
            models.UniqueConstraint(
                fields=["verdict"],
                condition=Q(status="pending"),
                name="one_pending_correction_per_verdict",
            ),
            models.CheckConstraint(
                condition=Q(status="approved", correction__isnull=False)
                | (~Q(status="approved") & Q(correction__isnull=True)),
                name="approved_correction_request_has_correction",
            ),
        ]

    def __str__(self) -> str:
        # An approved correction is a published one, as the desk says (the admin's titles).
        status = "published" if self.status == ApplicationStatus.APPROVED else self.status
        return f"Correction request {self.pk} for verdict {self.verdict_id} ({status})"

    def based_on_rating(self, rating: Rating | None) -> bool:
        """Whether `rating` is the rating its writer read on the verdict: the same rating by
        its id, whatever its label reads now (an editor may rename a label on the scale, and
        two scales may share one)."""
        if "rating_id" in self.based_on:
            return self.based_on["rating_id"] == (rating.pk if rating else None)
        # Requests written before 2026-12-06 kept the label only: their one record of it.
        return self.based_on.get("rating") == (rating.label if rating else "")

    @property
    def rating_changed(self) -> bool:
        return not self.based_on_rating(self.rating)
