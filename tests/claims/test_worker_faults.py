"""Analyses survive dead workers and a dead broker (issue #10, probe rows 6 to 8): real worker
processes on a throwaway redis-server, killed with SIGKILL mid-analysis."""

import os
import signal
import time
from pathlib import Path

import pytest

from articles.models import AnalysisProblem, AnalysisStatus, Article
from articles.services import article_submit
from articles.tasks import recover_analyses
from claims.models import Claim, Sentence
from tests.processes import RedisServer, celery_worker, wait_for
from tests.workers import assert_logged_once, producers_reset, publishing_to, status_of

pytestmark = [pytest.mark.worker, pytest.mark.fault, pytest.mark.django_db(transaction=True)]

# Long enough that the worker is still parsing and scoring when it is killed.
LONG_BODY = "\n\n".join(
    f"Councillor {n % 7} said the budget for district {n} grew by {n} percent in 2026."
    for n in range(1, 1201)
)
FAST_HEARTBEAT = {"ANALYSIS_HEARTBEAT_SECONDS": "1", "ANALYSIS_STALLED_SECONDS": "3"}


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def assert_analysed_once(article, log: Path):
    article.refresh_from_db()
    assert article.analysis_status == AnalysisStatus.DONE, article.analysis_error
    assert article.analysis_problem == AnalysisProblem.NONE
    spans = list(Sentence.objects.filter(article=article).values_list("start", flat=True))
    assert len(spans) == len(set(spans)) == 1200
    claims = list(Claim.objects.filter(article=article).values_list("start", flat=True))
    assert claims and len(claims) == len(set(claims))
    assert_logged_once(log)


def test_a_worker_child_killed_mid_analysis_is_redelivered_and_completes_once(tmp_path, settings):
    with (
        RedisServer(tmp_path) as redis,
        celery_worker(tmp_path, broker=redis.url, pool="prefork") as (worker, queue, log),
        publishing_to(redis.url, queue, settings),
    ):
        article = article_submit(title="Long", body=LONG_BODY, source_kind="api")
        wait_for(lambda: status_of(article) == "running", timeout=60, what="running", log=log)
        time.sleep(1)
        (child,) = children_of(worker.pid)
        os.kill(child, signal.SIGKILL)
        wait_for(lambda: status_of(article) == "done", timeout=240, what="redelivery", log=log)
        assert "WorkerLostError" in log.read_text() or "SIGKILL" in log.read_text()
        assert_analysed_once(article, log)


def test_a_whole_worker_killed_mid_analysis_shows_stalled_and_recovers_long_before_redis_would(
    tmp_path, settings
):
    settings.ANALYSIS_STALLED_SECONDS = 3
    with RedisServer(tmp_path) as redis:
        first = celery_worker(tmp_path, broker=redis.url, **FAST_HEARTBEAT)
        with first as (worker, queue, log), publishing_to(redis.url, queue, settings):
            article = article_submit(title="Long", body=LONG_BODY, source_kind="api")
            wait_for(lambda: status_of(article) == "running", timeout=60, what="running", log=log)
            time.sleep(1)
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=10)
            killed_at = time.monotonic()
        wait_for(
            lambda: Article.objects.get(pk=article.pk).analysis_stalled,
            timeout=30,
            what="the article to read as stalled",
        )
        with (
            celery_worker(tmp_path, broker=redis.url, queue=queue) as (
                _,
                _,
                second_log,
            ),
            publishing_to(redis.url, queue, settings),
        ):
            assert recover_analyses()["stalled"] == [article.pk]
            article.refresh_from_db()
            assert article.analysis_problem == AnalysisProblem.STALLED
            assert "stopped responding" in article.analysis_error
            wait_for(
                lambda: status_of(article) == "done", timeout=240, what="recovery", log=second_log
            )
            recovered_in = time.monotonic() - killed_at
        assert recovered_in < settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
        assert_analysed_once(article, second_log)


def test_an_article_submitted_while_the_broker_is_down_is_analysed_once_it_is_back(
    tmp_path, settings
):
    with (
        RedisServer(tmp_path) as redis,
        celery_worker(tmp_path, broker=redis.url) as (
            _,
            queue,
            log,
        ),
        publishing_to(redis.url, queue, settings),
    ):
        redis.stop()
        article = article_submit(
            title="Budget", body="The mayor said the budget grew 12 percent.", source_kind="api"
        )
        article.refresh_from_db()
        assert article.analysis_status == AnalysisStatus.QUEUED
        assert article.analysis_problem == AnalysisProblem.QUEUE_UNAVAILABLE
        assert article.analysis_sent_at is None
        redis.start()
        settings.ANALYSIS_UNSENT_SECONDS = 0
        producers_reset()
        assert recover_analyses()["unsent"] == [article.pk]
        wait_for(lambda: status_of(article) == "done", timeout=180, what="analysis", log=log)
        assert Claim.objects.filter(article=article).count() == 1
        assert_logged_once(log)


def terminate_backends(marker: str) -> int:
    """Close, from PostgreSQL's side, every connection a process opened under this name."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE application_name = %s AND pid <> pg_backend_pid()",
            [marker],
        )
        return cursor.rowcount


def test_an_analysis_whose_database_connection_dies_is_retried_on_a_new_one(tmp_path, settings):
    from django.db import connection

    from tests.processes import database_url_for_tests

    marker = f"dbdrop_{connection.settings_dict['NAME']}"[:60]
    env = {
        # Persistent connections, as in production: the dead one must not be used again.
        "DATABASE_URL": database_url_for_tests(application_name=marker),
        "DATABASE_CONN_MAX_AGE": "600",
        **FAST_HEARTBEAT,
    }
    with (
        RedisServer(tmp_path) as redis,
        celery_worker(tmp_path, broker=redis.url, **env) as (_, queue, log),
        publishing_to(redis.url, queue, settings),
    ):
        body = "\n\n".join(LONG_BODY.split("\n\n")[:300])  # a few seconds' analysis
        article = article_submit(title="Long", body=body, source_kind="api")
        wait_for(lambda: status_of(article) == "running", timeout=60, what="running", log=log)
        assert terminate_backends(marker) >= 1  # while the pipeline runs, before the write
        wait_for(lambda: status_of(article) == "done", timeout=120, what="the retry", log=log)
        # Retried by the task on a new connection (not left to the stalled-job recovery).
        assert "Retry in 5s: OperationalError" in log.read_text()
        spans = list(Sentence.objects.filter(article=article).values_list("start", flat=True))
        assert len(spans) == len(set(spans)) == 300
        claims = list(Claim.objects.filter(article=article).values_list("start", flat=True))
        assert claims and len(claims) == len(set(claims))
        assert_logged_once(log)


def test_a_worker_killed_mid_embedding_leaves_whole_vectors_and_beat_finishes_the_rest(
    tmp_path, settings
):
    from datetime import timedelta

    from django.utils import timezone

    from claims.matching.store import CLAIMS, live_corpus
    from claims.models import ClaimEmbedding
    from claims.tasks import match_unembedded_claims

    body = "\n\n".join(LONG_BODY.split("\n\n")[:600])
    with RedisServer(tmp_path) as redis:
        with (
            celery_worker(tmp_path, broker=redis.url) as (worker, queue, log),
            publishing_to(redis.url, queue, settings),
        ):
            article = article_submit(title="Long", body=body, source_kind="api")
            embedded = ClaimEmbedding.objects.filter(claim__article=article)
            wait_for(lambda: embedded.exists(), timeout=120, what="the first vectors", log=log)
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=10)
        claims = Claim.objects.filter(article=article)
        assert 0 < embedded.count() < claims.count() == 600  # killed halfway through
        # Ten minutes on, Redis has not redelivered it yet (visibility timeout): beat's turn.
        claims.update(created_at=timezone.now() - timedelta(minutes=11))
        Article.objects.filter(pk=article.pk).update(
            analysis_finished_at=timezone.now() - timedelta(minutes=11)
        )
        with (
            celery_worker(tmp_path, broker=redis.url, queue=queue) as (_, _, second_log),
            publishing_to(redis.url, queue, settings),
        ):
            assert match_unembedded_claims() == [article.pk]
            wait_for(lambda: embedded.count() == 600, timeout=120, what="the rest", log=second_log)
    assert match_unembedded_claims() == []
    # One vector per claim (the claim is the vector's key), and this process finds them all.
    assert len(live_corpus(CLAIMS).documents) == 600


def test_an_analysis_whose_retry_cannot_reach_the_broker_is_left_to_the_recovery(
    tmp_path, settings, monkeypatch
):
    """The worker's machine loses the network: the database fails, then so does sending the
    retry, and Celery drops the job. The article must not read 'queued' for ever."""
    from celery.exceptions import Reject
    from django.db import OperationalError
    from django.utils import timezone

    from articles import queueing
    from claims import analysis, tasks
    from tests.factories import ArticleFactory
    from tests.workers import run_as_a_worker

    article = ArticleFactory()
    Article.objects.filter(pk=article.pk).update(
        analysis_status=AnalysisStatus.QUEUED, analysis_sent_at=timezone.now()
    )

    def database_gone(*, article_id, task_id=None):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(analysis, "article_analyze", database_gone)
    with RedisServer(tmp_path) as redis, publishing_to(redis.url, "unused", settings):
        redis.stop()
        with pytest.raises(Reject):
            run_as_a_worker(tasks.analyze_article, article.pk)
    article.refresh_from_db()
    assert article.analysis_status == AnalysisStatus.QUEUED
    assert article.analysis_problem == AnalysisProblem.QUEUE_UNAVAILABLE
    assert article.analysis_sent_at is None  # so the recovery of unsent jobs takes it

    sent = []
    monkeypatch.setattr(queueing, "_analysis_sender", lambda pk, task_id: sent.append(pk))
    settings.ANALYSIS_UNSENT_SECONDS = 0
    assert recover_analyses()["unsent"] == [article.pk] and sent == [article.pk]
