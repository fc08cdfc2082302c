"""A local HTTP server for the intake tests: news pages with boilerplate, feeds, a 404, a slow
page, a redirect to a private address, a PDF. Nothing reaches the internet."""

import contextlib
import socket
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from articles.intake import fetch

PAGES = Path(__file__).resolve().parent / "pages"
FEED_ETAG = '"feed-v1"'
FEED_LAST_MODIFIED = formatdate(1764000000, usegmt=True)

ARTICLE_TEMPLATE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{title}</title><link rel="canonical" href="{base}{canonical}">
<meta property="article:published_time" content="2026-11-2{day}T08:00:00Z"></head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>{title}</h1>{paragraphs}</article>
<footer>Copyright 2026 News Example. All rights reserved.</footer></body></html>"""


def article_page(base: str, title: str, sentences: list[str], canonical: str, day: int = 1):
    paragraphs = "".join(f"<p>{sentence}</p>" for sentence in sentences)
    return ARTICLE_TEMPLATE.format(
        base=base, title=title, paragraphs=paragraphs, canonical=canonical, day=day
    )


def story(topic: str) -> list[str]:
    return [
        f"The regional assembly voted on the {topic} plan on Monday after a debate that "
        "lasted most of the afternoon and much of the evening.",
        f"Officials said the {topic} budget rose by 12 percent compared with last year, "
        "while critics said the figure left out the cost of borrowing.",
        "A final vote on the details is expected before the end of the month, a spokesperson "
        "for the assembly told reporters outside the chamber.",
    ]


def feed_xml(base: str, slugs: list[str]) -> str:
    items = "".join(
        f"<item><title>Story {slug}</title><link>{base}/news/{slug}</link>"
        f"<guid>{base}/news/{slug}</guid></item>"
        for slug in slugs
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>News Example</title><link>{base}/</link>{items}</channel></rss>"
    )


class IntakeServer:
    def __init__(self):
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.responses: dict[str, tuple[int, dict[str, str], bytes]] = {}
        self.slow_seconds = 3.0
        self.hang_once: dict[str, float] = {}
        # Requests to the `held` paths wait `hold_seconds` at the server, so requests sent
        # together are there at once; `most_in_flight` is the most that were. A request leaves
        # before it is answered, so a client sending one at a time is never counted twice.
        self.held: set[str] = set()
        self.hold_seconds = 0.5
        self.in_flight = 0
        self.most_in_flight = 0
        self._counting = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def url(self, path: str) -> str:
        return self.base + path

    def set(
        self,
        path: str,
        body: str | bytes,
        *,
        status=200,
        content_type="text/html; charset=utf-8",
        headers=None,
    ):
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.responses[path] = (status, {"Content-Type": content_type, **(headers or {})}, data)

    def hits(self, path: str) -> list[dict[str, str]]:
        return [headers for requested, headers in self.requests if requested == path]

    def hold(self) -> None:
        with self._counting:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        time.sleep(self.hold_seconds)
        with self._counting:
            self.in_flight -= 1

    def close(self):
        self._server.shutdown()
        self._server.server_close()

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                server.requests.append((self.path, dict(self.headers)))
                path = self.path.split("?", 1)[0]  # like most sites, ignore tracking parameters
                if path in server.held:
                    server.hold()
                if path in server.hang_once:
                    time.sleep(server.hang_once.pop(path))
                if path == "/slow":
                    time.sleep(server.slow_seconds)
                if path == "/feed.xml" and self.headers.get("If-None-Match") == FEED_ETAG:
                    self.send_response(304)
                    self.send_header("ETag", FEED_ETAG)
                    self.end_headers()
                    return
                status, headers, body = server.responses.get(
                    path, (404, {"Content-Type": "text/html"}, b"<h1>Not found</h1>")
                )
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                if "Content-Length" not in headers:  # a test may send its own, even a bad one
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(body)

        return Handler


def _default_pages(server: IntakeServer) -> None:
    base = server.base
    server.set("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    server.set("/news/budget", (PAGES / "budget.html").read_text().replace("{base}", base))
    # The same story under another address (an AMP copy, slightly different) names the first
    # page as canonical.
    server.set(
        "/amp/budget",
        (PAGES / "budget.html")
        .read_text()
        .replace("{base}", base)
        .replace("Wednesday evening.", "Wednesday evening, according to the AMP edition."),
    )
    for day, slug in enumerate(["one", "two", "three"], start=1):
        server.set(
            f"/news/{slug}",
            article_page(base, f"Assembly votes on {slug} plan", story(slug), f"/news/{slug}", day),
        )
    server.set(
        "/feed.xml",
        feed_xml(base, ["one", "two", "three"]),
        content_type="application/rss+xml",
        headers={"ETag": FEED_ETAG, "Last-Modified": FEED_LAST_MODIFIED},
    )
    server.set("/slow", article_page(base, "Slow page", story("slow"), "/slow"))
    server.set(
        "/redirect-private",
        "",
        status=302,
        headers={"Location": "http://169.254.169.254/latest/meta-data/"},
    )
    server.set("/report.pdf", b"%PDF-1.7\n1 0 obj <<>> endobj\n", content_type="application/pdf")
    server.set("/private/page", article_page(base, "Private", story("private"), "/private/page"))
    server.set(
        "/short",
        "<html><head><title>Cookies</title></head><body>"
        "<p>Please accept cookies to continue.</p></body></html>",
    )
    server.set("/gone", "", status=410)
    server.set("/unavailable", "Try later", status=503, content_type="text/plain")


class DripServer:
    """A server that answers every request with `prefix` at once and then one byte of `drip`
    every `interval` seconds until the client hangs up, or `gives_up_after` seconds have passed
    (so a fetch the watchdog fails to stop ends the test instead of hanging it): the slow-loris
    answer no per-read time-out catches."""

    gives_up_after = 30.0

    def __init__(self, prefix: bytes, drip: bytes = b"a", interval: float = 0.05):
        self.prefix, self.drip, self.interval = prefix, drip, interval
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.base = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self._closed = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self._closed.is_set():
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._answer, args=(connection,), daemon=True).start()

    def _answer(self, connection):
        with connection, contextlib.suppress(OSError):
            connection.recv(65536)
            connection.sendall(self.prefix)
            until = time.monotonic() + self.gives_up_after
            while not self._closed.wait(self.interval) and time.monotonic() < until:
                connection.sendall(self.drip)

    def close(self):
        self._closed.set()
        self._listener.close()


@pytest.fixture
def drip_server(intake_server):
    """Start one with drip_server(prefix, drip); private addresses allowed and a read time-out
    of 1 s, as for intake_server. The server's robots.txt is never asked for."""
    servers = []

    def start(prefix: bytes, drip: bytes = b"a") -> DripServer:
        servers.append(DripServer(prefix, drip))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


@pytest.fixture(scope="session")
def _intake_server_process():
    server = IntakeServer()
    yield server
    server.close()


@pytest.fixture
def intake_server(_intake_server_process, settings):
    """The local server with its default pages; private addresses allowed, as `make test` does
    with INTAKE_ALLOW_PRIVATE_NETWORKS=1 (tests of the refusal turn it off)."""
    server = _intake_server_process
    server.requests.clear()
    server.responses.clear()
    server.hang_once.clear()
    server.held.clear()
    server.in_flight = server.most_in_flight = 0
    _default_pages(server)
    settings.INTAKE_ALLOW_PRIVATE_NETWORKS = True
    settings.INTAKE_READ_TIMEOUT = 1.0
    fetch.robots_cache_clear()
    yield server
    fetch.robots_cache_clear()
