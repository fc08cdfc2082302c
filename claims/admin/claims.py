"""Claims, their sentences and workflow events, and requests to apply a verdict to a repeat.
Speakers are in speakers.py."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from simple_history.admin import SimpleHistoryAdmin

from articles.admin import ArticleTextUnreadMixin, DeskAdminMixin, StorableTextAdminMixin
from config.admin_actions import (
    LookupCheckedMixin,
    RefusedActionMixin,
    SeparatedCountsMixin,
)
from config.admin_paging import LargeChangelistMixin

from .. import attribution, ownership, selectors, services
from ..matching.linking import SWEEP_WINDOW, claims_given_up
from ..models import (
    Claim,
    ClaimEvent,
    ClaimNote,
    Sentence,
    Verdict,
    VerdictApplication,
)
from ..text_cuts import title_cut
from ..workflow import IllegalTransition, NothingChanged
from .base import (
    AutocompleteIdsCheckedMixin,
    ChangePageReadOnceMixin,
    HistoryReadOnlyMixin,
    PublishedRecordDeleteMixin,
    ReadOnlyAdminMixin,
    ReadOnlyInlineMixin,
    ScoreRangeFilter,
    ServiceSaveAdminMixin,
    apply_to_selection,
    search_terms,
)


@admin.register(VerdictApplication)
class VerdictApplicationAdmin(
    DeskAdminMixin,
    ReadOnlyAdminMixin,
    admin.ModelAdmin,
):
    """Requests to apply a published verdict to a repeat are made, approved, rejected and
    withdrawn on the desk (claims.matching.applications): an approval changes a public
    fact-check, so it goes through the editor's check there, never through a form here."""

    list_display = ["claim", "checked", "status", "proposed_by", "proposed_at", "decided_by"]
    list_filter = ["status"]
    list_select_related = ["claim", "checked", "proposed_by", "decided_by"]


# --- Claims ------------------------------------------------------------------------------------


class VerdictInline(ReadOnlyInlineMixin, admin.StackedInline):
    model = Verdict
    fields = ["status", "rating", "conclusion", "author", "editor", "published_at", "version"]
    show_change_link = True


class ClaimEventInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = ClaimEvent
    fields = ["created_at", "kind", "from_status", "to_status", "actor", "note"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class ClaimNoteInline(ReadOnlyInlineMixin, admin.TabularInline):
    """The desk's research notes, for those who may read them (view_claimnote): written and
    taken back on the claim page (claims.notes), which records the removal."""

    model = ClaimNote
    fields = ["created_at", "author", "text", "link"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")


class VectorFilter(admin.SimpleListFilter):
    """Claims without a vector have no "seen before" and are never linked to their repeats. The
    beat's sweeper sends their matching again for a day; after that only this list shows them,
    and its "Send matching again" action (or `manage.py requeue_matching`) sends them."""

    title = "vector"
    parameter_name = "vector"
    GIVEN_UP = "given_up"

    def lookups(self, request, model_admin):
        days = SWEEP_WINDOW.days
        return [
            ("missing", "Missing"),
            (self.GIVEN_UP, f"Missing after {days} day{'s' if days != 1 else ''}: not retried"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "missing":
            return queryset.filter(embedding__isnull=True)
        if self.value() == self.GIVEN_UP:
            return claims_given_up(claims=queryset)
        return queryset


# Who said a claim: the assignee's to correct (claims.ownership), through the attribution service.
ATTRIBUTION_FIELDS = ("speaker", "attribution_cue", "is_direct_quote")


@admin.register(Claim)
class ClaimAdmin(
    StorableTextAdminMixin,
    LargeChangelistMixin,
    ArticleTextUnreadMixin,
    SeparatedCountsMixin,
    RefusedActionMixin,
    LookupCheckedMixin,
    AutocompleteIdsCheckedMixin,
    HistoryReadOnlyMixin,
    ChangePageReadOnceMixin,
    ServiceSaveAdminMixin,
    PublishedRecordDeleteMixin,
    SimpleHistoryAdmin,
):
    list_display = ["short_text", "speaker", "check_worthiness", "status", "assignee", "outlet"]
    list_filter = [
        "status",
        ScoreRangeFilter,
        "origin",
        VectorFilter,
        # Not by speaker: thousands of them would be a sidebar nobody reads; search finds
        # a speaker by name or any spelling.
        # Every outlet and user, not only those on claims: "only those" read every claim
        # (SELECT DISTINCT over the table) each time the list was drawn.
        "article__outlet",
        "assignee",
        # Not a date hierarchy: its years are a DISTINCT over every claim at each page.
        ("created_at", admin.DateFieldListFilter),
    ]
    # What get_search_results searches (selectors.claims_containing), kept here for the search
    # box and Django's checks.
    search_fields = [
        "text",
        "speaker__name",
        "speaker__aliases__alias",
        "article__title",
        "article__outlet__name",
    ]
    search_help_text = (
        "Finds the claims where every word appears, in any case, in the claim, its speaker's "
        "name or any spelling of it, its article's title or its outlet's name."
    )
    list_select_related = ["speaker", "assignee", "article__outlet"]
    # Newest first, along the primary key: the model's order (priority, score, time) has no
    # index without a status (claim_queue_idx leads with it), so each page sorted every claim.
    ordering = ["-pk"]
    readonly_fields = [
        "article",
        "start",
        "end",
        "text",
        "check_worthiness",
        "model_version",
        "origin",
        "status",
        "assignee",
        "dismissal_reason",
        "created_at",
        "updated_at",
    ]
    fields = [
        *readonly_fields[:3],
        "text",
        "speaker",
        "attribution_cue",
        "is_direct_quote",
        *readonly_fields[4:],
        "priority",
    ]
    autocomplete_fields = ["speaker"]
    inlines = [VerdictInline, ClaimNoteInline, ClaimEventInline]
    actions = ["assign_to_me", "send_matching_again"]

    @admin.display(description="Claim")
    def short_text(self, claim):
        return title_cut(claim.text, 90)

    @admin.display(description="Outlet", ordering="article__outlet__name")
    def outlet(self, claim):
        return claim.article.outlet

    def has_add_permission(self, request):
        return False  # claims come from analysis, or from a sentence on the review desk

    def get_search_results(self, request, queryset, search_term):
        # What Django's search over search_fields finds, word by word, but as a union of one
        # indexed query a field: its OR across five joined tables read every claim.
        for term in search_terms(search_term):
            queryset = selectors.claims_containing(queryset, term)
        return queryset, False

    def has_change_permission(self, request, obj=None):
        # Submitted or published: part of the record, changed only by a correction.
        if obj is not None and obj.is_record_locked:
            return False
        return super().has_change_permission(request, obj)

    def _speaker_refusal(self, request, claim) -> str | None:
        """Why the user may not change who said `claim` (claims.ownership), or None."""
        if claim is None:
            return None
        return ownership.claim_work_refusal(claim=claim, user=request.user, work="speaker")

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        # A form drawn while the user might still change them (the colleague took the claim
        # since) posts these: kept in the form, so save_model's service refuses the change in
        # its words, where Django would drop it unseen under "changed successfully". That
        # service check (claims.attribution, ownership.claim_work_check) is what guards the change.
        posted = request.method == "POST" and any(
            name in request.POST for name in ("speaker", "attribution_cue")
        )
        if not posted and self._speaker_refusal(request, obj):
            fields += [name for name in ATTRIBUTION_FIELDS if name not in fields]
        return fields

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Unquoted as Django's form view reads it, so the two share the read (on a GET).
        claim = self.get_object(request, unquote(object_id)) if request.method == "GET" else None
        # Not on a claim whose record is fixed: nobody changes its speaker here.
        if claim is not None and self.has_change_permission(request, claim):
            refusal = self._speaker_refusal(request, claim)
            if refusal:  # says who holds the claim, above the fields it leaves read-only
                self.message_user(request, refusal, level=messages.INFO)
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        attribution_changed = set(ATTRIBUTION_FIELDS) & set(form.changed_data)
        try:
            if attribution_changed:
                try:
                    attribution.claim_attribution_edit(
                        claim=obj,
                        actor=request.user,
                        speaker=obj.speaker,
                        attribution_cue=obj.attribution_cue,
                        is_direct_quote=obj.is_direct_quote,
                    )
                except NothingChanged as unchanged:  # a cue that differed in spaces only
                    self.message_user(request, str(unchanged), level=messages.INFO)
            if "priority" in form.changed_data:
                Claim.objects.filter(pk=obj.pk).update(priority=obj.priority)
        except (ValidationError, IllegalTransition, PermissionDenied) as error:
            # PermissionDenied: a colleague's claim, whose speaker is theirs (claims.ownership).
            self.save_refused(request, error)

    @admin.action(description="Assign to me", permissions=["change"])
    def assign_to_me(self, request, queryset):
        apply_to_selection(
            self,
            request,
            queryset.order_by("pk"),
            lambda claim: services.claim_assign(claim=claim, actor=request.user),
            refusals=(IllegalTransition, ValidationError, PermissionDenied),
            unchanged=NothingChanged,
            label=lambda claim: f"“{claim}”",
            done="Assigned {count} claim(s) to you.",
            nothing="Nothing was assigned",
        )

    @admin.action(
        description="Send matching again (claims without a vector)", permissions=["change"]
    )
    def send_matching_again(self, request, queryset):
        from ..tasks import matching_resend  # imported on use, as in ClaimsConfig

        resent = matching_resend(claims=queryset)
        if resent.sent:
            self.message_user(
                request,
                f"Matching sent for {len(resent.sent):,} article(s); their claims get a vector "
                "once the worker has run.",
                messages.SUCCESS,
            )
        elif not resent.unsent:
            self.message_user(
                request, "Nothing to send: every selected claim has a vector.", messages.INFO
            )
        if resent.unsent:
            self.message_user(
                request,
                f"The task queue is unreachable: matching not sent for {len(resent.unsent):,} "
                "article(s). Try again once it is back.",
                messages.ERROR,
            )
        if resent.left:
            self.message_user(
                request,
                f"{resent.left:,} more article(s) wait: run the action again.",
                messages.WARNING,
            )


@admin.register(Sentence)
class SentenceAdmin(
    DeskAdminMixin,
    LargeChangelistMixin,
    ArticleTextUnreadMixin,
    ReadOnlyAdminMixin,
    admin.ModelAdmin,
):
    """Read-only: sentences are rewritten by each analysis."""

    # The unique (article, index) is a total order the database reads from its index; the
    # model's (article, start) needed every sentence sorted for each page.
    ordering = ["article", "index"]
    list_display = ["text", "article", "speaker", "attribution_cue", "check_worthiness"]
    list_filter = [
        ScoreRangeFilter,
        "is_direct_quote",
    ]
    search_fields = ["text", "article__title", "speaker__name", "speaker__aliases__alias"]
    list_select_related = ["article", "speaker"]


@admin.register(ClaimEvent)
class ClaimEventAdmin(
    DeskAdminMixin,
    LargeChangelistMixin,
    ReadOnlyAdminMixin,
    admin.ModelAdmin,
):
    list_display = ["created_at", "kind", "claim", "actor", "from_status", "to_status"]
    # As on claims: every user, dates without a hierarchy (each a scan of every event).
    list_filter = ["kind", "actor", "created_at"]
    search_fields = ["claim__text", "note"]
    list_select_related = ["claim", "actor"]
    ordering = ["-pk"]  # newest first on the primary key; created_at has no index of its own
