"""Output shapes of the API's read endpoints: published verdicts, claims, their groups, speakers.

The verdict list's fast path (rows read with .values()) is claims.api.verdict_rows; what article
clients send and get back (submission, intake jobs, an article's status) is
claims.api.article_serializers.
"""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from articles.models import Article, Outlet

from ..models import Claim, Correction, EvidenceSource, Rating, Speaker, Verdict
from ..selectors.public import published_rating_choices
from .auth import speakers_visible
from .claim_rows import appearances_read
from .pagination import AppearancePagination
from .verdict_rows import verdict_row, verdict_row_representation


def absolute_url(context: dict, name: str, pk: int) -> str:
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
        # Always sent, null included: read-only, so the schema lists it as required.
        extra_kwargs = {
            "domain": {
                "read_only": True,
                "help_text": "The outlet's registered domain, e.g. reuters.com; null for an "
                "outlet known only by its name (an article sent with a name and no URL).",
            }
        }


def rating_slugs() -> list[str]:
    """The slugs a published verdict may carry and the `rating` filter takes, sorted: the
    public index's rule (claims.selectors.published_rating_choices), so a retired scale's rating
    is listed while a published verdict keeps it."""
    return sorted(slug for slug, _ in published_rating_choices())


class RatingSlugField(serializers.CharField):
    """A rating's slug. The schema lists the slugs there are when it is generated (docs.py):
    the ratings are rows the desk edits, not choices fixed in the code."""


class RatingSerializer(serializers.ModelSerializer):
    slug = RatingSlugField(read_only=True)

    class Meta:
        model = Rating
        fields = ["slug", "label", "value"]


class SpeakerBriefSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Speaker
        fields = ["id", "name", "slug", "role", "kind", "url"]

    def get_url(self, speaker) -> str:
        return absolute_url(self.context, "api:speaker-detail", speaker.pk)


class ArticleBriefSerializer(serializers.ModelSerializer):
    outlet = OutletSerializer(allow_null=True)

    class Meta:
        model = Article
        fields = ["id", "title", "url", "outlet", "published_at", "language"]
        # Lower-cased as stored, filtered and sent back by clients since the API began; the
        # pages and ClaimReview write it in BCP 47's case (articles.services.language_cased).
        extra_kwargs = {
            "language": {
                "help_text": "The article's language code, lower-cased as stored ('pt-br', "
                "'zh-hant-tw'); ClaimReview's inLanguage writes it in BCP 47's case (pt-BR)."
            }
        }


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


class CorrectionSerializer(serializers.ModelSerializer):
    published_at = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = Correction
        fields = ["note", "published_at"]
        extra_kwargs = {"note": {"help_text": "Public: what changed and why."}}


class VerdictSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    claimreview_url = serializers.SerializerMethodField()
    public_url = serializers.SerializerMethodField()
    claim = ClaimInVerdictSerializer()
    rating = RatingSerializer()
    sources = SourceSerializer(many=True)
    corrections = CorrectionSerializer(
        many=True,
        read_only=True,
        help_text="The verdict's public corrections, oldest first: show them with it.",
    )
    modified_at = serializers.DateTimeField(
        read_only=True,
        help_text="When the published fact-check last changed: its publication, its latest "
        "correction or the latest change an editor made to the appearances its ClaimReview lists "
        "(the ClaimReview's dateModified). `updated_since` filters on it.",
    )

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
            "corrections",
            "published_at",
            "updated_at",
            "modified_at",
        ]
        extra_kwargs = {
            "updated_at": {
                "help_text": "When the verdict itself was last saved (its publication or a "
                "correction of it). It does not move when the fact-check's appearances change: "
                "sync on `modified_at`."
            }
        }

    def get_url(self, verdict) -> str:
        return absolute_url(self.context, "api:verdict-detail", verdict.pk)

    def get_claimreview_url(self, verdict) -> str:
        return absolute_url(self.context, "api:verdict-claimreview", verdict.pk)

    def get_public_url(self, verdict) -> str:
        return absolute_url(self.context, "claims:public", verdict.pk)

    def to_representation(self, verdict):
        """The same dict DRF's field walk builds from the declarations above, written out:
        a list page serializes up to 100 verdicts and the generic walk (plus a reverse() per
        URL) costs about ten times this. test_api_verdict_detail checks that the two agree."""
        sources = [
            {"url": s.url, "title": s.title, "note": s.note, "accessed_on": s.accessed_on}
            for s in verdict.sources.all()
        ]
        corrections = [
            {"note": c.note, "created_at": c.created_at} for c in verdict.corrections.all()
        ]
        return verdict_row_representation(
            verdict_row(verdict), sources, self._url_prefixes(), corrections
        )

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


class VerdictMatchSerializer(serializers.Serializer):
    score = serializers.FloatField(
        help_text="Fused similarity to the query (vector and keyword), about 0 to 1."
    )
    # Never null: a match below both thresholds is left out of the results (verdicts_similar_to).
    level = serializers.ChoiceField(
        choices=["suggested", "same_claim"],
        help_text="same_claim: the desk would link it as the same statement; suggested: worth a "
        "look.",
    )
    verdict = VerdictSerializer()


class VerdictBriefSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    rating = RatingSerializer()

    class Meta:
        model = Verdict
        fields = ["id", "url", "rating", "conclusion", "published_at"]

    def get_url(self, verdict) -> str:
        return absolute_url(self.context, "api:verdict-detail", verdict.pk)


@extend_schema_serializer(
    description="A claim found in an article, with who said it and its published verdict "
    "(null until one is published; for a repeat an editor applied a published verdict to, that "
    "verdict). `status` is only in answers to desk-scope keys."
)
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
        return absolute_url(self.context, "api:claim-detail", claim.pk)

    @extend_schema_field(VerdictBriefSerializer(allow_null=True))
    def get_verdict(self, claim):
        verdict = getattr(claim, "verdict", None)
        if verdict is None or not verdict.is_published:
            # A repeat an editor applied a published verdict to reads with that verdict.
            verdict = getattr(claim, "covering_verdict", None)
        if verdict is None:
            return None
        return VerdictBriefSerializer(verdict, context=self.context).data

    def to_representation(self, claim):
        data = super().to_representation(claim)
        if not self.context.get("staff"):
            data.pop("status")
        if getattr(claim, "speaker_hidden", False):
            data["speaker"] = None
        return data


class GroupAppearanceSerializer(serializers.Serializer):
    claim_id = serializers.IntegerField()
    text = serializers.CharField()
    speaker = serializers.CharField(
        allow_null=True,
        help_text="The speaker's name; null for narration and for a speaker the key may not read.",
    )
    article = ArticleBriefSerializer()


@extend_schema_serializer(
    description="The claim's canonical group: the same claim wherever it appeared, as far as "
    "the key may see."
)
class ClaimGroupSerializer(serializers.Serializer):
    """What claim_group_data returns, for the schema."""

    id = serializers.IntegerField()
    canonical_text = serializers.CharField()
    appearance_count = serializers.IntegerField(help_text="Every appearance the key may see.")
    appearances = GroupAppearanceSerializer(
        many=True,
        help_text=f"The first {AppearancePagination.page_size} in publication order; "
        "`appearances_url` pages through all of them.",
    )
    appearances_url = serializers.URLField()


@extend_schema_serializer(
    description="One claim, as on the list pages, with its canonical group (null when it is "
    "in none)."
)
class ClaimDetailSerializer(ClaimSerializer):
    """One claim, with its canonical group (not on list pages: one query per claim)."""

    group = serializers.SerializerMethodField()

    class Meta(ClaimSerializer.Meta):
        fields = [*ClaimSerializer.Meta.fields, "group"]

    @extend_schema_field(ClaimGroupSerializer(allow_null=True))
    def get_group(self, claim):
        return claim_group_data(claim, self.context)


def claim_group_data(claim, context: dict) -> dict | None:
    """The claim's canonical group: how many appearances the key may see, the first page of
    them and the link to the rest (ClaimGroupSerializer's shape). A viral claim's group grows to
    thousands; listed whole it made every read of the claim as large."""
    if not claim.group_id:
        return None
    staff = bool(context.get("staff"))
    appearances = appearances_read(claim, staff=staff)
    first_page = list(appearances[: AppearancePagination.page_size])
    canonical = claim.group.canonical_text
    # The canonical wording may come from a claim the public may not read: then the group's
    # first public appearance's, the same whichever member is asked.
    if not staff and not appearances.filter(pk=claim.group.canonical_claim_id).exists():
        canonical = first_page[0].text
    return {
        "id": claim.group_id,
        "canonical_text": canonical,
        "appearance_count": appearances.count(),
        "appearances": appearance_rows(first_page, context),
        "appearances_url": absolute_url(context, "api:claim-appearances", claim.pk),
    }


def appearance_rows(appearances: list[Claim], context: dict) -> list[dict]:
    """GroupAppearanceSerializer's shape for these appearances of a group."""
    staff = bool(context.get("staff"))
    # A repeat the desk applied a verdict to is public, its speaker not always: named only
    # where /speakers/{id} would answer for that key.
    speaker_ids = {other.speaker_id for other in appearances} - {None}
    visible = speakers_visible(staff=staff).filter(pk__in=speaker_ids)
    named = speaker_ids if staff else set(visible.values_list("pk", flat=True))
    return [
        {
            "claim_id": other.pk,
            "text": other.text,
            "speaker": other.speaker.name if other.speaker_id in named else None,
            "article": ArticleBriefSerializer(other.article, context=context).data,
        }
        for other in appearances
    ]


class SpeakerSerializer(SpeakerBriefSerializer):
    rating_counts = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="Published verdicts on this speaker's claims, by rating slug.",
    )
    published_verdicts = serializers.IntegerField()

    class Meta(SpeakerBriefSerializer.Meta):
        fields = [*SpeakerBriefSerializer.Meta.fields, "published_verdicts", "rating_counts"]
