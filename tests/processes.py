"""Real processes for the fault tests: a throwaway redis-server, gunicorn, a Celery worker.

Each runs on a free port of its own, so breaking it never touches the shared services.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection

REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def wait_for(condition, *, timeout: float, what: str, log: Path | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    tail = log.read_text()[-3000:] if log and log.exists() else ""
    pytest.fail(f"timed out waiting for {what}\n{tail}")


def database_url_for_tests(**options: str) -> str:
    db = connection.settings_dict
    if db["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("needs PostgreSQL: another process cannot see an in-memory database")
    user = db["USER"] or "postgres"
    auth = f"{user}:{db['PASSWORD']}" if db["PASSWORD"] else user
    query = "&".join(f"{key}={value}" for key, value in options.items())
    url = f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return f"{url}?{query}" if query else url


class RedisServer:
    """redis-server on its own port, stopped and started again by the test."""

    def __init__(self, tmp_path: Path):
        if not shutil.which("redis-server"):
            pytest.skip("redis-server is not installed")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.dir = tmp_path
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(lambda: port_open(self.port), timeout=10, what="redis-server")

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()


def child_env(**extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DEBUG": "1",
        "HF_HUB_OFFLINE": "1",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "DATABASE_URL": database_url_for_tests(),
    }
    env.pop("REDIS_URL", None)
    env.update(extra)
    return env


@contextmanager
def gunicorn(tmp_path: Path, **env: str):
    """The project under gunicorn (one worker, so every request meets the same connection)."""
    port = free_port()
    log = tmp_path / "gunicorn.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi",
                "--workers",
                "1",
                "--bind",
                f"127.0.0.1:{port}",
                "--timeout",
                "60",
            ],
            cwd=REPO,
            env=child_env(**{"CELERY_TASK_ALWAYS_EAGER": "1", **env}),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for(lambda: port_open(port), timeout=60, what="gunicorn", log=log)
        yield f"http://127.0.0.1:{port}", log
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


def worker_spawn(
    *, queue: str, log_path: Path, broker: str, pool: str = "solo", **env: str
) -> subprocess.Popen:
    """Start a real `celery worker` on `queue` and `broker`; return it once it is ready."""
    with log_path.open("w") as out:
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool",
                pool,
                "--concurrency",
                "1",
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
            env=child_env(
                **{
                    "DATABASE_CONN_MAX_AGE": "0",
                    "CELERY_BROKER_URL": broker,
                    "CELERY_TASK_DEFAULT_QUEUE": queue,
                    **env,  # a test may ask for persistent connections, as in production
                }
            ),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for(
            lambda: "ready." in log_path.read_text(), timeout=120, what="worker start", log=log_path
        )
    except BaseException:
        worker_stop(worker)
        raise
    return worker


def worker_stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=30)


def analyses_succeeded(log: Path) -> int:
    """Analyses a worker finished; each is followed by its matching task, which is not one."""
    return len(re.findall(r"analyze_article\[[^\]]+\] succeeded", log.read_text()))


@contextmanager
def celery_worker(
    tmp_path: Path, *, broker: str, pool: str = "solo", queue: str | None = None, **env: str
):
    """A real worker process on `broker`; yields (process, queue, log path)."""
    queue = queue or f"test-{uuid.uuid4().hex[:10]}"
    log = tmp_path / f"worker-{uuid.uuid4().hex[:6]}.log"
    worker = worker_spawn(queue=queue, log_path=log, broker=broker, pool=pool, **env)
    try:
        yield worker, queue, log
    finally:
        worker_stop(worker)
