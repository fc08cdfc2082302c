"""Shared pieces of the claims admin: list filters and the mixins that keep the published record
as the services write it. RefusedActionMixin, which articles/admin.py uses too, is in
config/admin_actions.py."""

import functools

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import smart_split, unescape_string_literal

from .. import record
from ..ids import is_id
from ..verdict_conflicts import AlreadySaved


def search_terms(search_term: str) -> list[str]:
    """The words of an admin search as Django's own search splits them: a quoted phrase is one
    term, without its quotes."""
    terms = []
    for bit in smart_split(search_term):
        if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
            bit = unescape_string_literal(bit)
        terms.append(bit)
    return terms


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
    stands on. The on_delete guards in claims.models list the published verdicts as protected
    on the confirmation page (which also stops the bulk "delete selected" action) and this says
    why. A guard that fires at the delete itself (a verdict published after the page was drawn)
    rolls the delete back, its log entries included, and the page says why instead of a 500."""

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        # Rows whose admin is read-only (sources, sentences, timeline events: only services
        # write them) cannot be deleted by hand, but they go with the verdict or article the
        # user may delete; Django's check would otherwise forbid deleting any of those.
        perms_needed = perms_needed - self._read_only_names()
        refusal = record.record_delete_refusal(objects=objs)
        if refusal:
            self.message_user(request, refusal, level=messages.ERROR)
            # The page lists what stands in the way, not a permission the user could not use
            # anyway (an editor may not delete verdicts, and this delete is refused for all).
            perms_needed = set()
            verdicts = record.protected_verdicts_of(objects=objs)
            if verdicts and not protected:  # a published verdict with no source left
                protected = [f"Published verdict: {verdict.claim}" for verdict in verdicts]
            elif not verdicts:
                # The claims, not Django's "Claim note: Note on claim 5 by 3".
                noted = record.claims_with_notes_of(objects=objs)
                protected = [f"Claim with research notes: {claim}" for claim in noted] or protected
        return deleted, counts, perms_needed, protected

    def _read_only_names(self) -> set[str]:
        return {
            str(model._meta.verbose_name)
            for model, model_admin in self.admin_site._registry.items()
            if isinstance(model_admin, ReadOnlyAdminMixin)
        }

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)  # atomic
        except ProtectedError as error:
            self._say_refused(request, error)
            opts = self.opts
            return HttpResponseRedirect(
                reverse(
                    f"admin:{opts.app_label}_{opts.model_name}_change",
                    args=[object_id],
                    current_app=self.admin_site.name,
                )
            )

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            action, name, description = actions["delete_selected"]
            actions[name] = (self._refusing_published(action), name, description)
        return actions

    def _refusing_published(self, action):
        @functools.wraps(action)
        def run(modeladmin, request, queryset):
            try:
                with transaction.atomic():
                    return action(modeladmin, request, queryset)
            except ProtectedError as error:
                self._say_refused(request, error)
                return None  # the change list again

        return run

    def _say_refused(self, request, error: ProtectedError) -> None:
        refusal = record.delete_refusal(error)
        if refusal is None:
            raise error
        self.message_user(request, refusal, level=messages.ERROR)


class ReadOnlyAdminMixin:
    """Records that only services write: browsable, never edited or deleted by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class HistoryReadOnlyMixin:
    """For a SimpleHistoryAdmin: a past version can be read, never posted back. simple-history's
    page for one version is a revert form whose POST saves that version as it was, asking only
    for the view permission (SIMPLE_HISTORY_REVERT_DISABLED merely hides its button): a fact-
    checker could put back a speaker's name a public correction had fixed, or an editor a
    source into a verdict in review, past the services, the record guards and the four-eyes
    rule. Changes go through the change form or the desk, as everywhere else."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied(
                "History is a record: an earlier version cannot be saved back from here."
            )
        return super().history_form_view(request, object_id, version_id, extra_context)


class ChangePageReadOnceMixin:
    """A change page that reads its row in change_view (for a message above the form) shares
    that read with Django's form view on a GET, which read the same row again: one query, and
    for the speakers' counted queryset one subquery, fewer per page. Only on a GET, which saves
    nothing; a POST reads the row afresh inside the save's transaction, as Django does."""

    def get_object(self, request, object_id, from_field=None):
        if request.method != "GET":
            return super().get_object(request, object_id, from_field)
        read = request.__dict__.setdefault("_change_page_rows", {})
        key = (self.model._meta.label, object_id, from_field)
        if key not in read:
            read[key] = super().get_object(request, object_id, from_field)
        return read[key]


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


def inlines_saved_nothing(formsets) -> None:
    """Mark inline formsets as saving no rows. Django's change message reads what
    formset.save() sets on each (an AttributeError where it never ran): for a save refused, or
    one a service made instead of the formsets."""
    for formset in formsets:
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []


class ServiceSaveAdminMixin:
    """Change views whose save goes through a service. When the service refuses, the whole
    change (inlines and the admin log entry included) is rolled back and the page says why,
    instead of saving part of it under a "changed successfully" banner."""

    def save_refused(self, request, error) -> None:
        transaction.set_rollback(True)
        request._service_save_refused = True
        if isinstance(error, AlreadySaved):  # the form sent twice: nothing was lost
            self.message_user(request, error.messages[0], level=messages.WARNING)
            return
        self.message_user(
            request, "Nothing was saved: " + "; ".join(error_messages(error)), level=messages.ERROR
        )

    def save_related(self, request, form, formsets, change):
        # The main row was not saved: inlines and m2m rows would hang off nothing.
        if not getattr(request, "_service_save_refused", False):
            super().save_related(request, form, formsets, change)
            return
        inlines_saved_nothing(formsets)

    # The refusal marked the transaction for rollback: a log row written now would raise.
    def log_addition(self, request, obj, message):
        if not getattr(request, "_service_save_refused", False):
            return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        if not getattr(request, "_service_save_refused", False):
            return super().log_change(request, obj, message)

    def response_change(self, request, obj):
        if getattr(request, "_service_save_refused", False):
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)


class _IdCheckedAutocompleteSelect(AutocompleteSelect):
    """Django's widget looks the posted value up to draw the form again, and a value that is no
    id ("abc", "1.5", or one past SQLite's 64-bit INTEGER) raised there: a 500 instead of the
    form's "Select a valid choice"."""

    def optgroups(self, name, value, attr=None):
        target = self.field.remote_field.model._meta.get_field(self.field.remote_field.field_name)
        ids = []
        for one in value:
            try:
                read = target.to_python(one)
            except ValidationError:
                continue
            if isinstance(read, int) and not is_id(str(read)):
                continue
            ids.append(one)
        return super().optgroups(name, ids, attr)


class AutocompleteIdsCheckedMixin:
    """For a ModelAdmin with autocomplete_fields: a posted value that is no id is the field's
    error, as with a plain select."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = _IdCheckedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class _SelectionRefused(Exception):
    pass


def apply_to_selection(
    modeladmin, request, rows, call, *, refusals, label, done, nothing, unchanged=()
) -> bool:
    """An admin action on a selection, all or nothing: each row goes through its service in
    turn, and if any is refused the whole selection is rolled back (events and all) and the
    page lists every refusal under `nothing` ("Nothing was published"), so a selection is never
    left half done. Returns whether it applied. `done` is formatted with the count of rows
    changed; a row raising one of `unchanged` (it is as asked already: nothing written) is
    listed as such, neither counted nor refused."""
    refused, already = [], []
    try:
        with transaction.atomic():
            selected = changed = 0
            for row in rows:
                selected += 1
                try:
                    with transaction.atomic():  # a refused row's writes go; later rows are tried
                        call(row)
                except unchanged as error:
                    already.append(f"{label(row)}: {error}")
                except refusals as error:
                    refused.append(f"{label(row)}: {'; '.join(error_messages(error))}")
                else:
                    changed += 1
            if refused:
                raise _SelectionRefused
    except _SelectionRefused:
        modeladmin.message_user(
            request,
            f"{nothing}: {len(refused):,} of the {selected:,} selected were refused (below). "
            "Deselect or fix them and run the action again.",
            messages.ERROR,
        )
        for message in refused:
            modeladmin.message_user(request, message, messages.ERROR)
        return False
    if changed or not already:
        modeladmin.message_user(request, done.format(count=f"{changed:,}"), messages.SUCCESS)
    for message in already:
        modeladmin.message_user(request, message, messages.INFO)
    return True


def error_messages(error) -> list[str]:
    return error.messages if isinstance(error, ValidationError) else [str(error)]


def action_page(modeladmin, request, template: str, *, title: str, selected, status=200, **extra):
    """An admin action's page of its own, asking before it acts (as Django's "Delete selected"
    does): the admin's frame, and what templates/claims/admin/includes/selection_posted_back.html
    posts back (the selected rows' ids); `extra`, the page's own context."""
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "opts": modeladmin.opts,
        "selected_ids": [row.pk for row in selected],
        "action_checkbox_name": ACTION_CHECKBOX_NAME,
        **extra,
    }
    request.current_app = modeladmin.admin_site.name
    return TemplateResponse(request, template, context, status=status)
