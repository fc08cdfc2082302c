"""Verdicts with their evidence sources and corrections (corrections.py), and the rating scales."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Min
from simple_history.admin import SimpleHistoryAdmin

from articles.admin import DeskAdminMixin, StorableTextAdminMixin
from articles.services import visible_text
from config.admin_actions import LookupCheckedMixin, RefusedActionMixin, SeparatedCountsMixin
from config.admin_paging import LargeChangelistMixin

from .. import ownership, record, selectors, verdict_conflicts, verdicts
from ..forms import text_limit
from ..limits import evidence_note_length, explanation_length
from ..models import (
    EvidenceSource,
    Rating,
    RatingScale,
    Verdict,
    VerdictStatus,
)
from ..timeline import verdict_version_contributions
from ..timeline_entries import version_saved_by, version_saver, version_writers
from ..workflow import IllegalTransition
from .base import (
    ChangePageReadOnceMixin,
    HistoryReadOnlyMixin,
    PublishedRecordDeleteMixin,
    ReadOnlyAdminMixin,
    ServiceSaveAdminMixin,
    apply_to_selection,
    inlines_saved_nothing,
    search_terms,
)
from .corrections import CorrectionInline
from .publishing import beside_posted, second_fact_checks_confirmation
from .wording import pending_correction_html

# --- Verdicts ----------------------------------------------------------------------------------


class EvidenceSourceAdminForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "note" in self.fields:
            text_limit(self.fields["note"], evidence_note_length)


class _SourceIdField(forms.ModelChoiceField):
    """A row's id that is gone reads as no id: the service rewrites every source on each save,
    so a second tab's rows name ids that no longer exist, and Django's "Select a valid choice"
    on a hidden field left the page saying "correct the error below" with no error shown."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError:
            return None


class EvidenceSourceFormSet(forms.BaseInlineFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        pk_name = self.model._meta.pk.name
        given = form.fields[pk_name]
        form.fields[pk_name] = _SourceIdField(
            given.queryset, initial=given.initial, required=False, widget=given.widget
        )

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        if form.instance.pk is None:  # its id is gone: the row is read as a new one
            form.fields[self.model._meta.pk.name].required = False
        return form


class EvidenceSourceInline(StorableTextAdminMixin, admin.TabularInline):
    """Edited with a draft and saved by the same service as the desk; fixed once submitted."""

    model = EvidenceSource
    form = EvidenceSourceAdminForm
    formset = EvidenceSourceFormSet
    fields = ["url", "title", "note", "accessed_on"]
    extra = 1

    def _editable(self, obj) -> bool:
        return obj is None or not obj.is_locked

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)


class VerdictAdminForm(forms.ModelForm):
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Verdict
        fields = ["rating", "conclusion", "explanation"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version
        if "rating" in self.fields:
            self.fields["rating"].queryset = Rating.objects.filter(scale__is_active=True)
        if "explanation" in self.fields:
            text_limit(self.fields["explanation"], explanation_length)

    def clean(self):
        cleaned = super().clean()
        expected = cleaned.get("expected_version")
        current = (
            Verdict.objects.select_related("claim__assignee").filter(pk=self.instance.pk).first()
        )
        if current is None:
            return cleaned
        # A colleague took the claim since the page was drawn: said before a stale version, in
        # the claim page's words (the service's own check, claims.verdicts). Even for the same
        # wording: this form cannot see the sources, and the service's refusal of changed
        # sources would come after the page was left, taking the typed rows with it.
        taken = verdict_conflicts.taken_over(
            current.claim, current, actor=self.actor, expected_version=expected
        )
        if taken is not None:
            raise ValidationError(str(taken))
        if expected is not None and current.version != expected:
            sent = (
                cleaned.get("rating"),
                visible_text(cleaned.get("conclusion", "")),
                visible_text(cleaned.get("explanation", "")),
            )
            # The same text may be this form sent twice: the service, which sees the sources
            # too, tells that from a conflict. Other text is refused here, the form kept.
            if sent != (current.rating, current.conclusion, current.explanation):
                raise ValidationError(
                    verdict_conflicts.version_conflict(
                        current, actor=self.actor, draft=True
                    ).messages
                )
        return cleaned


@admin.register(Verdict)
class VerdictAdmin(
    StorableTextAdminMixin,
    LargeChangelistMixin,
    SeparatedCountsMixin,
    RefusedActionMixin,
    LookupCheckedMixin,
    HistoryReadOnlyMixin,
    ChangePageReadOnceMixin,
    ServiceSaveAdminMixin,
    PublishedRecordDeleteMixin,
    SimpleHistoryAdmin,
):
    form = VerdictAdminForm
    list_display = ["claim", "rating", "status", "author", "editor", "published_at"]
    list_filter = ["status", "rating", "published_at"]
    # What get_search_results searches (selectors.verdicts_containing), kept here for the
    # search box and Django's checks.
    search_fields = [
        "claim__text",
        "conclusion",
        "explanation",
        "claim__speaker__name",
        "claim__speaker__aliases__alias",
        "claim__article__title",
        "claim__article__outlet__name",
    ]
    search_help_text = (
        "Finds the verdicts where every word appears, in any case, in the conclusion, the "
        "explanation, the claim, its speaker's name or any spelling of it, its article's title "
        "or its outlet's name."
    )
    list_select_related = ["claim", "rating", "author", "editor"]
    ordering = ["-updated_at", "-pk"]  # what the desk touched last
    # No date hierarchy: its years are a DISTINCT over every verdict; the published_at filter
    # narrows by date without reading the table.
    readonly_fields = [
        "claim",
        "status",
        "author",
        "editor",
        "submitted_at",
        "published_at",
        "version",
        "review_comment",
        "updated_by",
        "correction_waiting",
    ]
    fields = [
        "claim",
        "rating",
        "conclusion",
        "explanation",
        "expected_version",
        *readonly_fields[1:],
    ]
    inlines = [EvidenceSourceInline, CorrectionInline]
    actions = ["submit_for_review", "publish"]
    object_history_list_template = "claims/admin/verdict_history_list.html"
    action_refusals = {
        "publish": "Only editors approve and publish verdicts: nothing was published.",
    }

    def has_add_permission(self, request):
        return False  # a verdict is drafted from its claim on the review desk

    def get_search_results(self, request, queryset, search_term):
        # As the claims' search (ClaimAdmin): Django's OR across the joins read every claim.
        for term in search_terms(search_term):
            queryset = selectors.verdicts_containing(queryset, term)
        return queryset, False

    def has_change_permission(self, request, obj=None):
        # Submitted or published: only review and the correction path change it.
        if obj is not None and obj.is_locked:
            return False
        # A colleague's claim: shown read-only, as the desk shows it (claims.ownership). Not
        # for a save: a claim taken over while its page was open is refused by the form, which
        # says who took it and keeps the typed text, where a 403 here lost both. The save
        # itself is refused again by the service (verdicts._draft_write: taken_over and
        # claim_work_check), which any other POST handler here must go through too.
        if obj is not None and request.method != "POST" and self._held_refusal(request, obj):
            return False
        return super().has_change_permission(request, obj)

    def _held_refusal(self, request, verdict) -> str | None:
        return ownership.claim_work_refusal(claim=verdict.claim, user=request.user, work="draft")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # A GET only: a POST shows no message, and its save reads the row in its transaction.
        verdict = self.get_object(request, unquote(object_id)) if request.method == "GET" else None
        if verdict is not None and not verdict.is_locked:
            refusal = self._held_refusal(request, verdict)
            if refusal:
                self.message_user(request, refusal, level=messages.INFO)
        return super().change_view(request, object_id, form_url, extra_context)

    def has_publish_permission(self, request):
        return request.user.has_perm("claims.publish_verdict")

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if not self.has_change_permission(request, obj):
            fields = [name for name in fields if name != "expected_version"]
        # Only a published verdict is corrected, and only the desk's roles read corrections.
        if not (
            obj is not None
            and obj.is_published
            and request.user.has_perm("claims.view_correctionrequest")
        ):
            fields = [name for name in fields if name != "correction_waiting"]
        return fields

    @admin.display(description="Correction waiting")
    def correction_waiting(self, verdict):
        return pending_correction_html(verdict)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.actor = request.user  # a class made for this request: the stale check names "you"
        return form

    def set_history_delta_changes(self, request, historical_records, **kwargs):
        # simple-history's one hook over the page's versions: each also says who wrote its
        # content where that is not who saved it ("Changed by": an approved correction's
        # editor), as the desk's history does (claims.timeline_entries.version_byline). A
        # version saved outside a request (a task, a command) has no history_user: "Changed
        # by" names whom the service saved it for, as the desk's history does, not "None".
        # Who wrote a version is said on the record that made it (the first of its number), as
        # the desk's history says it: a later save that kept the number (a timestamp, in rows
        # from before every save counted one) was nobody's writing. The change reason is the
        # event that saved the record (claims.workflow.transition); rows from before it was
        # kept have none, and read "—" rather than "None".
        super().set_history_delta_changes(request, historical_records, **kwargs)
        versions = list(historical_records)
        verdict_ids = sorted({version.id for version in versions})
        contributions = verdict_version_contributions(verdict_ids)
        firsts = set(
            Verdict.history.filter(id__in=verdict_ids)
            .order_by()
            .values("id", "version")
            .annotate(first=Min("history_id"))
            .values_list("first", flat=True)
        )
        for version in versions:
            version.history_user = version_saved_by(version)
            version.history_change_reason = version.history_change_reason or "—"
            if version.history_id not in firsts:
                continue
            of_version = contributions.get(version.id, {}).get(version.version, [])
            published = version.status == VerdictStatus.PUBLISHED
            writers = version_writers(of_version, published=published)
            if writers and writers != [version_saver(version)]:
                version.written_by = writers

    def save_model(self, request, obj, form, change):
        pass  # saved with its sources in save_related, through the desk's service

    def save_related(self, request, form, formsets, change):
        sources = [
            {
                "url": row.cleaned_data["url"],
                "title": row.cleaned_data["title"],
                "note": row.cleaned_data.get("note", ""),
                "accessed_on": row.cleaned_data.get("accessed_on"),
            }
            for formset in formsets
            if formset.model is EvidenceSource
            for row in formset.forms
            if row.cleaned_data.get("url") and not row.cleaned_data.get("DELETE")
        ]
        inlines_saved_nothing(formsets)  # the service saves them
        try:
            verdicts.verdict_save(
                claim=form.instance.claim,
                actor=request.user,
                expected_version=form.cleaned_data.get("expected_version"),
                rating=form.cleaned_data.get("rating"),
                conclusion=form.cleaned_data.get("conclusion", ""),
                explanation=form.cleaned_data.get("explanation", ""),
                sources=sources,
            )
        except verdict_conflicts.TakenOver as taken:
            # Taken over between the form's check and the save: the admin answers a refused
            # save with the change page drawn afresh, the typed text gone.
            self.save_refused(request, PermissionDenied(taken.not_kept))
        except (ValidationError, IllegalTransition, PermissionDenied) as error:
            self.save_refused(request, error)

    @admin.action(description="Submit for review", permissions=["change"])
    def submit_for_review(self, request, queryset):
        self._apply(
            request,
            queryset,
            lambda v: verdicts.verdict_submit(verdict=v, actor=request.user),
            done="Submitted {count} verdict(s) for review.",
            nothing="Nothing was submitted",
        )

    @admin.action(description="Approve and publish", permissions=["publish"])
    def publish(self, request, queryset):
        confirmation = second_fact_checks_confirmation(self, request, queryset)
        if confirmation is not None:
            return confirmation
        self._apply(
            request,
            queryset,
            lambda v: verdicts.verdict_publish(
                verdict=v, editor=request.user, beside=beside_posted(request, v)
            ),
            done="Published {count} verdict(s).",
            nothing="Nothing was published",
        )
        return None

    def _apply(self, request, queryset, action, *, done, nothing):
        apply_to_selection(
            self,
            request,
            queryset.select_related("claim").order_by("pk"),
            action,
            refusals=(ValidationError, IllegalTransition, PermissionDenied),
            label=lambda verdict: f"“{verdict.claim}”",
            done=done,
            nothing=nothing,
        )


@admin.register(EvidenceSource)
class EvidenceSourceAdmin(
    DeskAdminMixin,
    LargeChangelistMixin,
    HistoryReadOnlyMixin,
    ReadOnlyAdminMixin,
    SimpleHistoryAdmin,
):
    """Read-only: sources change with their verdict's draft, or through a correction."""

    list_display = ["title", "url", "verdict", "accessed_on"]
    search_fields = ["title", "url", "note"]
    list_select_related = ["verdict__claim", "verdict__rating"]


class RatingForm(forms.ModelForm):
    """A rating's label, slug, value and colour are what its published verdicts show (pages,
    API, ClaimReview): once one uses it they are fixed, so the published record keeps what was
    published. A new wording is a new rating."""

    PUBLISHED_FIELDS = ("label", "slug", "value", "colour")

    class Meta:
        model = Rating
        fields = ["label", "slug", "value", "colour", "description"]

    def clean(self):
        cleaned = super().clean()
        changed = [name for name in self.PUBLISHED_FIELDS if name in self.changed_data]
        if self.instance.pk and changed and record.rating_in_published_use(rating=self.instance):
            raise ValidationError(
                f"“{self.instance}” is the rating of published verdicts: its "
                f"{', '.join(changed)} cannot change (a published verdict changes only through "
                "a correction). Add a new rating instead."
            )
        return cleaned


class RatingFormSet(forms.BaseInlineFormSet):
    """The scale's ends (its lowest and highest value) are every published ClaimReview's
    worstRating and bestRating on it: a rating added, revalued or removed may not move them
    once published verdicts use the scale, or each of those fact-checks would change with no
    correction. Ratings between the ends come and go as before."""

    def clean(self):
        super().clean()
        scale = self.instance
        if not scale.pk or any(self.errors) or not record.scale_in_published_use(scale=scale):
            return
        before = list(scale.ratings.values_list("value", flat=True))
        after = [
            form.cleaned_data["value"]
            for form in self.forms
            if form.cleaned_data.get("value") is not None and not self._should_delete_form(form)
        ]
        if before and (not after or (min(after), max(after)) != (min(before), max(before))):
            raise ValidationError(
                f"Published fact-checks on {scale} give their rating on a scale from "
                f"{min(before)} to {max(before)} (ClaimReview's worstRating and bestRating): "
                "these changes cannot move those ends (a published verdict changes only "
                "through a correction). Start a new scale instead."
            )


class RatingInline(StorableTextAdminMixin, admin.TabularInline):
    model = Rating
    form = RatingForm
    formset = RatingFormSet
    fields = ["label", "slug", "value", "colour", "description"]
    extra = 0


@admin.register(RatingScale)
class RatingScaleAdmin(
    DeskAdminMixin,
    admin.ModelAdmin,
):
    list_display = ["name", "is_active"]
    inlines = [RatingInline]

    # The public rating filter's choices are cached under the published generation
    # (selectors.published_rating_choices): a scale activated or removed, or a rating added,
    # renamed or removed, moves it on once the save commits, so the index and the API offer
    # the ratings as they now are.
    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        transaction.on_commit(record.published_changed)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        transaction.on_commit(record.published_changed)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        transaction.on_commit(record.published_changed)
