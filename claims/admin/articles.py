"""The Article admin. Registered in claims/ rather than articles/admin.py because it shows
sentences and claims and queues analyses, and articles/ must not depend on claims/."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import widgets
from django.core.exceptions import ValidationError
from django.db.models import OuterRef
from django.http import HttpResponseRedirect
from django.urls import reverse

from articles.admin import LanguageCodeFilterMixin, StorableTextAdminMixin, storable_by_label
from articles.forms import ARTICLE_REQUIRED_ERRORS, PASTED_TEXT_ERRORS
from articles.intake.extract import day_at_noon
from articles.models import Article, Outlet, SourceKind
from articles.queueing import article_analysis_rerun
from articles.records import ARTICLE_RECORD_FIELDS, article_is_record_locked, article_record_changed
from articles.services import (
    DuplicateArticle,
    article_clean,
    article_edit_clean,
    article_submit,
    article_update,
    language_cased,
    language_normalize,
    language_refusal,
)
from config.admin_actions import LookupCheckedMixin, RefusedActionMixin, SeparatedCountsMixin
from config.admin_paging import LargeChangelistMixin
from config.queries import row_count

from ..models import (
    Claim,
    Sentence,
)
from .base import (
    AutocompleteIdsCheckedMixin,
    PublishedRecordDeleteMixin,
    ReadOnlyInlineMixin,
    ServiceSaveAdminMixin,
)


class DayOrMomentField(forms.SplitDateTimeField):
    """The admin's date and time of a publication, the time optional: the paste form and the
    intake take a day alone (read at noon, `day_at_noon`), and the admin refused one with
    "Enter a valid time."."""

    def __init__(self, **kwargs):
        super().__init__(require_all_fields=False, **kwargs)
        self.fields[1].required = False  # a time without a day is still "incomplete"

    def compress(self, data_list):
        if data_list and data_list[0] is not None and data_list[1] is None:
            return day_at_noon(data_list[0])
        return super().compress(data_list)


class ArticleAddForm(forms.ModelForm):
    body = forms.CharField(
        widget=forms.Textarea,
        required=False,
        help_text="Paste the text…",
        error_messages=PASTED_TEXT_ERRORS,
    )
    body_file = forms.FileField(
        required=False, label="…or upload a UTF-8 text file", help_text="Plain text (.txt)."
    )
    # The outlet row's own bound, checked here as the paste form does: past it the insert
    # failed on the column (a 500).
    outlet_name = storable_by_label(
        forms.CharField(
            required=False,
            label="Outlet name",
            max_length=Outlet._meta.get_field("name").max_length,
        )
    )

    class Meta:
        model = Article
        fields = ["title", "url", "byline", "published_at", "language"]
        error_messages = ARTICLE_REQUIRED_ERRORS

    def _get_validation_exclusions(self):
        # The service checks a repeated URL and names the article that has it; the model's own
        # check of that constraint added "Constraint … is violated." beside its sentence.
        return super()._get_validation_exclusions() | {"url"}

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("body_file")
        # UTF-8 spends at most 4 bytes a character: a bigger file cannot be an article the
        # desk stores, and is refused by its size before it is read into memory.
        most_bytes = 4 * settings.ARTICLE_MAX_CHARS
        if upload and upload.size > most_bytes:
            self.add_error(
                "body_file",
                f"The file has {upload.size:,} bytes; an article text of at most "
                f"{settings.ARTICLE_MAX_CHARS:,} characters is at most {most_bytes:,} bytes.",
            )
            return cleaned
        body = upload.read() if upload else cleaned.get("body", "")
        try:
            clean = article_clean(
                title=cleaned.get("title", ""),
                body=body,
                url=cleaned.get("url", ""),
                source_kind=SourceKind.PASTED,
                published_at=cleaned.get("published_at"),
                language=_language_given(cleaned),
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, field_errors in error.error_dict.items():
                    if field in self.errors:
                        # Its own field refused the value (required, a NUL): the service then
                        # saw none, and "The article text is empty" beside it was wrong.
                        continue
                    self.add_error(field if field in self.fields else None, field_errors)
            else:
                self.add_error(None, error)
        else:
            cleaned["body"] = clean.body
        return cleaned


def _language_given(cleaned) -> str | None:
    """The language as the services store it (language_normalize), or None where its own
    field refused it (required, too long) and the service's check would only repeat that."""
    language = cleaned.get("language")
    return language_normalize(language) if language else None


class ArticleChangeForm(forms.ModelForm):
    """An edit is validated as a new article is: normalised URL, no other article's URL, a
    language code."""

    class Meta:
        model = Article
        fields = ["title", "outlet", "url", "byline", "published_at", "language"]
        error_messages = ARTICLE_REQUIRED_ERRORS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Shown as BCP 47 writes it ('pt-BR'); stored lower-cased again (_language_given).
        if self.instance.language:
            self.initial["language"] = language_cased(self.instance.language)

    def clean(self):
        cleaned = super().clean()
        # A locked article's title and URL are read-only fields: not in the form at all.
        title = cleaned.get("title", "") if "title" in self.fields else self.instance.title
        url = cleaned.get("url", "") if "url" in self.fields else self.instance.url
        published_at = (
            cleaned.get("published_at")
            if "published_at" in self.fields
            else self.instance.published_at
        )
        try:
            cleaned["title"], cleaned["url"] = article_edit_clean(
                article=self.instance, title=title, url=url, published_at=published_at
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, field_errors in error.error_dict.items():
                    if field in self.errors:
                        # Its own field refused the value (required, a NUL): the service then
                        # saw none, and "The article text is empty" beside it was wrong.
                        continue
                    self.add_error(field if field in self.fields else None, field_errors)
            else:
                self.add_error("url", error)
        # A locked article's language is read-only (not in the form); a stored one is checked
        # only when it changes, as the date is, so an old row's code does not block a title edit.
        language = _language_given(cleaned) if "language" in self.fields else None
        changed = language is not None and language != self.instance.language
        refusal = changed and language_refusal(language)
        if refusal:
            self.add_error("language", refusal)
        return cleaned


class SentenceInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = Sentence
    fields = ["index", "text", "speaker", "attribution_cue", "check_worthiness"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("speaker")


class ClaimInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = Claim
    fields = ["text", "speaker", "check_worthiness", "status", "assignee"]
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("speaker", "assignee")


class LanguageFilter(LanguageCodeFilterMixin, admin.SimpleListFilter):
    """The languages of the newest articles (and the one chosen), read along the newest-first
    index: a DISTINCT over every article at each page grew with the table. A language last seen
    longer ago still filters from its URL (?language=xx)."""

    title = "language"
    parameter_name = "language"
    RECENT = 5000

    def lookups(self, request, model_admin):
        newest = Article.objects.order_by("-created_at", "-id")[: self.RECENT]
        languages = set(newest.values_list("language", flat=True))
        if self.value():
            languages.add(self.value())
        return [(language, language) for language in sorted(languages)]

    def queryset(self, request, queryset):
        return queryset.filter(language=self.value()) if self.value() else queryset


@admin.register(Article)
class ArticleAdmin(
    StorableTextAdminMixin,
    LargeChangelistMixin,
    SeparatedCountsMixin,
    RefusedActionMixin,
    LookupCheckedMixin,
    AutocompleteIdsCheckedMixin,
    ServiceSaveAdminMixin,
    PublishedRecordDeleteMixin,
    admin.ModelAdmin,
):
    list_display = [
        "title",
        "outlet",
        "published_at",
        "source_kind",
        "analysis_status",
        "claim_count",
        "created_at",
    ]
    # Dates without a hierarchy: its years are a DISTINCT over every article at each page.
    list_filter = ["analysis_status", "source_kind", "outlet", LanguageFilter, "created_at"]
    search_fields = ["title", "url", "byline", "outlet__name"]
    autocomplete_fields = ["outlet"]  # one outlet per domain: thousands, with feeds and imports
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
        # As the desk's article list: no body (kilobytes each, read again for the change page
        # that shows it), and each row's claims counted in a subquery for the rows shown, not
        # Count() grouping every article's claims before the LIMIT.
        claims = Claim.objects.filter(article=OuterRef("pk"))
        return (
            super()
            .get_queryset(request)
            .select_related("outlet")
            .defer("body")
            .annotate(_claim_count=row_count(claims))
        )

    @admin.display(description="Claims", ordering="_claim_count")
    def claim_count(self, article):
        return article._claim_count

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "published_at":
            return DayOrMomentField(
                required=False,
                label="Published at",
                widget=widgets.AdminSplitDateTime,
                help_text="A day alone is read as noon of that day, as the submit form reads it.",
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

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
            saved = Article.objects.get(pk=obj.pk)
            if any(getattr(saved, name) != getattr(stored, name) for name in ARTICLE_RECORD_FIELDS):
                article_record_changed(
                    articles=Article.objects.filter(pk=obj.pk), actor=request.user
                )
            return
        # A new article goes through the same service as every other way in.
        try:
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
        except DuplicateArticle as duplicate:
            # The same text was stored between the form's check and this save (another tab,
            # the API, a feed): the stored one holds this text, so the page goes there.
            self.save_refused(request, duplicate)
            request._duplicate_of = duplicate.existing
            return
        obj.pk = article.pk
        obj.__dict__.update(article.__dict__)

    def response_add(self, request, obj, post_url_continue=None):
        existing = getattr(request, "_duplicate_of", None)
        if existing is not None:
            return HttpResponseRedirect(
                reverse("admin:articles_article_change", args=[existing.pk])
            )
        return super().response_add(request, obj, post_url_continue)

    @admin.action(description="Re-run analysis", permissions=["change"])
    def rerun_analysis(self, request, queryset):
        queued = 0
        for article in queryset.order_by("pk"):
            try:
                article_analysis_rerun(article=article)
            except ValidationError as error:
                self.message_user(request, f"{article}: {error.messages[0]}", messages.WARNING)
            else:
                queued += 1
        self.message_user(request, f"Queued {queued:,} article(s) for analysis.")
