"""The entries of a polled feed: which are new (an entry is its GUID and its link), which are
taken as URL intake jobs (newest first, up to INTAKE_FEED_MAX_ENTRIES_PER_POLL), and why the
others were refused, named in the feed's warning. feeds.py fetches and schedules the polls."""

import calendar
import html
import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.html import strip_tags

from ..models import Feed, FeedEntry, SourceKind
from ..publication_dates import published_at_range_refusal
from ..services import DuplicateArticle
from .jobs import intake_job_submit
from .storable import storable_line

# The refused entries a feed's warning names; the log has every one.
REFUSED_ENTRIES_NAMED = 3
logger = logging.getLogger(__name__)
_WHITESPACE = re.compile(r"\s+")
# The title types feedparser reports for markup: an RSS title, an Atom type="html" or "xhtml".
_MARKUP_TYPES = ("text/html", "application/xhtml+xml")


@dataclass
class FeedPollResult:
    new: int = 0
    skipped: int = 0
    failed: int = 0
    left: int = 0  # new entries over the cap, for later polls
    reused_guids: int = 0  # entries whose GUID another link has (had) in this feed
    not_modified: bool = False
    error: str = ""
    warnings: list[str] = field(default_factory=list)
    # (the entry, why) for each entry counted as failed, named in the feed's warning.
    refused: list[tuple[str, str]] = field(default_factory=list)

    def refuse(self, entry, reason: str) -> None:
        self.failed += 1
        self.refused.append((_entry_label(entry), reason))


def _entry_key(entry) -> str:
    # A NUL (XML's &#0;) cannot be stored: dropped from the key, a link with one is refused.
    return (entry.get("id") or _entry_link(entry)).replace("\x00", "").strip()[:2000]


def _entry_link(entry) -> str:
    return (entry.get("link") or "").strip()


def _stored_link(link: str) -> str:
    # The link is stored as written, less a NUL: intake_job_submit refuses it then.
    return link.replace("\x00", "")[:2000]


def _newest_first(entries: list) -> list:
    """Dated entries newest first, then the undated ones in the feed's order (feeds usually
    list the newest first, but not all do)."""

    dated = [entry for entry in entries if _entry_published(entry) is not None]
    undated = [entry for entry in entries if _entry_published(entry) is None]
    return sorted(dated, key=_entry_published, reverse=True) + undated


def _entry_moment(entry) -> datetime | None:
    """The feed's date for the entry, for a page that states none. One before the earliest year
    is a placeholder, no date (it would refuse the article); a future one is kept, so that the
    job says why the article was stored undated."""
    seconds = _entry_published(entry)
    if seconds is None:
        return None
    try:
        moment = datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        return None
    return None if published_at_range_refusal(moment) else moment


def _entry_published(entry) -> int | None:
    """When the feed dates an entry (its published, else its updated time), in seconds since
    1970, or None for an undated entry. A date no calendar has is no date: feedparser reads
    "0000-00-00" as the year -1, and one such entry must not stop the feed's every poll."""
    for field_name in ("published_parsed", "updated_parsed"):
        moment = entry.get(field_name)
        if moment:
            try:
                return calendar.timegm(moment)
            except (ValueError, OverflowError):
                continue
    return None


def entries_take(
    feed: Feed, entries, result: FeedPollResult, *, fetch_here: list[int] | None = None
) -> None:
    """Queue the new entries (`fetch_here`: not sent, their jobs' ids added to the list, as
    bulkrows.import_row_store does). An entry is its GUID and its link: a GUID given to another link
    (in this poll or an earlier one) is a broken feed, and for a newsroom a different link is a
    different story, so every link is taken. The first link a GUID is seen with is remembered
    under the GUID, each further one under the link itself (as an entry without a GUID is), and
    the feed's warning says so."""
    outlet_name = feed.outlet.name if feed.outlet_id else ""
    # One query, not one per entry. A link remembered as "" (a bad one, before links were kept)
    # is compared with nothing.
    seen = dict(FeedEntry.objects.filter(feed=feed).values_list("key", "url"))
    by_key: dict[str, list] = {}
    for entry in entries:
        key = _entry_key(entry)
        if not key:
            result.refuse(entry, "no link and no GUID")
        elif any(_entry_link(other) == _entry_link(entry) for other in by_key.get(key, [])):
            result.skipped += 1  # the same entry twice
        else:
            by_key.setdefault(key, []).append(entry)
    reused: list[tuple[str, str, str]] = []  # (GUID, earlier link, later link)
    keys: dict[int, str] = {}  # id(entry) -> the key a new entry is remembered under
    further: list[tuple[object, str, str]] = []  # (entry, GUID, link) of further links
    for key, candidates in by_key.items():
        first = seen.get(key)  # the link the GUID is remembered with
        for entry in reversed(_newest_first(candidates)):  # oldest first: it keeps the GUID
            link = _stored_link(_entry_link(entry))
            others = _further_keys(key, link)
            if seen.get(key) in ("", link) or any(seen.get(other) == link for other in others):
                result.skipped += 1
            elif first is None:
                keys[id(entry)], first = key, link
            elif link:
                further.append((entry, key, link))
                reused.append((key, first, link))
            else:  # a further entry under the GUID, with no link to know it by
                result.refuse(entry, f"no link, and its GUID {key!r} is another entry's")
    # A further link is known by its own text, unless that is another entry's GUID (an old
    # permalink, say), remembered or taken in this poll: then by GUID and link together.
    taken = set(seen) | set(keys.values())
    for entry, key, link in further:
        free = [other for other in _further_keys(key, link) if other not in taken]
        if free:
            keys[id(entry)] = free[0]
            taken.add(free[0])
        else:
            result.skipped += 1  # the very GUID and link twice, as far as 2,000 characters tell
    fresh = _newest_first([entry for entries in by_key.values() for entry in entries])
    fresh = [entry for entry in fresh if id(entry) in keys]
    cap = settings.INTAKE_FEED_MAX_ENTRIES_PER_POLL
    result.left = max(len(fresh) - cap, 0)
    for entry in fresh[:cap]:
        result_kind, reason = _take_entry(feed, entry, keys[id(entry)], outlet_name, fetch_here)
        if reason:
            result.refuse(entry, reason)
        else:
            setattr(result, result_kind, getattr(result, result_kind) + 1)
    if result.refused:
        _warn_refused(feed, result)
    if reused:
        result.reused_guids = len(reused)
        key, earlier, later = reused[0]
        times = f"{len(reused):,} time{'s' if len(reused) > 1 else ''}"
        result.warnings.append(
            f"The feed gave one GUID to different links ({times}); each link was taken as a "
            f"story of its own (GUID {key!r}: {earlier}, then {later}). A feed that reuses "
            "GUIDs is broken: its publisher should be told."
        )


def _further_keys(key: str, link: str) -> tuple[str, str]:
    """The keys a further link under GUID `key` may be remembered by, in order of preference."""
    return link, f"{key} {link}"[:2000]


def feed_title(element) -> str:
    """A feed's or an entry's title as one stored line of the text it shows: a title the feed
    gives as markup (Atom's "Atom &lt;i&gt;test&lt;/i&gt;") without its tags and entities, as
    a reader sees it ("Atom test"), not with them printed."""
    title = str(element.get("title") or "").replace("\x00", "")
    if (element.get("title_detail") or {}).get("type") in _MARKUP_TYPES:
        title = html.unescape(strip_tags(title)).replace("\x00", "")
    return storable_line(_WHITESPACE.sub(" ", title))


def _entry_label(entry) -> str:
    """An entry as a newsroom knows it: its title, else its link or GUID."""
    label = feed_title(entry) or _entry_link(entry) or entry.get("id") or "an untitled entry"
    return storable_line(str(label).replace("\x00", ""))[:100]


def _warn_refused(feed: Feed, result: FeedPollResult) -> None:
    """Name the refused entries in the feed's warning (the first few) and the log (all): a
    count alone tells the newsroom neither which stories it lost nor why."""
    for label, reason in result.refused:
        logger.warning("Feed %s: entry %r refused: %s", feed.pk, label, reason)
    count = len(result.refused)
    named = "; ".join(
        f"{label!r} ({reason})" for label, reason in result.refused[:REFUSED_ENTRIES_NAMED]
    )
    more = f"; and {count - REFUSED_ENTRIES_NAMED:,} more" if count > REFUSED_ENTRIES_NAMED else ""
    entries = "entries" if count != 1 else "entry"
    result.warnings.append(f"{count:,} {entries} refused: {named}{more}.")


def _take_entry(
    feed: Feed, entry, key: str, outlet_name: str, fetch_here: list[int] | None
) -> tuple[str, str]:
    """Queue one entry, remembered under `key`: ("new" or "skipped", "") or ("failed", why)."""
    link = _entry_link(entry)
    try:
        with transaction.atomic():
            entry_row = FeedEntry.objects.create(feed=feed, key=key, url=_stored_link(link))
            job = intake_job_submit(
                url=link,
                source_kind=SourceKind.FEED,
                feed=feed,
                outlet_name=outlet_name,
                feed_published_at=_entry_moment(entry),
                send=fetch_here is None,
            )
            entry_row.job = job
            entry_row.save(update_fields=["job"])
        # A URL already in flight gives another submission's job: that one is fetched there.
        if fetch_here is not None and job.feed_id == feed.pk:
            fetch_here.append(job.pk)
    except DuplicateArticle:
        _remember(feed, key, link)
        return "skipped", ""
    except IntegrityError:
        return "skipped", ""  # another poll of this feed took the entry first
    except ValidationError as error:
        # A bad link fails the same way every time: remember it so it is counted once.
        _remember(feed, key, link)
        why = " ".join(error.messages).rstrip(".")
        why = f"{why[:1].lower()}{why[1:]}"
        joint = " " if why.startswith("refused") else ": "
        return "failed", f"link {_stored_link(link)[:200] or '(none)'}{joint}{why}"
    return "new", ""


def _remember(feed: Feed, key: str, link: str) -> None:
    FeedEntry.objects.update_or_create(
        feed=feed, key=key, defaults={"url": _stored_link(link), "job": None}
    )
