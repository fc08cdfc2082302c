"""Real Celery worker processes on the suite's Redis, against the test database (no tests here),
and a task run in this process as a worker runs it.

A thin layer over tests/processes.py, which starts every test process the same way.
"""

import os
from contextlib import contextmanager
from pathlib import Path

import pytest

from articles.models import Article
from config.celery import app as celery_app
from tests.processes import analyses_succeeded, worker_spawn, worker_stop
from tests.processes import wait_for as _wait_for

__all__ = [
    "assert_logged_once",
    "broker_url",
    "producers_reset",
    "publishing_to",
    "run_as_a_worker",
    "status_of",
    "wait_for",
    "worker_start",
    "worker_stop",
]


def broker_url() -> str:
    broker = os.environ.get("CELERY_BROKER_URL")
    if not broker:
        pytest.skip("the worker test needs CELERY_BROKER_URL (Redis)")
    return broker


def worker_start(*, queue: str, log_path: Path, env: dict[str, str] | None = None):
    """Start `celery worker` on `queue` and the suite's broker; wait until it is ready."""
    return worker_spawn(queue=queue, log_path=log_path, broker=broker_url(), **(env or {}))


def wait_for(condition, *, timeout: float, what: str, log: Path):
    _wait_for(condition, timeout=timeout, what=what, log=log)


def run_as_a_worker(task, *args, task_id: str = "the-job"):
    """Run `task` here as a worker runs it: not called directly, so a retry it asks for is sent
    to the broker, where a direct call would skip the send."""
    task.push_request(id=task_id, args=list(args), kwargs={}, called_directly=False)
    try:
        return task.run(*args)
    finally:
        task.pop_request()


@contextmanager
def publishing_to(broker: str, queue: str, settings):
    """Make this test process send its jobs to `broker`/`queue` instead of running them."""
    conf = celery_app.conf
    names = ["broker_url", "broker_write_url", "broker_read_url", "task_default_queue"]
    previous = {name: conf[name] for name in [*names, "task_always_eager"]}
    conf.update({name: broker for name in names[:3]}, task_default_queue=queue)
    conf.task_always_eager = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    producers_reset()
    try:
        yield
    finally:
        conf.update(previous)
        producers_reset()


def producers_reset():
    """Forget pooled broker connections (after a broker URL change or a broker restart)."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def status_of(article) -> str:
    return Article.objects.get(pk=article.pk).analysis_status


def assert_logged_once(log: Path) -> None:
    """The worker logs an analysis's success just after its last write: wait for the line."""
    wait_for(lambda: analyses_succeeded(log) >= 1, timeout=30, what="the success line", log=log)
    assert analyses_succeeded(log) == 1
