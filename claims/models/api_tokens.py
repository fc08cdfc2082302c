"""API clients' keys: ApiToken (a hash of the secret, its scopes, revocation)."""

from django.conf import settings
from django.db import models
from django.db.models import Q


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
        help_text="Desk scope: only widens what a read key sees, to unpublished claims with "
        "their status, every speaker and every article; refused without read. Only for the "
        "newsroom's own tools.",
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
        constraints = [
            # claims.api.auth.token_scopes_refusal refuses this pair on every write path;
            # this keeps a row written around it (a shell, a raw update) from existing at all.
            models.CheckConstraint(
                condition=Q(can_read=True) | Q(can_read_unpublished=False),
                name="apitoken_desk_scope_needs_read",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
