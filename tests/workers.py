"""Real Celery worker processes on Redis against the test database (no tests here)."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

REPO = Path(__file__).resolve().parents[1]


def database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("the worker test needs PostgreSQL (a worker cannot see an in-memory DB)")
    user = db["USER"] or "postgres"
    auth = f"{user}:{db['PASSWORD']}" if db["PASSWORD"] else user
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def broker_url() -> str:
    broker = os.environ.get("CELERY_BROKER_URL")
    if not broker:
        pytest.skip("the worker test needs CELERY_BROKER_URL (Redis)")
    return broker


def worker_start(*, queue: str, log_path: Path, env: dict[str, str] | None = None):
    """Start `celery worker` on `queue` and wait until it is ready."""
    full_env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DATABASE_CONN_MAX_AGE": "0",
        "CELERY_BROKER_URL": broker_url(),
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "HF_HUB_OFFLINE": "1",
        **(env or {}),
    }
    with log_path.open("w") as log:
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool",
                "solo",
                "--queues",
                queue,
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel",
                "INFO",
                "--hostname",
                f"{queue}-{log_path.stem}@%h",
            ],
            cwd=REPO,
            env=full_env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for(
            lambda: "ready." in log_path.read_text(), timeout=90, what="worker start", log=log_path
        )
    except BaseException:
        worker_stop(worker)
        raise
    return worker


def worker_stop(worker) -> None:
    worker.terminate()
    try:
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait(timeout=30)


def wait_for(condition, *, timeout: float, what: str, log: Path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    pytest.fail(f"timed out waiting for {what}; worker log:\n{log.read_text()[-3000:]}")
