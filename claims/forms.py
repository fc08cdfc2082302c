"""The claim page's forms and the fields they share: verdicts with their evidence sources,
corrections, dismissals, returns, research notes, and the queue's bulk action. The lists'
filter and search forms are in claims/filter_forms.py."""

from django import forms

from articles.field_errors import choice_errors, url_errors
from articles.lengths import text_check, text_limit
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
from .models import Rating


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
        if typed:
            # Before the URL's own validators, which refuse a NUL in a host name as well.
            text_check(typed, self.length.what)
        url = super().to_python(typed)
        if url:
            self.length.typed_check(typed, url)
        return url


BULK_ACTIONS = [
    ("assign", "Assign to me"),
    ("unassign", "Unassign"),
    ("dismiss", "Dismiss as not check-worthy"),
]


class QueueBulkForm(forms.Form):
    """One action on the claims ticked in the queue (claims.bulk.claims_bulk_act)."""

    claims = forms.TypedMultipleChoiceField(
        coerce=int,
        required=True,
        label="Claims",
        # Not the value sent ("Select a valid choice. abc is not one of ..."): only an edited
        # page sends a claim that is not a number.
        error_messages={
            "invalid_choice": "A selected claim is not a claim number: reload the "
            "queue and select the claims again."
        },
    )
    action = forms.ChoiceField(
        choices=BULK_ACTIONS,
        label="With the selected claims",
        error_messages={
            "required": "Choose what to do with the selected claims.",
            **choice_errors("action", choices=BULK_ACTIONS),
        },
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


# The hidden version of the page a form was drawn on: missing or damaged, the page was not
# this desk's as drawn (Django said "This field is required." or "Enter a whole number.").
PAGE_OUT_OF_DATE = "The page was out of date: reload it and try again."


class VerdictForm(forms.Form):
    version = forms.IntegerField(
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid": PAGE_OUT_OF_DATE},
    )
    # Not Django's "---------": the first thing a fact-checker reads in the rating list.
    rating = forms.ModelChoiceField(
        queryset=active_ratings(),
        required=False,
        empty_label="Choose a rating",
        # A rating retired while the page was open, or an edited page.
        error_messages={
            "invalid_choice": "That rating is not one the desk uses now: choose one of the "
            "ratings listed."
        },
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
        error_messages={"required": "Enter the source's URL.", **url_errors("source's URL")},
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
        # Only a page this desk did not draw leaves out the formset's counts.
        "missing_management_form": "The list of evidence sources did not arrive whole: "
        "reload the page and try again.",
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
# says so (claims.verdict_rules.verdict_review_missing). Three blank boxes for a new verdict.
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
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={"required": PAGE_OUT_OF_DATE, "invalid": PAGE_OUT_OF_DATE},
    )


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
        self.fields["version"].error_messages["invalid"] = self.REQUIRED["version"]
