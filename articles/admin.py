from django import forms
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import capfirst

from config.admin_actions import (
    LookupCheckedMixin,
    RefusedActionMixin,
    SeparatedCountsMixin,
    summary_counts,
)
from config.admin_paging import IndexedValuesFilter, LargeChangelistMixin
from config.queries import row_count

from .intake.feeds import (
    FEED_ALREADY_SUBSCRIBED,
    feed_add,
    feed_interval_refusal,
    feed_subscribed,
    feed_url_check,
    feed_url_clean,
)
from .intake.jobs import intake_job_retry
from .lengths import storable
from .models import (
    Article,
    ExternalFactCheck,
    Feed,
    ImportBatch,
    ImportChunk,
    IntakeJob,
    IntakeStatus,
    Outlet,
)
from .records import OUTLET_RECORD_FIELDS, article_record_changed, outlet_is_record_locked
from .services import (
    language_cased,
    language_normalize,
    line_visible,
    outlet_domain_normalize,
    outlet_domain_refusal,
    outlet_name_refusal,
)

# Article's admin lives in claims/admin/articles.py: it shows sentences and claims and queues
# analyses, and articles/ must not depend on claims/.


def storable_by_label(field: forms.CharField) -> forms.CharField:
    """An admin form's text field refusing a NUL (or half a character) in the desk's words
    (articles.lengths.storable), naming the field by its label as the form shows it ("The
    “Title” field holds a NUL character ..."), so the message points at the box to fix, written
    as it is written there, not as the column's lowercase name ("url" under a label "Url")."""
    return storable(field, f"“{field.label}” field")


class StorableTextAdminMixin:
    """The fields the admin makes of a model's text columns refuse a NUL in the desk's words,
    naming the field by its label (storable_by_label), in place of Django's "Null characters
    are not allowed.". For a ModelAdmin and an inline alike."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(field, forms.CharField):
            storable_by_label(field)
        return field


class DeskAdminMixin(
    StorableTextAdminMixin, SeparatedCountsMixin, RefusedActionMixin, LookupCheckedMixin
):
    """What every desk admin shares: the desk's words for a NUL, counts with separators, refused
    actions told as messages, and bad lookups answered 400. One list, so a new admin cannot
    leave one out."""


class OutletAdminForm(forms.ModelForm):
    class Meta:
        model = Outlet
        fields = ["name", "domain"]

    def clean_name(self):
        # Stored as every intake path stores a name (articles.services.outlet_get_or_create):
        # a U+202E typed here turned the rest of the published fact-check's line around, and
        # "City <i>Gazette</i>" was a second outlet beside City Gazette.
        name = self.cleaned_data["name"]
        refusal = outlet_name_refusal(name)
        if refusal:
            raise ValidationError(refusal)
        visible = line_visible(name)
        if not visible:
            raise ValidationError(self.fields["name"].error_messages["required"])
        return visible

    def clean_domain(self):
        # Stored as every intake path stores it (articles.services.outlet_get_or_create), so
        # "www.Reuters.com" is the outlet reuters.com already is, not a second one.
        domain = outlet_domain_normalize(self.cleaned_data["domain"])
        if not domain:
            return None  # an outlet known only by its name, as pasted text names one
        refusal = outlet_domain_refusal(domain)
        if refusal:
            raise ValidationError(refusal)
        return domain

    def clean(self):
        cleaned = super().clean()
        changed = [name for name in OUTLET_RECORD_FIELDS if name in self.changed_data]
        if self.instance.pk and changed and outlet_is_record_locked(self.instance):
            raise ValidationError(
                f"Published fact-checks name {self.instance.name} as the outlet of the articles "
                f"they check: its {' and '.join(changed)} cannot change (a published verdict "
                "changes only through a correction)."
            )
        return cleaned


@admin.register(Outlet)
class OutletAdmin(
    DeskAdminMixin,
    admin.ModelAdmin,
):
    form = OutletAdminForm
    list_display = ["name", "domain", "article_count"]
    search_fields = ["name", "domain"]

    def get_queryset(self, request):
        # A count a row, as a subquery: PostgreSQL runs it for the page's rows only, where
        # Count("articles") grouped every article before the LIMIT, on each change list and
        # on every keystroke of the article form's outlet search (which reads this too).
        # Ordered to the end, so the search pages in a stable order.
        articles = Article.objects.filter(outlet=OuterRef("pk"))
        counted = super().get_queryset(request).annotate(_article_count=row_count(articles))
        return counted.order_by(*Outlet._meta.ordering, "pk")

    @admin.display(description="Articles", ordering="_article_count")
    def article_count(self, outlet):
        return outlet._article_count

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and set(OUTLET_RECORD_FIELDS) & set(form.changed_data):
            # Not on the published record (the form refuses that), but a verdict in the works
            # would publish the new name as its appearances' publisher.
            article_record_changed(articles=obj.articles.all(), actor=request.user)


class ArticleTextUnreadMixin:
    """For a list whose rows name their article (in list_select_related): the article's text,
    up to ARTICLE_MAX_CHARS, stays unread (a hundred rows read up to 20 MB for their titles).
    The relations are joined here, all of them: the change list adds list_select_related only
    to a query that joins nothing yet."""

    def get_queryset(self, request):
        rows = super().get_queryset(request).select_related(*self.list_select_related)
        return rows.defer("article__body")


@admin.register(IntakeJob)
class IntakeJobAdmin(
    StorableTextAdminMixin,
    LargeChangelistMixin,
    SeparatedCountsMixin,
    RefusedActionMixin,
    LookupCheckedMixin,
    ArticleTextUnreadMixin,
    admin.ModelAdmin,
):
    list_display = ["id", "url", "source_kind", "status", "reason", "article", "attempts"]
    # Dates without a hierarchy: its days are a DISTINCT over every job at each page.
    list_filter = ["status", "source_kind", "created_at"]
    # Served by their trigram indexes (articles.0014) when the words are rare.
    search_fields = ["url", "reason", "outlet_name"]
    list_select_related = ["article"]
    readonly_fields = [field.name for field in IntakeJob._meta.fields]
    actions = ["retry"]

    def has_add_permission(self, request):
        return False  # jobs come from the submit form, the API, feeds and imports

    @admin.action(description="Retry the failed jobs", permissions=["change"])
    def retry(self, request, queryset):
        retried = 0
        for job in queryset.filter(status=IntakeStatus.FAILED):
            try:
                intake_job_retry(job=job)
            except ValidationError as error:
                self.message_user(request, f"#{job.pk}: {' '.join(error.messages)}", "warning")
            else:
                retried += 1
        self.message_user(request, f"Queued {retried:,} job(s) again.")


class FeedAdminForm(forms.ModelForm):
    class Meta:
        model = Feed
        fields = ["url", "outlet", "title", "poll_interval_minutes", "active"]

    def clean_title(self):
        # One line as it reads, as a title read from the feed is stored: it names the feed on
        # the feeds page and on each of its jobs, where a U+202E turned the line around.
        return line_visible(self.cleaned_data["title"])

    def clean_url(self):
        url = feed_url_clean(self.cleaned_data["url"])
        # The same address written another way ("…/feed.xml?") is the same feed: feed_add
        # refuses it too, but after this form said yes (a 500 on add). Before the feed is
        # fetched, and instead of Django's "Feed with this Feed URL already exists.".
        if feed_subscribed(url, exclude=self.instance):
            raise ValidationError(FEED_ALREADY_SUBSCRIBED)
        return url

    def clean_poll_interval_minutes(self):
        # feed_add refuses the rest too, but only after this form said yes (a 500 on add), and
        # a change does not go through it.
        minutes = self.cleaned_data["poll_interval_minutes"]
        refusal = feed_interval_refusal(minutes)
        if refusal:
            raise ValidationError(refusal)
        return minutes

    def clean(self):
        cleaned = super().clean()
        # The feed is read once, as feed_add reads a new one, so the reason shows on this form
        # and not at the first poll. Only once the rest is valid (no fetch for a form refused
        # anyway), and not for an address left as it was.
        url = cleaned.get("url")
        if not self.errors and url and (not self.instance.pk or url != self.instance.url):
            try:
                feed_url_check(url, changing=bool(self.instance.pk))
            except ValidationError as error:
                self.add_error("url", error)
        return cleaned


@admin.register(Feed)
class FeedAdmin(
    DeskAdminMixin,
    admin.ModelAdmin,
):
    form = FeedAdminForm
    list_display = ["url", "outlet", "poll_interval_minutes", "active", "last_success_at"]
    list_display += ["consecutive_failures", "last_error", "next_poll_at"]
    list_filter = ["active"]
    search_fields = ["url", "title", "outlet__name", "outlet__domain"]
    list_select_related = ["outlet"]
    # An id box with a lookup, not a select of every outlet (one per domain: thousands); a raw
    # id and not autocomplete, since a posted value that is no id is then a plain form error.
    raw_id_fields = ["outlet"]
    readonly_fields = [
        "etag",
        "last_modified",
        "last_polled_at",
        "last_success_at",
        "last_error",
        "last_warning",
        "consecutive_failures",
        "entries_left",
        "next_poll_at",
    ]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        # A new feed goes through the same service as the command and the editors' page; the
        # form has already run its checks, the feed's fetch among them.
        feed = feed_add(
            url=obj.url,
            outlet_domain=obj.outlet.domain if obj.outlet_id else "",
            outlet_name=obj.outlet.name if obj.outlet_id else "",
            interval_minutes=obj.poll_interval_minutes,
            check=False,
            outlet=obj.outlet if obj.outlet_id else None,
        )
        obj.pk = feed.pk
        obj.__dict__.update(feed.__dict__)


@admin.register(ImportBatch)
class ImportBatchAdmin(
    DeskAdminMixin,
    admin.ModelAdmin,
):
    list_display = ["file_name", "status", "total_rows", "stored", "queued", "skipped", "failed"]
    list_display += ["created_by", "created_at"]
    list_filter = ["status"]
    list_select_related = ["created_by"]
    search_fields = ["file_name"]
    exclude = ["content"]
    readonly_fields = [f.name for f in ImportBatch._meta.fields if f.name != "content"]

    def get_queryset(self, request):
        # Not shown, and a batch stored before the pieces (ImportChunk) holds its whole file
        # there, up to INTAKE_IMPORT_MAX_BYTES: a list page would read a hundred of them.
        return super().get_queryset(request).defer("content")

    def has_add_permission(self, request):
        return False  # uploaded on the bulk import page or with `manage.py import_articles`

    def has_change_permission(self, request, obj=None):
        # Every field is the import's own record: its page had a Save button that saved nothing
        # but a "changed nothing" entry in the log. Viewing and deleting stay.
        return False

    def get_deleted_objects(self, objs, request):
        """What the delete page lists: each batch and how many pieces of its file go with it.
        Django's own listing reads every ImportChunk row whole (and its batch again, joined),
        which is the whole stored file, to print "Import chunk: rows.csv #17" a few thousand
        times. The pieces are only counted here. Pieces are all that a batch's deletion takes
        with it (its intake jobs keep their rows, SET_NULL); test_intake_admin checks that."""
        opts = self.model._meta
        batches = list(objs)
        pieces = dict(
            ImportChunk.objects.filter(batch__in=batches)
            .order_by()
            .values_list("batch_id")
            .annotate(n=Count("pk"))
        )
        to_delete, perms_needed = [], set()
        for batch in batches:
            if not self.has_delete_permission(request, batch):
                perms_needed.add(opts.verbose_name)
            url = reverse("admin:articles_importbatch_change", args=[quote(batch.pk)])
            to_delete.append(
                format_html('{}: <a href="{}">{}</a>', capfirst(opts.verbose_name), url, batch)
            )
            if pieces.get(batch.pk):
                to_delete.append([f"{pieces[batch.pk]:,} stored file piece(s)"])
        model_count = {opts.verbose_name_plural: len(batches)}
        if pieces:
            model_count[ImportChunk._meta.verbose_name_plural] = sum(pieces.values())
        return to_delete, summary_counts(model_count), perms_needed, []


class PublisherFilter(IndexedValuesFilter):
    title = "publisher"
    parameter_name = "publisher_name"


class LanguageCodeFilterMixin:
    """A changelist's `?language=` read as every other edge reads a language code
    (language_normalize): `iw` finds what is stored as `he`, `EN` what is stored as `en`, and
    the sidebar marks that language chosen. Taken as typed, it found nothing."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)  # reads lookups()
        # Shown as BCP 47 writes them ('pt-BR'); the value in the query string stays stored.
        self.lookup_choices = [
            (value, language_cased(value) if value else label)
            for value, label in self.lookup_choices
        ]

    def value(self):
        value = super().value()
        return language_normalize(value) if value else value


class FactCheckLanguageFilter(LanguageCodeFilterMixin, IndexedValuesFilter):
    title = "language"
    parameter_name = "language"


@admin.register(ExternalFactCheck)
class ExternalFactCheckAdmin(
    DeskAdminMixin,
    LargeChangelistMixin,
    admin.ModelAdmin,
):
    """Other organisations' fact-checks: shown with their publisher, never as our verdicts."""

    list_display = [
        "publisher_name",
        "claim_reviewed",
        "rating_text",
        "review_date",
        "language_shown",
    ]
    # Every publisher and language, read from their indexes (Django's filters for the plain
    # field names were a DISTINCT over every imported fact-check at each page).
    list_filter = [PublisherFilter, FactCheckLanguageFilter]
    # Every row searched: rare words through the trigram indexes (articles.0014), words in most
    # rows by reading the table, as PostgreSQL's planner chooses (bench/admin_pages.py).
    search_fields = ["claim_reviewed", "claimant", "publisher_name", "url"]

    def has_add_permission(self, request):
        # Imported only (import_claimreviews), which computes its identity (URL and claim) and
        # queues its vector: an admin add stored an empty identity, and the second was a 500.
        return False

    def has_change_permission(self, request, obj=None):
        # Another organisation's fact-check as published: an edit kept the identity of the old
        # URL and claim (the next import stored a second row) and no new vector; importing the
        # review again is how it changes. View and delete stay.
        return False

    readonly_fields = ["identity", "imported_from", "raw", "imported_at", "updated_at"]

    @admin.display(description="language", ordering="language", empty_value="—")
    def language_shown(self, factcheck):
        return language_cased(factcheck.language) if factcheck.language else None
