"""The review workflow's log: one ClaimEvent per transition (who did what to a claim, and when).
claims/workflow.py writes them; the desk timeline reads them."""

from django.conf import settings
from django.db import models

from .claims import Claim, ClaimStatus


class ClaimEventKind(models.TextChoices):
    DETECTED = "detected", "Detected"
    RESCORED = "rescored", "Re-scored"
    ADDED = "added", "Added by a reviewer"
    ASSIGNED = "assigned", "Assigned"
    UNASSIGNED = "unassigned", "Unassigned"
    DISMISSED = "dismissed", "Dismissed"
    REOPENED = "reopened", "Reopened"
    SPEAKER_CORRECTED = "speaker_corrected", "Speaker corrected"
    SPEAKER_MERGED = "speaker_merged", "Speaker merged"
    SPEAKER_MERGE_UNDONE = "speaker_merge_undone", "Speaker merge undone"
    DRAFTED = "drafted", "Verdict drafted"
    SUBMITTED = "submitted", "Submitted for review"
    RETURNED = "returned", "Returned to author"
    WITHDRAWN = "withdrawn", "Withdrawn by the author"
    PUBLISHED = "published", "Published"
    CORRECTED = "corrected", "Correction published"
    # A correction written and waiting for an editor who wrote none of the verdict
    # (claims.corrections), and what became of it short of publication.
    CORRECTION_REQUESTED = "correction_requested", "Correction proposed"
    CORRECTION_REJECTED = "correction_rejected", "Correction rejected"
    CORRECTION_WITHDRAWN = "correction_withdrawn", "Correction withdrawn"
    NOTE_REMOVED = "note_removed", "Research note removed"
    # A published verdict applied to this repeat (claims.matching.applications): the request,
    # and what became of it. The claim's status changes only with the approval's dismissal.
    APPLICATION_PROPOSED = "application_proposed", "Verdict application proposed"
    APPLICATION_APPROVED = "application_approved", "Verdict application approved"
    APPLICATION_REJECTED = "application_rejected", "Verdict application rejected"
    APPLICATION_WITHDRAWN = "application_withdrawn", "Verdict application withdrawn"


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

    @property
    def from_status_label(self) -> str:
        return _status_label(self.from_status)

    @property
    def to_status_label(self) -> str:
        return _status_label(self.to_status)


def _status_label(value: str) -> str:
    # A status no longer in ClaimStatus (an old row) is shown as stored rather than dropped.
    return ClaimStatus(value).label if value in ClaimStatus.values else value
