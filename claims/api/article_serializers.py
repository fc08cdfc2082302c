"""What article clients send and get back: the one input shape (an article, or a URL alone),
the intake job a URL becomes, and an article's status with its claims."""

import re
from collections.abc import Mapping

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import MaxLengthValidator
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers
from rest_framework.settings import api_settings

from articles.intake.jobs import DUPLICATE_OF_OTHERS_REASON
from articles.intake.storable import key_shown
from articles.lengths import text_check
from articles.models import AnalysisProblem, Article, IntakeJob
from articles.publication_dates import PUBLISHED_AT_OUT_OF_RANGE
from articles.services import (
    ARTICLE_MIN_WORDS,
    BYLINE_LENGTH,
    LANGUAGE_CODE,
    LANGUAGE_CODE_EXAMPLE,
    OUTLET_NAME_LENGTH,
    TITLE_LENGTH,
    TITLE_REQUIRED,
    URL_LENGTH,
    is_blank,
    outlet_name_refusal,
)

from .auth import articles_visible, request_token
from .serializers import ClaimSerializer, OutletSerializer, absolute_url


class StrictCharField(serializers.CharField):
    """A string, and only a string: a number or a list where text belongs is a client bug.
    Its refusals are worded as the API's others ("Give ..."), not DRF's "This field ..."."""

    default_error_messages = {
        "invalid": "Give text (a JSON string).",
        "null": "Give text (a JSON string), or leave the field out.",
        "blank": "Give a value, or leave the field out.",
    }

    def __init__(self, *, what: str = "", length=None, **kwargs):
        # `length`, a column's validator (articles.services): its limit, and its sentence with
        # the count typed and the field named ("The URL is too long: keep it to 2,000
        # characters (it has 2,001)."), the one a bulk row, the desk's form and a query
        # parameter are refused with. Give a limit so, not as max_length.
        if length is not None:
            kwargs["max_length"] = length.limit_value
        super().__init__(**kwargs)
        self.what = what
        if length is not None:
            self.validators = [
                length if isinstance(v, MaxLengthValidator) else v for v in self.validators
            ]

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        # The desk's words for a NUL, naming the field (articles.lengths.text_check), before
        # DRF's validators, whose "Null characters are not allowed." names neither.
        try:
            text_check(data, self.what or self.field_name.replace("_", " "))
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages, code=error.code) from None
        return super().to_internal_value(data)


# The rule's own pattern in either case, spelled out rather than flagged: the schema shows the
# pattern, and an OpenAPI pattern has no flags, so a client checking with it refused "pt-BR".
_LANGUAGE_CODE_ANY_CASE = re.compile(LANGUAGE_CODE.pattern.replace("a-z", "a-zA-Z"))


@extend_schema_serializer(
    description="An article to analyse: its `title` and `body`, or a `url` alone for the desk "
    "to fetch. The other fields are optional; a field not listed here is refused by name."
)
class ArticleSubmitSerializer(serializers.Serializer):
    """What a client sends. The service does the real validation (and duplicate detection);
    these fields only check types, so the messages stay in one place."""

    default_error_messages = {
        "invalid": "Send a JSON object with the article's fields (title, body, url, ...)."
    }

    def validate_empty_values(self, data):
        # A body of `null` is as much "not an object" as `[]` or `"text"`; DRF would answer it
        # "No data provided", which a client that did send a body cannot act on.
        if data is None:
            raise serializers.ValidationError(
                {api_settings.NON_FIELD_ERRORS_KEY: [self.error_messages["invalid"]]},
                code="invalid",
            )
        return super().validate_empty_values(data)

    # Blank is allowed here: a url sent alone needs no title, and with a body validate() gives
    # the service's own sentence (which also counts zero-width characters as blank).
    title = StrictCharField(
        length=TITLE_LENGTH,
        trim_whitespace=True,
        allow_blank=True,
        required=False,
        default="",
        help_text="Required with a `body`; with a `url` alone, stored over the fetched page's.",
    )
    body = StrictCharField(
        what="article text",
        trim_whitespace=False,
        required=False,
        default="",
        help_text=f"The article text, UTF-8, at least {ARTICLE_MIN_WORDS} words (in scripts "
        "written without spaces, characters). Leave it out to have the desk fetch `url`.",
    )
    url = StrictCharField(
        what="URL",
        length=URL_LENGTH,
        required=False,
        allow_blank=True,
        default="",
        help_text="Where the article was published; sent alone, the desk fetches it.",
    )
    outlet_name = StrictCharField(
        what="outlet's name",
        length=OUTLET_NAME_LENGTH,
        required=False,
        allow_blank=True,
        default="",
    )
    byline = StrictCharField(length=BYLINE_LENGTH, required=False, allow_blank=True, default="")
    published_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        default=None,
        error_messages={
            "invalid": "Give an ISO 8601 date-time, e.g. 2026-12-03T08:00:00Z.",
            # DRF's own check, where the desk's TIME_ZONE cannot hold the moment (year 1 west of
            # UTC), says what published_at_range_refusal says for the rest of that range.
            "overflow": PUBLISHED_AT_OUT_OF_RANGE,
        },
    )
    # No max_length: the pattern allows at most 12 characters (the column holds 16), and a
    # second validator refused an over-long code with the same sentence twice. No default: left
    # out, an article is stored as 'en' (articles.services.article_create) and a URL sent alone
    # takes its page's (articles.intake.jobrun), which a default here would overrule.
    language = serializers.RegexField(
        _LANGUAGE_CODE_ANY_CASE,  # stored lower-cased
        required=False,
        help_text="The article's language code. Left out, 'en' with a `body`; with a `url` "
        "alone, the language the fetched page declares ('en' where it declares none).",
        error_messages={
            "invalid": f"Use a language code {LANGUAGE_CODE_EXAMPLE}.",
            "null": f"Use a language code {LANGUAGE_CODE_EXAMPLE}, or leave the field out.",
            # As every other field says it of an empty value.
            "blank": StrictCharField.default_error_messages["blank"],
        },
    )

    def validate_outlet_name(self, value):
        # The service's rule, said here so the answer names this field, not the service's.
        refusal = outlet_name_refusal(value)
        if refusal:
            raise serializers.ValidationError(refusal)
        return value

    def validate(self, data):
        if not data["body"].strip():
            if not data["url"].strip():
                raise serializers.ValidationError(
                    {"body": ["Send the article text, or a url alone to have it fetched."]}
                )
        elif is_blank(data["title"]):
            raise serializers.ValidationError({"title": [TITLE_REQUIRED]})
        return data

    def to_internal_value(self, data):
        # `{"titel": ...}` is a client bug to name, as unknown query parameters are, not a
        # field to drop in silence.
        if isinstance(data, Mapping):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                message = f"Unknown field; the fields are {', '.join(self.fields)}."
                raise serializers.ValidationError({key_shown(name): [message] for name in unknown})
        return super().to_internal_value(data)


@extend_schema_serializer(
    description="A URL the desk is fetching: its `status`, the `reason` when it failed, and "
    "`article_url` once the article is stored."
)
class IntakeJobSerializer(serializers.ModelSerializer):
    """A URL being fetched: its status, the reason when it failed, the article once stored."""

    status_url = serializers.SerializerMethodField()
    article_url = serializers.SerializerMethodField()

    class Meta:
        model = IntakeJob
        fields = [
            "id",
            "status_url",
            "url",
            "status",
            "reason",
            "duplicate",
            "attempts",
            "article_id",
            "article_url",
            "created_at",
            "finished_at",
        ]
        # The model's help names its `article` field, which the API answers as these two.
        extra_kwargs = {
            "duplicate": {
                "help_text": "The page was already stored: `article_id` and `article_url` are "
                "the existing article."
            }
        }

    def get_status_url(self, job) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("api:intake-job-detail", args=[job.pk])
        )

    def get_article_url(self, job) -> str | None:
        if job.article_id is None:
            return None
        return self.context["request"].build_absolute_uri(
            reverse("api:article-detail", args=[job.article_id])
        )

    def to_representation(self, job):
        data = super().to_representation(job)
        token = request_token(self.context["request"])
        if job.article_id and not articles_visible(token=token).filter(pk=job.article_id).exists():
            # The page was already stored by another client: say so without naming it, as the
            # 409 for a duplicate body does.
            data.update(article_id=None, article_url=None, reason=DUPLICATE_OF_OTHERS_REASON)
        return data


class ArticleAcceptedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    status_url = serializers.URLField()


class AnalysisErrorSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=[c for c in AnalysisProblem.values if c])
    message = serializers.CharField()


@extend_schema_serializer(
    description="An article's analysis status and the claims found in it that the key may "
    "read. When the analysis failed, `analysis_error` gives a reason code and a fixed sentence."
)
class ArticleSerializer(serializers.ModelSerializer):
    """An article's status. `analysis_error` is a reason code with a fixed sentence: the
    internal text (exception messages, database errors) stays in the logs and the admin."""

    outlet = OutletSerializer(allow_null=True)
    status_url = serializers.SerializerMethodField()
    analysis_error = serializers.SerializerMethodField()
    claims = serializers.SerializerMethodField()

    class Meta:
        model = Article
        fields = [
            "id",
            "status_url",
            "title",
            "url",
            "outlet",
            "byline",
            "published_at",
            "language",
            "source_kind",
            "analysis_status",
            "analysis_error",
            "analysis_finished_at",
            "created_at",
            "claims",
        ]

    def get_status_url(self, article) -> str:
        return absolute_url(self.context, "api:article-detail", article.pk)

    @extend_schema_field(AnalysisErrorSerializer(allow_null=True))
    def get_analysis_error(self, article) -> dict | None:
        if not article.analysis_problem_shown:
            return None
        problem = AnalysisProblem(article.analysis_problem_shown)
        return {"code": problem.value, "message": f"{problem.label}."}

    @extend_schema_field(ClaimSerializer(many=True))
    def get_claims(self, article):
        return ClaimSerializer(self.context["claims"], many=True, context=self.context).data
