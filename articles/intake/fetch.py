"""One HTTP GET that is polite (User-Agent, robots.txt), bounded (time-outs, redirects, size,
content type) and refuses server-side request forgery.

Every connection resolves the host itself, checks every address it resolves to, and connects to
the address it checked, so a redirect or a DNS answer that changes between check and connect
cannot reach a private network. A watchdog closes the connection once the read time-out has
passed for the answer's headers, and again for its body, however slowly the server trickles.
"""

import contextlib
import ipaddress
import logging
import socket
import threading
import time
import unicodedata
from contextvars import ContextVar
from dataclasses import dataclass, field
from urllib import robotparser
from urllib.parse import urljoin, urlsplit

import urllib3
from django.conf import settings
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import HTTPError, LocationParseError, ReadTimeoutError
from urllib3.util import parse_url

HTML_TYPES = ("text/html", "application/xhtml+xml")
FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
    "application/feed+json",
    # Many sites serve their feeds with these; feedparser decides whether it is a feed.
    "text/html",
    "text/plain",
    "application/octet-stream",
)
logger = logging.getLogger(__name__)
_REDIRECTS = {301, 302, 303, 307, 308}
_CHUNK = 64 * 1024
_ROBOTS_TTL = 600.0
# Origins remembered at once: a worker polling feeds for months meets many sites, and each
# entry outlives its TTL until the same site is asked again.
_ROBOTS_CACHE_MAX = 1000
_robots_cache: dict[str, tuple[float, robotparser.RobotFileParser | None]] = {}
_FRIENDLY_TYPES = {
    "application/pdf": "a PDF",
    "application/json": "JSON",
    "application/zip": "a ZIP archive",
    "application/msword": "a Word document",
}


class FetchError(Exception):
    """The fetch gave no usable page. str() is a reason a person understands; `transient`
    says whether trying again later may help (a time-out, a 503), `status` the HTTP answer."""

    def __init__(self, reason: str, *, transient: bool = False, status: int | None = None):
        super().__init__(reason)
        self.reason = reason
        self.transient = transient
        self.status = status


@dataclass(frozen=True)
class FetchResult:
    url: str  # after redirects
    status: int
    content_type: str
    charset: str | None
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


# IPv6 prefixes whose last 32 bits are an IPv4 address that a translator (NAT64, SIIT)
# connects to.
_TRANSLATED = (
    ipaddress.ip_network("64:ff9b::/96"),
    ipaddress.ip_network("64:ff9b:1::/48"),
    ipaddress.ip_network("::ffff:0:0:0/96"),
)
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


def _carried_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (mapped, translated, NAT64, 6to4, Teredo,
    the deprecated IPv4-compatible form): the network would take a connection there, so that
    is what is judged. Python counts most of these forms as global whatever they carry."""
    if ip.ipv4_mapped:
        return ip.ipv4_mapped
    if any(ip in network for network in _TRANSLATED) or (
        ip in _IPV4_COMPATIBLE and int(ip) > 1  # not :: or ::1, judged as they are
    ):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip.sixtofour:
        return ip.sixtofour
    if ip.teredo:
        return ip.teredo[1]  # (server, client): the client is where the packets go
    return None


def address_refusal(address: str) -> str | None:
    """Why a connection to this IP address is refused, or None when it is allowed."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.version == 6:
        ip = _carried_ipv4(ip) or ip
    if ip.is_multicast:
        return "multicast"
    if ip.is_global:
        return None
    if ip.is_loopback:
        kind = "loopback"
    elif ip.is_link_local:
        return "link-local"  # cloud metadata services live here: never, whatever the setting
    elif ip.is_unspecified or (ip.version == 4 and ip in ipaddress.ip_network("0.0.0.0/8")):
        return "unspecified"
    elif ip.is_reserved:
        return "reserved"
    else:
        kind = "private"
    return None if settings.INTAKE_ALLOW_PRIVATE_NETWORKS else kind


class _Deadline:
    """Shuts the connection down when the read time-out has passed. The socket time-out bounds
    each read, but a server sending a byte a second never trips it: this bounds the headers as a
    whole (from the connection on) and then the body (restart())."""

    def __init__(self):
        self.expired = False
        self._lock = threading.Lock()
        self._watched: socket.socket | None = None
        self._timer: threading.Timer | None = None

    def watch(self, sock: socket.socket) -> None:
        # A duplicate descriptor of the same connection: TLS wraps (and detaches) the socket
        # object, and shutting the connection down through any descriptor wakes the reader.
        with self._lock:
            self._watched = sock.dup()
        self.restart()

    def restart(self) -> None:
        with self._lock:
            if self._timer:
                self._timer.cancel()
            self._timer = threading.Timer(settings.INTAKE_READ_TIMEOUT, self._expire)
            self._timer.daemon = True
            self._timer.start()

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            if self._watched is not None:
                with contextlib.suppress(OSError):
                    self._watched.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        with self._lock:
            if self._timer:
                self._timer.cancel()
            if self._watched is not None:
                self._watched.close()
                self._watched = None


_deadline: ContextVar[_Deadline | None] = ContextVar("intake_fetch_deadline", default=None)


def _connect(host: str, port: int, timeout, source_address, socket_options) -> socket.socket:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise FetchError(f"the host {host} could not be found", transient=True) from None
    for *_, sockaddr in infos:
        refusal = address_refusal(sockaddr[0])
        if refusal:
            # The reason reaches the submitter (the desk, an API client): it must not map the
            # desk's network for them, so what the host resolved to stays in the log.
            logger.warning(
                "Refused %s: it resolves to a %s address (%s)", host, refusal, sockaddr[0]
            )
            raise FetchError(
                f"refused: the address of {host} is not allowed; only public internet addresses "
                "are fetched"
            )
    error: OSError | None = None
    for family, socktype, proto, _, sockaddr in infos:
        sock = socket.socket(family, socktype, proto)
        try:
            for option in socket_options or ():
                sock.setsockopt(*option)
            if isinstance(timeout, int | float):
                sock.settimeout(timeout)
            if source_address:
                sock.bind(source_address)
            sock.connect(sockaddr)
            deadline = _deadline.get()
            if deadline is not None:
                deadline.watch(sock)
            return sock
        except TimeoutError:
            sock.close()
            raise FetchError(
                f"timed out after {settings.INTAKE_CONNECT_TIMEOUT:g} s connecting to {host}",
                transient=True,
            ) from None
        except OSError as exc:
            sock.close()
            error = exc
    raise FetchError(f"could not connect to {host}: {error}", transient=True)


class _GuardedHTTPConnection(HTTPConnection):
    def _new_conn(self) -> socket.socket:
        return _connect(
            self._dns_host, self.port, self.timeout, self.source_address, self.socket_options
        )


class _GuardedHTTPSConnection(HTTPSConnection):
    def _new_conn(self) -> socket.socket:
        return _connect(
            self._dns_host, self.port, self.timeout, self.source_address, self.socket_options
        )


class _GuardedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _GuardedHTTPConnection


class _GuardedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPSConnection


def _pool_manager() -> urllib3.PoolManager:
    manager = urllib3.PoolManager(num_pools=20, maxsize=2)
    manager.pool_classes_by_scheme = {"http": _GuardedHTTPPool, "https": _GuardedHTTPSPool}
    return manager


def url_refusal(url: str) -> str | None:
    """Why this URL is never fetched, judged from its text alone (the address is checked when
    connecting)."""
    control = next((char for char in url if unicodedata.category(char) == "Cc"), None)
    if control is not None:
        # A NUL cannot be stored, and http.client refuses any control character anyway.
        return f"refused: the URL holds a control character (U+{ord(control):04X})"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError for a malformed port)
        parse_url(url)  # urllib3's reading, which the request uses: a space in the host, say
    except (ValueError, LocationParseError):
        return f"refused: {url!r} is not a valid URL"
    if not parts.scheme:
        return "refused: the URL does not start with http:// or https://"
    if parts.scheme.lower() not in ("http", "https"):
        return f"refused: only http and https addresses are fetched, not {parts.scheme}://"
    if not parts.hostname:
        return "refused: the URL has no host"
    if parts.username or parts.password:
        return "refused: URLs with a user name or password are not fetched"
    return _literal_address_refusal(parts.hostname.lower())


def _literal_address_refusal(host: str) -> str | None:
    """A host written as an IP address (or localhost) is judged now, so the submitter hears at
    once; a name is judged on what it resolves to, when connecting."""
    address = "127.0.0.1" if host == "localhost" or host.endswith(".localhost") else host
    try:
        refusal = address_refusal(address.strip("[]"))
    except ValueError:
        return None  # a name, not an address
    if refusal:
        return (
            f"refused: the address of {host} is not allowed; only public internet addresses "
            "are fetched"
        )
    return None


def _describe_type(content_type: str) -> str:
    if content_type in _FRIENDLY_TYPES:
        return f"{_FRIENDLY_TYPES[content_type]} ({content_type})"
    if content_type.startswith("image/"):
        return f"an image ({content_type})"
    return content_type or "content of no stated type"


def _read_timed_out() -> FetchError:
    return FetchError(f"timed out after {settings.INTAKE_READ_TIMEOUT:g} s", transient=True)


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:g} MB"


def fetch(
    url: str,
    *,
    accept: tuple[str, ...] = HTML_TYPES,
    headers: dict[str, str] | None = None,
    check_robots: bool = True,
    max_bytes: int | None = None,
) -> FetchResult:
    """GET `url` following at most INTAKE_MAX_REDIRECTS redirects, each one checked again.
    Raises FetchError with the reason. A 304 Not Modified is returned, not raised."""
    max_bytes = max_bytes or settings.INTAKE_MAX_BYTES
    timeout = urllib3.Timeout(
        connect=settings.INTAKE_CONNECT_TIMEOUT, read=settings.INTAKE_READ_TIMEOUT
    )
    request_headers = {
        "User-Agent": settings.INTAKE_USER_AGENT,
        "Accept": ", ".join(accept) + ", */*;q=0.1",
        "Accept-Encoding": "gzip, deflate",
        **(headers or {}),
    }
    current = url
    for _redirect in range(settings.INTAKE_MAX_REDIRECTS + 1):
        refusal = url_refusal(current)
        if refusal:
            raise FetchError(refusal)
        if check_robots and not robots_allows(current):
            raise FetchError(f"refused: the site's robots.txt disallows {current}")
        response = _hop(current, accept, request_headers, timeout, max_bytes)
        if isinstance(response, FetchResult):
            return response
        current = response
    raise FetchError(f"more than {settings.INTAKE_MAX_REDIRECTS} redirects")


def _hop(url: str, accept, headers, timeout, max_bytes: int) -> FetchResult | str:
    """One request: the page, or where it redirects to. A manager of its own, so the watchdog
    sees the connection open (a kept-alive one would be reused unwatched)."""
    manager = _pool_manager()
    deadline = _Deadline()
    token = _deadline.set(deadline)
    try:
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
        deadline.restart()
        return _read(response, url, accept, max_bytes, deadline)
    finally:
        _deadline.reset(token)
        deadline.close()
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
        raise FetchError(f"the request failed: {error}", transient=True) from None


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
        raise FetchError(f"the download broke off: {error}", transient=True) from None
    if deadline.expired:  # without a Content-Length, the watchdog's shutdown reads as the end
        raise _read_timed_out()
    return b"".join(chunks)


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
        result = fetch(f"{origin}/robots.txt", accept=("*",), check_robots=False, max_bytes=500_000)
    except FetchError as error:
        if error.status is not None and 400 <= error.status < 500:
            return None
        if error.reason.startswith("refused:"):
            raise
        raise FetchError(
            f"the site's robots.txt could not be read ({error.reason})", transient=True
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
