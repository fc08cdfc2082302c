"""The web app under real faults (issue #10, probe rows 4 and 5): the cache Redis stops, and
PostgreSQL closes the persistent connections of a gunicorn worker, and the broker is down when
clients submit through the API."""

import json
import urllib.error
import urllib.request
from datetime import timedelta

import pytest
from django.db import connection

from tests.processes import RedisServer, database_url_for_tests, gunicorn

pytestmark = [pytest.mark.fault, pytest.mark.django_db(transaction=True)]


def get(url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (a local server)
            return response.status, response.headers["Content-Type"], response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read().decode()


def test_the_api_keeps_serving_and_throttling_when_the_cache_redis_stops(tmp_path):
    with (
        RedisServer(tmp_path) as redis,
        gunicorn(tmp_path, REDIS_URL=redis.url, API_THROTTLE_ANONYMOUS="6/min") as (base, log),
    ):
        assert get(f"{base}/api/v1/verdicts/")[0] == 200
        redis.stop()
        answers = [get(f"{base}/api/v1/verdicts/?page_size={n}") for n in range(1, 9)]
        codes = [status for status, _, _ in answers]
        # Still answered from the database, still limited (by this process's own counters).
        assert 500 not in codes, log.read_text()[-2000:]
        assert codes[:4] == [200] * 4 and codes[-1] == 429
        assert all(kind == "application/json" for _, kind, _ in answers)
        assert "Cache Redis unreachable" in log.read_text()
        redis.start()
        # Back: the shared counters in Redis take over again (a fresh budget there).
        assert get(f"{base}/api/v1/verdicts/?page_size=20")[0] in (200, 429)


def test_a_request_after_postgresql_closed_the_workers_connection_is_answered(tmp_path):
    marker = f"fault_{connection.settings_dict['NAME']}"[:60]
    database_url = database_url_for_tests(application_name=marker)
    with gunicorn(
        tmp_path,
        DATABASE_URL=database_url,
        DATABASE_CONN_MAX_AGE="600",
        API_LIST_CACHE_SECONDS="0",
    ) as (base, log):
        assert get(f"{base}/api/v1/verdicts/")[0] == 200
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name = %s AND pid <> pg_backend_pid()",
                [marker],
            )
            assert cursor.rowcount >= 1  # the worker's persistent connection is gone
        status, kind, body = get(f"{base}/api/v1/verdicts/")
        assert status == 200, body[:500]
        assert json.loads(body)["results"] == []  # read from the database (none published)


def api(url: str, key: str, body: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(  # noqa: S310 (a local server)
        url,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_api_submissions_while_the_broker_is_down_are_kept_said_and_sent_once_it_is_back(
    tmp_path, settings
):
    import time
    import uuid

    import redis as redis_client

    from articles.intake.jobs import intake_jobs_requeue_stale
    from articles.queueing import articles_recover
    from tests.api_clients import make_key
    from tests.workers import producers_reset, publishing_to

    _, key = make_key(submit=True, staff=True)
    queue = f"test-{uuid.uuid4().hex[:10]}"
    with RedisServer(tmp_path) as broker:
        env = {
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "CELERY_BROKER_URL": broker.url,
            "CELERY_TASK_DEFAULT_QUEUE": queue,
        }
        with gunicorn(tmp_path, **env) as (base, log):
            broker.stop()
            started = time.monotonic()
            status, article = api(
                f"{base}/api/v1/articles/",
                key,
                {"title": "Budget", "body": "The mayor said the budget grew 12 percent."},
            )
            status_url, took = article.get("status_url"), time.monotonic() - started
            assert status == 202 and article["status"] == "queued", log.read_text()[-2000:]
            assert took < 10  # publishing fails fast: the client is answered, not left hanging
            status, job = api(f"{base}/api/v1/articles/", key, {"url": "http://127.0.0.1:9/a"})
            assert status == 202 and job["status"] == "queued"
            # What the client reads back says why nothing runs yet.
            _, stored = api(status_url, key)
            assert stored["analysis_error"]["code"] == "queue_unavailable"
            _, job = api(job["status_url"], key)
            assert "task queue could not be reached" in job["reason"]
        broker.start()
        with publishing_to(broker.url, queue, settings):
            producers_reset()
            assert articles_recover(
                stalled_after=timedelta(minutes=1), unsent_after=timedelta(0)
            ).unsent == [article["id"]]
            assert intake_jobs_requeue_stale(
                queued_for=timedelta(0), fetching_for=timedelta(minutes=15)
            ) == [job["id"]]
        assert redis_client.Redis.from_url(broker.url).llen(queue) == 2  # both in the queue now
