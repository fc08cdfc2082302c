"""Each xdist worker's Redis databases (tests/redis_databases.py): a worker that empties its cache
never empties a neighbour's cache or queue."""

import os

import pytest
from django.core.cache import cache

from config.celery import app as celery_app
from tests.redis_databases import named_urls, worker_slot, worker_url, workers_check


def test_the_first_worker_keeps_the_database_the_url_names():
    assert worker_url("redis://127.0.0.1:6379/14", 0) == "redis://127.0.0.1:6379/14"


def test_each_further_worker_works_one_database_higher():
    assert worker_url("redis://127.0.0.1:6379/14", 1) == "redis://127.0.0.1:6379/15"
    assert worker_url("redis://:secret@redis.example.org:6380/3", 2) == (
        "redis://:secret@redis.example.org:6380/5"
    )


def test_a_url_without_a_database_counts_from_database_0():
    assert worker_url("redis://127.0.0.1:6379", 1) == "redis://127.0.0.1:6379/1"


def test_a_worker_past_the_last_database_is_refused_with_what_to_change():
    with pytest.raises(ValueError, match=r"gw2 would use Redis db 16 .*fewer workers"):
        worker_url("redis://127.0.0.1:6379/14", 2)


def test_a_run_with_more_workers_than_databases_left_is_refused_before_it_starts(monkeypatch):
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:6379/14")
    workers_check(2)
    with pytest.raises(ValueError, match="gw2 would use Redis db 16"):
        workers_check(3)


def test_a_worker_started_in_place_of_a_crashed_one_stays_within_the_runs_databases():
    assert worker_slot({"workerid": "gw1", "workercount": 2}) == 1
    assert worker_slot({"workerid": "gw2", "workercount": 2}) == 0


def test_this_process_caches_and_queues_in_its_workers_database(request):
    broker = os.environ.get("CELERY_BROKER_URL", "")
    if not broker.startswith("redis://") or os.environ.get("REDIS_URL") != broker:
        pytest.skip("needs Redis as both the cache and the broker, as `make test` sets them")
    if hasattr(request.config, "workerinput"):
        slot = worker_slot(request.config.workerinput)
        assert broker == worker_url(named_urls["CELERY_BROKER_URL"], slot)
    expected = int(broker.rsplit("/", 1)[1])
    client = cache._cache.get_client(write=True)
    assert client.connection_pool.connection_kwargs["db"] == expected
    with celery_app.connection_for_write() as connection:
        assert connection.as_uri().endswith(f"/{expected}")
