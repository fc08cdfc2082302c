"""The desk's people, logged in on the test client for the view tests: `checker` and `boss`.

A module whose tests call the services alone may define its own (tests/claims/test_workflow.py
does: actors that never log in, the editor called "ed")."""

import pytest
from django.core.cache import cache

from tests.factories import editor, fact_checker


@pytest.fixture
def checker(client):
    """A fact-checker called "fc", logged in on `client`."""
    user = fact_checker(username="fc")
    client.force_login(user)
    return user


@pytest.fixture
def boss(client):
    """An editor called "boss", logged in on `client` (after `checker`, where a test asks for
    both)."""
    user = editor(username="boss")
    client.force_login(user)
    return user


@pytest.fixture
def fresh_cache():
    """An empty cache before and after the test: the API's throttles count requests there, and
    its cached list pages must not outlive the rows they were made of. Opt in with
    `pytest.mark.usefixtures("fresh_cache")`, not autouse: on Redis a clear is a FLUSHDB, and
    `make test` gives the cache the Celery broker's database."""
    cache.clear()
    yield
    cache.clear()
