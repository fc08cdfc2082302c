"""Shared pieces of the claims admin: list filters and the mixins that keep the published record
as the services write it."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect

from .. import record


class ScoreRangeFilter(admin.SimpleListFilter):
    title = "check-worthiness"
    parameter_name = "score"
    RANGES = {
        "high": ("0.8 and above", 0.8, 1.01),
        "medium": ("0.5 to 0.8", 0.5, 0.8),
        "low": ("below 0.5", 0.0, 0.5),
    }

    def lookups(self, request, model_admin):
        return [(key, label) for key, (label, _, _) in self.RANGES.items()]

    def queryset(self, request, queryset):
        if self.value() in self.RANGES:
            _, low, high = self.RANGES[self.value()]
            return queryset.filter(check_worthiness__gte=low, check_worthiness__lt=high)
        return queryset


class PublishedRecordDeleteMixin:
    """A published verdict changes only through a correction: the admin deletes nothing it
    stands on. The confirmation page lists the published verdicts as protected and says why,
    which also stops the bulk "delete selected" action."""

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        refusal = record.record_delete_refusal(objects=objs)
        if refusal:
            published = record.published_verdicts_of(objects=objs)
            protected = [*protected, *(f"Published verdict: {v.claim}" for v in published)]
            self.message_user(request, refusal, level=messages.ERROR)
        return deleted, counts, perms_needed, protected

    def delete_model(self, request, obj):
        self._refuse_published([obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        self._refuse_published(queryset)
        super().delete_queryset(request, queryset)

    def _refuse_published(self, objs) -> None:
        refusal = record.record_delete_refusal(objects=objs)
        if refusal:
            raise PermissionDenied(refusal)


class ReadOnlyAdminMixin:
    """Records that only services write: browsable, never edited or deleted by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInlineMixin:
    """Rows that only services write: shown for context, never edited here."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ServiceSaveAdminMixin:
    """Change views whose save goes through a service. When the service refuses, the whole
    change (inlines and the admin log entry included) is rolled back and the page says why,
    instead of saving part of it under a "changed successfully" banner."""

    def save_refused(self, request, error) -> None:
        transaction.set_rollback(True)
        request._service_save_refused = True
        self.message_user(
            request, "Nothing was saved: " + "; ".join(error_messages(error)), level=messages.ERROR
        )

    def response_change(self, request, obj):
        if getattr(request, "_service_save_refused", False):
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)


def error_messages(error) -> list[str]:
    return error.messages if isinstance(error, ValidationError) else [str(error)]
