from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef

from articles.models import Outlet
from articles.search import SEARCH_QUERY_MAX, SEARCH_QUERY_TOO_LONG
from articles.services import visible_text

from .ids import is_id
from .limits import (
    conclusion_length,
    correction_note_length,
    dismissal_reason_length,
    evidence_note_length,
    explanation_length,
    research_link_length,
    research_note_length,
    review_comment_length,
    source_title_length,
    source_url_length,
)
from .models import ClaimEvent, ClaimGroupEvent, Rating
from .selectors import QUEUE_SORTS, QUEUE_STATUSES
from .selectors.search import SEARCH_QUERY_NO_WORDS, search_words


def range_check(form: forms.Form, start: str, end: str, message: str) -> None:
    """Mark the `end` filter when it comes before `start`: a reversed range matches nothing,
    and an empty page without a reason reads as "no such claims"."""
    low, high = form.cleaned_data.get(start), form.cleaned_data.get(end)
    if low is not None and high is not None and low > high:
        form.add_error(end, message)


def _search_has_words(value: str) -> None:
    if not search_words(value):
        raise forms.ValidationError(SEARCH_QUERY_NO_WORDS)


def search_query_field(*, label: str) -> forms.CharField:
    return forms.CharField(
        required=False,
        label=label,
        max_length=SEARCH_QUERY_MAX,
        error_messages={"max_length": SEARCH_QUERY_TOO_LONG},
        # Not run on an empty value: no search is no filter.
        validators=[_search_has_words],
    )


class QueueFilterForm(forms.Form):
    q = search_query_field(label="Search claims")
    status = forms.ChoiceField(
        required=False, choices=[(key, label) for key, (label, _) in QUEUE_STATUSES.items()]
    )
    speaker = forms.CharField(required=False, max_length=200)
    outlet = forms.ModelChoiceField(
        queryset=Outlet.objects.order_by("name"), required=False, empty_label="Any outlet"
    )
    published_from = forms.DateField(
        required=False, label="Article from", widget=forms.DateInput(attrs={"type": "date"})
    )
    published_to = forms.DateField(
        required=False, label="Article to", widget=forms.DateInput(attrs={"type": "date"})
    )
    score_min = forms.FloatField(
        required=False,
        min_value=0,
        max_value=1,
        label="Score from",
        widget=forms.NumberInput(attrs={"step": "0.05"}),
    )
    score_max = forms.FloatField(
        required=False,
        min_value=0,
        max_value=1,
        label="Score to",
        widget=forms.NumberInput(attrs={"step": "0.05"}),
    )
    assignee = forms.ChoiceField(
        required=False,
        choices=[("", "Anyone"), ("mine", "Assigned to me"), ("unassigned", "Unassigned")],
    )
    repeats = forms.ChoiceField(
        required=False,
        label="Already checked",
        choices=[
            ("", "New work and repeats"),
            ("new", "New work only"),
            ("checked", "Repeats of a published fact-check"),
        ],
    )
    sort = forms.ChoiceField(
        required=False,
        label="Order",
        choices=[(key, label) for key, (label, _, _) in QUEUE_SORTS.items()],
    )

    def clean(self):
        cleaned = super().clean()
        range_check(self, "published_from", "published_to", "The period ends before it starts.")
        range_check(self, "score_min", "score_max", "The range ends below where it starts.")
        return cleaned

    def active_filter_count(self) -> int:
        """How many filters were sent with a value, a refused one included (its error shows on
        the form); the order is not a filter: it leaves out no claim."""
        if not self.is_bound:
            return 0
        return sum(
            1
            for field in self
            if field.name != "sort" and self.data.get(field.html_name, "").strip()
        )


class DeskText:
    """A desk text as its service stores it (articles.services.visible_text): control
    characters and bidi overrides dropped, and blank when nothing in it would show, so a
    zero-width space alone is "required" here as an empty box is, with the text kept. Cleaned
    before the field's own reading: a URL field adds its scheme to the cleaned text."""

    def to_python(self, value):
        return super().to_python(visible_text(value) if isinstance(value, str) else value)


class DeskTextField(DeskText, forms.CharField):
    pass


class DeskURLField(DeskText, forms.URLField):
    """A desk text that is an address, bounded by `length` (a claims.limits validator) counting
    what was typed: the https:// added to "www.example.org/report" is not the typist's."""

    def __init__(self, *, length, **kwargs):
        super().__init__(**kwargs)
        self.length = length
        self.widget.attrs["maxlength"] = str(length.limit_value)

    def to_python(self, value):
        typed = visible_text(value) if isinstance(value, str) else value
        url = super().to_python(typed)
        if url:
            self.length.typed_check(typed, url)
        return url


def text_limit(field: forms.CharField, validator) -> forms.CharField:
    """Bound `field` by a claims.limits validator (for a column, its model field's length): the
    browser stops typing at its limit, and text sent past it is refused with the service's
    message."""
    field.validators.append(validator)
    field.widget.attrs["maxlength"] = str(validator.limit_value)
    return field


class QueueBulkForm(forms.Form):
    """One action on the claims ticked in the queue (claims.bulk.claims_bulk_act)."""

    claims = forms.TypedMultipleChoiceField(coerce=int, required=True, label="Claims")
    action = forms.ChoiceField(
        choices=[
            ("assign", "Assign to me"),
            ("unassign", "Unassign"),
            ("dismiss", "Dismiss as not check-worthy"),
        ],
        label="With the selected claims",
    )
    reason = text_limit(
        DeskTextField(
            required=False, label="Reason (for a dismissal)", help_text="Kept as training data."
        ),
        dismissal_reason_length,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any id: the service reports a claim that is gone, one by one.
        self.fields["claims"].valid_value = lambda value: is_id(str(value))
        self.fields["claims"].error_messages["required"] = "Select the claims first."


class DismissForm(forms.Form):
    reason = text_limit(
        DeskTextField(
            widget=forms.Textarea(attrs={"rows": 2}),
            error_messages={"required": "Say why the claim is not check-worthy."},
            help_text="Why is this not check-worthy? Kept as training data.",
        ),
        dismissal_reason_length,
    )


def active_ratings():
    return Rating.objects.filter(scale__is_active=True).order_by("-value")


class VerdictForm(forms.Form):
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # Not Django's "---------": the first thing a fact-checker reads in the rating list.
    rating = forms.ModelChoiceField(
        queryset=active_ratings(), required=False, empty_label="Choose a rating"
    )
    conclusion = text_limit(
        DeskTextField(required=False, help_text="One sentence: what is true?"),
        conclusion_length,
    )
    explanation = text_limit(
        DeskTextField(widget=forms.Textarea(attrs={"rows": 6}), required=False),
        explanation_length,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rating"].queryset = active_ratings()


class EvidenceSourceForm(forms.Form):
    # A source row is a URL and its title: an empty one of the two is named, not "This field
    # is required." under a box in a list of several sources.
    url = DeskURLField(
        label="URL",
        assume_scheme="https",
        length=source_url_length,
        error_messages={"required": "Enter the source's URL."},
    )
    title = text_limit(
        DeskTextField(error_messages={"required": "Enter the source's title."}),
        source_title_length,
    )
    note = text_limit(
        DeskTextField(required=False, widget=forms.Textarea(attrs={"rows": 1})),
        evidence_note_length,
    )


class BaseEvidenceSourceFormSet(forms.BaseFormSet):
    default_error_messages = {
        **forms.BaseFormSet.default_error_messages,
        "too_few_forms": "Give at least %(num)d evidence source.",
        "too_many_forms": "Give at most %(num)d evidence sources.",
    }

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Remove this source"


_SOURCE_FORMSET = {
    "formset": BaseEvidenceSourceFormSet,
    "max_num": 20,
    "validate_max": True,
    # A saved source is taken off with its box: emptying its fields only marks them required.
    "can_delete": True,
    "can_delete_extra": False,
}
# A draft is work in progress and may have no source yet: review needs one, and the service
# says so (claims.verdicts.verdict_review_missing). Three blank boxes for a new verdict.
EvidenceSourceFormSet = forms.formset_factory(
    EvidenceSourceForm, extra=3, min_num=0, validate_min=False, **_SOURCE_FORMSET
)
# A correction publishes at once: it keeps at least one source.
CorrectionSourceFormSet = forms.formset_factory(
    EvidenceSourceForm, extra=2, min_num=1, validate_min=True, **_SOURCE_FORMSET
)


def sources_from(formset) -> list[dict]:
    return [
        form.cleaned_data
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


class ClaimNoteForm(forms.Form):
    """The fields only; claims.notes.claim_note_add holds the rules and says what is wrong."""

    text = forms.CharField(
        label="Note",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": research_note_length.limit_value}),
        help_text="Who you asked, what a source said, where a figure comes from. Desk only.",
    )
    link = forms.CharField(
        label="Link (optional)",
        required=False,
        strip=False,
        widget=forms.TextInput(attrs={"maxlength": research_link_length.limit_value}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            # CharField refuses a NUL on its own, which would leave the value out of
            # cleaned_data; the service refuses it with the note's message instead.
            field.validators = []


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ReturnForm(VersionForm):
    comment = text_limit(
        DeskTextField(
            widget=forms.Textarea(attrs={"rows": 3}),
            error_messages={"required": "Tell the author what to change."},
            help_text="The author sees this on the claim page.",
        ),
        review_comment_length,
    )


class CorrectionForm(VerdictForm):
    note = text_limit(
        DeskTextField(
            label="Correction note (public)",
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text="What changed and why; shown with the date on the public page.",
            error_messages={
                "required": "Enter the correction's explanation: what changed and why."
            },
        ),
        correction_note_length,
    )

    # What a correction cannot leave out, in words that name it (the draft form requires none).
    REQUIRED = {
        "rating": "Choose the corrected verdict's rating.",
        "conclusion": "Enter the corrected verdict's conclusion.",
        # Hidden: missing only from a page this desk did not draw.
        "version": "The page was out of date: reload it and correct the verdict again.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, message in self.REQUIRED.items():
            self.fields[name].required = True
            self.fields[name].error_messages["required"] = message


class DeskHistoryFilterForm(forms.Form):
    person = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(), required=False, empty_label="Anyone"
    )
    date_from = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # EXISTS per user on the actor index, not DISTINCT over a join with every event; a
        # group change is on the desk history too (selectors.desk_history_page).
        acted = ClaimEvent.objects.filter(actor=OuterRef("pk"))
        grouped = ClaimGroupEvent.objects.filter(actor=OuterRef("pk"))
        self.fields["person"].queryset = (
            get_user_model().objects.filter(Exists(acted) | Exists(grouped)).order_by("username")
        )

    def clean(self):
        cleaned = super().clean()
        range_check(self, "date_from", "date_to", "The period ends before it starts.")
        return cleaned


class VerdictExportForm(forms.Form):
    """The period of the published fact-checks spreadsheet (both ends optional, inclusive)."""

    date_from = forms.DateField(
        required=False, label="Published from", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label="to", widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        cleaned = super().clean()
        range_check(self, "date_from", "date_to", "The period ends before it starts.")
        unknown = sorted(set(self.data) - set(self.fields))
        if unknown:
            raise forms.ValidationError(f"Unknown parameter: {', '.join(unknown)}.")
        return cleaned


class PublicSearchForm(forms.Form):
    """The public index of fact-checks: words of the claim, and a rating in use."""

    q = search_query_field(label="Search fact-checks")
    rating = forms.ChoiceField(
        required=False,
        label="Rating",
        error_messages={"invalid_choice": "Choose one of the ratings listed."},
    )

    def __init__(self, *args, rating_choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rating"].choices = [("", "Any rating"), *rating_choices]

    def clean_q(self):
        return " ".join(self.cleaned_data["q"].split())
