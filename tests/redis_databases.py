"""Which Redis databases a run of the suite uses (tests/conftest.py).

Tests empty their Redis database (Django's `cache.clear()` is FLUSHDB, which also drops the
jobs waiting in a worker test's queue), and the API throttles count requests in it by address,
so two xdist workers must never share one. Worker gwN works on the database N above the one
its URL names, for the cache (REDIS_URL) and the broker (CELERY_BROKER_URL) alike: `make test`'s
db 14 gives gw0 db 14 and gw1 db 15. A serial run uses the databases as named.

The URLs are changed in the worker's environment too, so the Celery workers and servers a test
starts (tests/processes.py) meet the worker's database, not a neighbour's.
"""

import os
from urllib.parse import urlsplit, urlunsplit

# redis-server's default `databases`: 0 to 15.
REDIS_DATABASES = 16
URL_VARIABLES = ("REDIS_URL", "CELERY_BROKER_URL")
# The URLs as the run named them, before this worker moved them (for the tests).
named_urls: dict[str, str] = {}


def worker_url(url: str, slot: int) -> str:
    """`url` moved `slot` databases up: the database of xdist worker gw<slot>."""
    parts = urlsplit(url)
    number = int(parts.path.lstrip("/") or 0) + slot
    if number >= REDIS_DATABASES:
        raise ValueError(
            f"xdist worker gw{slot} would use Redis db {number} ({url} + {slot}), but Redis has "
            f"{REDIS_DATABASES} (0-{REDIS_DATABASES - 1}): name a lower db or run fewer workers "
            "(-n)"
        )
    return urlunsplit(parts._replace(path=f"/{number}"))


def workers_check(count: int) -> None:
    """Before a run starts `count` workers: raise ValueError if the last would run out of
    databases (a worker that failed to start would only be replaced, again and again)."""
    for name in URL_VARIABLES:
        if os.environ.get(name, "").startswith("redis://"):
            worker_url(os.environ[name], count - 1)


def worker_slot(workerinput: dict) -> int:
    """gw0 -> 0, gw1 -> 1, ...; a worker xdist starts in place of a crashed one is named on
    (gw2 in a run of two) and stays within the run's databases, if not always the crashed
    one's: the run has failed by then anyway."""
    return int(workerinput["workerid"].removeprefix("gw")) % workerinput["workercount"]


def worker_databases_use(slot: int):
    """Move this process's cache and broker to the databases of worker `slot`. Django is
    configured by then (pytest-django reads the settings before any conftest), so the settings are
    overridden the way a test overrides them, which also drops cache connections made
    before. Returns the override, which stays on until the process ends."""
    from django.conf import settings
    from django.test import override_settings

    from config.celery import app as celery_app

    moved = {
        name: worker_url(os.environ[name], slot)
        for name in URL_VARIABLES
        if os.environ.get(name, "").startswith("redis://")
    }
    named_urls.update({name: os.environ[name] for name in moved})
    os.environ.update(moved)
    overrides = {}
    if "REDIS_URL" in moved:  # config/settings.py: the cache is Redis when REDIS_URL is set
        overrides["REDIS_URL"] = moved["REDIS_URL"]
        overrides["CACHES"] = {
            "default": {**settings.CACHES["default"], "LOCATION": moved["REDIS_URL"]}
        }
    if "CELERY_BROKER_URL" in moved:
        overrides["CELERY_BROKER_URL"] = moved["CELERY_BROKER_URL"]
        celery_app.conf.broker_url = moved["CELERY_BROKER_URL"]
    override = override_settings(**overrides)
    override.enable()
    return override
