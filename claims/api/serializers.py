"""Output shapes of the API, and the one input shape (an article). Read-only everywhere else."""

from collections.abc import Mapping

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from articles.intake.jobs import DUPLICATE_OF_OTHERS_REASON
from articles.models import AnalysisProblem, Article, IntakeJob, Outlet

from ..claimreview import claim_appearances
from ..models import Claim, EvidenceSource, Rating, Speaker, Verdict
from .auth import articles_visible, request_token


def _absolute(context: dict, name: str, pk: int) -> str:
    """The absolute URL of route `name` for `pk`; reverse() runs once per route and request
    (a list page would otherwise resolve the same pattern hundreds of times)."""
    parts = context.setdefault("_absolute_parts", {})
    if name not in parts:
        url = context["request"].build_absolute_uri(reverse(name, args=[0]))
        split = url.rindex("/0/")
        parts[name] = (url[: split + 1], url[split + 2 :])
    head, tail = parts[name]
    return f"{head}{pk}{tail}"


class OutletSerializer(serializers.ModelSerializer):
    class Meta:
        model = Outlet
        fields = ["id", "name", "domain"]


class RatingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Rating
        fields = ["slug", "label", "value"]


class SpeakerBriefSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Speaker
        fields = ["id", "name", "slug", "role", "kind", "url"]

    def get_url(self, speaker) -> str:
        return _absolute(self.context, "api:speaker-detail", speaker.pk)


class ArticleBriefSerializer(serializers.ModelSerializer):
    outlet = OutletSerializer(allow_null=True)

    class Meta:
        model = Article
        fields = ["id", "title", "url", "outlet", "published_at", "language"]


class ClaimInVerdictSerializer(serializers.ModelSerializer):
    speaker = SpeakerBriefSerializer(allow_null=True)
    article = ArticleBriefSerializer()

    class Meta:
        model = Claim
        fields = ["id", "text", "speaker", "is_direct_quote", "article"]


class SourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = EvidenceSource
        fields = ["url", "title", "note", "accessed_on"]


class VerdictSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    claimreview_url = serializers.SerializerMethodField()
    public_url = serializers.SerializerMethodField()
    claim = ClaimInVerdictSerializer()
    rating = RatingSerializer()
    sources = SourceSerializer(many=True)

    class Meta:
        model = Verdict
        fields = [
            "id",
            "url",
            "public_url",
            "claimreview_url",
            "claim",
            "rating",
            "conclusion",
            "explanation",
            "sources",
            "published_at",
            "updated_at",
        ]

    def get_url(self, verdict) -> str:
        return _absolute(self.context, "api:verdict-detail", verdict.pk)

    def get_claimreview_url(self, verdict) -> str:
        return _absolute(self.context, "api:verdict-claimreview", verdict.pk)

    def get_public_url(self, verdict) -> str:
        return _absolute(self.context, "claims:public", verdict.pk)

    def to_representation(self, verdict):
        """The same dict DRF's field walk builds from the declarations above, written out:
        a list page serializes up to 100 verdicts and the generic walk (plus a reverse() per
        URL) costs about ten times this. test_api_verdicts checks that the two agree."""
        sources = [
            {"url": s.url, "title": s.title, "note": s.note, "accessed_on": s.accessed_on}
            for s in verdict.sources.all()
        ]
        return verdict_row_representation(verdict_row(verdict), sources, self._url_prefixes())

    def _url_prefixes(self) -> dict[str, str]:
        cached = self.context.get("_url_prefixes")
        if cached is None:
            request = self.context["request"]
            cached = {
                name: request.build_absolute_uri(reverse(route, args=[0]))[: -len("0/")]
                for name, route in (
                    ("verdict", "api:verdict-detail"),
                    ("speaker", "api:speaker-detail"),
                    ("public", "claims:public"),
                )
            }
            self.context["_url_prefixes"] = cached
        return cached


# The columns the list endpoint reads with .values(): model instances for a page of 100
# verdicts with five related rows each cost more CPU than everything else in the request.
VERDICT_ROW_FIELDS = (
    "id",
    "conclusion",
    "explanation",
    "published_at",
    "updated_at",
    "claim_id",
    "claim__text",
    "claim__is_direct_quote",
    "claim__speaker_id",
    "claim__speaker__name",
    "claim__speaker__slug",
    "claim__speaker__role",
    "claim__speaker__kind",
    "claim__article_id",
    "claim__article__title",
    "claim__article__url",
    "claim__article__published_at",
    "claim__article__language",
    "claim__article__outlet_id",
    "claim__article__outlet__name",
    "claim__article__outlet__domain",
    "rating__slug",
    "rating__label",
    "rating__value",
)
SOURCE_ROW_FIELDS = ("verdict_id", "url", "title", "note", "accessed_on")


def verdict_row(verdict) -> dict:
    """A Verdict (with its related rows loaded) as the dict .values(*VERDICT_ROW_FIELDS) gives."""
    claim, rating = verdict.claim, verdict.rating
    article, speaker = claim.article, claim.speaker
    outlet = article.outlet
    return {
        "id": verdict.pk,
        "conclusion": verdict.conclusion,
        "explanation": verdict.explanation,
        "published_at": verdict.published_at,
        "updated_at": verdict.updated_at,
        "claim_id": claim.pk,
        "claim__text": claim.text,
        "claim__is_direct_quote": claim.is_direct_quote,
        "claim__speaker_id": claim.speaker_id,
        "claim__speaker__name": speaker and speaker.name,
        "claim__speaker__slug": speaker and speaker.slug,
        "claim__speaker__role": speaker and speaker.role,
        "claim__speaker__kind": speaker and speaker.kind,
        "claim__article_id": article.pk,
        "claim__article__title": article.title,
        "claim__article__url": article.url,
        "claim__article__published_at": article.published_at,
        "claim__article__language": article.language,
        "claim__article__outlet_id": article.outlet_id,
        "claim__article__outlet__name": outlet and outlet.name,
        "claim__article__outlet__domain": outlet and outlet.domain,
        "rating__slug": rating.slug,
        "rating__label": rating.label,
        "rating__value": rating.value,
    }


def verdict_row_representation(row: dict, sources: list[dict], urls: dict[str, str]) -> dict:
    pk, speaker_id, outlet_id = (
        row["id"],
        row["claim__speaker_id"],
        row["claim__article__outlet_id"],
    )
    return {
        "id": pk,
        "url": f"{urls['verdict']}{pk}/",
        "public_url": f"{urls['public']}{pk}/",
        "claimreview_url": f"{urls['verdict']}{pk}/claimreview/",
        "claim": {
            "id": row["claim_id"],
            "text": row["claim__text"],
            "speaker": None
            if speaker_id is None
            else {
                "id": speaker_id,
                "name": row["claim__speaker__name"],
                "slug": row["claim__speaker__slug"],
                "role": row["claim__speaker__role"],
                "kind": row["claim__speaker__kind"],
                "url": f"{urls['speaker']}{speaker_id}/",
            },
            "is_direct_quote": row["claim__is_direct_quote"],
            "article": {
                "id": row["claim__article_id"],
                "title": row["claim__article__title"],
                "url": row["claim__article__url"],
                "outlet": None
                if outlet_id is None
                else {
                    "id": outlet_id,
                    "name": row["claim__article__outlet__name"],
                    "domain": row["claim__article__outlet__domain"],
                },
                "published_at": _iso(row["claim__article__published_at"]),
                "language": row["claim__article__language"],
            },
        },
        "rating": {
            "slug": row["rating__slug"],
            "label": row["rating__label"],
            "value": row["rating__value"],
        },
        "conclusion": row["conclusion"],
        "explanation": row["explanation"],
        "sources": [
            {
                "url": source["url"],
                "title": source["title"],
                "note": source["note"],
                "accessed_on": source["accessed_on"].isoformat(),
            }
            for source in sources
        ],
        "published_at": _iso(row["published_at"]),
        "updated_at": _iso(row["updated_at"]),
    }


def _iso(value) -> str | None:
    """A date-time as DRF writes it: ISO 8601 in the current time zone, UTC as 'Z'."""
    if value is None:
        return None
    text = timezone.localtime(value).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


class VerdictMatchSerializer(serializers.Serializer):
    score = serializers.FloatField(
        help_text="Fused similarity to the query (vector and keyword), about 0 to 1."
    )
    level = serializers.ChoiceField(
        choices=["suggested", "same_claim"],
        allow_null=True,
        help_text="same_claim: the desk would link it as the same statement; suggested: worth a "
        "look; null: below both thresholds.",
    )
    verdict = VerdictSerializer()


class VerdictBriefSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    rating = RatingSerializer()

    class Meta:
        model = Verdict
        fields = ["id", "url", "rating", "conclusion", "published_at"]

    def get_url(self, verdict) -> str:
        return _absolute(self.context, "api:verdict-detail", verdict.pk)


class ClaimSerializer(serializers.ModelSerializer):
    """A claim as clients see it; `status` and a draft verdict's state are for staff only."""

    url = serializers.SerializerMethodField()
    speaker = SpeakerBriefSerializer(allow_null=True)
    article = ArticleBriefSerializer()
    verdict = serializers.SerializerMethodField()
    status = serializers.CharField(
        required=False, help_text="Workflow status; only in answers to desk-scope keys."
    )

    class Meta:
        model = Claim
        fields = [
            "id",
            "url",
            "text",
            "speaker",
            "is_direct_quote",
            "check_worthiness",
            "article",
            "verdict",
            "status",
            "created_at",
        ]

    def get_url(self, claim) -> str:
        return _absolute(self.context, "api:claim-detail", claim.pk)

    @extend_schema_field(VerdictBriefSerializer(allow_null=True))
    def get_verdict(self, claim):
        verdict = getattr(claim, "verdict", None)
        if verdict is None or not verdict.is_published:
            return None
        return VerdictBriefSerializer(verdict, context=self.context).data

    def to_representation(self, claim):
        data = super().to_representation(claim)
        if not self.context.get("staff"):
            data.pop("status")
        return data


class GroupAppearanceSerializer(serializers.Serializer):
    claim_id = serializers.IntegerField()
    text = serializers.CharField()
    speaker = serializers.CharField(allow_null=True, help_text="The speaker's name.")
    article = ArticleBriefSerializer()


class ClaimGroupSerializer(serializers.Serializer):
    """What claim_group_data returns, for the schema."""

    id = serializers.IntegerField()
    canonical_text = serializers.CharField()
    appearances = GroupAppearanceSerializer(many=True)


class ClaimDetailSerializer(ClaimSerializer):
    """One claim, with its canonical group (not on list pages: one query per claim)."""

    group = serializers.SerializerMethodField()

    class Meta(ClaimSerializer.Meta):
        fields = [*ClaimSerializer.Meta.fields, "group"]

    @extend_schema_field(ClaimGroupSerializer(allow_null=True))
    def get_group(self, claim):
        return claim_group_data(claim, self.context)


def claim_group_data(claim, context: dict) -> dict | None:
    """The claim's canonical group and every appearance of it (ClaimGroupSerializer's shape)."""
    if not claim.group_id:
        return None
    staff = bool(context.get("staff"))
    appearances = claim_appearances(claim, public=not staff)
    return {
        "id": claim.group_id,
        # The canonical wording may come from a claim the public may not read.
        "canonical_text": claim.group.canonical_text if staff else appearances[0].text,
        "appearances": [
            {
                "claim_id": other.pk,
                "text": other.text,
                "speaker": other.speaker.name if other.speaker else None,
                "article": ArticleBriefSerializer(other.article, context=context).data,
            }
            for other in appearances
        ],
    }


class SpeakerSerializer(SpeakerBriefSerializer):
    rating_counts = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="Published verdicts on this speaker's claims, by rating slug.",
    )
    published_verdicts = serializers.IntegerField()

    class Meta(SpeakerBriefSerializer.Meta):
        fields = [*SpeakerBriefSerializer.Meta.fields, "published_verdicts", "rating_counts"]


class StrictCharField(serializers.CharField):
    """A string, and only a string: a number or a list where text belongs is a client bug."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class ArticleSubmitSerializer(serializers.Serializer):
    """What a client sends. The service does the real validation (and duplicate detection);
    these fields only check types, so the messages stay in one place."""

    title = StrictCharField(max_length=500, trim_whitespace=True, required=False, default="")
    body = StrictCharField(
        trim_whitespace=False,
        required=False,
        default="",
        help_text="The article text, UTF-8. Leave it out to have the desk fetch `url`.",
    )
    url = StrictCharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text="Where the article was published; sent alone, the desk fetches it.",
    )
    outlet_name = StrictCharField(max_length=200, required=False, allow_blank=True, default="")
    byline = StrictCharField(max_length=300, required=False, allow_blank=True, default="")
    published_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    language = serializers.RegexField(
        r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?$",
        max_length=16,
        required=False,
        default="en",
        error_messages={"invalid": "Use a language code such as 'en' or 'pt-BR'."},
    )

    def validate(self, data):
        if not data["body"].strip():
            if not data["url"].strip():
                raise serializers.ValidationError(
                    {"body": ["Send the article text, or a url alone to have it fetched."]}
                )
        elif not data["title"]:
            raise serializers.ValidationError({"title": ["A title is required with a body."]})
        return data

    def to_internal_value(self, data):
        # `{"titel": ...}` is a client bug to name, as unknown query parameters are, not a
        # field to drop in silence.
        if isinstance(data, Mapping):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
        return super().to_internal_value(data)


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
        return _absolute(self.context, "api:article-detail", article.pk)

    @extend_schema_field(AnalysisErrorSerializer(allow_null=True))
    def get_analysis_error(self, article) -> dict | None:
        if not article.analysis_problem_shown:
            return None
        problem = AnalysisProblem(article.analysis_problem_shown)
        return {"code": problem.value, "message": f"{problem.label}."}

    @extend_schema_field(ClaimSerializer(many=True))
    def get_claims(self, article):
        return ClaimSerializer(self.context["claims"], many=True, context=self.context).data
