"""The connections intake opens, and nothing of HTTP: the host looked up within a deadline,
every address it resolves to checked against the SSRF rule (addresses.py), and the connection
made to the very address checked, so neither a redirect nor a DNS answer that changes between
check and connect reaches a private network. The watchdog (_Deadline) shuts a connection down
once the read time-out has passed. download.py makes the requests over these connections.

INTAKE_CONNECT_TIMEOUT bounds looking the host up and connecting to it, together: a resolver
that hangs, or a host with many addresses that all time out, holds a worker no longer.

A caller that cannot wait for every time-out of every hop (a fetch inside a web request) sets
a time for the whole fetch with fetch_within(): each wait below is cut to what is left of it.
"""

import contextlib
import logging
import socket
import threading
import time
from contextvars import ContextVar
from dataclasses import dataclass

import urllib3
from django.conf import settings
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from .addresses import address_refusal, host_refusal
from .errors import FetchError
from .storable import url_shown

logger = logging.getLogger(__name__)
# Lookups running at once. The C resolver cannot be interrupted, so a lookup that overruns
# its deadline is abandoned, not stopped; a resolver that hangs for ever would otherwise pile
# up one thread per fetch.
_MAX_LOOKUPS = 32
_lookups = threading.BoundedSemaphore(_MAX_LOOKUPS)
# getaddrinfo's answers for a name that does not exist (EAI_NODATA: exists, has no address).
_NO_SUCH_NAME = {socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)}
TOO_MANY_THREADS = "the worker could not start a thread for the fetch (too many threads)"


@dataclass(frozen=True)
class _FetchTime:
    seconds: float
    ends: float  # time.monotonic()


# The whole fetch's time, where its caller set one: every hop, its robots.txt and its body.
_fetch_time: ContextVar[_FetchTime | None] = ContextVar("intake_fetch_time", default=None)
# Timers and socket time-outs end at their moment or a little after; this much before the
# fetch's end, a time-out is the fetch's time running out.
_FETCH_TIME_SLACK = 0.05


@contextlib.contextmanager
def fetch_within(seconds: float | None):
    """Inside the block a fetch ends within `seconds` in all (None: each wait its own time-out),
    with the FetchError "timed out after `seconds` s" once they have passed."""
    token = _fetch_time.set(
        None if seconds is None else _FetchTime(seconds, time.monotonic() + seconds)
    )
    try:
        yield
    finally:
        _fetch_time.reset(token)


def wait_for(seconds: float) -> float:
    """`seconds`, or what is left of the fetch's time when that is less; a transient
    FetchError when none is left."""
    limit = _fetch_time.get()
    if limit is None:
        return seconds
    left = limit.ends - time.monotonic()
    if left <= 0:
        raise FetchError(timed_out(seconds), transient=True)
    return min(seconds, left)


def timed_out(seconds: float) -> str:
    """The reason for a wait of `seconds` that ran out, or for the fetch's own time when that
    is what ran out (the wait was cut to it)."""
    limit = _fetch_time.get()
    if limit is not None and time.monotonic() >= limit.ends - _FETCH_TIME_SLACK:
        seconds = limit.seconds
    return f"timed out after {seconds:g} s"


def _lookup_timed_out(host: str) -> FetchError:
    return FetchError(
        f"{timed_out(settings.INTAKE_CONNECT_TIMEOUT)} looking up the host {host}",
        transient=True,
        unreachable=True,
    )


def resolve(host: str, port: int, *, deadline: float) -> list:
    """socket.getaddrinfo for a stream connection, given up at `deadline` (time.monotonic())."""
    if not _lookups.acquire(timeout=max(deadline - time.monotonic(), 0)):
        raise _lookup_timed_out(host)
    outcome: dict = {}
    done = threading.Event()

    def lookup():
        try:
            outcome["infos"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as error:  # a label over 63 characters is a UnicodeError
            outcome["error"] = error
        finally:
            _lookups.release()
            done.set()

    try:
        threading.Thread(target=lookup, name=f"intake-lookup-{host}", daemon=True).start()
    except RuntimeError:
        _lookups.release()
        raise FetchError(TOO_MANY_THREADS, transient=True) from None
    if not done.wait(max(deadline - time.monotonic(), 0)):
        raise _lookup_timed_out(host)
    error = outcome.get("error")
    if isinstance(error, UnicodeError) or getattr(error, "errno", None) in _NO_SUCH_NAME:
        # Said as a refused address is: a different answer would tell the submitter whether
        # an internal name exists. A name that does not exist is not tried again either (the
        # two would differ in status), while a lookup that failed for now is.
        logger.warning("Refused %s: no such name (%s)", host, error)
        raise FetchError(host_refusal(host))
    if error is not None:
        raise FetchError(
            f"the host {host} could not be looked up for now", transient=True, unreachable=True
        )
    return outcome["infos"]


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
        """Raises a transient FetchError when the timer's thread cannot start (a worker at its
        thread limit): a fetch without its watchdog could hang, so none is made."""
        with self._lock:
            if self._timer:
                self._timer.cancel()
            self._timer = threading.Timer(wait_for(settings.INTAKE_READ_TIMEOUT), self._expire)
            self._timer.daemon = True
            try:
                self._timer.start()
            except RuntimeError:
                self._timer = None
                raise FetchError(TOO_MANY_THREADS, transient=True) from None

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
    connect_timeout = timeout if isinstance(timeout, int | float) else None
    deadline = time.monotonic() + wait_for(connect_timeout or settings.INTAKE_CONNECT_TIMEOUT)
    infos = resolve(host, port, deadline=deadline)
    for *_, sockaddr in infos:
        refusal = address_refusal(sockaddr[0])
        if refusal:
            # The reason reaches the submitter (the desk, an API client): it must not map the
            # desk's network for them, so what the host resolved to stays in the log.
            logger.warning(
                "Refused %s: it resolves to a %s address (%s)", host, refusal, sockaddr[0]
            )
            raise FetchError(host_refusal(host))
    error: OSError | None = None
    for family, socktype, proto, _, sockaddr in infos:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        sock = socket.socket(family, socktype, proto)
        try:
            for option in socket_options or ():
                sock.setsockopt(*option)
            sock.settimeout(remaining)
            if source_address:
                sock.bind(source_address)
            sock.connect(sockaddr)
            watchdog = _deadline.get()
            if watchdog is not None:
                watchdog.watch(sock)
            return sock
        except TimeoutError:
            sock.close()
            error = None
            break
        except OSError as exc:
            sock.close()
            error = exc
        except BaseException:  # the watchdog could not start, or anything else: no socket left
            sock.close()
            raise
    if error is not None:
        # The reader wants "connection refused", not "[Errno 111] Connection refused".
        why = (error.strerror or str(error)).lower()
        raise FetchError(
            f"could not connect to {url_shown(host)}: {why}", transient=True, unreachable=True
        )
    raise FetchError(
        f"{timed_out(settings.INTAKE_CONNECT_TIMEOUT)} connecting to {url_shown(host)}",
        transient=True,
        unreachable=True,
    )


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


def pool_manager() -> urllib3.PoolManager:
    """A manager whose every connection is guarded as above."""
    manager = urllib3.PoolManager(num_pools=20, maxsize=2)
    manager.pool_classes_by_scheme = {"http": _GuardedHTTPPool, "https": _GuardedHTTPSPool}
    return manager


@contextlib.contextmanager
def watched():
    """A watchdog for the connections opened inside the block (one request's)."""
    deadline = _Deadline()
    token = _deadline.set(deadline)
    try:
        yield deadline
    finally:
        _deadline.reset(token)
        deadline.close()
