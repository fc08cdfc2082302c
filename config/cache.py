"""The Django cache on Redis, falling back to process-local memory while Redis is away.

What reads the cache: the API throttles, the verdict list pages and their generation number.
When Redis stops, raising from those would turn every API request into a 500. Failing open
instead would lift the anonymous rate limit for as long as the outage lasts. So each process
keeps counting in its own memory: a client is then held to the rate once per process (a few
times the configured rate), pages are cached per process, and a publication clears only the
process that published it (other processes serve their copy until API_LIST_CACHE_SECONDS
runs out). One log line says when Redis went away and one when it is back; while it is away
Redis is retried every RETRY_SECONDS, not on every call.

A counter moved on while Redis was away (incr: the published generation) is moved on in Redis
too by the first call that finds it back: else every process went on reading the number from
before the outage, and the pages cached under it (the sitemap's for a day) hid a publication or
a correction made meanwhile.
"""

import logging
import threading
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5.0


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._fallback = LocMemCache("redis-fallback", {"TIMEOUT": params.get("TIMEOUT", 300)})
        self._down_until = 0.0
        self._lock = threading.Lock()
        self._moved_while_away: set[tuple] = set()  # (key, version) of each incr not in Redis

    def _call(self, name: str, *args, **kwargs):
        if time.monotonic() < self._down_until:
            self._remember_moved(name, args, kwargs)
            return getattr(self._fallback, name)(*args, **kwargs)
        try:
            self._move_on_in_redis()
            result = getattr(super(), name)(*args, **kwargs)
        except RedisError as error:
            self._remember_moved(name, args, kwargs)
            with self._lock:
                if self._down_until == 0.0:
                    logger.warning(
                        "Cache Redis unreachable (%s): throttles and cached pages use this "
                        "process's memory until it is back",
                        error,
                    )
                self._down_until = time.monotonic() + RETRY_SECONDS
            return getattr(self._fallback, name)(*args, **kwargs)
        if self._down_until:
            with self._lock:
                if self._down_until:
                    logger.warning("Cache Redis is reachable again")
                self._down_until = 0.0
        return result

    def _remember_moved(self, name: str, args: tuple, kwargs: dict) -> None:
        if name == "incr":
            key = args[0] if args else kwargs["key"]
            version = args[2] if len(args) > 2 else kwargs.get("version")
            with self._lock:
                self._moved_while_away.add((key, version))

    def _move_on_in_redis(self) -> None:
        """Each counter moved on while away, moved on once in Redis (RedisError: still away)."""
        with self._lock:
            moved, self._moved_while_away = list(self._moved_while_away), set()
        for done, (key, version) in enumerate(moved):
            try:
                super().incr(key, version=version)
            except ValueError:
                pass  # gone from Redis meanwhile: its readers start a fresh number anyway
            except RedisError:
                with self._lock:
                    self._moved_while_away.update(moved[done:])
                raise

    def get(self, *args, **kwargs):
        return self._call("get", *args, **kwargs)

    def set(self, *args, **kwargs):
        return self._call("set", *args, **kwargs)

    def add(self, *args, **kwargs):
        return self._call("add", *args, **kwargs)

    def get_or_set(self, *args, **kwargs):
        return self._call("get_or_set", *args, **kwargs)

    def incr(self, *args, **kwargs):
        return self._call("incr", *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._call("delete", *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._call("touch", *args, **kwargs)

    def has_key(self, *args, **kwargs):
        return self._call("has_key", *args, **kwargs)

    def get_many(self, *args, **kwargs):
        return self._call("get_many", *args, **kwargs)

    def set_many(self, *args, **kwargs):
        return self._call("set_many", *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._call("delete_many", *args, **kwargs)

    def clear(self):
        self._fallback.clear()
        return self._call("clear")
