"""One HTTP GET that is polite (User-Agent, robots.txt), bounded (time-outs, redirects, size,
content type) and refuses server-side request forgery: the entry point the rest of intake
calls. The work is split by job:

    addresses.py   which URLs and IP addresses may be fetched (the SSRF rule), no network
    connection.py  bounded DNS lookup, every address checked, connection pinned to it; watchdog;
                   the whole fetch's time where the caller sets one (fetch_within)
    download.py    the GET itself: redirects hop by hop, status, type, size, body read
    robots.py      robots.txt rules, cached per site
    errors.py      FetchError, which every step raises
"""

from django.conf import settings

from .addresses import address_refusal, url_refusal
from .connection import fetch_within
from .download import HTML_TYPES, FetchResult, get
from .errors import FetchError
from .robots import robots_allows, robots_cache_clear
from .storable import url_redacted

__all__ = [
    "FEED_TYPES",
    "HTML_TYPES",
    "FetchError",
    "FetchResult",
    "address_refusal",
    "fetch",
    "fetch_within",
    "robots_cache_clear",
    "url_refusal",
]

FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
    # Not application/feed+json: feedparser reads no JSON Feed, and a server choosing by
    # Accept would send one. It is refused with its name instead (download._FRIENDLY_TYPES).
    # Many sites serve their feeds with these; feedparser decides whether it is a feed.
    "text/html",
    "text/plain",
    "application/octet-stream",
)


def fetch(
    url: str,
    *,
    accept: tuple[str, ...] = HTML_TYPES,
    headers: dict[str, str] | None = None,
    check_robots: bool = True,
    max_bytes: int | None = None,
) -> FetchResult:
    """GET `url` following at most INTAKE_MAX_REDIRECTS redirects, each one checked again (its
    address, and robots.txt unless check_robots is False). Raises FetchError with the reason.
    A 304 Not Modified is returned, not raised."""
    request_headers = {
        "User-Agent": settings.INTAKE_USER_AGENT,
        "Accept": ", ".join(accept) + ", */*;q=0.1",
        "Accept-Encoding": "gzip, deflate",
        **(headers or {}),
    }
    return get(
        url,
        accept=accept,
        headers=request_headers,
        max_bytes=max_bytes or settings.INTAKE_MAX_BYTES,
        before_hop=_robots_check if check_robots else None,
    )


def _robots_check(url: str) -> None:
    try:
        allowed = robots_allows(url)
    except FetchError as error:
        # The fetch stood at this page, not at its robots.txt: a job shows `url` as where the
        # fetch ended ("after redirects"), and robots.txt is no page it was sent to.
        error.url = url
        raise
    if not allowed:
        raise FetchError(f"refused: the site's robots.txt disallows {url_redacted(url)}")
