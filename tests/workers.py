"""Real Celery worker processes on the suite's Redis, against the test database (no tests here),
and a task run in this process as a worker runs it.

A thin layer over tests/processes.py, which starts every test process the same way.
"""

import os
from pathlib import Path

import pytest

from tests.processes import wait_for as _wait_for
from tests.processes import worker_spawn, worker_stop

__all__ = ["broker_url", "run_as_a_worker", "wait_for", "worker_start", "worker_stop"]


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
