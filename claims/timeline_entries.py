"""How each record the desk's timeline merges reads as a TimelineEntry: a workflow event, a
research note, a group change, and a verdict's saved versions, each shown against the one before
it (what changed, sources included). claims.timeline decides which records a page holds and in
what order; this module only turns rows already read into entries. Imports claims.models and
claims.event_details only."""

from dataclasses import dataclass, field
from datetime import datetime

from .event_details import event_details, plain
from .models import (
    ClaimEvent,
    ClaimGroupEvent,
    ClaimNote,
    ContributionKind,
    GroupEventKind,
    VerdictStatus,
)

_VERDICT_FIELDS = ["rating", "conclusion", "explanation", "status", "review_comment"]


@dataclass
class TimelineEntry:
    at: datetime
    title: str
    actor: str
    note: str = ""
    details: list[tuple[str, str]] = field(default_factory=list)
    changes: list[tuple[str, str, str]] = field(default_factory=list)


def event_entry(event: ClaimEvent) -> TimelineEntry:
    return TimelineEntry(
        at=event.created_at,
        title=event.get_kind_display(),
        actor=event.actor.get_username() if event.actor else "the model",
        note=event.note,
        details=event_details(event.data),
    )


def note_entry(note: ClaimNote) -> TimelineEntry:
    return TimelineEntry(
        at=note.created_at,
        title="Research note",
        actor=note.author.get_username(),
        note=note.text,
        details=[("link", note.link)] if note.link else [],
    )


_REPEATS_NAMED = 20


def _repeats_line(repeats: list[int]) -> str:
    named = ", ".join(f"#{pk}" for pk in repeats[:_REPEATS_NAMED])
    more = len(repeats) - _REPEATS_NAMED
    count = f"{len(repeats):,} repeat{'s' if len(repeats) != 1 else ''}"
    return f"{count} ({named}{f' and {more:,} more' if more > 0 else ''})"


def group_event_entry(event: ClaimGroupEvent, *, name_claim: bool) -> TimelineEntry:
    # A group's timeline says which of its claims changed; a claim's own needs no "claim: #N".
    details = [("claim", f"#{event.claim_id}")] if event.claim_id and name_claim else []
    if event.kind == GroupEventKind.MERGED:
        details.append(("claims moved", str(len(event.data.get("before", {})))))
    elif event.kind == GroupEventKind.UNDONE and event.data.get("undone_kind"):
        undone = event.data["undone_kind"]
        label = GroupEventKind(undone).label if undone in GroupEventKind.values else undone
        details.append(("undoes", label))
    note = ""
    uncovered = event.data.get("uncovered")
    if event.kind in (GroupEventKind.SPLIT, GroupEventKind.COVER_LIFTED) and isinstance(
        uncovered, int
    ):
        details.append(("no longer covered by", f"published fact-check of claim #{uncovered}"))
        note = UNCOVERED_NOTE
    # A split or link of a checked claim (claims.appearances.repeats_left_uncovered).
    repeats_uncovered = event.data.get("uncovered_repeats")
    if isinstance(repeats_uncovered, list) and repeats_uncovered:
        details.append(("its fact-check no longer covers", _repeats_line(repeats_uncovered)))
    if event.kind == GroupEventKind.COVER_LIFTED and event.data.get("by_kind"):
        by = event.data["by_kind"]
        label = GroupEventKind(by).label if by in GroupEventKind.values else by
        details.append(("since", label + _of_claim(event.data.get("by_claim"), event.claim_id)))
    if event.undone_by_id:
        details.append(("undone", "yes"))
    return TimelineEntry(
        at=event.created_at,
        title=f"Group: {event.get_kind_display()}",
        actor=event.actor.get_username() if event.actor else "the matcher",
        note=note,
        details=details,
    )


def _of_claim(by_claim, claim_id) -> str:
    return f" (claim #{by_claim})" if by_claim and by_claim != claim_id else ""


# A change that ends an applied verdict's cover keeps the dismissal, so that its undo puts the
# cover back.
UNCOVERED_NOTE = (
    "The claim stays dismissed as already checked until someone reopens it to check it on its "
    "own (undoing the group change puts the cover back)."
)


# A version whose rating, wording, status and sources read as before its predecessor's: a save
# from before unchanged saves wrote nothing, or a speaker correction (its event says so).
UNCHANGED_VERSION_NOTE = "Saved without a change to its rating, wording or sources."


def version_writers(contributions: list[tuple[str, str]], *, published: bool) -> list[str]:
    """Who wrote the content of a verdict's version, each once, in the order they did:
    `contributions` are the (username, kind) of the VerdictContribution rows of that version,
    the set the four-eyes rule reads, and `published` whether the version is. A CORRECTION row
    on a version not published is a change to who said the claim or where
    (services.attribution_contributions_record), not to what the verdict says, so it names no
    writer."""
    return list(
        dict.fromkeys(
            name
            for name, kind in contributions
            if kind == ContributionKind.DRAFT or (kind == ContributionKind.CORRECTION and published)
        )
    )


def version_saved_by(record):
    """The user who saved the verdict's version `record`, None if none is known."""
    # history_user is the request's; a service run outside one (a task, a command, a test)
    # leaves it empty, and updated_by is who the service saved the version for.
    return record.history_user or record.updated_by


def version_saver(record) -> str:
    saver = version_saved_by(record)
    return saver.get_username() if saver else "—"


def version_byline(record, contributions: list[tuple[str, str]]) -> str:
    """Who saved the verdict's version `record`, and who wrote its content where that was
    someone else (version_writers): an editor who approves a fact-checker's correction saves
    the version that publishes it, and the history read as if the editor had written it."""
    published = record.status == VerdictStatus.PUBLISHED
    saved_by = version_saver(record)
    writers = version_writers(contributions, published=published)
    if not writers or writers == [saved_by]:
        return saved_by
    done = "published" if published else "saved"
    return f"written by {', '.join(writers)}, {done} by {saved_by}"


def verdict_version_entries(
    records: list,
    ratings: dict[int, str],
    source_rows: list[dict],
    corrected_at: list,
    contributions: dict[int, list[tuple[str, str]]] | None = None,
) -> list[tuple[int, TimelineEntry]]:
    """Each version of one verdict (its history `records`, oldest first) as an entry;
    `contributions` by version are version_byline's."""
    contributions = contributions or {}
    sources = _sources_of_versions(records, source_rows, corrected_at)
    versions, previous = [], None
    for position, record in enumerate(records):
        changes, new_version = [], previous is None or record.version != previous.version
        if previous is None:
            changes = _first_version_fields(record, ratings, sources[position])
        else:
            delta = record.diff_against(previous, included_fields=_VERDICT_FIELDS)
            for change in delta.changes:
                old, new = change.old, change.new
                if change.field == "rating":
                    old, new = ratings.get(old, "—"), ratings.get(new, "—")
                elif change.field == "status":
                    old, new = _verdict_status_label(old), _verdict_status_label(new)
                changes.append((change.field.replace("_", " "), plain(old), plain(new)))
            if sources[position] != sources[position - 1]:
                changes.append(("sources", plain(sources[position - 1]), plain(sources[position])))
        previous = record
        if record.history_type == "~" and not changes and not new_version:
            continue  # a save that changed nothing the desk reads (a timestamp)
        # A new version that changed nothing is still shown, saying so, so the versions read
        # 1, 2, 3 with none missing. A save that kept the version (a timestamp and more) was
        # not what its contributors wrote.
        byline_of = contributions.get(record.version, []) if new_version else []
        entry = TimelineEntry(
            at=record.history_date,
            title=f"Verdict version {record.version}",
            actor=version_byline(record, byline_of),
            note=UNCHANGED_VERSION_NOTE if position and new_version and not changes else "",
            changes=changes,
        )
        versions.append((record.history_id, entry))
    return versions


def _first_version_fields(record, ratings: dict[int, str], sources: str) -> list[tuple]:
    """What the first version was written with, as changes from nothing: the history would
    otherwise show the first draft's wording only where a later version changed it."""
    written = [
        ("rating", ratings.get(record.rating_id)),
        ("conclusion", record.conclusion),
        ("explanation", record.explanation),
        ("status", _verdict_status_label(record.status)),
        ("sources", sources),
    ]
    return [(name, "—", plain(value)) for name, value in written if value]


def _sources_of_versions(records: list, source_rows: list[dict], corrected_at: list) -> list[str]:
    """The verdict's sources as each of its history `records` left them ("Title <url>", by
    id). A save writes the verdict and then replaces its sources, so a record's sources are
    those written from it to the next record of the verdict (all of them, for the last).

    A correction's record starts where its Correction row was written (`corrected_at`, the
    verdict's), just before it: until 2026-12-02 a correction wrote its sources ahead of the
    verdict's new version, and those rows are that version's, not the one before it."""
    dates = [record.history_date for record in records]
    starts = list(dates)
    for at in corrected_at:
        # The record the correction made: the first one written after its Correction row.
        position = next((n for n in range(1, len(dates)) if dates[n - 1] < at <= dates[n]), None)
        if position is not None:
            starts[position] = min(starts[position], at)
    shown, live, rows = [], {}, iter(source_rows)
    row = next(rows, None)
    for position, _ in enumerate(records):
        until = starts[position + 1] if position + 1 < len(records) else None
        while row is not None and (until is None or row["history_date"] < until):
            if row["history_type"] == "-":
                live.pop(row["id"], None)
            else:
                live[row["id"]] = f"{row['title']} <{row['url']}>"
            row = next(rows, None)
        shown.append(", ".join(live[pk] for pk in sorted(live)))
    return shown


def _verdict_status_label(value: str | None) -> str | None:
    return VerdictStatus(value).label if value in VerdictStatus.values else value
