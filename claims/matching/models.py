"""Rows of the matching layer: embeddings (of claims and of imported fact-checks), canonical
claim groups, suggestions, events.

Claims are referred to by the string "claims.Claim", so claims/models/ can import this
module without a cycle.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.fields.json import KeyTransform

from ..text_cuts import title_cut


class StoredVector(models.Model):
    """A sentence vector (384 little-endian float32), the source of truth for the index."""

    vector = models.BinaryField()
    model_version = models.CharField(max_length=100)
    text_sha256 = models.CharField(max_length=64, help_text="Of the text the vector was made from.")
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        abstract = True


class ClaimEmbedding(StoredVector):
    """A claim's vector."""

    claim = models.OneToOneField(
        "claims.Claim", primary_key=True, on_delete=models.CASCADE, related_name="embedding"
    )

    def __str__(self) -> str:
        return f"Embedding of claim {self.claim_id} ({self.model_version})"


class ExternalFactCheckEmbedding(StoredVector):
    """The vector of another fact-checker's claimReviewed, for the desk's "seen before" only:
    kept apart from ClaimEmbedding so it never enters the corpus of the desk's own verdicts."""

    factcheck = models.OneToOneField(
        "articles.ExternalFactCheck",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="embedding",
    )

    def __str__(self) -> str:
        return f"Embedding of external fact-check {self.factcheck_id} ({self.model_version})"


class ClaimGroup(models.Model):
    """One canonical claim: the same statement wherever and by whomever it was made."""

    canonical_claim = models.ForeignKey(
        "claims.Claim", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    canonical_text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return title_cut(self.canonical_text, 80)


class GroupLink(models.TextChoices):
    FOUNDER = "founder", "First appearance"
    AUTO = "auto", "Linked automatically (same claim)"
    CONFIRMED = "confirmed", "Confirmed by a reviewer"


class SuggestionStatus(models.TextChoices):
    OPEN = "open", "Open"
    CONFIRMED = "confirmed", "Confirmed"
    REJECTED = "rejected", "Rejected"


class MatchSuggestion(models.Model):
    """An earlier claim that reads like this one, above the "suggested" threshold."""

    claim = models.ForeignKey(
        "claims.Claim", on_delete=models.CASCADE, related_name="match_suggestions"
    )
    candidate = models.ForeignKey("claims.Claim", on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    level = models.CharField(max_length=16)
    status = models.CharField(
        max_length=16, choices=SuggestionStatus.choices, default=SuggestionStatus.OPEN
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-score"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "candidate"], name="suggestion_unique"),
            models.CheckConstraint(
                condition=~Q(claim=models.F("candidate")), name="suggestion_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.claim_id} ~ {self.candidate_id} ({self.score:.2f})"


class GroupEventKind(models.TextChoices):
    AUTO_LINKED = "auto_linked", "Linked automatically"
    CONFIRMED = "confirmed", "Match confirmed"
    REJECTED = "rejected", "Match rejected"
    MERGED = "merged", "Groups merged"
    SPLIT = "split", "Split out"
    VERDICT_APPLIED = "verdict_applied", "Published verdict applied"
    # A repeat no longer covered by the published verdict applied to it, since the change
    # named in `data["by"]` (claims.appearances.covers_lifted_record).
    COVER_LIFTED = "cover_lifted", "No longer covered by a published verdict"
    UNDONE = "undone", "Undone"


class ClaimGroupEvent(models.Model):
    """Who changed a group, when, and the state before (`data["before"]`), so it can be undone."""

    # Empty for a rejected suggestion between two claims that belong to no group.
    group = models.ForeignKey(
        ClaimGroup, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    claim = models.ForeignKey(
        "claims.Claim", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=32, choices=GroupEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)
    undone_by = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="undoes"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            # The merges out of a group, found by `data["source"]` (the group page's former
            # appearances and the Undo buttons' later changes): without it PostgreSQL reads
            # every group change. The same `data -> 'source'` as the ORM's key lookups, or the
            # planner does not use it; only merges name a source.
            models.Index(
                KeyTransform("source", "data"),
                condition=Q(kind=GroupEventKind.MERGED),
                name="group_event_merge_source_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — group {self.group_id}"


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", "Awaiting an editor"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"


# Which of some claim ids are public appearances of published fact-checks: registered by
# ClaimsConfig.ready() (claims.appearances.public_member_q, the one definition), since
# claims.appearances reads claims.models, which imports this module.
_appearing_claims = None


def appearing_claims_register(finder) -> None:
    global _appearing_claims
    _appearing_claims = finder


def cascade_unless_appearing(collector, field, sub_objs, using):
    """VerdictApplication.claim: deleting a repeat an editor applied a published verdict to
    (alone, or with its article) is refused while it is a public appearance of that fact-check:
    its ClaimReview lists the repeat's article, and a delete would drop it with no date moved
    and nothing on record. An editor splits it from its group first (claims.matching.group_changes),
    which is recorded and moves the fact-check's dateModified. claims.record turns the error
    into the refusal people read."""
    applied = [row for row in sub_objs if row.status == ApplicationStatus.APPROVED]
    claim_ids = {row.claim_id for row in applied}
    appearing = _appearing_claims(claim_ids) if claim_ids else set()
    if appearing:
        raise models.ProtectedError(
            "These repeats are public appearances of published fact-checks; an editor splits "
            "them from their group first.",
            [row for row in applied if row.claim_id in appearing],
        )
    models.CASCADE(collector, field, sub_objs, using)


class VerdictApplication(models.Model):
    """Someone's request that `checked`'s published fact-check cover `claim`, a repeat of it.

    Applied, the repeat becomes a public appearance of that fact-check, so an editor decides:
    a fact-checker's request waits (pending) until an editor who did not make it approves or
    rejects it, or its author withdraws it; an editor's own is approved as it is made. Only an
    approval writes the VERDICT_APPLIED group event that claims.appearances reads."""

    claim = models.ForeignKey(
        "claims.Claim", on_delete=cascade_unless_appearing, related_name="verdict_applications"
    )
    checked = models.ForeignKey("claims.Claim", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        max_length=16, choices=ApplicationStatus.choices, default=ApplicationStatus.PENDING
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="verdict_applications"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="verdict_applications_decided",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True, help_text="Why it was rejected (to its author).")

    class Meta:
        ordering = ["proposed_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ApplicationStatus.values), name="application_status_valid"
            ),
            # One open request a repeat: a second would be decided against a stale first.
            models.UniqueConstraint(
                fields=["claim"],
                condition=Q(status="pending"),
                name="one_pending_application_per_claim",
            ),
            models.CheckConstraint(
                condition=Q(status="pending", decided_by__isnull=True, decided_at__isnull=True)
                | (~Q(status="pending") & Q(decided_by__isnull=False, decided_at__isnull=False)),
                name="application_decided_when_not_pending",
            ),
            models.CheckConstraint(
                condition=~Q(claim=models.F("checked")), name="application_not_self"
            ),
        ]
        indexes = [
            # The editors' review page: pending requests, oldest first.
            models.Index(fields=["status", "proposed_at", "id"], name="application_status_idx"),
        ]

    def __str__(self) -> str:
        return f"Apply #{self.checked_id}'s verdict to #{self.claim_id} ({self.status})"
