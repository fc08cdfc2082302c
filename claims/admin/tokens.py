"""API tokens: created here (the key is shown once), revoked, never deleted."""

from django import forms
from django.contrib import admin
from django.core.exceptions import NON_FIELD_ERRORS
from django.template.response import TemplateResponse

from articles.admin import DeskAdminMixin

from ..api.auth import token_create, token_revoke, token_scopes_refusal
from ..models import (
    ApiToken,
)
from .base import AutocompleteIdsCheckedMixin

# --- API tokens --------------------------------------------------------------------------------


class ApiTokenForm(forms.ModelForm):
    """Refuses a key that could do nothing (every request with it would be refused) or that
    has the desk scope without read, on adding one and on changing one."""

    class Meta:
        model = ApiToken
        fields = ["name", "user", "can_read", "can_submit", "can_read_unpublished"]

    def clean(self):
        cleaned = super().clean()
        refusal = token_scopes_refusal(
            can_read=cleaned.get("can_read", False),
            can_submit=cleaned.get("can_submit", False),
            can_read_unpublished=cleaned.get("can_read_unpublished", False),
        )
        if refusal:
            raise forms.ValidationError(refusal, code="scopes")
        return cleaned

    def _post_clean(self):
        # The model's own check of refused scopes (its constraint) would say again, in
        # Django's words ("Constraint … is violated"), what the refusal above explains.
        if not self.has_error(NON_FIELD_ERRORS, code="scopes"):
            super()._post_clean()


@admin.register(ApiToken)
class ApiTokenAdmin(
    DeskAdminMixin,
    AutocompleteIdsCheckedMixin,
    admin.ModelAdmin,
):
    form = ApiTokenForm
    list_display = [
        "name",
        "prefix",
        "user",
        "can_read",
        "can_submit",
        "can_read_unpublished",
        "last_used_at",
        "state",
    ]
    list_filter = [
        "can_read",
        "can_submit",
        "can_read_unpublished",
        ("revoked_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["name", "prefix", "user__username"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        fields = ["name", "user", "can_read", "can_submit", "can_read_unpublished"]
        if obj is None:
            return fields
        return [*fields, "prefix", "created_by", "created_at", "last_used_at", "revoked_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["user", "prefix", "created_by", "created_at", "last_used_at", "revoked_at"]

    @admin.display(description="State", ordering="revoked_at")
    def state(self, token):
        return f"revoked {token.revoked_at:%Y-%m-%d}" if token.revoked_at else "active"

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the row keeps who had access and when it was last used

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        token, key = token_create(
            name=obj.name,
            user=obj.user,
            can_read=obj.can_read,
            can_submit=obj.can_submit,
            can_read_unpublished=obj.can_read_unpublished,
            created_by=request.user,
        )
        obj.pk = token.pk
        obj.__dict__.update(token.__dict__)
        obj.key_shown_once = key

    def response_add(self, request, obj, post_url_continue=None):
        # The key in this answer's page alone. As a message after the redirect it rode in the
        # `messages` cookie (signed, not encrypted): kept in the browser and sent twice.
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"The key of “{obj.name}”",
            "token": obj,
            "key": obj.key_shown_once,
        }
        return TemplateResponse(request, "claims/admin/api_key_shown.html", context)

    @admin.action(description="Revoke the selected tokens", permissions=["change"])
    def revoke(self, request, queryset):
        tokens = list(queryset.filter(revoked_at__isnull=True))
        for token in tokens:
            token_revoke(token=token)
        self.message_user(request, f"Revoked {len(tokens):,} token(s).")
