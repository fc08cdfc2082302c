"""Recovery without doubling (issue #10, probe rows 7 and 8): jobs still in the broker are not
sent again, a job whose worker died is shown as stalled and sent again, and a stale job does
nothing."""

from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from articles import queueing
from articles.models import AnalysisProblem, AnalysisStatus, Article
from articles.tasks import recover_analyses
from claims.models import Claim, Sentence
from claims.tasks import analyze_article
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch):
    """Record what reaches the broker instead of sending it."""
    jobs: list[tuple[int, str]] = []
    monkeypatch.setattr(
        queueing, "_analysis_sender", lambda pk, task_id: jobs.append((pk, task_id))
    )
    return jobs


def queue(article, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        task_id = queueing.article_queue_analysis(article=article)
    return task_id


def test_a_stalled_analysis_s_reason_states_its_times_in_the_desk_s_time_zone(
    sent, settings, django_capture_on_commit_callbacks
):
    settings.TIME_ZONE = "Europe/Berlin"
    article = ArticleFactory()
    queue(article, django_capture_on_commit_callbacks)
    last_heard = datetime(2026, 1, 15, 12, 0, 5, tzinfo=UTC)  # 13:00:05 in Berlin, in winter
    Article.objects.filter(pk=article.pk).update(
        analysis_status=AnalysisStatus.RUNNING,
        analysis_started_at=last_heard,
        analysis_heartbeat_at=last_heard,
    )
    with django_capture_on_commit_callbacks(execute=True):
        recover_analyses()
    article.refresh_from_db()
    assert "(last heard 15 Jan 2026 13:00:05 CET); sent again at " in article.analysis_error
    sent_again = article.analysis_error.split("sent again at ")[1]
    assert sent_again.endswith((" CET.", " CEST.")) and " UTC" not in article.analysis_error


def test_requeueing_during_a_backlog_leaves_the_jobs_waiting_in_the_broker(
    sent, django_capture_on_commit_callbacks
):
    backlog = [ArticleFactory() for _ in range(5)]
    for article in backlog:
        queue(article, django_capture_on_commit_callbacks)
    assert len(sent) == 5
    assert all(a.analysis_sent_at for a in Article.objects.all())
    with django_capture_on_commit_callbacks(execute=True):
        call_command("requeue_analysis", "--queued-minutes", "0")
    assert len(sent) == 5  # nothing sent twice: the queue does not grow


def test_an_article_that_never_reached_the_broker_is_sent_by_the_recovery(
    monkeypatch, sent, django_capture_on_commit_callbacks
):
    article = ArticleFactory()

    def broker_down(pk, task_id):
        raise ConnectionRefusedError("Error 111 connecting to 127.0.0.1:6379")

    monkeypatch.setattr(queueing, "_analysis_sender", broker_down)
    queue(article, django_capture_on_commit_callbacks)
    article.refresh_from_db()
    assert article.analysis_problem == AnalysisProblem.QUEUE_UNAVAILABLE
    assert article.analysis_sent_at is None

    monkeypatch.setattr(
        queueing, "_analysis_sender", lambda pk, task_id: sent.append((pk, task_id))
    )
    Article.objects.filter(pk=article.pk).update(
        analysis_queued_at=timezone.now() - timedelta(seconds=settings.ANALYSIS_UNSENT_SECONDS + 1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = recover_analyses()
    assert result["unsent"] == [article.pk] and len(sent) == 1
    article.refresh_from_db()
    assert article.analysis_sent_at is not None and article.analysis_problem == ""


def test_a_stalled_analysis_is_shown_with_a_reason_and_its_old_job_does_nothing(
    sent, django_capture_on_commit_callbacks
):
    article = ArticleFactory()
    old_job = queue(article, django_capture_on_commit_callbacks)
    silent_since = timezone.now() - timedelta(seconds=settings.ANALYSIS_STALLED_SECONDS + 1)
    Article.objects.filter(pk=article.pk).update(
        analysis_status=AnalysisStatus.RUNNING,
        analysis_started_at=silent_since,
        analysis_heartbeat_at=silent_since,
    )
    article.refresh_from_db()
    assert article.analysis_stalled  # shown as stalled before the recovery even runs

    with django_capture_on_commit_callbacks(execute=True):
        assert recover_analyses()["stalled"] == [article.pk]
    article.refresh_from_db()
    assert article.analysis_status == AnalysisStatus.QUEUED
    assert article.analysis_problem == AnalysisProblem.STALLED
    assert "stopped responding" in article.analysis_error
    new_job = sent[-1][1]
    assert new_job != old_job == sent[0][1]

    analyze_article.apply(args=[article.pk], task_id=old_job)  # Redis redelivers the old one
    article.refresh_from_db()
    assert article.analysis_status == AnalysisStatus.QUEUED
    assert not Sentence.objects.filter(article=article).exists()

    analyze_article.apply(args=[article.pk], task_id=new_job)
    article.refresh_from_db()
    assert article.analysis_status == AnalysisStatus.DONE and article.analysis_problem == ""


def test_a_redelivered_job_finishes_what_its_dead_worker_started(
    sent, django_capture_on_commit_callbacks
):
    article = ArticleFactory()
    job = queue(article, django_capture_on_commit_callbacks)
    Article.objects.filter(pk=article.pk).update(analysis_status=AnalysisStatus.RUNNING)
    analyze_article.apply(args=[article.pk], task_id=job)
    article.refresh_from_db()
    assert article.analysis_status == AnalysisStatus.DONE
    rows = list(Claim.objects.filter(article=article).values_list("start", "end"))
    analyze_article.apply(args=[article.pk], task_id=job)  # delivered once more: a no-op
    assert list(Claim.objects.filter(article=article).values_list("start", "end")) == rows


def test_the_recovery_runs_on_celery_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["articles-recover-analyses"]
    assert entry["task"] == "articles.tasks.recover_analyses"
    assert entry["schedule"] == settings.ANALYSIS_RECOVER_EVERY_SECONDS
    assert (
        settings.ANALYSIS_STALLED_SECONDS + entry["schedule"]
        < settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    )


# --- Running a finished analysis again (the article page and the admin action) ----------------


@pytest.mark.parametrize("status", [AnalysisStatus.DONE, AnalysisStatus.FAILED])
def test_a_finished_or_failed_analysis_is_queued_again_once(
    status, sent, django_capture_on_commit_callbacks
):
    article = ArticleFactory(analysis_status=status, analysis_error="Model missing.")
    with django_capture_on_commit_callbacks(execute=True):
        task_id = queueing.article_analysis_rerun(article=article)
    stored = Article.objects.get(pk=article.pk)
    assert stored.analysis_status == AnalysisStatus.QUEUED and stored.analysis_error == ""
    assert sent == [(article.pk, task_id)]


@pytest.mark.parametrize("status", [AnalysisStatus.QUEUED, AnalysisStatus.RUNNING])
def test_an_analysis_queued_or_running_is_not_queued_a_second_time(
    status, sent, django_capture_on_commit_callbacks
):
    from django.core.exceptions import ValidationError

    article = ArticleFactory(analysis_status=status, analysis_task_id="first-job")
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ValidationError, match=f"is {status.label.lower()} already: wait"),
    ):
        queueing.article_analysis_rerun(article=article)
    assert Article.objects.get(pk=article.pk).analysis_task_id == "first-job"
    assert sent == []


def _sent_ago(article, ago: timedelta, **fields) -> None:
    Article.objects.filter(pk=article.pk).update(
        analysis_queued_at=timezone.now() - ago, analysis_sent_at=timezone.now() - ago, **fields
    )


def test_a_sent_analysis_the_broker_lost_is_sent_again_by_beat_once_presumed_lost(
    sent, django_capture_on_commit_callbacks
):
    """Redis was flushed (or the message went with a dead worker) before any worker started
    the job: it reads 'queued' and sent, and without this it would wait for ever."""
    from articles.intake.queue import presumed_lost_after

    article = ArticleFactory()
    first = queue(article, django_capture_on_commit_callbacks)
    _sent_ago(article, presumed_lost_after() + timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        result = recover_analyses()
    assert result["lost"] == [article.pk] and result["resent"] == []
    assert len(sent) == 2 and sent[1][0] == article.pk and sent[1][1] != first
    article.refresh_from_db()
    assert article.analysis_task_id == sent[1][1]
    assert article.analysis_error.startswith("The task queue lost the job sent ")
    assert article.analysis_sent_at > timezone.now() - timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert recover_analyses()["lost"] == []  # sent once, not at every run


def test_a_sent_analysis_waiting_behind_a_backlog_is_left_in_the_broker(
    sent, django_capture_on_commit_callbacks
):
    article = ArticleFactory()
    queue(article, django_capture_on_commit_callbacks)
    _sent_ago(article, timedelta(minutes=20))  # far past ANALYSIS_UNSENT_SECONDS, not lost
    with django_capture_on_commit_callbacks(execute=True):
        result = recover_analyses()
    assert result == {"stalled": [], "unsent": [], "lost": [], "resent": []}
    assert len(sent) == 1


def run_as_worker_failing_for_a_moment(article, task_id, monkeypatch):
    """Run the job as a worker does, its database blinking before the analysis starts; Celery
    sends the retry (a stand-in raises what Celery raises once the retry is in the broker)."""
    from celery.exceptions import Retry
    from django.db import OperationalError

    from claims import analysis
    from tests.workers import run_as_a_worker

    def database_blinked(*, article_id, task_id=None):
        raise OperationalError("server closed the connection unexpectedly")

    def retry_sent(**options):
        raise Retry("Retry in 5s", when=5)

    monkeypatch.setattr(analysis, "article_analyze", database_blinked)
    monkeypatch.setattr(analyze_article, "retry", retry_sent)
    with pytest.raises(Retry):
        run_as_a_worker(analyze_article, article.pk, task_id=task_id)


def test_an_analysis_waiting_out_its_retry_is_not_presumed_lost(
    sent, django_capture_on_commit_callbacks, monkeypatch
):
    """Its first message waited behind a backlog as long as the presumption, then the job
    failed before it started: the retry it sent just now waits in the broker, not lost."""
    from articles.intake.queue import presumed_lost_after

    article = ArticleFactory()
    task_id = queue(article, django_capture_on_commit_callbacks)
    _sent_ago(article, presumed_lost_after() + timedelta(minutes=5))
    run_as_worker_failing_for_a_moment(article, task_id, monkeypatch)
    article.refresh_from_db()
    assert article.analysis_problem == AnalysisProblem.RETRYING
    assert article.analysis_sent_at > timezone.now() - timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert recover_analyses()["lost"] == []
    assert len(sent) == 1


def test_a_stale_job_failing_for_a_moment_leaves_the_current_jobs_analysis_alone(
    sent, django_capture_on_commit_callbacks, monkeypatch
):
    """The recovery sent the article again and the new job finished; the old message, run
    late, hits a temporary error. Without the job's scope the article read 'queued, retrying'
    for good: the old job's retry finds another task id and stops, nothing finishes it."""
    article = ArticleFactory()
    stale = queue(article, django_capture_on_commit_callbacks)
    current = queue(article, django_capture_on_commit_callbacks)
    Article.objects.filter(pk=article.pk).update(analysis_status=AnalysisStatus.DONE)
    run_as_worker_failing_for_a_moment(article, stale, monkeypatch)
    article.refresh_from_db()
    assert article.analysis_status == AnalysisStatus.DONE
    assert article.analysis_problem == AnalysisProblem.NONE
    assert article.analysis_task_id == current
