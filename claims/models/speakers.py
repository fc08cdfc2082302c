"""Who says things: Speaker (with its simple-history record), the SpeakerAlias rows that match
the ways a name is written, and SpeakerMerge, the record of two speakers found to be one."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from ..nlp.speakers import SPEAKER_KEY_MAX


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
        permissions = [("merge_speaker", "Can merge two speakers into one")]
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
    key = models.CharField(max_length=SPEAKER_KEY_MAX, unique=True)

    class Meta:
        ordering = ["alias"]
        verbose_name_plural = "speaker aliases"

    def __str__(self) -> str:
        return self.alias


class SpeakerMerge(models.Model):
    """One speaker folded into another ("Blinken" into "Antony Blinken"), kept so the desk can
    see who did it and undo it: the merged speaker's fields and the rows that moved."""

    # Null once the kept speaker is deleted: the record stays, and there is nothing to undo.
    target = models.ForeignKey(
        Speaker, null=True, on_delete=models.SET_NULL, related_name="merges_in"
    )
    source_name = models.CharField(max_length=300)
    source_slug = models.SlugField(max_length=320)
    # The merged speaker's id, so the API's old address redirects and an undo brings the speaker
    # back under it (null on merges recorded before it was kept).
    source_pk = models.PositiveIntegerField(null=True, blank=True, db_index=True)
    source_role = models.CharField(max_length=300, blank=True)
    source_kind = models.CharField(max_length=16, choices=SpeakerKind.choices)
    # {"claims": [ids], "sentences": [ids], "aliases": [ids]}: what pointed at the source.
    moved = models.JSONField(default=dict)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="speaker_merges",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="speaker_merges_undone",
    )
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.source_name} → {self.target.name if self.target else 'a deleted speaker'}"
