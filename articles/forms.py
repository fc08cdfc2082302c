from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from config.pages import ListFilterForm, unknown_parameters_refuse

from .field_errors import choice_errors, date_errors, url_errors
from .intake.extract import day_at_noon, pasted_html_text
from .intake.feeds import FEED_INTERVAL_MAX_MINUTES, FEED_INTERVAL_RULE, feed_fields_clean
from .lengths import ColumnLengthValidator, text_check, text_limit
from .models import Feed, ImportBatch, IntakeStatus, Outlet, SourceKind
from .services import (
    LANGUAGE_CODE_EXAMPLE,
    OUTLET_NAME_LENGTH,
    TITLE_LENGTH,
    TITLE_REQUIRED,
    URL_LENGTH,
    DuplicateArticle,
    article_clean,
    url_number_host_refusal,
)

# Django's "Null characters are not allowed." named nothing a newsroom could act on: the pasted
# text of the submit form and the admin's add form.
PASTED_TEXT_ERRORS = {
    "null_characters_not_allowed": "The text holds a NUL character, which no article text has: "
    "was a file (a PDF, a Word document) pasted? Paste the article's text, or its URL."
}

PASTED_HTML = (
    "The pasted text was HTML (a page's source), so the desk took the article's text out of "
    "it, as it does for a fetched page; that text is in the box now. Check it, then submit "
    "again."
)
PASTED_HTML_WITHOUT_TEXT = (
    "The pasted text is HTML with no article text in it: paste the article as it reads on "
    "the page, or give its URL."
)

# The admin's article add and change forms (claims/admin/articles.py) left their required boxes
# to Django's bare "This field is required.": the title says what the services say of an empty
# one, the language what to type.
ARTICLE_REQUIRED_ERRORS = {
    "title": {"required": TITLE_REQUIRED},
    "language": {"required": f"Enter the article's language code, {LANGUAGE_CODE_EXAMPLE}."},
}


def service_refusals_add(
    form: forms.Form, error: ValidationError, *, renamed: dict[str, str] | None = None
) -> None:
    """A service's refusal on the form that called it: each field's messages beside the field
    (`renamed`: the service's name for a field the form names otherwise), the rest above the
    form. A field the form refused itself keeps the form's message: the service was given an
    empty value in its place. So a form whose own checks refused one field still tells every
    other field's refusal on the same try, as the API's article endpoint does (the service
    checks each field whatever the others are), and not one more on each try."""
    by_field = error.error_dict if hasattr(error, "error_dict") else {None: error.error_list}
    for field, errors in by_field.items():
        field = (renamed or {}).get(field, field)
        if field not in form.fields:
            form.add_error(None, errors)
        elif field not in form.errors:
            form.add_error(field, errors)


class BoundedURLField(forms.URLField):
    """A URL bounded by `length` (an articles.lengths validator), checked before the URL's own
    validators: a 2,522-character address was both "not a valid URL" (URLValidator stops at
    2,048) and past the limit, two messages where the length is the one to act on."""

    def __init__(self, *, length: ColumnLengthValidator, **kwargs):
        # Named as its length names it: not Django's "Enter a valid URL."
        kwargs["error_messages"] = {**url_errors(length.what), **kwargs.get("error_messages", {})}
        super().__init__(max_length=length.limit_value, **kwargs)
        self.length = length

    def to_python(self, value):
        typed = value.strip() if isinstance(value, str) else value
        if typed:
            # Before the URL's own validators, which refuse a NUL in a host name as well.
            text_check(typed, self.length.what)
        url = super().to_python(value)
        if url:
            # Counted as typed: the https:// that assume_scheme adds is not the typist's.
            self.length.typed_check(typed, url)
        return url

    def run_validators(self, value):
        try:
            super().run_validators(value)
        except forms.ValidationError:
            # Said why, in url_normalize's words, where the host is a number: not "not a web
            # address" to someone who typed what a browser opens.
            refusal = value and url_number_host_refusal(value, what=self.length.what)
            if refusal:
                raise forms.ValidationError(refusal, code="invalid") from None
            raise


# The service checks a moment; the paste form asks for a day.
SUBMIT_FIELDS_RENAMED = {"published_at": "published_on"}


class ArticleSubmitForm(forms.Form):
    url = BoundedURLField(
        label="URL",
        length=URL_LENGTH,
        required=False,
        assume_scheme="https",
        help_text="Paste a link alone and the desk fetches the article (a title or date given "
        "below is kept over the page's); with the text below, it records where the article "
        "was published.",
    )
    title = text_limit(forms.CharField(required=False), TITLE_LENGTH)
    outlet = text_limit(
        forms.CharField(required=False, help_text="e.g. Reuters"),
        OUTLET_NAME_LENGTH,
    )
    published_on = forms.DateField(
        label="Publication date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages=date_errors("publication date"),
    )
    # No max_length: as a maxlength the browser cuts a pasted text there without a word, and
    # the desk stored an article that stopped mid-sentence. The limit is said beside the box,
    # and a longer text is not sent (paste.js, from data-max-chars): kept in the box, where a
    # text far past the limit was too large to read at all and came back lost (a 413).
    # Without JavaScript the service refuses it, saying how long it is (ARTICLE_MAX_CHARS).
    body = forms.CharField(
        label="Article text",
        widget=forms.Textarea(attrs={"rows": 14}),
        required=False,
        error_messages=PASTED_TEXT_ERRORS,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = settings.ARTICLE_MAX_CHARS  # read per form: a setting, not an import-time value
        body = self.fields["body"]
        body.widget.attrs["data-max-chars"] = str(limit)
        body.help_text = (
            f"Paste the full text, at most {limit:,} characters; paragraphs separated by blank "
            "lines. Leave empty to fetch the URL."
        )

    def clean(self):
        data = super().clean()
        if "body" in self.errors:
            # A text was given but refused (a NUL, bytes that are not UTF-8): not "paste one".
            self._service_refusals_add(data)
            return data
        if not data.get("body", "").strip():
            if not data.get("url") and "url" not in self.errors:
                raise forms.ValidationError("Paste the article's text, or a URL to fetch it from.")
            return data
        self._html_refused(data["body"])
        if not data.get("title", "").strip() and "title" not in self.errors:
            self.add_error("title", "A title is required with pasted text.")
        self._service_refusals_add(data)
        return data

    def _service_refusals_add(self, data) -> None:
        """Where this form refused a field, the service's refusals of the others (a date in the
        future, a text too short), which a valid form gets from article_submit: told on this
        try, not the next. A field refused here is given to the service empty."""
        if not self.errors:
            return
        published_on = data.get("published_on")
        try:
            article_clean(
                title=data.get("title", ""),
                body=data.get("body", ""),
                source_kind=SourceKind.PASTED,
                url=data.get("url", ""),
                published_at=day_at_noon(published_on) if published_on else None,
                outlet_name=data.get("outlet", ""),
            )
        except DuplicateArticle:
            pass  # said once the form's own refusals are put right, as on a valid form
        except ValidationError as error:
            service_refusals_add(self, error, renamed=SUBMIT_FIELDS_RENAMED)

    def _html_refused(self, body: str) -> None:
        """A paste that is HTML (a page's source) would put its tags into the claims: its
        text, extracted as a fetched page's is, goes back into the box to be checked, not
        stored. Only the person pasting can tell that the extraction kept the whole article
        and dropped only the page around it."""
        text = pasted_html_text(body)
        if text is None:
            return
        if not text:
            self.add_error("body", PASTED_HTML_WITHOUT_TEXT)
            return
        self.data = self.data.copy()  # the bound data is what the box shows
        self.data[self.add_prefix("body")] = text
        self.add_error("body", PASTED_HTML)

    @property
    def fetches_url(self) -> bool:
        return not self.cleaned_data.get("body", "").strip()


INTAKE_STATUS_CHOICES = [("", "All"), *IntakeStatus.choices]


class IntakeJobFilterForm(ListFilterForm):
    """The intake job list's filter: a status it does not know is marked and left out, as the
    claim queue does with a refused filter, not ignored without a word."""

    status = forms.ChoiceField(
        required=False,
        choices=INTAKE_STATUS_CHOICES,
        error_messages=choice_errors("status", choices=INTAKE_STATUS_CHOICES),
    )

    def clean(self):
        cleaned = super().clean()
        unknown_parameters_refuse(self, also=("page",))
        return cleaned


class FeedForm(forms.Form):
    # Bounded as the paste form's URL: a 10,000-character address was told both "Enter a valid
    # URL." and Django's "at most 2000 characters (it has 10008)", counting the https:// it
    # was given.
    url = BoundedURLField(
        label="Feed URL",
        length=ColumnLengthValidator(Feed, "url", "feed URL"),
        assume_scheme="https",
        error_messages={"required": "Enter the feed's URL."},
    )
    outlet = text_limit(
        forms.CharField(label="Outlet domain", required=False, help_text="e.g. reuters.com"),
        ColumnLengthValidator(Outlet, "domain", "outlet domain"),
    )
    poll_interval_minutes = forms.IntegerField(
        label="Poll every (minutes)",
        min_value=1,
        max_value=FEED_INTERVAL_MAX_MINUTES,
        initial=30,
        error_messages={
            "required": "Enter how often to poll the feed, in minutes.",
            # The service's own sentence (feed_interval_refusal), not "Enter a whole number."
            **{
                code: FEED_INTERVAL_RULE
                for code in ("invalid", "min_value", "max_value", "step_size")
            },
        },
    )

    def clean(self):
        data = super().clean()
        if self.errors:
            # The service's checks of the fields this form let through (an outlet that is no
            # domain, a private address), told with the interval's on the same try; feed_add
            # runs them again, with the fetch, once the form is valid.
            try:
                feed_fields_clean(
                    url=data.get("url", ""),
                    outlet_domain=data.get("outlet", ""),
                    interval_minutes=data.get("poll_interval_minutes"),
                )
            except ValidationError as error:
                service_refusals_add(self, error)
        return data


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        help_text="CSV with a header row, or JSON Lines (one object a line). Columns: title, "
        "body or url, published_at, outlet, byline, language.",
        error_messages={
            "required": "Choose the CSV or JSON Lines file to import.",
            "empty": "The file is empty: choose the CSV or JSON Lines file with the rows.",
            # A form sent without its file part (not this page's): Django's "Check the
            # encoding type on the form." is for the page's author.
            "invalid": "No file arrived: choose the CSV or JSON Lines file again.",
            "missing": "No file arrived: choose the CSV or JSON Lines file again.",
        },
    )


class ArticleListFilterForm(ListFilterForm):
    """The article list's filter: one bulk import's articles (linked from the import's page, so
    a hidden field; a bad number reads in the page's error summary)."""

    import_batch = forms.ModelChoiceField(
        queryset=ImportBatch.objects.defer("content"),
        required=False,
        widget=forms.HiddenInput,
        error_messages={
            "invalid_choice": "There is no such import: its number may be mistyped, or the "
            "import deleted. The bulk import page lists every import."
        },
    )

    def clean(self):
        cleaned = super().clean()
        unknown_parameters_refuse(self, also=("page",))
        return cleaned
