"""The desk's timeline of a claim, or of a canonical claim's appearances: workflow events, the
verdict's saved versions (with what changed), research notes and group changes, in one time
order, read a page at a time.

A claim can gather thousands of events (re-scoring, assignment churn, a long correction history),
so the merged order is kept in the database: one UNION of (when, source, id) keys is counted and
sliced, and only the page's rows are read and turned into entries (claims.timeline_entries says
how each row reads). Desk pages only: nothing public reads a timeline. Imports claims.models and
claims.timeline_entries only."""

from django.core.paginator import Page, Paginator
from django.db.models import F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value

from config.pages import page_get

from .models import (
    Claim,
    ClaimEvent,
    ClaimGroup,
    ClaimGroupEvent,
    ClaimNote,
    Correction,
    EvidenceSource,
    GroupEventKind,
    Rating,
    Verdict,
    VerdictContribution,
    VerdictStatus,
)
from .timeline_entries import (
    TimelineEntry,
    event_entry,
    group_event_entry,
    note_entry,
    verdict_version_entries,
    version_writers,
)

TIMELINE_PAGE_SIZE = 50

# The sources of the merged order; at the same instant they follow in this order.
_NOTE, _EVENT, _VERSION, _GROUP_EVENT = range(4)


def claim_timeline_page(
    claim: Claim, *, notes: bool, number=1, per_page: int = TIMELINE_PAGE_SIZE
) -> Page:
    """Page `number` (as the query string gave it: a bad or too large one is the last page) of
    the claim's timeline, oldest first; its object_list holds TimelineEntry rows. `notes`
    (claims.notes.notes_readable_by the reader) adds the research notes."""
    sources = _Sources([claim.pk], notes=notes, group_events=claim_group_events(claim))
    return _page(sources, number=number, per_page=per_page)


def claim_timeline_latest(
    claim: Claim, *, count: int
) -> tuple[TimelineEntry | None, list[TimelineEntry], int]:
    """The claim page's history without research notes, which it lists apart: the timeline's
    first entry (how the claim came to be, "Detected") when it is not among the `count` latest,
    else None; those latest entries, oldest of them first; and how many entries the whole
    timeline has. The first stays in view so the section always says where the claim began."""
    sources = _Sources([claim.pk], notes=False, group_events=claim_group_events(claim))
    keys = sources.keys()
    total = keys.count()
    latest = list(keys.order_by("-at", "-source", "-key")[:count])[::-1]
    if total <= count:
        return None, sources.entries(latest), total
    first = list(keys.order_by("at", "source", "key")[:1])
    entries = sources.entries(first + latest)
    return entries[0], entries[1:], total


def group_timeline_page(
    group: ClaimGroup,
    claim_ids: list[int] | QuerySet,
    *,
    notes: bool,
    number=1,
    per_page: int = TIMELINE_PAGE_SIZE,
    group_events: QuerySet[ClaimGroupEvent] | None = None,
) -> Page:
    """claim_timeline_page for every appearance in `claim_ids` (ids, or a query of them; each
    entry names its claim) and the group's changes (group_changes_of, unless the caller read
    them already)."""
    if group_events is None:
        group_events = group_changes_of(group)
    sources = _Sources(claim_ids, notes=notes, group_events=group_events, name_claims=True)
    return _page(sources, number=number, per_page=per_page)


def claim_group_events(claim: Claim) -> QuerySet[ClaimGroupEvent]:
    """The group changes made to `claim`: a link, confirmation, rejection, split or undo that
    names it, and a merge that carried it along (a merge names no claim; its `data["before"]`
    lists those it moved, `data["founder"]` the claim it founded its group for) or that merge's
    undo. A split leaves the claim in no group, so without these its own history would not say
    who took it out, and its page could not undo it. Links of later repeats to it stay on the
    group's history: a claim repeated a thousand times would read as nothing else.

    Read as one UNION of index scans (the events naming the claim, by claim; the merges among
    the events of the groups it is or was in, by group, and those out of its group, by source),
    whose ids the caller's query then takes. An OR of the same conditions had PostgreSQL scan
    every group change: 54 ms at 100,000 of them, against 0.1 ms this way (1.2 ms for a claim
    in a group of 5,000 appearances; EXPLAIN ANALYZE, the development machine)."""
    named = ClaimGroupEvent.objects.filter(claim=claim)
    key = str(claim.pk)
    merges = ClaimGroupEvent.objects.filter(kind=GroupEventKind.MERGED).filter(
        Q(data__before__has_key=key) | Q(data__founder=claim.pk)
    )
    in_its_group = merges.filter(group_id=claim.group_id)
    in_groups_it_left = merges.filter(group_id__in=named.values("group_id"))
    # Undone, a merge is an event of a group its claims are no longer in: the group it carried
    # them out of is theirs again, and the one it founded for a claim keeps that claim's wording.
    in_groups_it_founded = merges.filter(group__canonical_claim=claim)
    sources = [in_its_group, in_groups_it_left, in_groups_it_founded]
    if claim.group_id:
        sources.append(merges.filter(data__source=claim.group_id))
    parts = [named.values_list("pk")]
    for found in sources:
        parts += [found.values_list("pk"), found.values_list("undone_by_id")]
    first, *rest = (part.order_by() for part in parts)
    ids = {pk for (pk,) in first.union(*rest, all=True) if pk is not None}
    return ClaimGroupEvent.objects.filter(pk__in=ids)


def verdict_version_contributions(verdict_ids: list[int]) -> dict[int, dict[int, list]]:
    """The (username, kind) of who contributed to each version of these verdicts, by verdict
    and version, in the order they did (timeline_entries.version_byline reads them)."""
    found: dict[int, dict[int, list]] = {}
    if not verdict_ids:
        return found
    rows = VerdictContribution.objects.filter(verdict_id__in=verdict_ids).order_by("id")
    for verdict_id, version, name, kind in rows.values_list(
        "verdict_id", "version", "user__username", "kind"
    ):
        found.setdefault(verdict_id, {}).setdefault(version, []).append((name, kind))
    return found


def group_changes_of(group: ClaimGroup) -> QuerySet[ClaimGroupEvent]:
    """The changes of `group` its history lists: its own events, and the merges that carried
    its claims into another group with their undos, which are that group's events (a merge is
    recorded on the group it went into), so an emptied group's page says where its claims
    went and how they came back. Two index reads (by group, and merges by source)."""
    merged_out = ClaimGroupEvent.objects.filter(kind=GroupEventKind.MERGED, data__source=group.pk)
    ids = {pk for pair in merged_out.values_list("pk", "undone_by_id") for pk in pair if pk}
    return ClaimGroupEvent.objects.filter(Q(group=group) | Q(pk__in=ids))


def verdict_wording_writers(verdict: Verdict) -> list[str]:
    """Who wrote `verdict`'s wording as it reads now: the writers (timeline_entries
    .version_writers) of its latest version that someone wrote. A submission or publication
    since wrote none, and an approved correction's writer is not its publishing editor, nor
    the verdict's first author. Empty where no version names a writer. One query: each
    contribution comes with whether its version was published."""
    status_then = (
        Verdict.history.filter(id=OuterRef("verdict_id"), version=OuterRef("version"))
        .order_by("history_id")
        .values("status")[:1]
    )
    rows = (
        verdict.contributions.filter(version__lte=verdict.version)
        .annotate(status_then=Subquery(status_then))
        .order_by("-version", "id")
        .values_list("version", "user__username", "kind", "status_then")
    )
    by_version: dict[int, tuple[bool, list]] = {}  # newest version first
    for version, name, kind, status in rows:
        published = status == VerdictStatus.PUBLISHED
        by_version.setdefault(version, (published, []))[1].append((name, kind))
    for published, contributions in by_version.values():
        if writers := version_writers(contributions, published=published):
            return writers
    return []


def _page(sources: "_Sources", *, number, per_page: int) -> Page:
    keys = sources.keys().order_by("at", "source", "key")
    page = page_get(Paginator(keys, per_page), number)
    page.object_list = sources.entries(list(page.object_list))
    return page


class _Sources:
    def __init__(self, claim_ids, *, notes: bool, group_events=None, name_claims: bool = False):
        self.claim_ids = claim_ids  # a list of ids, or a query of them (a group's members)
        self.notes = notes
        self.group_events = group_events
        self.name_claims = name_claims
        self._versions: dict[int, TimelineEntry] | None = None
        self._version_claims: dict[int, int] = {}

    def keys(self) -> QuerySet:
        """(at, source, key) of every entry, as one UNION the database orders and slices."""

        def tagged(rows: QuerySet, at: str, source: int, key: str) -> QuerySet:
            # A UNION matches columns by position: every part selects (at, source, key).
            return (
                rows.order_by()
                .annotate(at=F(at), source=Value(source, IntegerField()), key=F(key))
                .values_list("at", "source", "key")
            )

        parts = [
            tagged(
                ClaimEvent.objects.filter(claim_id__in=self.claim_ids), "created_at", _EVENT, "id"
            )
        ]
        if self.notes:
            notes = ClaimNote.objects.filter(claim_id__in=self.claim_ids)
            parts.append(tagged(notes, "created_at", _NOTE, "id"))
        versions = Verdict.history.filter(history_id__in=list(self.versions()))
        parts.append(tagged(versions, "history_date", _VERSION, "history_id"))
        if self.group_events is not None:
            parts.append(tagged(self.group_events, "created_at", _GROUP_EVENT, "id"))
        first, *rest = parts
        return first.union(*rest, all=True)

    def versions(self) -> dict[int, TimelineEntry]:
        """The verdicts' saved versions that changed something the desk reads, by history id.
        Worked out from every version (each is shown against the one before it); a verdict has
        one version a save, far fewer than a busy claim has events."""
        if self._versions is None:
            current = Verdict.objects.filter(claim_id__in=self.claim_ids).values("pk")
            history = Verdict.history.filter(id__in=current).select_related(
                "history_user", "updated_by"
            )
            by_verdict: dict[int, list] = {}
            for record in history.order_by("history_id"):
                by_verdict.setdefault(record.id, []).append(record)
            ratings = dict(Rating.objects.values_list("pk", "label")) if by_verdict else {}
            sources: dict[int, list] = {}
            if by_verdict:
                source_history = EvidenceSource.history.filter(verdict_id__in=list(by_verdict))
                for row in source_history.order_by("history_date", "history_id").values(
                    "id", "verdict_id", "url", "title", "history_type", "history_date"
                ):
                    sources.setdefault(row["verdict_id"], []).append(row)
            # Only a verdict published at some version has corrections to read.
            was_published = [
                pk
                for pk, records in by_verdict.items()
                if any(record.status == VerdictStatus.PUBLISHED for record in records)
            ]
            corrected: dict[int, list] = {}
            if was_published:
                for verdict_id, at in Correction.objects.filter(
                    verdict_id__in=was_published
                ).values_list("verdict_id", "created_at"):
                    corrected.setdefault(verdict_id, []).append(at)
            contributions = verdict_version_contributions(list(by_verdict))
            self._versions = {}
            for verdict_id, records in by_verdict.items():
                found = verdict_version_entries(
                    records,
                    ratings,
                    sources.get(verdict_id, []),
                    corrected.get(verdict_id, []),
                    contributions.get(verdict_id, {}),
                )
                for history_id, entry in found:
                    self._versions[history_id] = entry
                    self._version_claims[history_id] = records[0].claim_id
        return self._versions

    def entries(self, keys: list[tuple]) -> list[TimelineEntry]:
        """The entries of these keys, in their order: a query a source, not one a row."""
        wanted: dict[int, list[int]] = {}
        for _, source, key in keys:
            wanted.setdefault(source, []).append(key)
        rows = {
            _EVENT: ClaimEvent.objects.select_related("actor").in_bulk(wanted.get(_EVENT, [])),
            _NOTE: ClaimNote.objects.select_related("author").in_bulk(wanted.get(_NOTE, [])),
            _GROUP_EVENT: ClaimGroupEvent.objects.select_related("actor").in_bulk(
                wanted.get(_GROUP_EVENT, [])
            ),
        }
        versions = self.versions() if _VERSION in wanted else {}
        shown = []
        for _, source, key in keys:
            if source == _VERSION:
                shown.append(self._named(versions[key], self._version_claims[key]))
                continue
            row = rows[source].get(key)
            if row is None:
                continue  # removed since the keys were read (a note taken back meanwhile)
            if source == _EVENT:
                shown.append(self._named(event_entry(row), row.claim_id))
            elif source == _NOTE:
                shown.append(self._named(note_entry(row), row.claim_id))
            else:
                shown.append(group_event_entry(row, name_claim=self.name_claims))
        return shown

    def _named(self, entry: TimelineEntry, claim_id: int) -> TimelineEntry:
        if self.name_claims:
            return TimelineEntry(**{**entry.__dict__, "title": f"Claim #{claim_id}: {entry.title}"})
        return entry
