"""ClaimNote: what a fact-checker found out while researching a claim (who was asked, what a
source said, where a figure comes from). Desk-only: no public page, feed or API reads it."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from .claims import Claim
from .published import protect_research_notes

NOTE_MAX_LENGTH = 5000


class ClaimNote(models.Model):
    claim = models.ForeignKey(Claim, on_delete=protect_research_notes, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="claim_notes"
    )
    text = models.TextField()
    link = models.URLField(max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="claim_note_has_text")]

    def __str__(self) -> str:
        # Read in the admin (a refused deletion lists the notes in the way): the author's name,
        # not their user id ("by 3").
        return f"Note on claim #{self.claim_id} by {self.author.get_username()}"
