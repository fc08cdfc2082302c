"""The lists' filter and search forms: the claim queue's, the desk history's, the speakers
index's, the published
fact-checks export's period and the public index's search. The claim page's forms (verdicts,
sources, corrections, notes) are in claims/forms.py."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef

from articles.field_errors import choice_errors, date_errors, number_errors
from articles.lengths import text_check
from articles.models import Outlet
from articles.search import SEARCH_QUERY_MAX, SEARCH_QUERY_TOO_LONG
from config.pages import ListFilterForm, unknown_parameters_refuse

from .models import ClaimEvent, ClaimGroupEvent
from .selectors import QUEUE_SORTS, QUEUE_STATUSES, rating_slugs_named
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


class SearchTextField(forms.CharField):
    """A search box, whose NUL (a %00 in the address) is refused in the desk's words, naming
    the box as `what`, before anything else is checked: "?q=%00" was also told it has no word
    to search for, two errors for one character."""

    def __init__(self, *, what: str, **kwargs):
        super().__init__(**kwargs)
        self.what = what

    def to_python(self, value):
        value = super().to_python(value)
        text_check(value, self.what, done="searched for")
        return value


def search_query_field(*, label: str) -> forms.CharField:
    return SearchTextField(
        what="search",
        required=False,
        label=label,
        max_length=SEARCH_QUERY_MAX,
        error_messages={"max_length": SEARCH_QUERY_TOO_LONG},
        # Not run on an empty value: no search is no filter.
        validators=[_search_has_words],
    )


SPEAKER_QUERY_MAX = 200
SPEAKER_QUERY_TOO_LONG = (
    f"A speaker's name to search for can be at most {SPEAKER_QUERY_MAX} characters long."
)


def speaker_query_field(**kwargs) -> forms.CharField:
    """A box for part of a speaker's name or a spelling the desk recorded (the queue's speaker
    filter, the speakers index's search)."""
    return SearchTextField(
        what="speaker's name",
        required=False,
        max_length=SPEAKER_QUERY_MAX,
        error_messages={"max_length": SPEAKER_QUERY_TOO_LONG},
        **kwargs,
    )


STATUS_CHOICES = [(key, label) for key, (label, _) in QUEUE_STATUSES.items()]
ASSIGNEE_CHOICES = [("", "Anyone"), ("mine", "Assigned to me"), ("unassigned", "Unassigned")]
REPEATS_CHOICES = [
    ("", "New work and repeats"),
    ("new", "New work only"),
    ("checked", "Repeats of a published fact-check"),
]
SORT_CHOICES = [(key, label) for key, (label, _, _) in QUEUE_SORTS.items()]


class QueueFilterForm(ListFilterForm):
    # Each filter's refusal in the desk's words, naming it: the queue's filters come from an
    # address that can be bookmarked or edited, and Django's "Select a valid choice. zzz is not
    # one of the available choices." or "Enter a number." named neither the filter nor a fix.
    q = search_query_field(label="Search claims")
    status = forms.ChoiceField(
        required=False,
        choices=STATUS_CHOICES,
        error_messages=choice_errors("status", choices=STATUS_CHOICES),
    )
    speaker = speaker_query_field()
    outlet = forms.ModelChoiceField(
        queryset=Outlet.objects.order_by("name"),
        required=False,
        empty_label="Any outlet",
        error_messages=choice_errors("outlet"),
    )
    published_from = forms.DateField(
        required=False,
        label="Article from",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages=date_errors("earliest article date"),
    )
    published_to = forms.DateField(
        required=False,
        label="Article to",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages=date_errors("latest article date"),
    )
    score_min = forms.FloatField(
        required=False,
        min_value=0,
        max_value=1,
        label="Score from",
        widget=forms.NumberInput(attrs={"step": "0.05"}),
        error_messages=number_errors("lowest score", low=0, high=1),
    )
    score_max = forms.FloatField(
        required=False,
        min_value=0,
        max_value=1,
        label="Score to",
        widget=forms.NumberInput(attrs={"step": "0.05"}),
        error_messages=number_errors("highest score", low=0, high=1),
    )
    assignee = forms.ChoiceField(
        required=False,
        choices=ASSIGNEE_CHOICES,
        error_messages=choice_errors("assignee", choices=ASSIGNEE_CHOICES),
    )
    repeats = forms.ChoiceField(
        required=False,
        label="Already checked",
        choices=REPEATS_CHOICES,
        error_messages=choice_errors("kind of claim", choices=REPEATS_CHOICES),
    )
    sort = forms.ChoiceField(
        required=False,
        label="Order",
        choices=SORT_CHOICES,
        error_messages=choice_errors("order", choices=SORT_CHOICES),
    )

    def clean(self):
        cleaned = super().clean()
        range_check(self, "published_from", "published_to", "The period ends before it starts.")
        range_check(self, "score_min", "score_max", "The range ends below where it starts.")
        unknown_parameters_refuse(self, also=("page",))
        return cleaned

    def refused_filter_count(self) -> int:
        """How many filters are marked refused; an unknown parameter is none of them (the error
        summary names it, and no field is marked)."""
        return sum(1 for name in self.errors if name in self.fields)

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


class DeskHistoryFilterForm(ListFilterForm):
    person = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label="Anyone",
        error_messages=choice_errors("person"),
    )
    date_from = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages=date_errors("first day"),
    )
    date_to = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages=date_errors("last day"),
    )

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
        unknown_parameters_refuse(self, also=("page",))
        return cleaned


class SpeakerIndexForm(ListFilterForm):
    """The desk's speakers index: search by name or a spelling the desk recorded."""

    q = speaker_query_field(label="Search speakers")

    def clean(self):
        cleaned = super().clean()
        unknown_parameters_refuse(self, also=("page",))
        return cleaned


class VerdictExportForm(ListFilterForm):
    """The period of the published fact-checks spreadsheet (both ends optional, inclusive)."""

    date_from = forms.DateField(
        required=False,
        label="Published from",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages=date_errors("first publication day"),
    )
    date_to = forms.DateField(
        # Named in full as the queue's "Article to" is: an error read "to: Enter a valid date."
        required=False,
        label="Published to",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages=date_errors("last publication day"),
    )

    def clean(self):
        cleaned = super().clean()
        range_check(self, "date_from", "date_to", "The period ends before it starts.")
        unknown_parameters_refuse(self)
        return cleaned


class PublicSearchForm(ListFilterForm):
    """The public index of fact-checks: words of the claim, and a rating in use."""

    q = search_query_field(label="Search fact-checks")
    rating = forms.ChoiceField(
        required=False,
        label="Rating",
        error_messages={"invalid_choice": "Choose one of the ratings listed."},
    )

    def __init__(self, data=None, *, rating_choices: list[tuple[str, str]], **kwargs):
        self.rating_choices = rating_choices
        # `?rating=FALSE` names the rating listed as `false` (the API reads it so): asked for
        # in its listed spelling, the list shows it chosen.
        named = rating_slugs_named(data.get("rating", ""), choices=rating_choices) if data else []
        if named:
            data = data.copy()
            data["rating"] = named[0]
        super().__init__(data, **kwargs)
        self.fields["rating"].choices = [("", "Any rating"), *rating_choices]

    def clean_rating(self) -> list[str]:
        """Every slug the rating names, as the API's filter takes them."""
        rating = self.cleaned_data["rating"]
        return rating_slugs_named(rating, choices=self.rating_choices) if rating else []

    def clean_q(self):
        return " ".join(self.cleaned_data["q"].split())
