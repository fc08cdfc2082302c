"""robots.txt (RFC 9309): whether the desk's User-Agent may fetch a URL, each site's rules
fetched over the same guarded download (download.py) and kept a while, for a bounded number of
sites. fetch.py asks before every hop."""

import time
from urllib import robotparser
from urllib.parse import urlsplit

from django.conf import settings

from .download import get
from .errors import FetchError

_ROBOTS_TTL = 600.0
# Origins remembered at once: a worker polling feeds for months meets many sites, and each
# entry outlives its TTL until the same site is asked again.
_ROBOTS_CACHE_MAX = 1000
_robots_cache: dict[str, tuple[float, robotparser.RobotFileParser | None]] = {}


def robots_allows(url: str) -> bool:
    """RFC 9309: a missing robots.txt (4xx) allows everything; one that cannot be read (5xx,
    network error) raises a transient FetchError, so the fetch is tried again later."""
    parts = urlsplit(url)
    origin = f"{parts.scheme.lower()}://{parts.netloc.lower()}"
    cached = _robots_cache.get(origin)
    if cached is None or cached[0] < time.monotonic():
        cached = (time.monotonic() + _ROBOTS_TTL, _robots_load(origin))
        _robots_cache.pop(origin, None)  # re-inserted last: the order is the age
        _robots_cache[origin] = cached
        _robots_cache_prune()
    parser = cached[1]
    return True if parser is None else parser.can_fetch(settings.INTAKE_USER_AGENT, url)


def _robots_load(origin: str) -> robotparser.RobotFileParser | None:
    """The site's rules; None when it has none."""
    try:
        result = get(
            f"{origin}/robots.txt",
            accept=("*",),
            headers={
                "User-Agent": settings.INTAKE_USER_AGENT,
                "Accept": "*/*",
                "Accept-Encoding": "gzip, deflate",
            },
            max_bytes=500_000,
        )
    except FetchError as error:
        if error.status is not None and 400 <= error.status < 500:
            return None
        if error.reason.startswith("refused:") or error.unreachable:
            raise  # the site itself is down or refused, not its robots.txt: say that
        raise FetchError(
            f"the site's robots.txt could not be read ({error.reason})",
            transient=True,
            url=error.url,
        ) from None
    parser = robotparser.RobotFileParser()
    parser.parse(result.body.decode(result.charset or "utf-8", errors="replace").splitlines())
    return parser


def _robots_cache_prune() -> None:
    now = time.monotonic()
    # A copy: another thread of a threaded worker may be adding its own origin meanwhile.
    for origin, (expires, _) in list(_robots_cache.items()):
        if expires < now or len(_robots_cache) > _ROBOTS_CACHE_MAX:
            _robots_cache.pop(origin, None)


def robots_cache_clear() -> None:
    _robots_cache.clear()
