"""Reads for the desk: a claim's "seen before" panel, a canonical claim's history, and the
requests to apply a published verdict that wait for an editor."""

from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet

from articles.models import ExternalFactCheck

from ..appearances import with_covering_claim
from ..models import (
    ApplicationStatus,
    Claim,
    ClaimGroup,
    ClaimGroupEvent,
    ClaimStatus,
    GroupEventKind,
    MatchSuggestion,
    Speaker,
    SuggestionStatus,
    Verdict,
    VerdictApplication,
    claim_made_at,
)
from ..timeline import claim_group_events
from . import embedding
from .group_undo import group_events_undoable
from .store import external_matches

EXTERNAL_PER_CLAIM = 5

APPEARANCE_RELATED = ("article", "article__outlet", "speaker", "verdict", "verdict__rating")


@dataclass
class SeenBefore:
    group: ClaimGroup | None
    appearances: list[Claim]  # the group's other claims, earliest first
    suggestions: list[MatchSuggestion]  # open suggestions, best first
    later: list[MatchSuggestion]  # open suggestions of later claims that may repeat this one
    checked: Claim | None  # an appearance whose verdict is published
    # Every appearance with a published verdict of its own (the page's reading of
    # appearances.published_in_group, from the rows above): what publishing this claim's
    # verdict too would stand beside.
    published: list[Claim]
    events: list[ClaimGroupEvent]
    external: list["ExternalCheck"]  # other fact-checkers' reviews, never the desk's verdicts


@dataclass
class ExternalCheck:
    factcheck: ExternalFactCheck
    score: float
    level: str


def published_verdict_of(claim: Claim) -> Verdict | None:
    """The claim's verdict if the public may read it (Verdict.is_published), else None."""
    verdict = getattr(claim, "verdict", None)  # the reverse one-to-one raises when absent
    return verdict if verdict is not None and verdict.is_published else None


def open_suggestions() -> QuerySet[MatchSuggestion]:
    """Suggestions still to decide: open, and of two claims not grouped together since (a
    merge, a link or a repeat's application answered it another way). Split apart again,
    the pair is a question again."""
    grouped = Q(claim__group__isnull=False, claim__group_id=F("candidate__group_id"))
    return MatchSuggestion.objects.filter(status=SuggestionStatus.OPEN).exclude(grouped)


def seen_before(claim: Claim) -> SeenBefore:
    appearances = []
    group = claim.group if claim.group_id else None
    if group is not None:
        appearances = list(
            Claim.objects.filter(group=group)
            .exclude(pk=claim.pk)
            .select_related(*APPEARANCE_RELATED)
            .order_by("created_at", "pk")
        )
    suggestions = list(
        open_suggestions()
        .filter(claim=claim)
        .select_related(*(f"candidate__{name}" for name in APPEARANCE_RELATED))
        .order_by("-score")
    )
    # The other side of a suggestion: whoever works the earlier claim sees its possible
    # repeats too, before anyone confirms them on the later claim's page.
    later = list(
        open_suggestions()
        .filter(candidate=claim)
        .select_related(*(f"claim__{name}" for name in APPEARANCE_RELATED))
        .order_by("-score", "pk")
    )
    for suggestion in later:
        suggestion.order_label = later_suggestion_label(claim, suggestion.claim)
    # A covered repeat is already checked by the fact-check that covers it: in a group holding
    # two (an editor's merge), the first published one found would name the other.
    covered_by = claim_covered_by(claim)
    checked = next(
        (
            other
            for other in appearances
            if (other.pk == covered_by.pk if covered_by else published_verdict_of(other))
        ),
        None,
    )
    # What the panel offers to undo: the changes made from this claim's page and the merges
    # that moved it, in its group; out of any group, the split (or rejection) that left it so.
    events = claim_group_events(claim)
    if group is not None:
        events = events.filter(group=group)
    # Only the changes an undo would not refuse: a link since split out, or a split since
    # linked again, offers no button that can only fail.
    events = group_events_undoable(
        list(events.select_related("actor").order_by("-created_at", "-pk")[:5])
    )
    published = [other for other in appearances if published_verdict_of(other)]
    return SeenBefore(
        group, appearances, suggestions, later, checked, published, events, external_checks(claim)
    )


def later_suggestion_label(claim: Claim, other: Claim) -> str:
    """What a suggestion of a claim the desk stored after `claim` is, in words: stored later is
    not said later (an archive is read in any order), so by the articles' dates where both have
    one, else by when the desk stored it."""
    mine, theirs = claim.article.published_at, other.article.published_at
    if mine is None or theirs is None:
        return "Possible repeat, stored later"
    if theirs > mine:
        return "Possible later repeat"
    if theirs < mine:
        return "Possible earlier appearance"
    return "Possible repeat, same date"


def claim_covered_by(claim: Claim) -> Claim | None:
    """The claim whose published fact-check an editor applied to this repeat, while that still
    stands as the public sees it (claims.appearances: dismissed, not reopened or split out since)
    and the repeat is still in that claim's group."""
    if claim.status != ClaimStatus.DISMISSED or claim.group_id is None:
        return None
    covering = with_covering_claim(Claim.objects.filter(pk=claim.pk))
    checked_id = covering.values_list("covering_claim_id", flat=True).first()
    if checked_id is None:
        return None
    return Claim.objects.select_related("verdict", "verdict__rating").filter(pk=checked_id).first()


def pending_application_of(claim: Claim) -> VerdictApplication | None:
    """The request to apply a published verdict to this claim that waits for an editor."""
    return (
        VerdictApplication.objects.filter(claim=claim, status=ApplicationStatus.PENDING)
        .select_related("proposed_by", "checked", "checked__verdict__rating")
        .first()
    )


def pending_applications() -> QuerySet[VerdictApplication]:
    """Requests to apply a published verdict that wait for an editor, oldest first (index
    application_status_idx): the editors' review page."""
    return (
        VerdictApplication.objects.filter(status=ApplicationStatus.PENDING)
        .select_related(
            "claim", "claim__article", "checked", "checked__verdict__rating", "proposed_by"
        )
        .order_by("proposed_at", "id")
    )


def external_checks(claim: Claim) -> list[ExternalCheck]:
    """Imported fact-checks that read like the claim, best first. Uses the claim's stored
    vector: a claim the worker has not embedded yet has none to show."""
    stored = getattr(claim, "embedding", None)  # the reverse one-to-one raises AttributeError
    if stored is None or stored.model_version != embedding.model_info().version:
        return []
    found = external_matches(
        embedding.vector_from_bytes(stored.vector), claim.text, limit=EXTERNAL_PER_CLAIM
    )
    factchecks = ExternalFactCheck.objects.in_bulk([pk for pk, _ in found])
    return [
        ExternalCheck(factchecks[pk], match.score, match.level)
        for pk, match in found
        if pk in factchecks
    ]


def group_appearances(group: ClaimGroup) -> QuerySet[Claim]:
    """The group's claims in the order they were made (claim_made_at), a page at a time."""
    return (
        Claim.objects.filter(group=group)
        .select_related(*APPEARANCE_RELATED)
        .order_by(claim_made_at(), "pk")
    )


def group_speakers(group: ClaimGroup) -> QuerySet[Speaker]:
    """Everyone who made the group's claim, by name (the articles' narration is nobody)."""
    return Speaker.objects.filter(claims__group=group).distinct().order_by("name", "pk")


def repeat_counts(claim_ids: list[int]) -> dict[int, int]:
    """How many appearances each claim's group has (1 for a claim seen once)."""
    groups = dict(
        Claim.objects.filter(pk__in=claim_ids, group__isnull=False).values_list("pk", "group_id")
    )
    sizes = dict(
        Claim.objects.filter(group_id__in=set(groups.values()))
        .values_list("group_id")
        .annotate(size=Count("id"))
        .order_by()
    )
    return {pk: sizes.get(groups.get(pk), 1) for pk in claim_ids}


@dataclass
class FormerAppearance:
    claim: Claim
    left_by: ClaimGroupEvent | None  # the change that took it out of the group (None: not found)


_LINKS = (GroupEventKind.AUTO_LINKED, GroupEventKind.CONFIRMED)


def group_former_ids(group: ClaimGroup) -> list[tuple[int, int | None]]:
    """The claims that were appearances of `group` and no longer are, newest change first, each
    with the id of the latest change that took it out: split out (the group's own event), linked
    as a repeat of a claim in another group, or carried along as the group was merged into
    another (those two are the other group's events, so the group's own list of changes does
    not hold them). Three queries however many (two while none left).

    The claims once in the group are those its links and merges brought (a link's claim and the
    earlier claim a link founded the group with; a merge's `before` and the claim a merge
    founded the group with), those its own splits took out, and those a merge carried away,
    not undone since."""
    joined = ClaimGroupEvent.objects.filter(undone_by__isnull=True).filter(
        Q(group=group, kind__in=[*_LINKS, GroupEventKind.MERGED, GroupEventKind.SPLIT])
        | Q(kind=GroupEventKind.MERGED, data__source=group.pk)
    )
    once_in = set()
    for group_id, kind, claim_id, data in joined.values_list(
        "group_id", "kind", "claim_id", "data"
    ):
        if kind == GroupEventKind.MERGED:
            once_in.update(int(pk) for pk in data.get("before", {}))
            founder = data.get("founder") if group_id == group.pk else None
            once_in.update([founder] if isinstance(founder, int) else [])
        else:
            once_in.update(pk for pk in (claim_id, data.get("earlier")) if isinstance(pk, int))
    now_in = dict(
        Claim.objects.filter(pk__in=once_in).exclude(group=group).values_list("pk", "group_id")
    )
    if not now_in:
        return []
    left = (
        ClaimGroupEvent.objects.filter(undone_by__isnull=True)
        .filter(
            Q(group=group, kind=GroupEventKind.SPLIT, claim_id__in=now_in)
            | (Q(kind__in=_LINKS, claim_id__in=now_in) & ~Q(group=group))
            # Merged away: the merge is an event of the group it went into (its members' group
            # now, unless they moved on since).
            | Q(kind=GroupEventKind.MERGED, group_id__in=set(now_in.values()) - {None})
        )
        .order_by("-pk")
        .values_list("pk", "kind", "claim_id", "data")
    )
    left_by: dict[int, int] = {}
    for pk, kind, claim_id, data in left:
        before = data.get("before", {})
        if kind == GroupEventKind.MERGED:
            if data.get("source") != group.pk:
                continue
            moved = [int(key) for key in before if int(key) in now_in]
        else:
            moved = [claim_id] if (before.get(str(claim_id)) or [None])[0] == group.pk else []
        for claim_id in moved:
            left_by.setdefault(claim_id, pk)
    order = sorted(now_in, key=lambda pk: (-(left_by.get(pk) or 0), pk))
    return [(pk, left_by.get(pk)) for pk in order]


def group_founding_undone(group: ClaimGroup) -> ClaimGroupEvent | None:
    """The change that founded `group` (its first: a link of two claims in no group, or a merge
    into a claim in no group) where it was undone, with its undo (`undone_by`). The undo put
    every claim back where it was, the founder in no group, so the group is kept, empty, for its
    history, and none of them counts as having left it. None for any other group."""
    founding = group.events.select_related("undone_by__actor").order_by("pk").first()
    if founding is None or founding.kind not in (*_LINKS, GroupEventKind.MERGED):
        return None
    return founding if founding.undone_by_id else None


def group_former_appearances(ids: list[tuple[int, int | None]]) -> list[FormerAppearance]:
    """A page of group_former_ids as rows to show: the claims and the changes, two queries."""
    if not ids:
        return []
    claims = Claim.objects.select_related("article", "article__outlet", "speaker").in_bulk(
        [pk for pk, _ in ids]
    )
    events = ClaimGroupEvent.objects.select_related("actor").in_bulk(
        [pk for _, pk in ids if pk is not None]
    )
    return [
        FormerAppearance(claims[pk], events.get(event_id)) for pk, event_id in ids if pk in claims
    ]
