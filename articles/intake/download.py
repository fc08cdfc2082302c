"""HTTP GET over guarded connections (connection.py): redirects followed one hop at a time,
each hop's URL judged again (addresses.py) and offered to a check of the caller's (robots.txt,
in fetch.py); the answer's status, type and size judged; the body read within the read
time-out and the size cap, however it is encoded, all within the fetch's time where its caller
set one (connection.fetch_within). Nothing here knows about robots.txt."""

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin

import urllib3
from django.conf import settings
from urllib3.exceptions import HTTPError, ReadTimeoutError

from .addresses import url_refusal
from .connection import _Deadline, pool_manager, timed_out, wait_for, watched
from .errors import FetchError
from .storable import urls_redacted

HTML_TYPES = ("text/html", "application/xhtml+xml")
_REDIRECTS = {301, 302, 303, 307, 308}
_CHUNK = 64 * 1024
_FRIENDLY_TYPES = {
    "application/pdf": "a PDF",
    "application/json": "JSON",
    "application/feed+json": "a JSON Feed, which is not read (subscribe to its RSS or Atom feed)",
    # Refused only where a page is asked for: a feed's own fetch accepts them.
    "application/rss+xml": "an RSS feed (subscribe to it under Feeds)",
    "application/atom+xml": "an Atom feed (subscribe to it under Feeds)",
    "application/zip": "a ZIP archive",
    "application/msword": "a Word document",
}


@dataclass(frozen=True)
class FetchResult:
    url: str  # after redirects
    status: int
    content_type: str
    charset: str | None
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def get(
    url: str,
    *,
    accept: tuple[str, ...],
    headers: dict[str, str],
    max_bytes: int,
    before_hop: Callable[[str], None] | None = None,
) -> FetchResult:
    """GET `url` following at most INTAKE_MAX_REDIRECTS redirects; `before_hop(url)` may raise
    FetchError to refuse a hop. A 304 Not Modified is returned, not raised."""
    current = url
    for _redirect in range(settings.INTAKE_MAX_REDIRECTS + 1):
        try:
            refusal = url_refusal(current)
            if refusal:
                raise FetchError(refusal)
            if before_hop is not None:
                before_hop(current)
            # Each hop's time-outs, cut to what is left of the fetch's time (fetch_within).
            timeout = urllib3.Timeout(
                connect=wait_for(settings.INTAKE_CONNECT_TIMEOUT),
                read=wait_for(settings.INTAKE_READ_TIMEOUT),
            )
            response = _hop(current, accept, headers, timeout, max_bytes)
        except FetchError as error:
            # The reason may name a host the submitter never wrote (a redirect's): say where.
            error.url = error.url or current
            raise
        if isinstance(response, FetchResult):
            return response
        current = response
    raise FetchError(f"more than {settings.INTAKE_MAX_REDIRECTS} redirects", url=current)


def _describe_type(content_type: str) -> str:
    if content_type in _FRIENDLY_TYPES:
        return f"{_FRIENDLY_TYPES[content_type]} ({content_type})"
    if content_type.startswith("image/"):
        return f"an image ({content_type})"
    return content_type or "content of no stated type"


def _read_timed_out() -> FetchError:
    return FetchError(timed_out(settings.INTAKE_READ_TIMEOUT), transient=True)


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:g} MB"


def _hop(url: str, accept, headers, timeout, max_bytes: int) -> FetchResult | str:
    """One request: the page, or where it redirects to. A manager of its own, so the watchdog
    sees the connection open (a kept-alive one would be reused unwatched)."""
    manager = pool_manager()
    try:
        with watched() as deadline:
            response = _get(manager, url, headers, timeout, deadline)
            if deadline.expired:  # the headers broke off where the watchdog shut the connection
                response.release_conn()
                raise _read_timed_out()
            if response.status in _REDIRECTS:
                location = response.headers.get("Location")
                response.release_conn()
                if not location:
                    raise FetchError(f"the page answered {response.status} without a Location")
                try:
                    return urljoin(url, location)
                except ValueError:  # "http://[::1" and the like
                    raise FetchError(
                        "refused: the page redirected to an address that is not a URL"
                    ) from None
            try:
                deadline.restart()
            except FetchError:
                response.close()  # its connection too: it is not reused unwatched
                raise
            return _read(response, url, accept, max_bytes, deadline)
    finally:
        manager.clear()


def _get(
    manager, url: str, headers: dict[str, str], timeout, deadline: _Deadline
) -> urllib3.BaseHTTPResponse:
    try:
        return manager.request(
            "GET",
            url,
            headers=headers,
            timeout=timeout,
            redirect=False,
            retries=False,
            preload_content=False,
        )
    except ReadTimeoutError:
        raise _read_timed_out() from None
    except HTTPError as error:
        if deadline.expired:
            raise _read_timed_out() from None
        # urllib3 may quote the address, or its path and query, which can hold a key.
        raise FetchError(
            f"the request failed: {urls_redacted(str(error))}", transient=True
        ) from None


def _read(
    response, url: str, accept: tuple[str, ...], max_bytes: int, deadline: _Deadline
) -> FetchResult:
    status = response.status
    content_type, _, params = (response.headers.get("Content-Type") or "").partition(";")
    content_type = content_type.strip().lower()
    charset = None
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip("\"'")
    result_headers = {key.lower(): value for key, value in response.headers.items()}
    try:
        if status == 304:
            return FetchResult(url, status, content_type, charset, b"", result_headers)
        if status >= 400:
            transient = status in (408, 425, 429) or status >= 500
            raise FetchError(f"the page answered {status}", transient=transient, status=status)
        if "*" not in accept and content_type not in accept:
            raise FetchError(
                f"refused: the address serves {_describe_type(content_type)}, not an HTML page"
                if accept == HTML_TYPES
                else f"refused: the address serves {_describe_type(content_type)}"
            )
        declared = response.headers.get("Content-Length", "")
        # ASCII digits only: a server may send "²", which passes isdigit() but not int().
        if declared.isascii() and declared.isdigit() and int(declared) > max_bytes:
            raise FetchError(f"refused: the page is larger than {_megabytes(max_bytes)}")
        body = _read_capped(response, max_bytes, deadline)
    finally:
        response.release_conn()
    return FetchResult(url, status, content_type, charset, body, result_headers)


def _read_capped(response, max_bytes: int, deadline: _Deadline) -> bytes:
    chunks, size = [], 0
    try:
        for chunk in response.stream(_CHUNK, decode_content=True):
            size += len(chunk)
            if size > max_bytes:
                raise FetchError(f"refused: the page is larger than {_megabytes(max_bytes)}")
            chunks.append(chunk)
    except ReadTimeoutError:
        raise _read_timed_out() from None
    except HTTPError as error:
        if deadline.expired:
            raise _read_timed_out() from None
        raise FetchError(
            f"the download broke off: {urls_redacted(str(error))}", transient=True
        ) from None
    if deadline.expired:  # without a Content-Length, the watchdog's shutdown reads as the end
        raise _read_timed_out()
    return b"".join(chunks)
