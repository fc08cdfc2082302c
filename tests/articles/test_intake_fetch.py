"""Safe fetching and extraction against the local test server."""

import contextlib
import socket
import threading
import time

import pytest

from articles.intake.extract import ExtractionError, article_extract
from articles.intake.fetch import FetchError, address_refusal, fetch, fetch_within


def test_extraction_keeps_the_article_and_drops_the_boilerplate(intake_server):
    page = fetch(intake_server.url("/news/budget"))
    article = article_extract(page.body, url=page.url, charset=page.charset)
    assert article.body.startswith("The city council passed its budget on Tuesday")
    assert "rail ticket prices rose by 20 percent in 2026" in article.body
    assert "spokesperson for the council said on Wednesday evening." in article.body
    for boilerplate in ["cookies", "Subscribe", "Related stories", "Tram line", "Copyright"]:
        assert boilerplate not in article.body
    assert article.body.count("\n\n") == 3  # four paragraphs, separated by blank lines


def test_extraction_reads_title_author_date_language_and_canonical_url(intake_server):
    page = fetch(intake_server.url("/amp/budget"))
    article = article_extract(page.body, url=page.url, charset=page.charset)
    assert article.title == "Council passes budget after transport row"
    assert article.byline == "Ada Reporter"
    # The page's own moment (09:00Z), not noon of its day: the ClaimReview shows this time.
    assert article.published_at.isoformat() == "2026-11-18T09:00:00+00:00"
    assert article.language == "en-gb"
    assert article.canonical_url == intake_server.url("/news/budget")


def _page_published(published_time: str) -> str:
    paragraph = "The mayor said the budget grew by 40 percent this year, more than before. " * 5
    html = (
        '<html lang="en"><head><title>Council passes budget</title>'
        f'<meta property="article:published_time" content="{published_time}"></head>'
        f"<body><article><h1>Council passes budget</h1><p>{paragraph}</p></article></body></html>"
    )
    article = article_extract(html.encode(), url="https://news.example/budget")
    return article.published_at.isoformat()


def test_a_page_s_publication_time_keeps_its_offset():
    assert _page_published("2026-11-30T10:15:00+05:30") == "2026-11-30T10:15:00+05:30"


def test_a_page_that_gives_a_day_or_a_time_without_offset_is_dated_noon_of_that_day(settings):
    settings.TIME_ZONE = "UTC"
    assert _page_published("2026-11-30") == "2026-11-30T12:00:00+00:00"
    # Whose 10:15? No moment is named, so only the day is kept.
    assert _page_published("2026-11-30T10:15:00") == "2026-11-30T12:00:00+00:00"


_RAIL_TEXT = (
    "<p>Rail ridership rose by 3 percent in 2025, the transport authority said in its yearly"
    " report on the network and its lines.</p>"
    "<p>Campaigners said fares had doubled since 2020, a claim the operator disputed on Monday"
    " in a statement to the press.</p>"
) * 2


def _rail_page_published(*, head: str = "", url: str = "https://news.example/rail") -> str | None:
    html = (
        f'<html lang="en"><head><title>Rail ridership rises</title>{head}</head>'
        f"<body><article><h1>Rail ridership rises</h1>{_RAIL_TEXT}</article></body></html>"
    )
    published = article_extract(html.encode(), url=url).published_at
    return published.isoformat() if published else None


def test_a_page_without_date_markup_is_undated_whatever_years_its_text_mentions():
    # Not 2020-01-01: a year the story mentions is no publication date.
    assert _rail_page_published() is None


@pytest.mark.parametrize(
    "head",
    [
        '<meta property="article:published_time" content="2026-11-18T09:00:00+00:00">',
        '<script type="application/ld+json">{"@context": "https://schema.org",'
        ' "@type": "NewsArticle", "datePublished": "2026-11-18T09:00:00+00:00"}</script>',
    ],
    ids=["meta tag", "JSON-LD"],
)
def test_a_date_in_the_page_s_markup_is_kept_beside_years_in_its_text(head):
    assert _rail_page_published(head=head) == "2026-11-18T09:00:00+00:00"


def test_a_date_in_the_page_s_address_is_kept_beside_years_in_its_text(settings):
    settings.TIME_ZONE = "UTC"
    published = _rail_page_published(url="https://news.example/2026/11/18/rail-ridership")
    assert published == "2026-11-18T12:00:00+00:00"


def test_a_page_without_article_text_is_refused_with_the_count(intake_server):
    page = fetch(intake_server.url("/short"))
    with pytest.raises(ExtractionError, match=r"no article text found: \d+ characters extracted"):
        article_extract(page.body, url=page.url, min_chars=200)


def test_the_fetcher_sends_a_descriptive_user_agent(intake_server, settings):
    fetch(intake_server.url("/news/one"))
    assert intake_server.hits("/news/one")[0]["User-Agent"] == settings.INTAKE_USER_AGENT
    assert "FactCheckDesk" in settings.INTAKE_USER_AGENT


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/missing", "the page answered 404"),
        ("/report.pdf", "refused: the address serves a PDF (application/pdf), not an HTML page"),
        ("/slow", "timed out after 1 s"),
        ("/private/page", "refused: the site's robots.txt disallows"),
    ],
)
def test_each_refusal_says_why(intake_server, path, reason):
    with pytest.raises(FetchError) as refused:
        fetch(intake_server.url(path))
    assert str(refused.value).startswith(reason)


def test_a_redirect_to_a_link_local_address_is_refused_even_with_private_networks_allowed(
    intake_server,
):
    with pytest.raises(FetchError) as refused:
        fetch(intake_server.url("/redirect-private"))
    assert str(refused.value) == (
        "refused: the address of 169.254.169.254 is not allowed; only public internet addresses "
        "are fetched"
    )
    assert intake_server.hits("/redirect-private")  # the first hop was fetched, the second not


def test_without_the_setting_the_local_server_itself_is_refused(intake_server, settings):
    settings.INTAKE_ALLOW_PRIVATE_NETWORKS = False
    with pytest.raises(FetchError, match=r"the address of 127\.0\.0\.1 is not allowed"):
        fetch(intake_server.url("/news/budget"))
    with pytest.raises(FetchError, match="the address of localhost is not allowed"):
        fetch(intake_server.url("/news/budget").replace("127.0.0.1", "localhost"))
    assert intake_server.requests == []  # refused before connecting, robots.txt included


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("10.0.0.5", "private"),
        ("172.16.3.4", "private"),
        ("192.168.0.10", "private"),
        ("fc00::1", "private"),
        ("100.64.0.1", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("0.0.0.0", "unspecified"),  # noqa: S104
        ("240.0.0.1", "reserved"),
        ("224.0.0.1", "multicast"),
        ("93.184.216.34", None),
        ("2606:4700::1111", None),
        # IPv6 forms that carry an IPv4 address: judged by the address they carry, since a
        # NAT64 gateway or a 6to4 relay would take the connection there.
        ("64:ff9b::a9fe:a9fe", "link-local"),  # NAT64, well-known prefix
        ("64:ff9b::7f00:1", "loopback"),
        ("64:ff9b:1::a00:5", "private"),  # NAT64, local-use prefix
        ("::ffff:0:7f00:1", "loopback"),  # IPv4-translated (SIIT)
        ("2002:a9fe:a9fe::", "link-local"),  # 6to4
        ("2002:7f00:1::1", "loopback"),
        ("2001:0:4136:e378:8000:63bf:80ff:fffe", "loopback"),  # Teredo, client 127.0.0.1
        ("::127.0.0.1", "loopback"),  # IPv4-compatible (deprecated)
        ("::a9fe:a9fe", "link-local"),
        ("64:ff9b::5db8:d822", None),  # NAT64 of a public address stays allowed
    ],
)
def test_addresses_are_classified(address, kind, settings):
    settings.INTAKE_ALLOW_PRIVATE_NETWORKS = False
    assert address_refusal(address) == kind


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        (
            "ftp://example.org/file",
            "refused: only http and https addresses are fetched, not ftp: ones",
        ),
        (
            "file:///etc/passwd",
            "refused: only http and https addresses are fetched, not file: ones",
        ),
        (
            "javascript:alert(1)",
            "refused: only http and https addresses are fetched, not javascript: ones",
        ),
        ("http://user:secret@example.org/", "refused: URLs with a user name or password"),
        ("http://10.1.2.3/", "refused: the address of 10.1.2.3 is not allowed"),
        ("http://example.org/a\x00b", "refused: the URL holds a control character (U+0000)"),
        ("http://example.org/\x7f", "refused: the URL holds a control character (U+007F)"),
        # The fully qualified spelling of localhost is localhost too, judged before any lookup.
        ("http://localhost./", "refused: the address of localhost. is not allowed"),
        ("http://news.localhost./", "refused: the address of news.localhost. is not allowed"),
    ],
)
def test_urls_that_are_never_fetched(url, reason, settings):
    settings.INTAKE_ALLOW_PRIVATE_NETWORKS = False
    with pytest.raises(FetchError) as refused:
        fetch(url)
    assert str(refused.value).startswith(reason)


def test_a_page_over_the_size_cap_is_refused(intake_server, settings):
    settings.INTAKE_MAX_BYTES = 2000
    with pytest.raises(FetchError, match="refused: the page is larger than 0.002 MB"):
        fetch(intake_server.url("/news/budget"))


def test_a_content_length_in_other_digits_is_ignored_like_any_unreadable_one(intake_server):
    # "²" passes str.isdigit() but not int(); urllib3 ignores such a length and so do we.
    intake_server.set("/odd-length", "<html><body><p>Fine.</p></body></html>")
    intake_server.responses["/odd-length"][1]["Content-Length"] = "\u00b2"
    fetched = fetch(intake_server.url("/odd-length"))
    assert fetched.status == 200 and b"Fine." in fetched.body


def test_redirects_are_followed_up_to_the_limit(intake_server, settings):
    intake_server.set("/r1", "", status=302, headers={"Location": "/r2"})
    intake_server.set("/r2", "", status=302, headers={"Location": "/news/one"})
    assert fetch(intake_server.url("/r1")).url == intake_server.url("/news/one")
    settings.INTAKE_MAX_REDIRECTS = 1
    with pytest.raises(FetchError, match="more than 1 redirects"):
        fetch(intake_server.url("/r1"))


def test_a_server_error_is_transient_and_a_404_is_not(intake_server):
    with pytest.raises(FetchError) as unavailable:
        fetch(intake_server.url("/unavailable"))
    assert unavailable.value.transient and str(unavailable.value) == "the page answered 503"
    with pytest.raises(FetchError) as missing:
        fetch(intake_server.url("/missing"))
    assert not missing.value.transient


def test_a_refusal_does_not_say_what_the_host_resolved_to(settings, monkeypatch, caplog):
    settings.INTAKE_ALLOW_PRIVATE_NETWORKS = False
    internal = [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.20.30.40", 80))]
    monkeypatch.setattr(socket, "getaddrinfo", lambda *args, **kwargs: internal)
    with pytest.raises(FetchError) as refused:
        fetch("http://intranet.example/")
    assert str(refused.value) == (
        "refused: the host intranet.example could not be found or its address is not allowed; "
        "only public internet addresses are fetched"
    )
    assert "10.20.30.40" in caplog.text  # for the desk's operators, in the log only


def test_an_internal_name_and_a_missing_name_get_the_same_final_refusal(
    settings, monkeypatch, caplog
):
    # An API key must not learn from the answer whether a name exists inside the desk's
    # network: the reason and its finality are the same for both.
    settings.INTAKE_ALLOW_PRIVATE_NETWORKS = False
    internal = [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.20.30.40", 80))]

    def lookup(host, *args, **kwargs):
        if host == "intranet.example":
            return internal
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", lookup)
    refusals = []
    for host in ("intranet.example", "nowhere.example"):
        with pytest.raises(FetchError) as refused:
            fetch(f"http://{host}/")  # robots.txt first: it must not wrap the refusal
        refusals.append((str(refused.value).replace(host, "HOST"), refused.value.transient))
    assert (
        refusals[0]
        == refusals[1]
        == (
            "refused: the host HOST could not be found or its address is not allowed; only public "
            "internet addresses are fetched",
            False,
        )
    )
    assert "no such name" in caplog.text and "10.20.30.40" in caplog.text


def test_a_lookup_that_fails_for_now_is_tried_again(monkeypatch):
    def lookup(*args, **kwargs):
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    monkeypatch.setattr(socket, "getaddrinfo", lookup)
    with pytest.raises(FetchError) as failed:
        fetch("http://news.example/", check_robots=False)
    assert failed.value.transient
    assert str(failed.value) == "the host news.example could not be looked up for now"


@pytest.mark.parametrize(
    "prefix",
    [
        pytest.param(b"HTTP/1.1 200 OK\r\nX-Padding: ", id="headers"),
        pytest.param(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n",
            id="body",
        ),
        pytest.param(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><body><p>", id="no-length"
        ),
    ],
)
def test_a_server_that_trickles_its_answer_times_out_within_the_read_time_out(
    drip_server, prefix, settings
):
    server = drip_server(prefix)
    started = time.monotonic()
    with pytest.raises(FetchError) as timed_out:
        fetch(server.base + "/page", check_robots=False)
    # The code's own bound: the connect time-out, then the 1 s read time-out for the headers
    # and again for the body. The server would trickle on for 30 s: a fetch that waited for it
    # fails here, however loaded the machine, and none passes by luck.
    bound = settings.INTAKE_CONNECT_TIMEOUT + 2 * settings.INTAKE_READ_TIMEOUT
    assert time.monotonic() - started < bound + 5 < server.gives_up_after
    assert str(timed_out.value) == "timed out after 1 s" and timed_out.value.transient


def test_inside_a_fetch_time_the_watchdog_stops_a_trickle_at_that_time(drip_server, settings):
    settings.INTAKE_READ_TIMEOUT = 30.0  # the server trickles on as long: only the 1 s stops it
    server = drip_server(b"HTTP/1.1 200 OK\r\nX-Padding: ")
    with pytest.raises(FetchError) as timed_out, fetch_within(1.0):
        fetch(server.base + "/page", check_robots=False)
    assert str(timed_out.value) == "timed out after 1 s" and timed_out.value.transient
    assert _pending_timers() == []


def test_a_fetch_time_longer_than_the_time_outs_leaves_them_as_they_are(drip_server):
    server = drip_server(b"HTTP/1.1 200 OK\r\nX-Padding: ")
    with pytest.raises(FetchError) as timed_out, fetch_within(20.0):
        fetch(server.base + "/page", check_robots=False)
    assert str(timed_out.value) == "timed out after 1 s"  # the read time-out's


def _pending_timers() -> list[threading.Timer]:
    return [
        thread
        for thread in threading.enumerate()
        if isinstance(thread, threading.Timer) and not thread.finished.is_set()
    ]


@pytest.mark.parametrize(
    "path", ["/news/one", "/gone", "/unavailable", "/report.pdf", "/redirect-private", "/slow"]
)
def test_no_watchdog_timer_outlives_a_fetch_whatever_its_end(intake_server, settings, path):
    settings.INTAKE_READ_TIMEOUT = 10.0  # a timer left running would still be pending below
    intake_server.slow_seconds = 0.2
    with contextlib.suppress(FetchError):
        fetch(intake_server.url(path))
    assert _pending_timers() == []


def test_no_watchdog_timer_outlives_a_trickling_server_or_a_refused_connection(drip_server):
    with pytest.raises(FetchError):
        fetch(drip_server(b"HTTP/1.1 200 OK\r\nX-Padding: ").base + "/page", check_robots=False)
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    with pytest.raises(FetchError, match="could not connect"):
        fetch(f"http://127.0.0.1:{port}/page", check_robots=False)
    assert _pending_timers() == []


def test_a_site_that_is_down_is_said_to_be_down_not_its_robots_txt():
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    with pytest.raises(FetchError) as refused:
        fetch(f"http://127.0.0.1:{port}/page")  # robots.txt is asked for first
    assert refused.value.reason == "could not connect to 127.0.0.1: connection refused"
    assert "robots.txt" not in refused.value.reason
    assert refused.value.transient


@pytest.mark.parametrize(
    ("location", "reason"),
    [
        ("http://[::1/x", "refused: the page redirected to an address that is not a URL"),
        ("http://a b.example/", "refused: 'http://a b.example/' is not a valid URL"),
        (
            "http://news.example:0/x",
            "refused: 'http://news.example:0/x' is not a valid URL (a port is a number from 1 "
            "to 65535)",
        ),
    ],
)
def test_a_redirect_to_a_malformed_address_is_refused_with_the_reason(
    intake_server, location, reason
):
    intake_server.set("/bad-redirect", "", status=302, headers={"Location": location})
    with pytest.raises(FetchError) as refused:
        fetch(intake_server.url("/bad-redirect"))
    assert str(refused.value) == reason
    assert not refused.value.transient  # tried again, it would fail the same way


def test_a_page_of_no_stated_type_is_refused_in_plain_words(intake_server):
    intake_server.set("/untyped", "<html><body><p>Text.</p></body></html>", content_type="")
    intake_server.responses["/untyped"][1].pop("Content-Type")
    with pytest.raises(FetchError) as refused:
        fetch(intake_server.url("/untyped"))
    assert str(refused.value) == (
        "refused: the address serves content of no stated type, not an HTML page"
    )


FRENCH_PAGE = (
    '<!DOCTYPE html><html lang="fr"><head>{meta}<title>Café crème</title></head><body>'
    "<article><p>"
    + "Le ministre a déclaré que le chômage a baissé de douze pour cent l'année dernière. " * 4
    + "</p></article></body></html>"
)


@pytest.mark.parametrize(
    ("encoding", "meta", "content_type"),
    [
        # Many servers label every page ISO-8859-1 by default; the page is UTF-8.
        ("utf-8", "", "text/html; charset=iso-8859-1"),
        # A Latin-1 page behind a server that says UTF-8: the page's own <meta> is right.
        ("iso-8859-1", '<meta charset="iso-8859-1">', "text/html; charset=utf-8"),
        (
            "windows-1252",
            '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">',
            "text/html; charset=UTF-8",
        ),
        ("iso-8859-1", "", "text/html; charset=iso-8859-1"),  # labelled right, of course
    ],
)
def test_a_page_whose_charset_is_mislabelled_is_read_in_its_real_encoding(
    intake_server, encoding, meta, content_type
):
    intake_server.set(
        "/fr", FRENCH_PAGE.format(meta=meta).encode(encoding), content_type=content_type
    )
    page = fetch(intake_server.url("/fr"))
    article = article_extract(page.body, url=page.url, charset=page.charset)
    assert article.title == "Café crème"
    assert article.body.startswith("Le ministre a déclaré que le chômage a baissé")


def test_the_robots_cache_of_a_long_running_worker_stays_bounded(monkeypatch):
    from articles.intake import robots as fetching

    loaded = []
    monkeypatch.setattr(fetching, "_robots_load", lambda origin: loaded.append(origin))
    monkeypatch.setattr(fetching, "_ROBOTS_CACHE_MAX", 3)
    fetching.robots_cache_clear()
    for number in range(10):
        assert fetching.robots_allows(f"https://site{number}.example/page")
    assert list(fetching._robots_cache) == [f"https://site{n}.example" for n in (7, 8, 9)]
    assert fetching.robots_allows("https://site9.example/other")  # still cached: not loaded
    assert len(loaded) == 10
    fetching.robots_cache_clear()


def test_a_resolver_that_hangs_fails_the_fetch_within_the_connect_time_out(settings, monkeypatch):
    settings.INTAKE_CONNECT_TIMEOUT = 0.5
    release = threading.Event()

    def hanging_lookup(*args, **kwargs):
        release.wait(30)  # a resolver that never answers; released when the test ends
        raise socket.gaierror("no answer")

    monkeypatch.setattr(socket, "getaddrinfo", hanging_lookup)
    started = time.monotonic()
    try:
        with pytest.raises(FetchError) as timed_out:
            fetch("http://hangs.example/page", check_robots=False)
    finally:
        release.set()
    # 0.5 s, plus the machine's slack: an unbounded lookup would wait the 30 s.
    assert time.monotonic() - started < 5
    assert str(timed_out.value) == "timed out after 0.5 s looking up the host hangs.example"
    assert timed_out.value.transient


def test_the_address_checked_is_the_one_connected_to_after_a_slow_lookup(settings, monkeypatch):
    # A lookup that answers late (but in time) still has its answer checked: the SSRF guard
    # holds through the bounded lookup.
    settings.INTAKE_ALLOW_PRIVATE_NETWORKS = False
    internal = [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.20.30.40", 80))]

    def slow_lookup(*args, **kwargs):
        time.sleep(0.2)
        return internal

    monkeypatch.setattr(socket, "getaddrinfo", slow_lookup)
    with pytest.raises(
        FetchError,
        match="the host intranet.example could not be found or its address is not allowed",
    ):
        fetch("http://intranet.example/", check_robots=False)


def test_a_watchdog_that_cannot_start_closes_the_new_connection(intake_server, monkeypatch):
    opened: list[socket.socket] = []
    real_socket = socket.socket

    class RecordingSocket(real_socket):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            if kwargs.get("fileno") is None and len(args) < 4:  # ours, not an accepted one
                opened.append(self)

    class NoThreads(threading.Timer):
        def start(self):
            raise RuntimeError("can't start new thread")

    monkeypatch.setattr(socket, "socket", RecordingSocket)
    monkeypatch.setattr(threading, "Timer", NoThreads)
    with pytest.raises(FetchError) as failed:
        fetch(intake_server.url("/news/one"), check_robots=False)
    assert str(failed.value) == (
        "the worker could not start a thread for the fetch (too many threads)"
    )
    assert failed.value.transient
    assert opened and all(sock.fileno() == -1 for sock in opened)


def test_a_lookup_thread_that_cannot_start_fails_the_fetch_as_transient(intake_server, monkeypatch):
    real_thread = threading.Thread

    class NoLookupThreads(real_thread):
        def start(self):
            if self.name.startswith("intake-lookup-"):
                raise RuntimeError("can't start new thread")
            super().start()

    monkeypatch.setattr(threading, "Thread", NoLookupThreads)
    for _ in range(40):  # more than the lookups allowed at once
        with pytest.raises(FetchError) as failed:
            fetch(intake_server.url("/news/one"), check_robots=False)
    assert str(failed.value) == (
        "the worker could not start a thread for the fetch (too many threads)"
    )
    assert failed.value.transient
    monkeypatch.undo()
    # Each failure gave its lookup slot back: the next fetch is not starved of lookups.
    assert fetch(intake_server.url("/news/one"), check_robots=False).status == 200
