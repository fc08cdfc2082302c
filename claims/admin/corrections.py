"""Corrections of published verdicts: the requests waiting for an editor, and the published
corrections shown on their verdict. Both are written on the claim page (where the old wording is
kept beside the new); here they are read, each beside the wording it corrects (wording.py), and
an editor publishes requests through the same service as the desk
(claims.correction_requests), four-eyes rule and all."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import format_html

from articles.admin import DeskAdminMixin
from config.admin_paging import LargeChangelistMixin

from .. import correction_requests
from ..models import Correction, CorrectionRequest
from ..text_cuts import title_cut
from ..workflow import IllegalTransition, NothingChanged
from .base import ReadOnlyAdminMixin, ReadOnlyInlineMixin, apply_to_selection
from .wording import wording_compared


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


@admin.register(CorrectionRequest)
class CorrectionRequestAdmin(
    DeskAdminMixin,
    LargeChangelistMixin,
    ReadOnlyAdminMixin,
    admin.ModelAdmin,
):
    """Read-only: a correction is written on its claim's page, with the verdict's wording
    beside it. The one change made here is an editor's "Publish selected corrections"."""

    list_display = [
        "claim_text",
        "verdict",
        "status",
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
        "status",
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
    actions = ["publish"]
    action_refusals = {"publish": "Only editors publish corrections: nothing was published."}

    @admin.display(description="Claim", ordering="verdict__claim__text")
    def claim_text(self, correction):
        return title_cut(correction.verdict.claim.text, 90)

    @admin.display(description="Claim page")
    def claim_page(self, correction):
        url = reverse("claims:detail", args=[correction.verdict.claim_id])
        return format_html('<a href="{}">Claim #{}</a>', url, correction.verdict.claim_id)

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
