"""The web app under real faults (issue #10, probe rows 4 and 5): the cache Redis stops, and
PostgreSQL closes the persistent connections of a gunicorn worker."""

import json
import urllib.error
import urllib.request

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
