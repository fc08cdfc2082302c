"""How a claim event's stored data (`ClaimEvent.data`, written by the services) reads on the
desk's timelines: labels instead of keys, values as a reader writes them. No database reads."""

from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.timezone import localtime

# The keys are the services' (snake_case, some of them ids only the code follows); a key
# missing here is shown with its underscores as spaces.
_DETAIL_LABELS = {
    "check_worthiness": "check-worthiness",
    "threshold": "threshold",
    "model_version": "model",
    "assignee": "assigned to",
    "previous_assignee": "was assigned to",
    # claims.ownership.OVERRODE_KEY: an editor acted on a claim assigned to someone else.
    "overrode_assignee": "editor's override of the claim assigned to",
    "sentence": "sentence",
    "from": "from",
    "to": "to",
    "written_as": "written as",
    "speaker": "speaker",
    "cue": "cue",
    "direct_quote": "direct quote",
    "previous": "before",
    "previous_rating": "rating before",
    "rating": "rating",
    "reworded": "wording changed",
    "sources": "sources",
    "sources_added": "sources added",
    "sources_removed": "sources removed",
    "sources_changed": "sources changed",
    "previous_speaker": "speaker before",
    "written": "note written",
    "author": "note by",
    "note": "public correction note",
    "checked": "published verdict of",
    "proposed_by": "asked by",
    # claims.verdicts.verdict_publish: the editor confirmed a second fact-check of the claim.
    "published_beside": "a second fact-check, published knowingly beside that of",
}
_DETAIL_ORDER = {key: position for position, key in enumerate(_DETAIL_LABELS)}
# Row ids kept for the code (a correction, a merge, a request), which mean nothing to a reader.
_HIDDEN_DETAILS = {
    "correction",
    "merge",
    "application",
    "request",
    "before",
    "undoes",
    "undone_kind",
    "removed_note",
}


def event_details(data: dict) -> list[tuple[str, str]]:
    """An event's data as (label, value) pairs a reader understands, in the order above
    (PostgreSQL's jsonb keeps no order of its own)."""
    shown = []
    for key, value in sorted(data.items(), key=_detail_position):
        if key in _HIDDEN_DETAILS:
            continue
        if key == "sentence" and isinstance(value, int):
            value = f"#{value + 1}"  # stored from 0; the article page numbers them from 1
        elif key == "checked":
            value = f"claim #{value}"
        elif key == "published_beside" and isinstance(value, list):
            value = [f"claim #{pk}" for pk in value]
        elif key == "written" and (written := parse_datetime(str(value))):
            value = date_format(localtime(written), "DATETIME_FORMAT")  # as every desk time
        shown.append((_DETAIL_LABELS.get(key, key.replace("_", " ")), _detail_value(value)))
    return shown


def _detail_position(item: tuple) -> tuple:
    return _DETAIL_ORDER.get(item[0], len(_DETAIL_ORDER)), item[0]


def _detail_value(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, dict):
        return ", ".join(
            f"{_DETAIL_LABELS.get(key, key.replace('_', ' '))} {_detail_value(inner)}"
            for key, inner in sorted(value.items(), key=_detail_position)
        )
    if isinstance(value, list):
        return ", ".join(_detail_value(inner) for inner in value) or "—"
    return plain(value)


def plain(value) -> str:
    if value is None or value == "":
        return "—"
    return str(value)
