"""Query-string filters of the list endpoints. Each one is backed by an index (see the
add_api_tokens migration for the two that the models do not declare)."""

import re
from datetime import UTC, timedelta

from django import forms
from django.conf import settings
from django.core.validators import slug_re
from django.db.models import Q
from django.utils import timezone
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError

from articles.lengths import TextLengthValidator, text_check
from articles.search import SEARCH_QUERY_MAX, SEARCH_QUERY_TOO_LONG
from articles.services import language_normalize, language_refusal

from .. import speaker_merges
from ..ids import ID_DIGITS_MAX, is_id
from ..models import ClaimStatus
from ..selectors.public import modified_since, published_rating_choices, rating_slugs_named
from ..selectors.search import SEARCH_QUERY_NO_WORDS, search_words, words_matching
from ..selectors.speakers import speaker_ids_matching
from .auth import reads_unpublished, speakers_visible
from .serializers import RatingSlugField

# The largest id a client may name (claims.ids); the schema states it as the maximum.
ID_MAX = 10**ID_DIGITS_MAX - 1


@extend_schema_field(OpenApiTypes.INT)
class IntegerFilter(filters.Filter):
    """A whole number within `min_value` and `max_value`, refused in the words the search's
    `limit` uses, not Django's "Ensure this value is less than or equal to ..."."""

    field_class = forms.IntegerField

    def __init__(self, *args, min_value: int, max_value: int, **kwargs):
        message = f"Give a whole number from {min_value:,} to {max_value:,}."
        kwargs.setdefault(
            "error_messages", dict.fromkeys(("invalid", "min_value", "max_value"), message)
        )
        super().__init__(*args, min_value=min_value, max_value=max_value, **kwargs)


class ParameterTextField(forms.CharField):
    """A query parameter's text of at most `max_length` characters, refused in the desk's
    sentence naming the parameter (articles.lengths.TextLengthValidator), as its NUL is
    (parameter_text_check), not Django's "Ensure this value has at most ..."."""

    def __init__(self, *, parameter: str, max_length: int, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(TextLengthValidator(max_length, f"{parameter} parameter"))


class TextFilter(filters.CharFilter):
    """Text of at most `max_length` characters (the schema states it: claims.api.docs), too
    long said naming the parameter. Declared without a field_name: it filters through its
    `method`, so the name the FilterSet gives it is the parameter's."""

    field_class = ParameterTextField

    def __init__(self, *args, max_length: int, **kwargs):
        super().__init__(*args, max_length=max_length, **kwargs)

    @property
    def field(self):
        self.extra["parameter"] = self.field_name
        return super().field


# A time whose offset's "+" arrived as a space: `?updated_since=2026-12-03T08:00:00+13:00` typed
# or pasted (a ClaimReview's dateModified) into a URL without encoding the "+", which a query
# string decodes as a space. No valid date-time has a space there, so reading it back as "+"
# cannot misread another value.
_OFFSET_PLUS_DECODED = re.compile(
    r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}:?\d{2})$"
)
DATE_TIME_INVALID = (
    "Give an ISO 8601 date or date-time, e.g. 2026-12-03 or 2026-12-03T08:00:00Z "
    "(URL-encode the + of an offset)."
)


class UtcIsoDateTimeField(IsoDateTimeField):
    """ISO 8601, converted to UTC here: PostgreSQL refuses offsets beyond ±15:59, which
    Python accepts, so an odd offset must become a 400 rather than a database error."""

    default_error_messages = {"invalid": DATE_TIME_INVALID}

    def to_python(self, value):
        if isinstance(value, str):
            value = _OFFSET_PLUS_DECODED.sub(r"\1+\2", value.strip())
        value = super().to_python(value)
        if value is None:
            return None
        try:
            return value.astimezone(UTC)
        except (OverflowError, ValueError):
            raise forms.ValidationError("The date is out of range.", code="invalid") from None


class UtcIsoDateTimeFilter(filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField


def outlet_matching(value: str) -> Q:
    value = value.strip().lower()
    if is_id(value):
        return Q(pk=int(value))
    return Q(domain=value.removeprefix("www."))


def query_words(text: str, *, limit: int = 32) -> list[str]:
    return [word.lower() for word in search_words(text)][:limit]


def parameter_text_check(name: str, value: str) -> None:
    """A query parameter holding a NUL, refused in the desk's words naming the parameter
    (articles.lengths.text_check): the one message for it on every endpoint, the lists' filters
    and the search alike."""
    text_check(value, f"{name} parameter", done="filtered by")


FILTER_VALUE_EMPTY = "Give a value, or leave the parameter out."


class StrictFilterSet(filters.FilterSet):
    """An empty value (`?rating=`) is a mistake to report, not a filter to drop silently. Only
    spaces (`?speaker=%20`) are as empty: the fields strip them and then drop the filter, and
    the list came back whole, its `next` link carrying `speaker=+`."""

    def is_valid(self):
        valid = super().is_valid()
        for name in self.filters:
            value = self.data.get(name)
            if isinstance(value, str) and not value.strip():
                # The one message: not also a choice's "Choose one of" for the spaces.
                self.form.errors.pop(name, None)
                self.form.add_error(name, FILTER_VALUE_EMPTY)
                valid = False
            elif value and "\x00" in value:
                # A choice's error quotes the value; a NUL is not something to send back. The
                # desk's words for it (articles.lengths.text_check), naming the parameter.
                self.form.errors.pop(name, None)
                try:
                    parameter_text_check(name, value)
                except forms.ValidationError as error:
                    self.form.add_error(name, error)
                valid = False
        return valid


class _SpeakerOutletFilters(StrictFilterSet):
    """Shared by verdicts and claims; `prefix` is the path from the row to its claim."""

    claim_path = ""

    speaker = TextFilter(
        method="filter_speaker",
        max_length=300,
        help_text="Speaker id, slug or name. The id or slug of a speaker merged into another "
        "finds the claims of the speaker kept (as /speakers/{id}/ redirects to it).",
    )
    outlet = TextFilter(
        method="filter_outlet", max_length=253, help_text="Outlet id or domain (reuters.com)."
    )
    language = TextFilter(
        method="filter_language",
        max_length=16,
        help_text="Article language code, e.g. en or pt-br, in any case: pt-BR finds the "
        "articles returned as pt-br.",
    )
    q = filters.CharFilter(
        method="filter_q",
        max_length=SEARCH_QUERY_MAX,
        error_messages={"max_length": SEARCH_QUERY_TOO_LONG},
        help_text="Words the claim's text must contain.",
    )

    def _path(self, name: str) -> str:
        return f"{self.claim_path}{name}"

    def speaker_aliases(self) -> bool:
        """Whether `speaker` may match a desk-only spelling (see speaker_ids_matching) and
        follow a merge of a desk-only speaker (speaker_kept)."""
        return False

    def filter_speaker(self, queryset, name, value):
        from ..models import Speaker

        matching = speaker_ids_matching(value, aliases=self.speaker_aliases())
        kept = self.speaker_kept(value)
        if kept is not None:
            matching |= Q(pk=kept)
        speakers = Speaker.objects.filter(matching).values("pk")
        return queryset.filter(**{f"{self._path('speaker')}__in": speakers})

    def speaker_kept(self, value: str) -> int | None:
        """The speaker kept by the merge that took away the speaker this id or slug named,
        where this client may follow it (the rule /speakers/{id}/'s redirect keeps). A speaker
        holding the id or slug now is that speaker, not a merge's."""
        from ..models import Speaker

        value = " ".join(value.split()).lower()
        if is_id(value):
            address = {"pk": int(value)}
        elif slug_re.fullmatch(value):
            address = {"slug": value}
        else:
            return None
        if Speaker.objects.filter(**address).exists():
            return None
        merge = speaker_merges.merged_into_readable(desk=self.speaker_aliases(), **address)
        return merge.target_id if merge is not None else None

    def filter_outlet(self, queryset, name, value):
        from articles.models import Outlet

        outlets = Outlet.objects.filter(outlet_matching(value)).values("pk")
        return queryset.filter(**{f"{self._path('article__outlet')}__in": outlets})

    def filter_language(self, queryset, name, value):
        value = language_normalize(value)
        if refusal := language_refusal(value):
            raise ValidationError({"language": [refusal]})
        return queryset.filter(**{self._path("article__language"): value})

    def filter_q(self, queryset, name, value):
        if not query_words(value):
            raise ValidationError({"q": [SEARCH_QUERY_NO_WORDS]})
        return words_matching(queryset, self._path("text"), value.strip())


class VerdictFilter(_SpeakerOutletFilters):
    claim_path = "claim__"

    rating = TextFilter(method="filter_rating", max_length=100)
    published_after = UtcIsoDateTimeFilter(
        field_name="published_at", lookup_expr="gte", help_text="ISO 8601 date or date-time."
    )
    published_before = UtcIsoDateTimeFilter(
        field_name="published_at", lookup_expr="lt", help_text="ISO 8601 date or date-time."
    )
    updated_since = UtcIsoDateTimeFilter(
        method="filter_updated_since",
        help_text="Only verdicts whose `modified_at` is at or after this time less "
        f"{settings.API_SYNC_OVERLAP_SECONDS} seconds (for incremental sync): published, "
        "corrected or with their ClaimReview's appearances changed since. The overlap brings "
        "back a change committed just after a poll that was stamped just before it; a client "
        "keeps a verdict by `id` and `modified_at`, so a repeat changes nothing.",
    )
    max_age_days = IntegerFilter(
        method="filter_max_age_days",
        min_value=1,
        max_value=36_500,
        help_text="Only verdicts published in the last N days.",
    )

    @extend_schema_field(RatingSlugField(help_text="Rating slug, in any case, e.g. false."))
    def filter_rating(self, queryset, name, value):
        # The public index's rule: a retired scale's rating while a published verdict keeps
        # it, and never one only a draft has; any case.
        choices = published_rating_choices()
        slugs = rating_slugs_named(value, choices=choices)
        if not slugs:
            listed = ", ".join(slug for slug, _ in choices)
            raise ValidationError({"rating": [f"Unknown rating; use one of: {listed}."]})
        return queryset.filter(rating__slug__in=slugs)

    def filter_updated_since(self, queryset, name, value):
        # A verdict's modified_at is stamped before its transaction commits: one committed
        # after the client's last poll may carry a time before it, and an exact filter would
        # never send it. Reaching back by the overlap sends it (and a few repeats).
        try:
            since = value - timedelta(seconds=settings.API_SYNC_OVERLAP_SECONDS)
        except OverflowError:  # a time in the year 1: nothing is earlier anyway
            since = value
        return modified_since(queryset, since)

    def filter_max_age_days(self, queryset, name, value):
        return queryset.filter(published_at__gte=timezone.now() - timedelta(days=value))


class ClaimFilter(_SpeakerOutletFilters):
    article = IntegerFilter(
        field_name="article_id", min_value=1, max_value=ID_MAX, help_text="Article id."
    )
    status = filters.ChoiceFilter(
        choices=ClaimStatus.choices,
        method="filter_status",
        help_text="Workflow status (desk-scope keys see every status; to other keys every "
        "claim they read is published).",
        # As `ordering` and `format` say it: Django's "Select a valid choice" names none.
        error_messages={
            "invalid_choice": f"Choose one of: {', '.join(sorted(ClaimStatus.values))}."
        },
    )

    def filter_speaker(self, queryset, name, value):
        queryset = super().filter_speaker(queryset, name, value)
        if self.speaker_aliases():
            return queryset
        # A covered repeat's speaker may be one the key cannot read (claims.api.claim_rows):
        # naming them must not find the repeat and tell who said it.
        return queryset.filter(speaker__in=speakers_visible(staff=False).values("pk"))

    def filter_status(self, queryset, name, value):
        if self.request is not None and reads_unpublished(self.request):
            return queryset.filter(status=value)
        # A repeat covered by a published verdict reads as published: that the desk dismissed
        # it as already checked is the desk's.
        return queryset if value == ClaimStatus.PUBLISHED else queryset.none()

    def speaker_aliases(self) -> bool:
        # The verdict list keeps the public rule for every key: its pages are one cache
        # entry per URL, shared by all clients (VerdictViewSet.list).
        return self.request is not None and reads_unpublished(self.request)


class SpeakerFilter(StrictFilterSet):
    q = filters.CharFilter(
        field_name="name",
        lookup_expr="icontains",
        max_length=SEARCH_QUERY_MAX,
        error_messages={"max_length": SEARCH_QUERY_TOO_LONG},
        help_text="Part of a name.",
    )
