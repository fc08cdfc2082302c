"""Feeds polled without a worker (tasks in-process: the poll_feeds command, beat's tick): the
feeds, then their new entries' pages, are fetched several at once, at most
INTAKE_FETCH_CONCURRENCY, by the mechanism of a bulk file's URL rows (inprocess.py); with a
worker each feed stays its own task."""

import pytest
from django.core.management import call_command

from articles.intake import feeds
from articles.intake.feeds import feed_add
from articles.models import Article, Feed, IntakeJob, IntakeStatus
from config.celery import app as celery_app
from tests.articles.conftest import article_page, feed_xml, story

pytestmark = pytest.mark.django_db


@pytest.fixture
def slow_feeds(intake_server, settings):
    """Three fetches at once; a held path keeps its request at the server for 0.5 s."""
    settings.INTAKE_FETCH_CONCURRENCY = 3
    settings.INTAKE_READ_TIMEOUT = 5.0
    intake_server.hold_seconds = 0.5
    return intake_server


def subscribed(server, count: int, *, held_feeds: bool, held_entries: bool) -> list[Feed]:
    """`count` feeds of one new entry each, the feeds' or the entries' requests held."""
    subscribed = []
    for n in range(count):
        slug, path = f"story-{n}", f"/feeds/{n}.xml"
        server.set(
            f"/news/{slug}",
            article_page(server.base, f"Assembly votes on {slug}", story(slug), f"/news/{slug}"),
        )
        server.set(path, feed_xml(server.base, [slug]), content_type="application/rss+xml")
        if held_feeds:
            server.held.add(path)
        if held_entries:
            server.held.add(f"/news/{slug}")
        subscribed.append(feed_add(url=server.url(path), check=False))
    return subscribed


def test_poll_feeds_without_a_worker_fetches_the_feeds_together_never_more_than_the_setting(
    slow_feeds, capsys, django_capture_on_commit_callbacks
):
    polled = subscribed(slow_feeds, 6, held_feeds=True, held_entries=False)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("poll_feeds")
    # One after another, each feed's request would have waited alone; without the bound, all.
    assert 1 < slow_feeds.most_in_flight <= 3
    assert all(len(slow_feeds.hits(f"/feeds/{n}.xml")) == 1 for n in range(6))
    lines = capsys.readouterr().out.splitlines()
    assert sorted(lines) == sorted(f"{feed.url}: 1 new, 0 skipped, 0 failed" for feed in polled)
    assert [job.status for job in IntakeJob.objects.all()] == [IntakeStatus.STORED] * 6
    assert Article.objects.count() == 6


def test_the_entries_of_feeds_polled_without_a_worker_are_fetched_together_too(
    slow_feeds, django_capture_on_commit_callbacks
):
    subscribed(slow_feeds, 5, held_feeds=False, held_entries=True)
    with django_capture_on_commit_callbacks(execute=True):
        feeds.feeds_poll_due()
    assert 1 < slow_feeds.most_in_flight <= 3
    assert all(len(slow_feeds.hits(f"/news/story-{n}")) == 1 for n in range(5))
    assert [job.status for job in IntakeJob.objects.all()] == [IntakeStatus.STORED] * 5
    assert all(job.sent_at is None for job in IntakeJob.objects.all())  # never sent: run here


def test_beats_tick_without_a_worker_polls_the_due_feeds_together(
    slow_feeds, django_capture_on_commit_callbacks
):
    subscribed(slow_feeds, 4, held_feeds=True, held_entries=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert celery_app.tasks["articles.tasks.feeds_poll_due"].apply().get() == 4
    assert 1 < slow_feeds.most_in_flight <= 3
    assert Article.objects.count() == 4
    assert all(feed.last_success_at is not None for feed in Feed.objects.all())


def test_a_feed_that_fails_while_polled_together_fails_alone(
    slow_feeds, django_capture_on_commit_callbacks
):
    subscribed(slow_feeds, 3, held_feeds=True, held_entries=False)
    missing = feed_add(url=slow_feeds.url("/feeds/missing.xml"), check=False)
    with django_capture_on_commit_callbacks(execute=True):
        results = dict(feeds.feeds_poll_due())
    assert results[missing].error.startswith("The page answered 404 (the first failure")
    missing.refresh_from_db()
    assert missing.consecutive_failures == 1 and missing.last_error == results[missing].error
    assert [result.new for feed, result in results.items() if feed != missing] == [1, 1, 1]
    assert Article.objects.count() == 3


def test_a_feed_whose_save_breaks_while_polled_together_is_reported_and_the_others_go_on(
    slow_feeds, django_capture_on_commit_callbacks, monkeypatch
):
    polled = subscribed(slow_feeds, 3, held_feeds=True, held_entries=False)
    real_record = feeds.feed_poll_record

    def breaks_on_one(*, feed, **kwargs):
        if feed.pk == polled[1].pk:
            raise RuntimeError("connection to server at 10.0.0.5 failed")
        return real_record(feed=feed, **kwargs)

    monkeypatch.setattr(feeds, "feed_poll_record", breaks_on_one)
    with django_capture_on_commit_callbacks(execute=True):
        results = dict(feeds.feeds_poll_due())
    broken = results.pop(polled[1])
    assert broken.error == "An internal error stopped the poll; the desk's logs have the details."
    assert "10.0.0.5" not in broken.error
    assert [result.new for result in results.values()] == [1, 1]
    assert Article.objects.count() == 2


def test_with_a_worker_beats_tick_sends_each_due_feed_as_its_own_task_and_fetches_none_here(
    intake_server, worker_queue, monkeypatch
):
    sent = []
    monkeypatch.setattr(feeds, "task_send", lambda name, *args: sent.append((name, *args)) or True)
    polled = subscribed(intake_server, 2, held_feeds=False, held_entries=False)
    assert feeds.feeds_send_due() == 2
    assert sorted(sent) == sorted((feeds.POLL_TASK, feed.pk) for feed in polled)
    assert not intake_server.requests
