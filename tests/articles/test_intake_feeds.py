"""Feeds: subscribing, polling with conditional GET, seen entries, back-off, the beat entry."""

import socket
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from articles.intake import feeds
from articles.intake.feeds import feed_add, feed_poll, feeds_claim_due
from articles.models import Article, Feed, IntakeJob, IntakeStatus, SourceKind
from config.celery import app as celery_app
from tests.articles.conftest import FEED_ETAG, FEED_LAST_MODIFIED, article_page, feed_xml, story
from tests.factories import admin_user, editor, fact_checker

pytestmark = pytest.mark.django_db


def test_add_feed_and_poll_feeds_take_in_the_three_entries(
    intake_server, capsys, django_capture_on_commit_callbacks
):
    call_command(
        "add_feed", intake_server.url("/feed.xml"), "--outlet", "news.example", "--interval", "15"
    )
    feed = Feed.objects.get()
    assert feed.poll_interval_minutes == 15 and feed.outlet.domain == "news.example"
    capsys.readouterr()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("poll_feeds")
    assert capsys.readouterr().out.strip() == (f"{feed.url}: 3 new, 0 skipped, 0 failed")
    jobs = IntakeJob.objects.order_by("url")
    assert [job.status for job in jobs] == [IntakeStatus.STORED] * 3
    articles = Article.objects.order_by("title")
    assert [article.title for article in articles] == [
        "Assembly votes on one plan",
        "Assembly votes on three plan",
        "Assembly votes on two plan",
    ]
    assert {article.source_kind for article in articles} == {SourceKind.FEED}
    assert {article.outlet.domain for article in articles} == {"news.example"}
    feed.refresh_from_db()
    assert feed.title == "News Example" and feed.last_success_at is not None
    assert feed.next_poll_at > timezone.now() + timedelta(minutes=14)


def test_the_next_poll_is_a_conditional_get_and_changes_nothing(intake_server):
    feed = feed_add(url=intake_server.url("/feed.xml"))
    first = feed_poll(feed=feed)
    assert (first.new, first.not_modified) == (3, False)
    feed.refresh_from_db()
    assert feed.etag == FEED_ETAG and feed.last_modified == FEED_LAST_MODIFIED
    second = feed_poll(feed=feed)
    assert second.not_modified and second.new == 0
    sent = intake_server.hits("/feed.xml")[-1]
    assert sent["If-None-Match"] == FEED_ETAG
    assert sent["If-Modified-Since"] == FEED_LAST_MODIFIED
    assert IntakeJob.objects.count() == 3


def test_entries_already_seen_are_skipped(intake_server):
    intake_server.set(
        "/plain-feed.xml", feed_xml(intake_server.base, ["one", "two"]), content_type="text/xml"
    )
    feed = feed_add(url=intake_server.url("/plain-feed.xml"))
    assert feed_poll(feed=feed).new == 2
    intake_server.set(
        "/plain-feed.xml",
        feed_xml(intake_server.base, ["one", "two", "three"]),
        content_type="text/xml",
    )
    result = feed_poll(feed=feed)
    assert (result.new, result.skipped, result.failed) == (1, 2, 0)
    assert IntakeJob.objects.filter(feed=feed).count() == 3


def test_an_entry_without_a_usable_link_counts_as_failed(intake_server):
    intake_server.set(
        "/odd-feed.xml",
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Odd</title>'
        "<item><title>No link</title></item>"
        "<item><title>FTP</title><link>ftp://example.org/x</link></item>"
        f"<item><title>Fine</title><link>{intake_server.url('/news/one')}</link></item>"
        "</channel></rss>",
        content_type="application/rss+xml",
    )
    feed = feed_add(url=intake_server.url("/odd-feed.xml"))
    result = feed_poll(feed=feed)
    assert (result.new, result.skipped, result.failed) == (1, 0, 2)
    again = feed_poll(feed=feed)  # the bad link is remembered, not failed again and again
    assert (again.new, again.skipped, again.failed) == (0, 2, 1)


def test_the_feeds_warning_and_the_log_say_which_entries_were_refused_and_why(
    intake_server, caplog
):
    intake_server.set(
        "/refusing.xml",
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Refusing</title>'
        "<item><title>Script</title><link>javascript:alert(1)</link></item>"
        "<item><title>Metadata</title><link>http://169.254.169.254/latest/</link></item>"
        "<item><title>Nowhere</title></item>"
        "<item><title>FTP</title><link>ftp://example.org/x</link></item>"
        "</channel></rss>",
        content_type="application/rss+xml",
    )
    feed = feed_add(url=intake_server.url("/refusing.xml"))
    with caplog.at_level("WARNING", logger="articles.intake.feed_entries"):
        result = feed_poll(feed=feed)
    assert (result.new, result.failed, result.error) == (0, 4, "")
    feed.refresh_from_db()
    warning = feed.last_warning
    assert warning.startswith("4 entries refused: 'Nowhere' (no link and no GUID); ")
    assert (
        "'Script' (link javascript:alert(1) refused: only http and https addresses are "
        "fetched, not javascript: ones)" in warning
    )
    assert "'Metadata' (link http://169.254.169.254/latest/ refused: the address of " in warning
    assert warning.endswith("; and 1 more.")
    assert len([r for r in caplog.records if "refused" in r.getMessage()]) == 4
    page = _feeds_page_as_editor(intake_server)
    assert "Warning: 4 entries refused: &#x27;Nowhere&#x27; (no link and no GUID)" in page


def _feeds_page_as_editor(intake_server) -> str:
    from django.test import Client

    client = Client()
    client.force_login(editor())
    return client.get("/intake/feeds/").content.decode()


def test_null_characters_in_a_feed_are_a_bad_link_or_dropped_not_a_crash(intake_server):
    # XML may spell a NUL as &#0;; feedparser passes it on, PostgreSQL stores no NUL.
    intake_server.set(
        "/nul-feed.xml",
        '<?xml version="1.0"?><rss version="2.0"><channel><title>News&#0; Example</title>'
        f"<item><link>{intake_server.url('/news/one')}</link><guid>one&#0;</guid></item>"
        f"<item><link>{intake_server.url('/news/two')}&#0;</link><guid>two</guid></item>"
        "</channel></rss>",
        content_type="application/rss+xml",
    )
    feed = feed_add(url=intake_server.url("/nul-feed.xml"))
    result = feed_poll(feed=feed)
    assert (result.new, result.skipped, result.failed, result.error) == (1, 0, 1, "")
    feed.refresh_from_db()
    assert feed.title == "News Example" and feed.last_success_at is not None
    assert list(IntakeJob.objects.values_list("url", flat=True)) == [intake_server.url("/news/one")]
    again = feed_poll(feed=feed)  # both remembered, as any refused link is
    assert (again.new, again.skipped, again.failed) == (0, 2, 0)


def test_an_unexpected_error_in_a_poll_is_the_feeds_last_error_not_a_silent_crash(
    intake_server, monkeypatch, caplog
):
    from articles.intake import feed_entries

    def broken_submit(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(feed_entries, "intake_job_submit", broken_submit)
    feed = feed_add(url=intake_server.url("/feed.xml"), interval_minutes=10)
    result = feed_poll(feed=feed)
    feed.refresh_from_db()
    assert feed.consecutive_failures == 1 and feed.last_success_at is None
    assert (
        feed.last_error
        == result.error
        == (
            "An internal error stopped the poll; the desk's logs have the details (the first "
            "failure; next try in 20 minutes)."
        )
    )
    assert "the database went away" in caplog.text  # for the operators, in the log only
    assert not IntakeJob.objects.exists()


def test_a_failing_feed_backs_off_shows_its_error_and_does_not_block_the_others(
    intake_server, capsys
):
    broken = feed_add(url=intake_server.url("/unavailable"), interval_minutes=10, check=False)
    working = feed_add(url=intake_server.url("/feed.xml"))
    call_command("poll_feeds")
    output = capsys.readouterr().out
    assert f"{working.url}: 3 new, 0 skipped, 0 failed" in output
    assert f"{broken.url}: 0 new" in output and "error: The page answered 503" in output
    broken.refresh_from_db()
    assert broken.consecutive_failures == 1 and broken.last_success_at is None
    assert broken.last_error == (
        "The page answered 503 (the first failure; next try in 20 minutes)."
    )
    waits = []
    for _ in range(3):
        before = timezone.now()
        feed_poll(feed=broken)
        broken.refresh_from_db()
        waits.append(round((broken.next_poll_at - before).total_seconds() / 60))
    assert waits == [40, 80, 160]
    assert broken.last_error == (
        "The page answered 503 (4 failures in a row; next try in 160 minutes)."
    )
    intake_server.set("/unavailable", feed_xml(intake_server.base, []), content_type="text/xml")
    feed_poll(feed=broken)
    broken.refresh_from_db()
    assert broken.consecutive_failures == 0 and broken.last_error == ""
    assert broken.last_success_at is not None


def test_the_back_off_has_a_ceiling(intake_server, settings):
    settings.INTAKE_FEED_MAX_BACKOFF_MINUTES = 60
    feed = feed_add(url=intake_server.url("/missing"), interval_minutes=50, check=False)
    feed_poll(feed=feed)
    feed.refresh_from_db()
    assert "next try in 60 minutes" in feed.last_error


def test_a_page_that_is_not_a_feed_is_an_error(intake_server):
    pdf = feed_add(url=intake_server.url("/report.pdf"), check=False)
    assert feed_poll(feed=pdf).error.startswith("Refused: the address serves a PDF")
    page = feed_add(url=intake_server.url("/news/one"), check=False)
    assert feed_poll(feed=page).error.startswith(
        f"The address does not serve an RSS or Atom feed ({page.url})"
    )


def test_an_xml_page_that_is_no_feed_is_refused_on_subscribe_and_on_poll(intake_server):
    intake_server.set(
        "/page.xml", "<html><body>not a feed</body></html>", content_type="application/xml"
    )
    with pytest.raises(ValidationError) as refused:
        feed_add(url=intake_server.url("/page.xml"))
    assert "does not serve an RSS or Atom feed" in refused.value.message_dict["url"][0]
    assert not Feed.objects.exists()
    # A feed that was fine and turns into such a page is a failure its page shows.
    feed = feed_add(url=intake_server.url("/feed.xml"))
    intake_server.set(
        "/feed.xml", "<html><body>not a feed</body></html>", content_type="application/xml"
    )
    result = feed_poll(feed=feed)
    feed.refresh_from_db()
    assert result.error.startswith("The address does not serve an RSS or Atom feed")
    assert feed.last_error == result.error and feed.consecutive_failures == 1


def test_a_json_feed_is_refused_by_name_not_read_as_a_broken_rss_feed(intake_server):
    # feedparser reads RSS and Atom only: a JSON Feed would give no entries and a reason that
    # sends the editor looking for a fault in the site's feed.
    body = '{"version": "https://jsonfeed.org/version/1.1", "title": "News", "items": []}'
    intake_server.set("/feed.json", body, content_type="application/feed+json")
    feed = feed_add(url=intake_server.url("/feed.json"), check=False)
    assert feed_poll(feed=feed).error.startswith(
        "Refused: the address serves a JSON Feed, which is not read (subscribe to its RSS or "
        "Atom feed) (application/feed+json)"
    )


def test_only_due_active_feeds_are_polled_and_claimed_once(intake_server, capsys):
    due = feed_add(url=intake_server.url("/feed.xml"))
    later = feed_add(url=intake_server.url("/other.xml"), check=False)
    Feed.objects.filter(pk=later.pk).update(next_poll_at=timezone.now() + timedelta(hours=1))
    feed_add(url=intake_server.url("/paused.xml"), check=False)
    Feed.objects.filter(url__endswith="/paused.xml").update(active=False)
    assert feeds_claim_due() == [due.pk]
    assert feeds_claim_due() == []  # the first claim pushed it one interval ahead
    capsys.readouterr()
    call_command("poll_feeds")
    assert capsys.readouterr().out.strip() == "No feed is due."


def test_celery_beat_polls_due_feeds_every_minute():
    schedule = django_settings.CELERY_BEAT_SCHEDULE
    entry = schedule["poll-due-feeds"]
    assert entry["task"] == "articles.tasks.feeds_poll_due" and entry["schedule"] == 60.0
    assert celery_app.conf.beat_schedule == schedule
    for item in schedule.values():
        assert item["task"] in celery_app.tasks


def test_the_beat_task_polls_each_due_feed(intake_server, django_capture_on_commit_callbacks):
    feed_add(url=intake_server.url("/feed.xml"))
    with django_capture_on_commit_callbacks(execute=True):
        assert celery_app.tasks["articles.tasks.feeds_poll_due"].apply().get() == 1
    assert IntakeJob.objects.filter(status=IntakeStatus.STORED).count() == 3


def test_add_feed_refuses_bad_input(intake_server):
    with pytest.raises(CommandError, match="only http and https"):
        call_command("add_feed", "ftp://example.org/feed")
    with pytest.raises(CommandError, match="1 minute to 7 days"):
        call_command("add_feed", intake_server.url("/feed.xml"), "--interval", "0")
    call_command("add_feed", intake_server.url("/feed.xml"))
    with pytest.raises(CommandError, match="already subscribed"):
        call_command("add_feed", intake_server.url("/feed.xml"))


def test_editors_add_feeds_on_the_page_and_fact_checkers_only_read(client, intake_server):
    client.force_login(fact_checker())
    assert client.get("/intake/feeds/").status_code == 200
    client.post(
        "/intake/feeds/", {"url": intake_server.url("/feed.xml"), "poll_interval_minutes": 5}
    )
    assert not Feed.objects.exists()
    client.force_login(editor())
    for domain in ["<script>x", "news example.com", "-news.example", "localhost"]:
        response = client.post(
            "/intake/feeds/",
            {"url": intake_server.url("/feed.xml"), "outlet": domain, "poll_interval_minutes": 5},
        )
        assert response.status_code == 400
        assert "Give the outlet&#x27;s domain, such as reuters.com." in response.content.decode()
    assert not Feed.objects.exists()
    response = client.post(
        "/intake/feeds/",
        {
            "url": intake_server.url("/feed.xml"),
            "outlet": "www.News.Example",
            "poll_interval_minutes": 5,
        },
    )
    assert response.status_code == 302
    feed = Feed.objects.get()
    assert feed.poll_interval_minutes == 5 and feed.outlet.domain == "news.example"
    page = client.get("/intake/feeds/").content.decode()
    assert feed.url in page and "never" in page  # not polled yet
    client.post(f"/intake/feeds/{feed.pk}/toggle/", {"paused": "1"})
    feed.refresh_from_db()
    assert not feed.active


@pytest.mark.parametrize("scheduled", [True, False])
def test_the_feeds_page_says_how_a_feed_is_polled_here(client, intake_server, settings, scheduled):
    # The zero-config demo has no broker and so no beat: "polled next minute" was never true
    # there, and a newsroom trying it waited for entries that never came.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/0" if scheduled else "memory://localhost/"
    client.force_login(editor())
    response = client.post(
        "/intake/feeds/",
        {
            "url": intake_server.url("/feed.xml"),
            "outlet": "news.example",
            "poll_interval_minutes": 5,
        },
        follow=True,
    )
    page = response.content.decode()
    assert ("it is polled next minute." in page) is scheduled
    assert ("DEBUG=1 .venv/bin/python manage.py poll_feeds" in page) is not scheduled
    assert ("data-polled-by-hand" in page) is not scheduled
    # A feed not polled yet has no title: its URL is not pushed below an empty first line.
    assert f'<td><span class="url">{intake_server.url("/feed.xml")}</span></td>' in page


def test_the_admin_adds_a_feed_through_the_same_checks(client, intake_server):
    client.force_login(admin_user())
    bad = client.post(
        "/admin/articles/feed/add/",
        {"url": "ftp://example.org/feed", "poll_interval_minutes": 30, "active": "on"},
    )
    assert bad.status_code == 200 and not Feed.objects.exists()
    assert "Refused: only http and https addresses are fetched" in bad.content.decode()
    client.post(
        "/admin/articles/feed/add/",
        {"url": intake_server.url("/feed.xml"), "poll_interval_minutes": 30, "active": "on"},
    )
    assert Feed.objects.get().url == intake_server.url("/feed.xml")


def test_a_feed_written_another_way_is_refused_as_already_subscribed(client, intake_server):
    feed = feed_add(url=intake_server.url("/feed.xml"))
    for other in [intake_server.url("/feed.xml?"), intake_server.url("/feed.xml?utm_source=x")]:
        with pytest.raises(ValidationError) as refused:
            feed_add(url=other)
        assert refused.value.message_dict == {"url": ["This feed is already subscribed."]}
    client.force_login(admin_user())
    response = client.post(
        "/admin/articles/feed/add/",
        {"url": intake_server.url("/feed.xml?"), "poll_interval_minutes": 30, "active": "on"},
    )
    assert response.status_code == 200
    assert "This feed is already subscribed." in response.content.decode()
    assert list(Feed.objects.all()) == [feed]
    # The feed itself, changed, is not a second subscription to itself.
    changed = client.post(
        f"/admin/articles/feed/{feed.pk}/change/",
        {"url": feed.url, "poll_interval_minutes": 45, "active": "on"},
    )
    assert changed.status_code == 302
    feed.refresh_from_db()
    assert feed.poll_interval_minutes == 45


@pytest.mark.parametrize("minutes", [10081, 2147483647])
def test_the_admin_keeps_a_feed_interval_within_a_week_on_add_and_change(client, minutes):
    client.force_login(admin_user())
    fields = {"url": "https://news.example/feed.xml", "active": "on"}
    added = client.post("/admin/articles/feed/add/", {**fields, "poll_interval_minutes": minutes})
    assert added.status_code == 200 and not Feed.objects.exists()
    assert "The interval is 1 minute to 7 days (10,080 minutes)." in added.content.decode()
    feed = feed_add(url=fields["url"], interval_minutes=30, check=False)
    changed = client.post(
        f"/admin/articles/feed/{feed.pk}/change/", {**fields, "poll_interval_minutes": minutes}
    )
    assert changed.status_code == 200
    assert "The interval is 1 minute to 7 days (10,080 minutes)." in changed.content.decode()
    feed.refresh_from_db()
    assert feed.poll_interval_minutes == 30


def _dated_feed(base: str, entries: list[tuple[str, str | None]]) -> str:
    items = "".join(
        f"<item><title>Story {slug}</title><link>{base}/news/{slug}</link><guid>{slug}</guid>"
        + (f"<pubDate>{date}</pubDate>" if date else "")
        + "</item>"
        for slug, date in entries
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Big</title><link>{base}/</link>{items}</channel></rss>"
    )


def test_a_poll_takes_at_most_the_cap_newest_first_and_leaves_the_rest_for_later_polls(
    intake_server, settings, client, capsys
):
    settings.INTAKE_FEED_MAX_ENTRIES_PER_POLL = 3
    # Out of order, as some feeds are; one entry says no date and comes after the dated ones.
    entries = [
        ("e2", "Tue, 03 Nov 2026 08:00:00 GMT"),
        ("e5", "Fri, 06 Nov 2026 08:00:00 GMT"),
        ("undated", None),
        ("e1", "Mon, 02 Nov 2026 08:00:00 GMT"),
        ("e4", "Thu, 05 Nov 2026 08:00:00 GMT"),
        ("e3", "Wed, 04 Nov 2026 08:00:00 GMT"),
    ]
    intake_server.set(
        "/big.xml",
        _dated_feed(intake_server.base, entries),
        content_type="application/rss+xml",
        headers={"ETag": '"big-v1"'},
    )
    feed = feed_add(url=intake_server.url("/big.xml"))
    capsys.readouterr()
    call_command("poll_feeds")
    assert capsys.readouterr().out.strip() == (
        f"{feed.url}: 3 new, 0 skipped, 0 failed, 3 left for later polls"
    )
    taken = set(IntakeJob.objects.values_list("url", flat=True))
    assert taken == {intake_server.url(f"/news/{slug}") for slug in ["e5", "e4", "e3"]}
    feed.refresh_from_db()
    assert feed.entries_left == 3
    client.force_login(fact_checker())
    assert "3 entries left for later polls" in client.get("/intake/feeds/").content.decode()
    # The feed has not changed, but a conditional GET would hide the entries left: not sent.
    second = feed_poll(feed=feed)
    assert "If-None-Match" not in intake_server.hits("/big.xml")[-1]
    assert (second.new, second.skipped, second.left) == (3, 3, 0)
    assert IntakeJob.objects.filter(url=intake_server.url("/news/undated")).exists()
    feed.refresh_from_db()
    assert feed.entries_left == 0 and feed.etag == '"big-v1"'
    assert "left for later polls" not in client.get("/intake/feeds/").content.decode()


def _atom_feed(base: str, entries: list[tuple[str, str]]) -> str:
    items = "".join(
        f"<entry><title>Story {slug}</title><link href='{base}/news/{slug}'/><id>{slug}</id>"
        f"<updated>{date}</updated></entry>"
        for slug, date in entries
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Atom</title>{items}</feed>"
    )


@pytest.mark.parametrize(
    "feed, content_type",
    [
        (
            lambda base: _dated_feed(
                base,
                [("zero", "0000-00-00 00:00:00"), ("e1", "Mon, 02 Nov 2026 08:00:00 GMT")],
            ),
            "application/rss+xml",
        ),
        (
            lambda base: _atom_feed(
                base, [("zero", "0000-00-00T00:00:00Z"), ("e1", "2026-11-02T08:00:00Z")]
            ),
            "application/atom+xml",
        ),
    ],
    ids=["RSS pubDate", "Atom updated"],
)
def test_an_entry_dated_the_zero_date_is_taken_as_undated_with_the_others(
    intake_server, feed, content_type, settings
):
    settings.INTAKE_FEED_MAX_ENTRIES_PER_POLL = 1
    intake_server.set("/zero.xml", feed(intake_server.base), content_type=content_type)
    feed_row = feed_add(url=intake_server.url("/zero.xml"))
    result = feed_poll(feed=feed_row)
    assert (result.error, result.new, result.left) == ("", 1, 1)
    # The dated entry first; the zero-dated one, undated, after it at the next poll.
    assert list(IntakeJob.objects.values_list("url", flat=True)) == [intake_server.url("/news/e1")]
    assert feed_poll(feed=feed_row).new == 1
    feed_row.refresh_from_db()
    assert feed_row.last_error == ""


def _guid_feed(base: str, entries: list[tuple[str, str, str | None]]) -> str:
    items = "".join(
        f"<item><title>Story</title><link>{base}{path}</link>"
        f"<guid isPermaLink='false'>{guid}</guid>"
        + (f"<pubDate>{date}</pubDate>" if date else "")
        + "</item>"
        for guid, path, date in entries
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Reused</title><link>{base}/</link>{items}</channel></rss>"
    )


def test_a_guid_given_to_another_link_takes_every_link_as_its_own_story_and_warns(
    intake_server, client, capsys
):
    base = intake_server.base
    # In one poll: two entries with one GUID and different links are two stories: both taken.
    intake_server.set(
        "/reused.xml",
        _guid_feed(
            base,
            [
                ("story-1", "/news/two", "Tue, 03 Nov 2026 08:00:00 GMT"),
                ("story-1", "/news/one", "Mon, 02 Nov 2026 08:00:00 GMT"),
            ],
        ),
        content_type="application/rss+xml",
    )
    feed = feed_add(url=intake_server.url("/reused.xml"))
    capsys.readouterr()
    call_command("poll_feeds")
    assert capsys.readouterr().out.strip() == (
        f"{feed.url}: 2 new, 0 skipped, 0 failed, 1 with a reused GUID"
    )
    assert set(IntakeJob.objects.values_list("url", flat=True)) == {
        base + "/news/one",
        base + "/news/two",
    }
    feed.refresh_from_db()
    assert feed.last_warning == (
        "The feed gave one GUID to different links (1 time); each link was taken as a story of "
        f"its own (GUID 'story-1': {base}/news/one, then {base}/news/two). A feed that reuses "
        "GUIDs is broken: its publisher should be told."
    )
    client.force_login(fact_checker())
    assert (
        "The feed gave one GUID to different links" in client.get("/intake/feeds/").content.decode()
    )
    # Polled again unchanged, both are known: nothing queued twice, and the warning goes.
    again = feed_poll(feed=feed)
    assert (again.new, again.skipped, again.reused_guids) == (0, 2, 0)
    feed.refresh_from_db()
    assert feed.last_warning == ""
    # In a later poll: the GUID comes back with a third link, a story of its own: taken too.
    intake_server.set(
        "/reused.xml",
        _guid_feed(
            base,
            [("story-1", "/news/three", None), ("story-1", "/news/two", None)],
        ),
        content_type="application/rss+xml",
    )
    result = feed_poll(feed=feed)
    assert (result.new, result.skipped, result.reused_guids) == (1, 1, 1)
    assert IntakeJob.objects.filter(url=base + "/news/three").exists()
    feed.refresh_from_db()
    assert f"GUID 'story-1': {base}/news/one, then {base}/news/three" in feed.last_warning
    # Unchanged, it is simply seen: skipped, and the warning goes.
    last = feed_poll(feed=feed)
    assert (last.new, last.skipped, last.reused_guids) == (0, 2, 0)
    assert IntakeJob.objects.count() == 3


def test_a_feed_with_entries_left_is_polled_again_at_the_next_beat_until_drained(
    intake_server, settings
):
    settings.INTAKE_FEED_MAX_ENTRIES_PER_POLL = 2
    intake_server.set(
        "/backlog.xml",
        _dated_feed(intake_server.base, [(f"b{n}", None) for n in range(5)]),
        content_type="application/rss+xml",
    )
    feed = feed_add(url=intake_server.url("/backlog.xml"), interval_minutes=120)
    polls = []
    for _poll in range(3):
        before = timezone.now()
        result = feed_poll(feed=feed)
        feed.refresh_from_db()
        polls.append((result.new, result.left, feed.next_poll_at - before))
    minute, interval = timedelta(minutes=1), timedelta(minutes=120)
    assert [(new, left) for new, left, _ in polls] == [(2, 3), (2, 1), (1, 0)]
    # With entries left, the next beat (a minute); drained, the feed's own interval again.
    assert minute <= polls[0][2] < minute + timedelta(seconds=30)
    assert minute <= polls[1][2] < minute + timedelta(seconds=30)
    assert interval <= polls[2][2] < interval + timedelta(seconds=30)
    assert IntakeJob.objects.count() == 5


def test_a_malformed_feed_that_still_gives_entries_is_read_with_a_warning(intake_server, client):
    base = intake_server.base
    # An unescaped ampersand, the commonest fault: feedparser's lenient parser reads on.
    broken = feed_xml(base, ["one", "two"]).replace("News Example", "News & Example")
    intake_server.set("/broken.xml", broken, content_type="application/rss+xml")
    feed = feed_add(url=intake_server.url("/broken.xml"))
    result = feed_poll(feed=feed)
    assert (result.new, result.error) == (2, "")
    feed.refresh_from_db()
    assert feed.last_error == "" and feed.last_success_at is not None
    assert feed.last_warning.startswith("The feed is not well-formed XML (line 1, column ")
    assert feed.last_warning.endswith(
        "not well-formed (invalid token)); its 2 entries were read as well as they could be, "
        "and some may be missing or garbled."
    )
    client.force_login(fact_checker())
    page = client.get("/intake/feeds/").content.decode()
    assert "Warning: The feed is not well-formed XML" in page
    # Mended, the next poll clears the warning; a feed served as HTML is no warning at all.
    intake_server.set("/broken.xml", feed_xml(base, ["one", "two"]), content_type="text/html")
    feed_poll(feed=feed)
    feed.refresh_from_db()
    assert feed.last_warning == ""


def test_control_characters_in_a_feeds_title_are_never_stored(intake_server):
    intake_server.set(
        "/controls.xml",
        feed_xml(intake_server.base, ["one"]).replace(
            "<title>News Example</title>", "<title>News&#x1f;Example&#7;&#x7f;</title>"
        ),
        content_type="application/rss+xml",
    )
    feed = feed_add(url=intake_server.url("/controls.xml"))
    feed_poll(feed=feed)
    feed.refresh_from_db()
    assert feed.title == "News Example"


def test_a_feed_s_and_an_entry_s_html_titles_are_stored_as_the_text_they_show(intake_server):
    intake_server.set(
        "/html-titles.xml",
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        '<title type="html">Atom &lt;i&gt;test&lt;/i&gt; &amp;amp; co</title>'
        '<entry><title type="html">Vote &lt;b&gt;today&lt;/b&gt;</title></entry></feed>',
        content_type="application/atom+xml",
    )
    feed = feed_add(url=intake_server.url("/html-titles.xml"))
    feed_poll(feed=feed)
    feed.refresh_from_db()
    assert feed.title == "Atom test & co"
    assert "'Vote today' (no link and no GUID)" in feed.last_warning


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{level} "' + f"&lol{level - 1 if level > 2 else ''};" * 10 + '">'
        for level in range(2, 10)
    )
    + ']><rss version="2.0"><channel><title>&lol9;</title>'
    "<item><title>x</title><link>{link}</link></item></channel></rss>"
)


# UTF-32 and EBCDIC (cp037): feedparser transcodes them to UTF-8 for expat, so their bytes of
# "<!ENTITY" are no UTF-8 or UTF-16 ones and must still be found.
@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-32", "cp037"])
def test_a_feed_declaring_its_own_entities_is_refused_before_it_is_expanded(
    intake_server, encoding, monkeypatch
):
    # 1 kB that expat expands to 8 MB of text before its own guard stops it: seconds of a
    # worker's CPU and tens of MB for every poll, measured before the refusal.
    body = BILLION_LAUGHS.replace("{link}", intake_server.url("/news/one"))
    if encoding != "utf-8":
        body = body.replace('version="1.0"?>', f'version="1.0" encoding="{encoding}"?>')
    intake_server.set("/laughs.xml", body.encode(encoding), content_type="application/rss+xml")
    feed = feed_add(url=intake_server.url("/laughs.xml"), check=False)
    parsed = []
    monkeypatch.setattr(feeds.feedparser, "parse", lambda *args, **kwargs: parsed.append(args))
    result = feed_poll(feed=feed)
    assert parsed == []  # refused before any parser read (and expanded) it
    assert result.new == 0 and not IntakeJob.objects.exists()
    assert result.error.startswith(
        "Refused: the feed declares its own XML entities (<!ENTITY>), which can expand a small "
        "file into gigabytes; no feed needs them (the first failure"
    )


def test_a_reused_guids_further_link_is_taken_even_when_another_guid_is_that_link(intake_server):
    base = intake_server.base
    # An entry whose GUID is the text of a URL (an old permalink) other than its own link, and a
    # second story whose link is that URL, under a GUID given to another link as well.
    entries = [
        (f"{base}/news/one", "/news/two", "Mon, 02 Nov 2026 08:00:00 GMT"),
        ("story-9", "/news/three", "Mon, 02 Nov 2026 08:00:00 GMT"),
        ("story-9", "/news/one", "Tue, 03 Nov 2026 08:00:00 GMT"),
    ]
    intake_server.set("/clash.xml", _guid_feed(base, entries), content_type="application/rss+xml")
    feed = feed_add(url=intake_server.url("/clash.xml"))
    first = feed_poll(feed=feed)
    assert (first.new, first.skipped, first.failed, first.reused_guids) == (3, 0, 0, 1)
    assert set(IntakeJob.objects.values_list("url", flat=True)) == {
        f"{base}/news/{slug}" for slug in ("one", "two", "three")
    }
    again = feed_poll(feed=feed)
    assert (again.new, again.skipped) == (0, 3)


def test_the_feed_list_pages_and_a_toggle_returns_to_the_page_it_was_on(client):
    Feed.objects.bulk_create(Feed(url=f"https://news.example/feed-{n:02}.xml") for n in range(55))
    client.force_login(editor())
    page = client.get("/intake/feeds/").content.decode()
    assert '<nav class="pagination" aria-label="Feed pages">' in page and "Page 1 of 2" in page
    assert "feed-49.xml" in page and "feed-50.xml" not in page
    second = client.get("/intake/feeds/", {"page": "2"}).content.decode()
    assert "feed-54.xml" in second and "feed-00.xml" not in second
    feed = Feed.objects.get(url="https://news.example/feed-54.xml")
    response = client.post(f"/intake/feeds/{feed.pk}/toggle/", {"page": "2", "paused": "1"})
    assert response.status_code == 302 and response.url == "/intake/feeds/?page=2"
    odd_page = {"page": "²", "paused": "1"}
    assert client.post(f"/intake/feeds/{feed.pk}/toggle/", odd_page).url == "/intake/feeds/"


def test_a_pause_clicked_on_a_stale_page_leaves_a_paused_feed_paused(client):
    feed = Feed.objects.create(url="https://news.example/feed.xml")
    client.force_login(editor())
    page = client.get("/intake/feeds/").content.decode()
    assert 'name="paused" value="1"' in page  # the button asks for "paused", not "flip"
    client.post(f"/intake/feeds/{feed.pk}/toggle/", {"paused": "1"})  # a colleague paused it
    client.post(f"/intake/feeds/{feed.pk}/toggle/", {"paused": "1"})  # our page was older
    feed.refresh_from_db()
    assert not feed.active
    client.post(f"/intake/feeds/{feed.pk}/toggle/", {"paused": "0"})
    feed.refresh_from_db()
    assert feed.active
    assert 'name="paused" value="1"' in client.get("/intake/feeds/").content.decode()


@pytest.mark.parametrize("posted", [{}, {"paused": "yes"}, {"paused": "2"}])
def test_a_toggle_without_a_wanted_state_is_refused_and_changes_nothing(client, posted):
    feed = Feed.objects.create(url="https://news.example/feed.xml")
    client.force_login(editor())
    response = client.post(f"/intake/feeds/{feed.pk}/toggle/", posted)
    feed.refresh_from_db()
    assert response.status_code == 400 and feed.active
    # The feed list in the desk's layout, saying what happened, not a bare line of text.
    page = response.content.decode()
    assert "<h1>Feeds</h1>" in page
    assert (
        "https://news.example/feed.xml was left as it was: the form did not say whether to "
        "pause or resume it. Use its Pause or Resume button."
    ) in page


@pytest.mark.parametrize("posted", [{}, {"paused": "1"}])
def test_a_toggle_of_a_feed_that_does_not_exist_is_a_404_whatever_was_sent(client, posted):
    client.force_login(editor())
    response = client.post("/intake/feeds/99999999999999999999/toggle/", posted)
    assert response.status_code == 404


def _subscribe(client, url: str, **fields):
    return client.post(
        "/intake/feeds/",
        {"url": url, "outlet": "news.example", "poll_interval_minutes": 15, **fields},
    )


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/news/one", "the address does not serve an RSS or Atom feed ({url})."),
        ("/missing", "the page answered 404."),
        ("/unavailable", "the page answered 503. Try again later."),
        (
            "/redirect-private",
            "the address of 169.254.169.254 is not allowed; only public internet addresses "
            "are fetched.",
        ),
    ],
)
def test_subscribing_on_the_page_reads_the_feed_first_and_keeps_what_was_typed(
    client, intake_server, path, reason
):
    client.force_login(editor())
    url = intake_server.url(path)
    response = _subscribe(client, url, poll_interval_minutes=45)
    assert response.status_code == 400 and not Feed.objects.exists()
    page = response.content.decode()
    assert (
        "The feed could not be read, so it was not subscribed: " + reason.format(url=url)
    ).replace("'", "&#x27;") in page
    # Nothing the editor typed is lost: the form comes back filled in.
    assert f'value="{url}"' in page
    assert 'value="news.example"' in page and 'value="45"' in page
    assert not IntakeJob.objects.exists()


def test_subscribing_to_a_host_that_cannot_be_reached_says_so(client, intake_server):
    with socket.socket() as closed:  # a port nothing listens on
        closed.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{closed.getsockname()[1]}/feed.xml"
    client.force_login(editor())
    response = _subscribe(client, url)
    assert response.status_code == 400 and not Feed.objects.exists()
    page = response.content.decode()
    assert "The feed could not be read, so it was not subscribed: " in page
    assert "could not connect to 127.0.0.1" in page and f'value="{url}"' in page


@pytest.mark.parametrize("hangs", ["/robots.txt", "/feed.xml"])
def test_subscribing_to_a_feed_whose_site_hangs_is_refused_within_the_in_request_time(
    client, intake_server, settings, hangs
):
    # The read time-out would wait 30 s for robots.txt and as long again for the feed; the
    # check at subscribing is cut to its second. The server hangs on for a minute.
    settings.INTAKE_READ_TIMEOUT = 30.0
    settings.INTAKE_IN_REQUEST_FETCH_SECONDS = 1.0
    intake_server.hang_once[hangs] = 60
    client.force_login(editor())
    url = intake_server.url("/feed.xml")
    response = _subscribe(client, url)
    assert response.status_code == 400 and not Feed.objects.exists()
    page = response.content.decode().replace("&#x27;", "'")
    assert "The feed could not be read, so it was not subscribed: " in page
    assert "timed out after 1 s" in page and "Try again later." in page
    assert f'value="{url}"' in page


def test_subscribing_to_a_name_on_the_private_network_is_refused(settings, monkeypatch):
    settings.INTAKE_ALLOW_PRIVATE_NETWORKS = False
    internal = [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.20.30.40", 80))]
    monkeypatch.setattr(socket, "getaddrinfo", lambda *args, **kwargs: internal)
    with pytest.raises(ValidationError) as refused:
        feed_add(url="http://intranet.example/feed.xml")
    assert refused.value.message_dict["url"] == [
        "The feed could not be read, so it was not subscribed: the host intranet.example could "
        "not be found or its address is not allowed; only public internet addresses are fetched."
    ]
    assert not Feed.objects.exists()


def test_add_feed_and_the_admin_refuse_an_address_that_gives_no_feed(client, intake_server):
    with pytest.raises(CommandError, match="url: The feed could not be read, so it was not sub"):
        call_command("add_feed", intake_server.url("/report.pdf"))
    client.force_login(admin_user())
    url = intake_server.url("/news/one")
    response = client.post(
        "/admin/articles/feed/add/", {"url": url, "poll_interval_minutes": 30, "active": "on"}
    )
    assert response.status_code == 200 and not Feed.objects.exists()
    page = response.content.decode()
    assert "The feed could not be read, so it was not subscribed" in page
    assert f'value="{url}"' in page
    # A change of address is read too; a change of anything else is not fetched again.
    feed = feed_add(url=intake_server.url("/feed.xml"))
    fields = {"url": url, "poll_interval_minutes": 30, "active": "on"}
    changed = client.post(f"/admin/articles/feed/{feed.pk}/change/", fields)
    assert (
        changed.status_code == 200
        and "so the new address was not saved" in changed.content.decode()
    )
    intake_server.set("/feed.xml", "gone", status=404)
    hits = len(intake_server.hits("/feed.xml"))
    kept = client.post(
        f"/admin/articles/feed/{feed.pk}/change/", {**fields, "url": feed.url, "active": ""}
    )
    assert kept.status_code == 302 and len(intake_server.hits("/feed.xml")) == hits
    feed.refresh_from_db()
    assert feed.url == intake_server.url("/feed.xml") and not feed.active


def test_an_empty_feed_is_subscribed(intake_server):
    # A feed with no entries yet is still a feed.
    intake_server.set("/empty.xml", feed_xml(intake_server.base, []), content_type="text/xml")
    assert feed_add(url=intake_server.url("/empty.xml")).pk


def _undated_page(title: str) -> str:
    paragraphs = "".join(f"<p>{sentence}</p>" for sentence in story("feed-dated"))
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f"</head><body><article><h1>{title}</h1>{paragraphs}</article></body></html>"
    )


def test_a_feeds_date_dates_an_article_whose_page_states_none_and_the_pages_own_date_wins(
    intake_server, django_capture_on_commit_callbacks
):
    base = intake_server.base
    intake_server.set("/news/plain", _undated_page("A page without a date"))
    intake_server.set(
        "/news/dated", article_page(base, "A dated page", story("dated"), "/news/dated", day=3)
    )
    intake_server.set(
        "/dates.xml",
        _dated_feed(
            base,
            [
                ("plain", "Mon, 02 Nov 2026 08:00:00 GMT"),
                ("dated", "Mon, 02 Nov 2026 08:00:00 GMT"),
            ],
        ),
        content_type="application/rss+xml",
    )
    with django_capture_on_commit_callbacks(execute=True):
        feed_poll(feed=feed_add(url=intake_server.url("/dates.xml")))
    published = {
        article.title: article.published_at.isoformat() for article in Article.objects.all()
    }
    assert published == {
        "A page without a date": "2026-11-02T08:00:00+00:00",
        "A dated page": "2026-11-23T08:00:00+00:00",
    }


def test_a_feeds_future_date_leaves_the_article_undated_with_the_reason_on_its_job(
    intake_server, django_capture_on_commit_callbacks
):
    base = intake_server.base
    intake_server.set("/news/ahead", _undated_page("A page from the future feed"))
    intake_server.set(
        "/ahead.xml",
        _dated_feed(base, [("ahead", "Mon, 02 Nov 2099 08:00:00 GMT")]),
        content_type="application/rss+xml",
    )
    with django_capture_on_commit_callbacks(execute=True):
        feed_poll(feed=feed_add(url=intake_server.url("/ahead.xml")))
    job = IntakeJob.objects.get()
    assert job.status == IntakeStatus.STORED and job.article.published_at is None
    assert job.reason.startswith(
        "Stored without a publication date: The publication date 2099-11-02"
    )


def test_a_feeds_date_before_the_earliest_year_is_no_date_and_refuses_nothing(
    intake_server, django_capture_on_commit_callbacks
):
    base = intake_server.base
    intake_server.set("/news/old", _undated_page("A page with a placeholder feed date"))
    intake_server.set(
        "/old.xml",
        _dated_feed(base, [("old", "Mon, 01 Jan 1001 00:00:00 GMT")]),
        content_type="application/rss+xml",
    )
    with django_capture_on_commit_callbacks(execute=True):
        feed_poll(feed=feed_add(url=intake_server.url("/old.xml")))
    job = IntakeJob.objects.get()
    assert job.status == IntakeStatus.STORED and job.article.published_at is None
    assert job.feed_published_at is None
