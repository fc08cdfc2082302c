"""What several claims test modules set up alike: the desk's people logged in on the test client
(`checker`, `boss`), an API client with a read key (`api`), an empty cache (`fresh_cache`), an
applied repeat (`applied`), a real worker process (`celery_worker_process`).

A module whose tests call the services alone may define its own (tests/claims/test_workflow.py
does: actors that never log in, the editor called "ed")."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone

from claims.matching import applications
from claims.models import ClaimGroupEvent, GroupEventKind, Verdict
from tests.api_clients import key_client
from tests.factories import (
    editor,
    fact_checker,
    modified_at_recomputed,
    published_verdict,
    titled_claim,
)
from tests.workers import worker_start, worker_stop


@pytest.fixture
def api():
    """An API client with a read key (tests/api_clients.py)."""
    return key_client()


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


@pytest.fixture
def applied():
    """A fact-check published three days ago, and a repeat an editor applied it to two days ago:
    (verdict, repeat, that editor)."""
    desk_editor = editor()
    verdict = published_verdict(claim=titled_claim("Crime fell by 40 percent last year."))
    repeat = titled_claim("Crime went down 40 percent, the mayor said.")
    applications.verdict_application_request(claim=repeat, checked=verdict.claim, actor=desk_editor)
    now = timezone.now()
    Verdict.objects.filter(pk=verdict.pk).update(published_at=now - dt.timedelta(days=3))
    ClaimGroupEvent.objects.filter(kind=GroupEventKind.VERDICT_APPLIED).update(
        created_at=now - dt.timedelta(days=2)
    )
    modified_at_recomputed()
    repeat.refresh_from_db()
    return verdict, repeat, desk_editor


@pytest.fixture
def celery_worker_process(tmp_path, worker_queue):
    """A real `celery worker` on the suite's Redis for this test; yields its log's path."""
    log_path = tmp_path / "worker.log"
    worker = worker_start(queue=worker_queue, log_path=log_path)
    yield log_path
    worker_stop(worker)
