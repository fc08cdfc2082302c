from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import HttpResponseRedirect
from simple_history.admin import SimpleHistoryAdmin

from articles.models import Article, SourceKind
from articles.services import (
    ARTICLE_RECORD_FIELDS,
    article_clean,
    article_edit_clean,
    article_is_record_locked,
    article_queue_analysis,
    article_submit,
    article_update,
)

from . import services, verdicts
from .api.auth import token_create, token_revoke
from .models import (
    ApiToken,
    Claim,
    ClaimEvent,
    Correction,
    EvidenceSource,
    Rating,
    RatingScale,
    Sentence,
    Speaker,
    SpeakerAlias,
    Verdict,
)
from .workflow import IllegalTransition


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


# --- Articles ----------------------------------------------------------------------------------
# Registered here rather than in articles/admin.py because it shows sentences and claims and
# queues analyses, and articles/ must not depend on claims/.


class ArticleAddForm(forms.ModelForm):
    body = forms.CharField(widget=forms.Textarea, required=False, help_text="Paste the text…")
    body_file = forms.FileField(
        required=False, label="…or upload a UTF-8 text file", help_text="Plain text (.txt)."
    )
    outlet_name = forms.CharField(required=False, label="Outlet name")

    class Meta:
        model = Article
        fields = ["title", "url", "byline", "published_at", "language"]

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("body_file")
        body = upload.read() if upload else cleaned.get("body", "")
        try:
            clean = article_clean(
                title=cleaned.get("title", ""),
                body=body,
                url=cleaned.get("url", ""),
                source_kind=SourceKind.PASTED,
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, field_errors in error.error_dict.items():
                    self.add_error(field if field in self.fields else None, field_errors)
            else:
                self.add_error(None, error)
        else:
            cleaned["body"] = clean.body
        return cleaned


class ArticleChangeForm(forms.ModelForm):
    """An edit is validated as a new article is: normalised URL, no other article's URL."""

    class Meta:
        model = Article
        fields = ["title", "outlet", "url", "byline", "published_at", "language"]

    def clean(self):
        cleaned = super().clean()
        # A locked article's title and URL are read-only fields: not in the form at all.
        title = cleaned.get("title", "") if "title" in self.fields else self.instance.title
        url = cleaned.get("url", "") if "url" in self.fields else self.instance.url
        try:
            cleaned["title"], cleaned["url"] = article_edit_clean(
                article=self.instance, title=title, url=url
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, field_errors in error.error_dict.items():
                    self.add_error(field if field in self.fields else None, field_errors)
            else:
                self.add_error("url", error)
        return cleaned


class PublishedRecordDeleteMixin:
    """A published verdict changes only through a correction: the admin deletes nothing it
    stands on. The confirmation page lists the published verdicts as protected and says why,
    which also stops the bulk "delete selected" action."""

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        refusal = verdicts.record_delete_refusal(objects=objs)
        if refusal:
            published = verdicts.published_verdicts_of(objects=objs)
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
        refusal = verdicts.record_delete_refusal(objects=objs)
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
            request, "Nothing was saved: " + "; ".join(_messages(error)), level=messages.ERROR
        )

    def response_change(self, request, obj):
        if getattr(request, "_service_save_refused", False):
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)


class SentenceInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = Sentence
    fields = ["index", "text", "speaker", "attribution_cue", "check_worthiness"]


class ClaimInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = Claim
    fields = ["text", "speaker", "check_worthiness", "status", "assignee"]
    show_change_link = True


@admin.register(Article)
class ArticleAdmin(ServiceSaveAdminMixin, PublishedRecordDeleteMixin, admin.ModelAdmin):
    list_display = [
        "title",
        "outlet",
        "published_at",
        "source_kind",
        "analysis_status",
        "claim_count",
        "created_at",
    ]
    list_filter = ["analysis_status", "source_kind", "outlet", "language"]
    search_fields = ["title", "url", "byline", "outlet__name"]
    date_hierarchy = "created_at"
    inlines = [ClaimInline, SentenceInline]
    actions = ["rerun_analysis"]
    readonly_fields = [
        "body",
        "content_hash",
        "source_kind",
        "analysis_status",
        "analysis_error",
        "analysis_queued_at",
        "analysis_started_at",
        "analysis_finished_at",
        "analysis_model_version",
        "created_by",
        "created_at",
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("outlet")
            .annotate(_claim_count=Count("claims"))
        )

    @admin.display(description="Claims", ordering="_claim_count")
    def claim_count(self, article):
        return article._claim_count

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = ArticleAddForm if obj is None else ArticleChangeForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return [
                "title",
                "outlet_name",
                "url",
                "byline",
                "published_at",
                "language",
                "body",
                "body_file",
            ]
        return [
            "title",
            "outlet",
            "url",
            "byline",
            "published_at",
            "language",
            *self.readonly_fields,
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        if article_is_record_locked(obj):  # what its published verdicts show of it
            return [*ARTICLE_RECORD_FIELDS, *self.readonly_fields]
        return self.readonly_fields

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def save_model(self, request, obj, form, change):
        if change:
            # Read-only fields are not in the form: they keep the stored values.
            stored = Article.objects.get(pk=obj.pk)
            fields = {name: getattr(stored, name) for name in ARTICLE_RECORD_FIELDS}
            fields |= {
                name: form.cleaned_data[name] for name in fields if name in form.cleaned_data
            }
            try:
                article_update(article=obj, byline=form.cleaned_data.get("byline", ""), **fields)
            except ValidationError as error:  # its first verdict was published meanwhile
                self.save_refused(request, error)
            return
        # A new article goes through the same service as every other way in.
        article = article_submit(
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
            outlet_name=form.cleaned_data.get("outlet_name", ""),
            url=form.cleaned_data.get("url", ""),
            byline=form.cleaned_data.get("byline", ""),
            published_at=form.cleaned_data.get("published_at"),
            language=form.cleaned_data.get("language") or "en",
            source_kind=SourceKind.PASTED,
            created_by=request.user,
        )
        obj.pk = article.pk
        obj.__dict__.update(article.__dict__)

    @admin.action(description="Re-run analysis", permissions=["change"])
    def rerun_analysis(self, request, queryset):
        for article in queryset:
            article_queue_analysis(article=article)
        self.message_user(request, f"Queued {queryset.count()} article(s) for analysis.")


# --- Speakers ----------------------------------------------------------------------------------


class SpeakerAliasInline(admin.TabularInline):
    model = SpeakerAlias
    fields = ["alias", "key"]
    readonly_fields = ["key"]
    extra = 0


@admin.register(Speaker)
class SpeakerAdmin(PublishedRecordDeleteMixin, SimpleHistoryAdmin):
    """A rename or a new role shows on every published verdict of the speaker, so changing a
    speaker needs `change_speaker` (editors) and leaves a history record."""

    list_display = ["name", "role", "kind", "claim_count"]
    list_filter = ["kind"]
    search_fields = ["name", "role", "aliases__alias"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [SpeakerAliasInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_claim_count=Count("claims"))

    @admin.display(description="Claims", ordering="_claim_count")
    def claim_count(self, speaker):
        return speaker._claim_count

    def save_formset(self, request, form, formset, change):
        aliases = formset.save(commit=False)
        for alias in aliases:
            alias.key = services.speaker_key(alias.alias)
            alias.save()
        for deleted in formset.deleted_objects:
            deleted.delete()


# --- Claims ------------------------------------------------------------------------------------


class VerdictInline(ReadOnlyInlineMixin, admin.StackedInline):
    model = Verdict
    fields = ["status", "rating", "conclusion", "author", "editor", "published_at", "version"]
    show_change_link = True


class ClaimEventInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = ClaimEvent
    fields = ["created_at", "kind", "from_status", "to_status", "actor", "note"]


@admin.register(Claim)
class ClaimAdmin(ServiceSaveAdminMixin, PublishedRecordDeleteMixin, SimpleHistoryAdmin):
    list_display = ["short_text", "speaker", "check_worthiness", "status", "assignee", "outlet"]
    list_filter = [
        "status",
        ScoreRangeFilter,
        "origin",
        ("speaker", admin.RelatedOnlyFieldListFilter),
        ("article__outlet", admin.RelatedOnlyFieldListFilter),
        ("assignee", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["text", "speaker__name", "article__title"]
    list_select_related = ["speaker", "assignee", "article__outlet"]
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
    inlines = [VerdictInline, ClaimEventInline]
    actions = ["assign_to_me"]

    @admin.display(description="Claim")
    def short_text(self, claim):
        return claim.text if len(claim.text) <= 90 else claim.text[:87] + "…"

    @admin.display(description="Outlet", ordering="article__outlet__name")
    def outlet(self, claim):
        return claim.article.outlet

    def has_add_permission(self, request):
        return False  # claims come from analysis, or from a sentence on the review desk

    def has_change_permission(self, request, obj=None):
        # Submitted or published: part of the record, changed only by a correction.
        if obj is not None and obj.is_record_locked:
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        attribution = {"speaker", "attribution_cue", "is_direct_quote"} & set(form.changed_data)
        try:
            if attribution:
                services.claim_attribution_edit(
                    claim=obj,
                    actor=request.user,
                    speaker=obj.speaker,
                    attribution_cue=obj.attribution_cue,
                    is_direct_quote=obj.is_direct_quote,
                )
            if "priority" in form.changed_data:
                Claim.objects.filter(pk=obj.pk).update(priority=obj.priority)
        except (ValidationError, IllegalTransition) as error:
            self.save_refused(request, error)

    @admin.action(description="Assign to me", permissions=["change"])
    def assign_to_me(self, request, queryset):
        done, refused = 0, []
        for claim in queryset:
            try:
                services.claim_assign(claim=claim, actor=request.user)
                done += 1
            except IllegalTransition as error:
                refused.append(f"#{claim.pk}: {error}")
        if done:
            self.message_user(request, f"Assigned {done} claim(s) to you.")
        for message in refused:
            self.message_user(request, message, level=messages.WARNING)


# --- Verdicts ----------------------------------------------------------------------------------


class EvidenceSourceInline(admin.TabularInline):
    """Edited with a draft and saved by the same service as the desk; fixed once submitted."""

    model = EvidenceSource
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


class CorrectionInline(ReadOnlyInlineMixin, admin.TabularInline):
    """Corrections are published from the claim page, where the old wording is kept."""

    model = Correction
    fields = ["created_at", "created_by", "note"]


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

    def clean(self):
        cleaned = super().clean()
        expected = cleaned.get("expected_version")
        current = Verdict.objects.filter(pk=self.instance.pk).first()
        if current is not None and expected is not None and current.version != expected:
            who = current.updated_by.get_username() if current.updated_by else "someone"
            raise ValidationError(
                f"This verdict was changed by {who} at {current.updated_at:%Y-%m-%d %H:%M} "
                "— reload to see their changes before saving yours."
            )
        return cleaned


@admin.register(Verdict)
class VerdictAdmin(ServiceSaveAdminMixin, PublishedRecordDeleteMixin, SimpleHistoryAdmin):
    form = VerdictAdminForm
    list_display = ["claim", "rating", "status", "author", "editor", "published_at"]
    list_filter = ["status", "rating", "published_at"]
    search_fields = ["claim__text", "conclusion", "explanation"]
    list_select_related = ["claim", "rating", "author", "editor"]
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

    def has_add_permission(self, request):
        return False  # a verdict is drafted from its claim on the review desk

    def has_change_permission(self, request, obj=None):
        # Submitted or published: only review and the correction path change it.
        if obj is not None and obj.is_locked:
            return False
        return super().has_change_permission(request, obj)

    def has_publish_permission(self, request):
        return request.user.has_perm("claims.publish_verdict")

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if not self.has_change_permission(request, obj):
            return [name for name in fields if name != "expected_version"]
        return fields

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
        for formset in formsets:  # saved by the service; the admin's change log reads these
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
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
        except (ValidationError, IllegalTransition) as error:
            self.save_refused(request, error)

    @admin.action(description="Submit for review", permissions=["change"])
    def submit_for_review(self, request, queryset):
        self._apply(
            request, queryset, lambda v: verdicts.verdict_submit(verdict=v, actor=request.user)
        )

    @admin.action(description="Approve and publish", permissions=["publish"])
    def publish(self, request, queryset):
        self._apply(
            request, queryset, lambda v: verdicts.verdict_publish(verdict=v, editor=request.user)
        )

    def _apply(self, request, queryset, action):
        for verdict in queryset.select_related("claim"):
            try:
                action(verdict)
            except (ValidationError, IllegalTransition, PermissionDenied) as error:
                self.message_user(
                    request, f"#{verdict.pk}: {'; '.join(_messages(error))}", level=messages.ERROR
                )
            else:
                self.message_user(request, f"#{verdict.pk}: done.")


def _messages(error) -> list[str]:
    return error.messages if isinstance(error, ValidationError) else [str(error)]


@admin.register(Sentence)
class SentenceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: sentences are rewritten by each analysis."""

    list_display = ["text", "article", "speaker", "attribution_cue", "check_worthiness"]
    list_filter = [
        ScoreRangeFilter,
        "is_direct_quote",
        ("speaker", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["text", "article__title"]
    list_select_related = ["article", "speaker"]


@admin.register(EvidenceSource)
class EvidenceSourceAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Read-only: sources change with their verdict's draft, or through a correction."""

    list_display = ["title", "url", "verdict", "accessed_on"]
    search_fields = ["title", "url", "note"]
    list_select_related = ["verdict__claim"]


# --- Ratings and history -----------------------------------------------------------------------


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
        if self.instance.pk and changed and verdicts.rating_in_published_use(rating=self.instance):
            raise ValidationError(
                f"“{self.instance}” is the rating of published verdicts: its "
                f"{', '.join(changed)} cannot change (a published verdict changes only through "
                "a correction). Add a new rating instead."
            )
        return cleaned


class RatingInline(admin.TabularInline):
    model = Rating
    form = RatingForm
    fields = ["label", "slug", "value", "colour", "description"]
    extra = 0


@admin.register(RatingScale)
class RatingScaleAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active"]
    inlines = [RatingInline]


@admin.register(ClaimEvent)
class ClaimEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "kind", "claim", "actor", "from_status", "to_status"]
    list_filter = ["kind", ("actor", admin.RelatedOnlyFieldListFilter), "created_at"]
    search_fields = ["claim__text", "note"]
    list_select_related = ["claim", "actor"]
    date_hierarchy = "created_at"


# --- API tokens --------------------------------------------------------------------------------


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
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
        self.message_user(
            request,
            f"The key of “{token.name}” is {key} — copy it now: it is shown only this once "
            "and only its hash is stored.",
            level=messages.WARNING,
        )

    @admin.action(description="Revoke the selected tokens", permissions=["change"])
    def revoke(self, request, queryset):
        tokens = list(queryset.filter(revoked_at__isnull=True))
        for token in tokens:
            token_revoke(token=token)
        self.message_user(request, f"Revoked {len(tokens)} token(s).")
