"""The cache on Redis through an outage (config/cache.py), without stopping a Redis: the calls
that reach it raise as a stopped one's do."""

import os
import uuid

import pytest
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError

from config import cache as resilient

REDIS_URL = os.environ.get("REDIS_URL", "")
pytestmark = pytest.mark.skipif(not REDIS_URL, reason="needs a Redis (REDIS_URL)")


@pytest.fixture
def redis_cache(monkeypatch):
    monkeypatch.setattr(resilient, "RETRY_SECONDS", 0.0)  # back as soon as Redis answers
    return resilient.ResilientRedisCache(REDIS_URL, {})


def _redis_away(monkeypatch):
    def refused(*args, **kwargs):
        raise RedisConnectionError("Connection refused.")

    for name in ("get", "set", "incr", "get_or_set"):
        monkeypatch.setattr(RedisCache, name, refused)


def test_a_counter_moved_on_while_redis_was_away_is_moved_on_in_redis_once_it_is_back(
    redis_cache, monkeypatch
):
    # The published generation (claims.record): a correction published during the outage moved
    # it on only in that process's memory, and once Redis answered again every process read the
    # old number, and the sitemap and list pages cached under it before the correction.
    key = f"generation-{uuid.uuid4().hex}"
    redis_cache.set(key, 7, timeout=60)
    with monkeypatch.context() as outage:
        _redis_away(outage)
        with pytest.raises(ValueError):  # the process's memory has no such counter
            redis_cache.incr(key)
    assert redis_cache.get(key) == 8


def test_a_counter_gone_from_redis_meanwhile_is_left_for_its_readers_to_start_again(
    redis_cache, monkeypatch
):
    key = f"generation-{uuid.uuid4().hex}"
    with monkeypatch.context() as outage:
        _redis_away(outage)
        redis_cache.set(key, 3)
        assert redis_cache.incr(key) == 4  # in the process's memory
    assert redis_cache.get(key) is None
    redis_cache.set(key, 10)
    assert redis_cache.get(key) == 10  # moved on once only, on the first call back
