"""Speakers, claims, their sentences and workflow events."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef
from django.forms.models import BaseInlineFormSet
from simple_history.admin import SimpleHistoryAdmin

from articles.admin import ArticleTextUnreadMixin
from config.admin_actions import (
    LookupCheckedMixin,
    PluralNamesMixin,
    RefusedActionMixin,
    SeparatedCountsMixin,
    plural_name,
)
from config.admin_paging import LargeChangelistMixin
from config.queries import row_count

from .. import attribution, selectors, services, speaker_edits
from ..matching.linking import SWEEP_WINDOW, claims_given_up
from ..models import (
    Claim,
    ClaimEvent,
    ClaimNote,
    Sentence,
    Speaker,
    SpeakerAlias,
    SpeakerMerge,
    Verdict,
    VerdictApplication,
)
from ..text_cuts import title_cut
from ..workflow import IllegalTransition, NothingChanged
from .base import (
    AutocompleteIdsCheckedMixin,
    HistoryReadOnlyMixin,
    PublishedRecordDeleteMixin,
    ReadOnlyAdminMixin,
    ReadOnlyInlineMixin,
    ScoreRangeFilter,
    ServiceSaveAdminMixin,
    apply_to_selection,
    search_terms,
)

# --- Speakers ----------------------------------------------------------------------------------


class SpeakerAliasFormSet(BaseInlineFormSet):
    """A spelling belongs to one speaker: say which one has it, rather than fail on save."""

    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            alias = form.cleaned_data.get("alias")
            if not alias:
                continue
            key = services.speaker_key(alias)
            if not key:
                form.add_error("alias", "A spelling needs letters or digits.")
                continue
            owner = SpeakerAlias.objects.filter(key=key).exclude(pk=form.instance.pk).first()
            if key in seen or (owner is not None and owner.speaker_id != self.instance.pk):
                holder = owner.speaker.name if owner is not None else "another row here"
                form.add_error("alias", f"{alias!s} is already a spelling of {holder}.")
            elif owner is not None:
                form.add_error("alias", f"{alias!s} is already one of this speaker's spellings.")
            seen.add(key)


class SpeakerAliasInline(admin.TabularInline):
    model = SpeakerAlias
    verbose_name_plural = plural_name(SpeakerAlias)  # not the model's "speaker aliass"
    formset = SpeakerAliasFormSet
    fields = ["alias", "key"]
    readonly_fields = ["key"]
    extra = 0


@admin.register(Speaker)
class SpeakerAdmin(
    SeparatedCountsMixin,
    RefusedActionMixin,
    LookupCheckedMixin,
    PluralNamesMixin,
    LargeChangelistMixin,
    HistoryReadOnlyMixin,
    PublishedRecordDeleteMixin,
    SimpleHistoryAdmin,
):
    """Changing a speaker needs `change_speaker` (editors) and leaves a history record. Once a
    claim of the speaker is on record (a verdict in review or published), its name, role and
    kind are read-only here: they are corrected on the desk's speaker page, which records the
    editor as a contributor and, for published fact-checks, asks for a public note
    (claims.speaker_edits). Its slug too: the API and the desk's links carry it."""

    RECORD_FIELDS = ["name", "slug", "role", "kind"]

    list_display = ["name", "role", "kind", "claim_count"]
    list_filter = ["kind"]
    search_fields = ["name", "role", "aliases__alias"]
    # Through get_prepopulated_fields only: simple-history's version page reads this attribute
    # as is, and a name read-only there (on record) made it a 500.
    prepopulated_fields = {}
    inlines = [SpeakerAliasInline]

    def get_queryset(self, request):
        # A count a row, as a subquery: PostgreSQL runs it for the page's rows only, where
        # Count("claims") grouped every claim before the LIMIT, on each change list and on
        # every keystroke of the claim form's speaker search (which reads this too). Ordered
        # to the end, so the search pages in a stable order.
        claims = Claim.objects.filter(speaker=OuterRef("pk"))
        counted = super().get_queryset(request).annotate(_claim_count=row_count(claims))
        return counted.order_by(*Speaker._meta.ordering, "pk")

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and speaker_edits.speaker_on_record(obj):
            fields += self.RECORD_FIELDS
        return fields

    def get_prepopulated_fields(self, request, obj=None):
        if obj is not None and speaker_edits.speaker_on_record(obj):
            return {}  # its name is read-only
        return {"slug": ["name"]}

    def change_view(self, request, object_id, form_url="", extra_context=None):
        speaker = self.get_object(request, object_id)
        if request.method == "GET" and speaker and speaker_edits.speaker_on_record(speaker):
            messages.info(
                request,
                f"{speaker.name} is named on claims in review or published: correct the name, "
                "role or kind on the desk's speaker page.",
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if change and set(form.changed_data) & set(self.RECORD_FIELDS):
            # The form was drawn before a claim went on record: keep what the record shows.
            locked = Speaker.objects.select_for_update().get(pk=obj.pk)
            if speaker_edits.speaker_on_record(locked):
                for field in self.RECORD_FIELDS:
                    setattr(obj, field, getattr(locked, field))
                messages.warning(
                    request,
                    f"{locked.name} went on the record meanwhile: its name, slug, role and kind "
                    "are unchanged; correct them on the desk's speaker page.",
                )
            else:
                # A draft of its claims would publish the new name: the editor becomes a
                # contributor, as a rename on the desk makes them (speaker_edits.speaker_edit),
                # so another editor publishes it. The speaker's lock, held, is publishing's too.
                services.attribution_contributions_record(
                    claim_ids=list(obj.claims.values_list("pk", flat=True)), actor=request.user
                )
        super().save_model(request, obj, form, change)

    @admin.display(description="Claims", ordering="_claim_count")
    def claim_count(self, speaker):
        return speaker._claim_count

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Analysis finds speakers by their spellings: a speaker added or renamed here answers
        # to its name, unless another speaker already does.
        speaker = form.instance
        key = services.speaker_key(speaker.name)
        if key and not SpeakerAlias.objects.filter(key=key).exists():
            SpeakerAlias.objects.create(speaker=speaker, alias=speaker.name, key=key)

    def save_formset(self, request, form, formset, change):
        aliases = formset.save(commit=False)
        for alias in aliases:
            alias.key = services.speaker_key(alias.alias)
            alias.save()
        for deleted in formset.deleted_objects:
            deleted.delete()


@admin.register(SpeakerMerge)
class SpeakerMergeAdmin(
    SeparatedCountsMixin,
    RefusedActionMixin,
    LookupCheckedMixin,
    ReadOnlyAdminMixin,
    admin.ModelAdmin,
):
    """Merges are made and undone on the desk's speaker pages (claims.speaker_merges)."""

    list_display = ["source_name", "target", "actor", "created_at", "undone_by", "undone_at"]
    search_fields = ["source_name", "target__name"]
    list_select_related = ["target", "actor", "undone_by"]


@admin.register(VerdictApplication)
class VerdictApplicationAdmin(
    SeparatedCountsMixin,
    RefusedActionMixin,
    LookupCheckedMixin,
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


@admin.register(Claim)
class ClaimAdmin(
    LargeChangelistMixin,
    ArticleTextUnreadMixin,
    SeparatedCountsMixin,
    RefusedActionMixin,
    LookupCheckedMixin,
    AutocompleteIdsCheckedMixin,
    HistoryReadOnlyMixin,
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

    def save_model(self, request, obj, form, change):
        attribution_changed = {"speaker", "attribution_cue", "is_direct_quote"} & set(
            form.changed_data
        )
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
        except (ValidationError, IllegalTransition) as error:
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
    SeparatedCountsMixin,
    RefusedActionMixin,
    LookupCheckedMixin,
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
    SeparatedCountsMixin,
    RefusedActionMixin,
    LookupCheckedMixin,
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
