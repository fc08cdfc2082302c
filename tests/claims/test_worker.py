"""The analysis through a real Celery worker process on Redis, against the test database."""

import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from articles.models import AnalysisStatus, Article
from articles.services import article_submit
from claims.models import Claim, Sentence
from config.celery import app as celery_app

REPO = Path(__file__).resolve().parents[2]
ANALYSIS_DONE = re.compile(r"analyze_article\[[^\]]+\] succeeded")
pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("the worker test needs PostgreSQL (a worker cannot see an in-memory DB)")
    user = db["USER"] or "postgres"
    auth = f"{user}:{db['PASSWORD']}" if db["PASSWORD"] else user
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def celery_worker_process(tmp_path, settings):
    broker = os.environ.get("CELERY_BROKER_URL")
    if not broker:
        pytest.skip("the worker test needs CELERY_BROKER_URL (Redis)")
    queue = f"test-{uuid.uuid4().hex[:10]}"
    log_path = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DATABASE_CONN_MAX_AGE": "0",
        "CELERY_BROKER_URL": broker,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "HF_HUB_OFFLINE": "1",
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
                f"{queue}@%h",
            ],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_for(
            lambda: "ready." in log_path.read_text(), timeout=90, what="worker start", log=log_path
        )
        # This process publishes to the same queue instead of running tasks in-process.
        previous = celery_app.conf.task_always_eager, celery_app.conf.task_default_queue
        celery_app.conf.task_always_eager = False
        celery_app.conf.task_default_queue = queue
        settings.CELERY_TASK_ALWAYS_EAGER = False
        yield log_path
        celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = previous
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()


def _wait_for(condition, *, timeout: float, what: str, log: Path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    pytest.fail(f"timed out waiting for {what}; worker log:\n{log.read_text()[-3000:]}")


def test_the_seed_article_is_analysed_end_to_end_by_a_real_worker(celery_worker_process, seed_text):
    article = article_submit(title="Seed", body=seed_text, source_kind="seed")

    def finished():
        article.refresh_from_db()
        return article.analysis_status in (AnalysisStatus.DONE, AnalysisStatus.FAILED)

    _wait_for(finished, timeout=180, what="the analysis", log=celery_worker_process)
    assert article.analysis_status == AnalysisStatus.DONE, article.analysis_error
    assert Sentence.objects.filter(article=article).count() >= 15
    military = Claim.objects.get(article=article, text__startswith="The U.S. military said")
    assert military.speaker.name == "U.S. military"
    assert military.model_version == article.analysis_model_version != ""
    assert "succeeded" in celery_worker_process.read_text()


def test_queueing_the_same_article_twice_through_the_worker_creates_no_duplicates(
    celery_worker_process,
):
    from claims.tasks import analyze_article

    article = article_submit(
        title="Budget",
        body="The mayor said the budget grew 12 percent in 2024.",
        source_kind="api",
    )
    _wait_for(
        lambda: Article.objects.get(pk=article.pk).analysis_status == "done",
        timeout=120,
        what="the first analysis",
        log=celery_worker_process,
    )
    before = list(Sentence.objects.filter(article=article).values_list("start", "end", "text"))
    claims_before = Claim.objects.filter(article=article).count()
    analyze_article.delay(article.pk)  # queued again, as a redelivery would
    analyze_article.delay(article.pk)
    _wait_for(
        # Count analyses only: each is followed by its matching task, which succeeds too.
        lambda: len(ANALYSIS_DONE.findall(celery_worker_process.read_text())) >= 3,
        timeout=120,
        what="the repeated analyses",
        log=celery_worker_process,
    )
    after = list(Sentence.objects.filter(article=article).values_list("start", "end", "text"))
    assert after == before
    assert Claim.objects.filter(article=article).count() == claims_before
