"""Corrections of published verdicts: the requests waiting for an editor, and the published
corrections shown on their verdict. Both are written on the claim page (where the old wording is
kept beside the new); here they are read, each beside the wording it corrects (wording.py), and
an editor publishes or rejects requests through the same services as the desk
(claims.correction_requests), four-eyes rule and all."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import format_html

from articles.admin import DeskAdminMixin
from articles.lengths import text_limit
from config.admin_paging import LargeChangelistMixin

from .. import correction_requests
from ..forms import DeskTextField
from ..limits import rejection_note_length
from ..models import Correction, CorrectionRequest
from ..text_cuts import title_cut
from ..workflow import IllegalTransition, NothingChanged
from .base import ReadOnlyAdminMixin, ReadOnlyInlineMixin, action_page, apply_to_selection
from .wording import wording_compared

# One reason covers the whole selection, and the reason's page posts every id back: past a page
# of the list that is no longer one decision, and more ids than Django's
# DATA_UPLOAD_MAX_NUMBER_FIELDS (1,000) would fail as a bare 400.
REJECT_AT_ONCE = 100


class CorrectionInline(ReadOnlyInlineMixin, admin.TabularInline):
    """A verdict's published corrections: who wrote each and which editor published it."""

    model = Correction
    fields = ["created_at", "written_by", "published_by", "note"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("created_by", "approved_by")

    @admin.display(description="Written by")
    def written_by(self, correction):
        return correction.created_by

    # Empty for a speaker merge's correction and for those from before 2026-12-06, when one
    # editor wrote and published each (Correction.approved_by).
    @admin.display(description="Published by", empty_value="(its writer)")
    def published_by(self, correction):
        return correction.approved_by


class RejectionForm(forms.Form):
    """The reason of "Reject selected corrections", which the writer of each reads on its
    claim's timeline; the service checks it again (claims.correction_requests)."""

    note = text_limit(
        DeskTextField(
            label="Why they are not published",
            widget=forms.Textarea(attrs={"rows": 3}),
            error_messages={"required": "Say why the corrections are not published."},
            help_text="Each correction's writer reads this on its claim's page.",
        ),
        rejection_note_length,
    )


@admin.register(CorrectionRequest)
class CorrectionRequestAdmin(
    DeskAdminMixin,
    LargeChangelistMixin,
    ReadOnlyAdminMixin,
    admin.ModelAdmin,
):
    """Read-only: a correction is written on its claim's page, with the verdict's wording
    beside it. The changes made here are an editor's "Publish selected corrections" and
    "Reject selected corrections", through the desk's services."""

    list_display = [
        "claim_text",
        "verdict",
        "decision",
        "rating",
        "proposed_by",
        "proposed_at",
        "decided_by",
        "claim_page",
    ]
    # Not by verdict or claim: a sidebar of every one of them, each list a scan to draw it;
    # the search finds a claim's corrections by its wording.
    list_filter = ["status", "proposed_by", "proposed_at"]
    search_fields = ["verdict__claim__text", "note", "conclusion", "proposed_by__username"]
    search_help_text = (
        "Finds the corrections where every word appears, in any case, in the claim, the "
        "correction's note or conclusion, or its writer's user name."
    )
    list_select_related = ["verdict__claim", "rating", "proposed_by", "decided_by"]
    ordering = ["-pk"]  # newest first
    fields = [
        "verdict",
        "claim_page",
        "decision",
        "wording",
        "note",
        "proposed_by",
        "proposed_at",
        "decided_by",
        "decided_at",
        "decision_note",
        "correction",
    ]
    readonly_fields = fields
    actions = ["publish", "reject"]
    action_refusals = {
        "publish": "Only editors publish corrections: nothing was published.",
        "reject": "Only editors reject corrections: nothing was rejected.",
    }

    @admin.display(description="Claim", ordering="verdict__claim__text")
    def claim_text(self, correction):
        return title_cut(correction.verdict.claim.text, 90)

    @admin.display(description="Claim page")
    def claim_page(self, correction):
        url = reverse("claims:detail", args=[correction.verdict.claim_id])
        return format_html('<a href="{}">Claim #{}</a>', url, correction.verdict.claim_id)

    @admin.display(description="Status", ordering="status")
    def decision(self, correction):
        return correction.get_status_display()  # "Published" for an approved one: CorrectionStatus

    @admin.display(description="Wording")
    def wording(self, correction):
        return wording_compared(correction)

    def has_publish_permission(self, request):
        return request.user.has_perm(correction_requests.PUBLISH_PERMISSION)

    @admin.action(description="Publish selected corrections", permissions=["publish"])
    def publish(self, request, queryset):
        apply_to_selection(
            self,
            request,
            queryset.select_related("verdict__claim").order_by("pk"),
            lambda correction: correction_requests.correction_approve(
                correction=correction, editor=request.user
            ),
            refusals=(ValidationError, IllegalTransition, PermissionDenied),
            unchanged=NothingChanged,
            label=lambda correction: f"“{correction.verdict.claim}”",
            done="Published {count} correction(s).",
            nothing="Nothing was published",
        )

    @admin.action(description="Reject selected corrections", permissions=["publish"])
    def reject(self, request, queryset):
        """Asks for the reason first, on a page of its own (as Django's "Delete selected"
        asks to be sure), then rejects the selection through the desk's service with it."""
        rows = queryset.select_related("verdict__claim", "proposed_by").order_by("pk")
        selected = list(rows[: REJECT_AT_ONCE + 1])
        if len(selected) > REJECT_AT_ONCE:
            self.message_user(
                request,
                f"Select at most {REJECT_AT_ONCE} corrections to reject at once: nothing was "
                "rejected.",
                messages.ERROR,
            )
            return None
        # Text that is not UTF-8 never gets here: config.middleware refuses it for the admin.
        form = RejectionForm(request.POST if "post" in request.POST else None)
        if form.is_bound and form.is_valid():
            apply_to_selection(
                self,
                request,
                selected,
                lambda correction: correction_requests.correction_reject(
                    correction=correction, editor=request.user, note=form.cleaned_data["note"]
                ),
                refusals=(ValidationError, IllegalTransition, PermissionDenied),
                unchanged=NothingChanged,
                label=lambda correction: f"“{correction.verdict.claim}”",
                done="Rejected {count} correction(s): each verdict stays as published.",
                nothing="Nothing was rejected",
            )
            return None  # back to the list, with the messages
        return action_page(
            self,
            request,
            "claims/admin/reject_corrections.html",
            title="Reject the selected corrections",
            selected=selected,
            status=400 if form.is_bound else 200,
            form=form,
        )
