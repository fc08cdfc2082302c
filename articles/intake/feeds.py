"""RSS and Atom subscriptions: each new entry becomes a URL intake job.

Polls use conditional GET (ETag / Last-Modified). One poll takes at most
INTAKE_FEED_MAX_ENTRIES_PER_POLL new entries, newest first; the rest wait for the next polls,
which come at the next beat rather than after the interval, and fetch the feed in full (a 304
would hide them). A failing feed waits twice as long
after each failure in a row (up to INTAKE_FEED_MAX_BACKOFF_MINUTES) and keeps its last error
and last success for the editors' page; one feed's failure never stops the others.
"""

import logging
from datetime import timedelta
from functools import partial
from urllib.parse import urlsplit
from xml.sax import SAXParseException

import feedparser
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from feedparser.encodings import convert_to_utf8

from ..models import Feed, Outlet
from ..services import (
    outlet_domain_normalize,
    outlet_domain_refusal,
    outlet_get_or_create,
    url_normalize,
)
from .feed_entries import FeedPollResult, entries_take, feed_title
from .fetch import FEED_TYPES, FetchError, FetchResult, fetch, fetch_within, url_refusal
from .inprocess import fetch_together, intake_jobs_run_in_process
from .queue import task_send, tasks_run_in_process
from .storable import url_redacted

FEED_INTERVAL_MAX_MINUTES = 7 * 24 * 60
FEED_INTERVAL_RULE = f"The interval is 1 minute to 7 days ({FEED_INTERVAL_MAX_MINUTES:,} minutes)."
# Celery beat sends feeds_poll_due every minute (CELERY_BEAT_SCHEDULE): the next beat.
FEED_BACKLOG_POLL_MINUTES = 1
POLL_TASK = "articles.tasks.feed_poll"
INTERNAL_ERROR_REASON = "an internal error stopped the poll; the desk's logs have the details"
logger = logging.getLogger(__name__)


def feed_interval_refusal(minutes) -> str | None:
    """Why this is not a feed's polling interval, or None: the rule of feed_add and the admin."""
    if isinstance(minutes, int) and 1 <= minutes <= FEED_INTERVAL_MAX_MINUTES:
        return None
    return FEED_INTERVAL_RULE


def feed_add(
    *,
    url: str,
    outlet_domain: str = "",
    outlet_name: str = "",
    interval_minutes: int = 30,
    check: bool = True,
    outlet: Outlet | None = None,
) -> Feed:
    """Subscribe to a feed. Raises ValidationError with per-field messages. The feed is fetched
    and read once first (feed_url_check), so an address that gives no feed is refused here, not
    at its first poll; check=False only where the caller has just checked it (the admin form).
    `outlet`, where the caller picked one (the admin), is that outlet: looked up again by its
    name, a name-only one could be an older outlet of the same name."""
    url, outlet_domain = feed_fields_clean(
        url=url, outlet_domain=outlet_domain, interval_minutes=interval_minutes
    )
    if check:
        try:
            feed_url_check(url)
        except ValidationError as error:
            raise ValidationError({"url": error.messages}) from None
    with transaction.atomic():
        outlet = outlet or outlet_get_or_create(name=outlet_name, domain=outlet_domain)
        return Feed.objects.create(url=url, outlet=outlet, poll_interval_minutes=interval_minutes)


def feed_fields_clean(*, url: str, outlet_domain: str, interval_minutes) -> tuple[str, str]:
    """A subscription's fields, each checked whatever the others are, as stored (the URL and
    the outlet's domain); raises ValidationError with every field's messages at once. Not the
    fetch, which only a valid URL gets (feed_url_check). The desk's form calls it too where its
    own fields refused some (articles.forms.FeedForm), so the rest are told on the same try."""
    errors: dict[str, list[str]] = {}
    try:
        url = feed_url_clean(url)
    except ValidationError as error:
        errors["url"] = error.messages
    else:
        if feed_subscribed(url):
            errors["url"] = [FEED_ALREADY_SUBSCRIBED]
    outlet_domain = outlet_domain_normalize(outlet_domain)
    if outlet_domain and outlet_domain_refusal(outlet_domain):
        errors["outlet"] = [outlet_domain_refusal(outlet_domain)]
    if feed_interval_refusal(interval_minutes):
        errors["poll_interval_minutes"] = [feed_interval_refusal(interval_minutes)]
    if errors:
        raise ValidationError(errors)
    return url, outlet_domain


FEED_ALREADY_SUBSCRIBED = "This feed is already subscribed."


def feed_subscribed(url: str, *, exclude: Feed | None = None) -> Feed | None:
    """The feed subscribed at this address, compared as intake URLs are (url_normalize: case,
    'www.', a trailing slash, an empty query, tracking parameters), so ".../feed.xml?" is not a
    second subscription to ".../feed.xml"; None when there is none (`exclude` aside). The URLs
    are stored as given, so the comparison is made here, on the feeds of the same host."""
    key = url_normalize(url)
    feeds = Feed.objects.filter(url__icontains=urlsplit(key).hostname or "")
    if exclude is not None and exclude.pk:
        feeds = feeds.exclude(pk=exclude.pk)
    for feed in feeds.only("pk", "url"):
        try:
            if url_normalize(feed.url) == key:
                return feed
        except ValidationError:
            continue
    return None


def feed_url_clean(url: str) -> str:
    """The feed's URL as it is fetched (as given: normalising could break it)."""
    url = (url or "").strip()
    refusal = url_refusal(url)
    if refusal:
        raise ValidationError(refusal[0].upper() + refusal[1:] + ".")
    url_normalize(url)  # raises for a malformed URL
    return url


def feed_url_check(url: str, *, changing: bool = False) -> None:
    """Fetch the feed once as its polls will (the same SSRF-safe fetch, robots.txt, types and
    parsing) and raise ValidationError saying why when it gives no RSS or Atom feed: a page that
    is no feed, a 404, a host that cannot be reached or whose address is not allowed. Nothing
    is stored: the first poll fetches it again.

    Someone is waiting on it (the page, the admin, add_feed), so the fetch ends within
    INTAKE_IN_REQUEST_FETCH_SECONDS in all; its polls wait out the worker's time-outs.
    `changing`: the new address of a feed already subscribed, which stays subscribed at its
    old one, so the refusal says the address was not saved rather than "not subscribed"."""
    try:
        with fetch_within(settings.INTAKE_IN_REQUEST_FETCH_SECONDS):
            page = fetch(url, accept=FEED_TYPES)
        _feed_parsed(page)
    except Exception as error:
        if not isinstance(error, FetchError):
            logger.exception("Checking feed %s failed", url)
            error = FetchError(INTERNAL_ERROR_REASON)
        later = " Try again later." if error.transient else ""
        reason = error.reason.removeprefix("refused: ")  # the sentence says so already
        raise ValidationError(
            "The feed could not be read, so "
            f"{'the new address was not saved' if changing else 'it was not subscribed'}: "
            f"{reason}.{later}"
        ) from None


def _feed_parsed(page):
    """The feed in a fetched page, parsed; FetchError when it holds none (or declares
    entities), for the poll and the check at subscription alike."""
    response_headers = {"content-location": page.url, **page.headers}
    if _declares_entities(page.body, response_headers):
        raise FetchError(
            "refused: the feed declares its own XML entities (<!ENTITY>), which can "
            "expand a small file into gigabytes; no feed needs them"
        )
    parsed = feedparser.parse(page.body, response_headers=response_headers)
    # feedparser reads any XML without complaint: an HTML page or a sitemap served as XML gives
    # no entries and no error, and would poll empty forever. No RSS, Atom or RDF root element
    # recognised (no version) is no feed.
    if not parsed.get("version") or (not parsed.entries and (parsed.bozo or not parsed.feed)):
        raise FetchError(
            f"the address does not serve an RSS or Atom feed ({url_redacted(page.url)})"
        )
    return parsed


def feeds_due(*, now=None):
    now = now or timezone.now()
    return Feed.objects.filter(active=True).filter(
        Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now)
    )


def feeds_claim_due() -> list[int]:
    """The due feeds' ids, each pushed one interval ahead so a second beat tick (or a second
    beat) does not poll it again before its poll has run."""
    now = timezone.now()
    claimed = []
    for feed in feeds_due(now=now).only("pk", "next_poll_at", "poll_interval_minutes"):
        lease = now + timedelta(minutes=feed.poll_interval_minutes)
        if Feed.objects.filter(pk=feed.pk, next_poll_at=feed.next_poll_at).update(
            next_poll_at=lease
        ):
            claimed.append(feed.pk)
    return claimed


def feed_poll(*, feed: Feed) -> FeedPollResult:
    """Poll one feed now and queue an intake job for every entry not seen before."""
    return feed_poll_record(feed=feed, fetched=feed_fetch(feed))


def feed_fetch(feed: Feed) -> FetchResult | Exception:
    """The feed's page, by conditional GET, or the error that stopped it (returned, so that it
    can be handed back from another thread: feeds_poll_here fetches several at once). Reads no
    database."""
    headers = {}
    if feed.etag:
        headers["If-None-Match"] = feed.etag
    if feed.last_modified:
        headers["If-Modified-Since"] = feed.last_modified
    try:
        return fetch(feed.url, accept=FEED_TYPES, headers=headers)
    except Exception as error:
        return error


def feed_poll_record(
    *, feed: Feed, fetched: FetchResult | Exception, fetch_here: list[int] | None = None
) -> FeedPollResult:
    """Read the fetched feed, queue its new entries and schedule the next poll, or record why
    there is none and back off. `fetch_here`: the entries' jobs are not sent to a worker; their
    ids are added to the list, for the caller to run (intake_jobs_run_in_process)."""
    now = timezone.now()
    result = FeedPollResult()
    try:
        if isinstance(fetched, Exception):
            raise fetched
        page = fetched
        if page.status == 304:
            result.not_modified = True
        else:
            parsed = _feed_parsed(page)
            entries_take(feed, parsed.entries, result, fetch_here=fetch_here)
            if _malformation(parsed):
                result.warnings.insert(0, _malformation(parsed))
            feed.entries_left = result.left
            feed.last_warning = " ".join(result.warnings)
            # With entries left, the next poll must read the feed again, changed or not.
            feed.etag = "" if result.left else page.headers.get("etag", "")[:500]
            feed.last_modified = "" if result.left else page.headers.get("last-modified", "")[:100]
            feed.title = feed.title or feed_title(parsed.feed)[:500]
    except Exception as error:
        if not isinstance(error, FetchError):
            # Any other error would leave the feed unsaved, its page silent and the poll
            # failing the same way at each interval. Its text stays in the log.
            logger.exception("Polling feed %s failed", feed.pk)
            error = FetchError(INTERNAL_ERROR_REASON)
        feed.consecutive_failures += 1
        wait = min(
            feed.poll_interval_minutes * 2**feed.consecutive_failures,
            settings.INTAKE_FEED_MAX_BACKOFF_MINUTES,
        )
        feed.next_poll_at = now + timedelta(minutes=wait)
        failures = feed.consecutive_failures
        in_a_row = "the first failure" if failures == 1 else f"{failures} failures in a row"
        feed.last_error = (
            f"{error.reason[:1].upper()}{error.reason[1:]} ({in_a_row}; next try in "
            f"{wait} minute{'s' * (wait != 1)})."
        )
        result.error = feed.last_error
    else:
        feed.consecutive_failures = 0
        feed.last_error = ""
        feed.last_success_at = now
        feed.next_poll_at = now + timedelta(minutes=_next_poll_minutes(feed, result))
    feed.last_polled_at = now
    feed.save()
    return result


def _next_poll_minutes(feed: Feed, result: FeedPollResult) -> int:
    """A feed with entries left over the cap is polled again at the next beat (a minute), not
    after its interval, until none are left: a backlog of 500 entries waits minutes, not ten
    intervals. Polite still: one read of the feed a minute at most, and the cap's entries each
    time, which the workers fetch at their own pace."""
    if result.left:
        return min(feed.poll_interval_minutes, FEED_BACKLOG_POLL_MINUTES)
    return feed.poll_interval_minutes


# Expat stops a "billion laughs" only once the expansion is a hundred times the input past 8 MB:
# a 1 kB feed still costs seconds of CPU and tens of MB before feedparser gives up. Feeds declare
# no entities of their own (the DOCTYPE of RSS 0.91 names an external DTD, never fetched).
def _declares_entities(body: bytes, headers: dict[str, str]) -> bool:
    # Looked for in the text expat will read, as feedparser makes it: it transcodes UTF-32,
    # EBCDIC or whatever the server or the XML declaration names into UTF-8 first, so the
    # declaration's bytes in the file itself may be anything.
    return b"<!ENTITY" in convert_to_utf8(dict(headers), body, {})


def _malformation(parsed) -> str | None:
    """A warning for a feed feedparser read leniently (its bozo flag): the entries are kept, but
    some may be missing or garbled, and its publisher can mend it. A feed served as HTML or
    plain text is no warning: the desk accepts those types, and the XML itself is fine."""
    error = parsed.get("bozo_exception")
    if not parsed.get("bozo") or isinstance(error, feedparser.NonXMLContentType):
        return None
    if isinstance(error, SAXParseException):
        where = f"line {error.getLineNumber()}, column {error.getColumnNumber()}"
        fault = f"is not well-formed XML ({where}: {error.getMessage()})"
    else:  # a wrong charset declared, an undeclared namespace
        fault = f"has a fault ({(str(error) or type(error).__name__)[:300]})"
    count = len(parsed.entries)
    entries = f"its {count:,} entries were" if count != 1 else "its one entry was"
    return (
        f"The feed {fault}; {entries} read as well as they could be, and some may be missing "
        "or garbled."
    )


def feeds_poll_due() -> list[tuple[Feed, FeedPollResult]]:
    """Poll every due feed once, in this process (the poll_feeds command). The feeds are claimed
    as beat claims them, so the command and a running beat never poll one feed twice."""
    return feeds_poll_here(feed_ids=feeds_claim_due())


def feeds_send_due() -> int:
    """Beat's tick: every due feed claimed and polled, one task each with a worker, so a slow
    feed never holds up the others; without one (tasks in-process) polled here, together
    (feeds_poll_here), as one task each would poll them one after another. How many were due."""
    due = feeds_claim_due()
    if tasks_run_in_process():
        feeds_poll_here(feed_ids=due)
    else:
        for feed_id in due:
            task_send(POLL_TASK, feed_id)
    return len(due)


def feeds_poll_here(*, feed_ids: list[int]) -> list[tuple[Feed, FeedPollResult]]:
    """Poll these claimed feeds in this process, INTAKE_FETCH_CONCURRENCY at a time, and then
    fetch their new entries' pages the same way, once committed (inprocess.py)."""
    feeds = list(Feed.objects.filter(pk__in=feed_ids).select_related("outlet").order_by("url"))
    results: dict[int, FeedPollResult] = {}
    entry_jobs: list[int] = []

    def record(feed: Feed, fetched) -> None:
        results[feed.pk] = feed_poll_record(feed=feed, fetched=fetched, fetch_here=entry_jobs)

    def broke(feed: Feed, error: Exception) -> None:
        # feed_poll_record keeps every error of the poll; this is one of saving the feed.
        logger.error("Polling feed %s failed", feed.pk, exc_info=error)
        results[feed.pk] = FeedPollResult(error=_sentence(INTERNAL_ERROR_REASON))

    waiting = iter(feeds)
    fetch_together(lambda: next(waiting, None), fetch=feed_fetch, record=record, broke=broke)
    if entry_jobs:
        transaction.on_commit(partial(intake_jobs_run_in_process, job_ids=entry_jobs))
    return [(feed, results[feed.pk]) for feed in feeds]


def _sentence(reason: str) -> str:
    return f"{reason[:1].upper()}{reason[1:]}."
