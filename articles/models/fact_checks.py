"""ExternalFactCheck, a ClaimReview published by another fact-checker (never one of the
desk's own verdicts). Imports only Django."""

from django.db import models
from django.db.models import Q


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
