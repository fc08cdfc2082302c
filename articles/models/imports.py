"""ImportBatch, one uploaded CSV or JSON Lines file and its progress row by row, and the
ImportChunk pieces the file is kept in until it is read. Imports `intake` (IntakeStatus, to
count the jobs a batch's URL rows queued)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from .intake import IntakeStatus


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class ImportBatch(models.Model):
    """One uploaded CSV or JSON Lines file and its progress, row by row."""

    file_name = models.CharField(max_length=255)
    file_format = models.CharField(max_length=8, choices=[("csv", "CSV"), ("jsonl", "JSON Lines")])
    content = models.TextField(
        blank=True,
        help_text="Before the file was kept in pieces (ImportChunk): the file as uploaded.",
    )
    status = models.CharField(
        max_length=16, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    total_rows = models.PositiveIntegerField(
        null=True, blank=True, help_text="Empty until the import task has counted the rows."
    )
    rows_done = models.PositiveIntegerField(default=0)
    stored = models.PositiveIntegerField(default=0, help_text="Rows stored as articles.")
    queued = models.PositiveIntegerField(
        default=0,
        help_text="Rows with a URL alone, queued to be fetched: their intake jobs say what "
        "became of them.",
    )
    skipped = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    errors = models.JSONField(
        default=list, blank=True, help_text="[{line, reason}] for every row that failed."
    )
    notes = models.JSONField(
        default=list,
        blank=True,
        help_text="[{line, note}] for rows stored, but not quite as the file had them (a "
        "publication date left out).",
    )
    error = models.TextField(blank=True, help_text="Why the whole import stopped, if it did.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="import_batches",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the broker took the import's last message; empty while it never did.",
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "import batches"
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ImportStatus.values), name="importbatch_status_valid"
            )
        ]

    def __str__(self) -> str:
        return self.file_name

    def job_counts(self) -> dict[str, int]:
        """How many of the jobs its URL rows queued are in each IntakeStatus (one query)."""
        counts = dict(self.jobs.order_by().values_list("status").annotate(models.Count("pk")))
        return {status: counts.get(status, 0) for status in IntakeStatus.values}

    def is_settled(self, job_counts: dict[str, int] | None = None) -> bool:
        """Nothing more will change on its page: the rows are read and every job they queued
        is stored or failed."""
        if self.status not in (ImportStatus.DONE, ImportStatus.FAILED):
            return False
        counts = job_counts if job_counts is not None else self.job_counts()
        return not (counts[IntakeStatus.QUEUED] or counts[IntakeStatus.FETCHING])


class ImportChunk(models.Model):
    """One piece of an uploaded bulk file, in order. The file is kept in the database, where a
    worker on any machine reads it and the batch's transaction stores it whole or not at all,
    in pieces so that no row, and no read, holds the whole of a 200 MB file. Deleted once the
    import is done or failed (a failed one is not resumed); kept while it is queued or runs, so
    a worker that dies mid-import loses nothing."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="chunks")
    number = models.PositiveIntegerField()
    data = models.BinaryField(help_text="Bytes of the file as uploaded (UTF-8).")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["batch", "number"], name="importchunk_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.batch} #{self.number}"
