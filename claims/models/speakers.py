"""Who says things: Speaker (with its simple-history record) and the SpeakerAlias rows that match
the ways a name is written."""

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords


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
