"""An intake job through real Celery worker processes on Redis: a worker that dies mid-fetch
leaves the job 'fetching'; it is sent again and a second worker stores it. Nothing is lost."""

import signal
from datetime import timedelta

import pytest

from articles.intake.jobs import intake_job_submit, intake_jobs_requeue_stale
from articles.models import IntakeJob, IntakeStatus
from tests.workers import wait_for, worker_start, worker_stop

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

WORKER_ENV = {"INTAKE_ALLOW_PRIVATE_NETWORKS": "1", "INTAKE_READ_TIMEOUT": "120"}


def test_an_intake_job_survives_a_worker_that_dies(intake_server, worker_queue, tmp_path):
    intake_server.hang_once["/news/one"] = 60  # the first fetch hangs; the worker dies in it
    first = worker_start(queue=worker_queue, log_path=tmp_path / "first.log", env=WORKER_ENV)
    try:
        job = intake_job_submit(url=intake_server.url("/news/one"))
        wait_for(
            lambda: (
                intake_server.hits("/news/one")
                and IntakeJob.objects.get(pk=job.pk).status == IntakeStatus.FETCHING
            ),
            timeout=60,
            what="the first worker to start fetching",
            log=tmp_path / "first.log",
        )
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    finally:
        worker_stop(first)
    job.refresh_from_db()
    assert job.status == IntakeStatus.FETCHING and job.attempts == 1

    second = worker_start(queue=worker_queue, log_path=tmp_path / "second.log", env=WORKER_ENV)
    try:
        # What beat's requeue entry (and `manage.py requeue_intake`) does for a stale job.
        assert intake_jobs_requeue_stale(
            queued_for=timedelta(minutes=5), fetching_for=timedelta(0)
        ) == [job.pk]
        wait_for(
            lambda: (
                IntakeJob.objects.get(pk=job.pk).status
                in (IntakeStatus.STORED, IntakeStatus.FAILED)
            ),
            timeout=90,
            what="the second worker to store the page",
            log=tmp_path / "second.log",
        )
    finally:
        worker_stop(second)
    job.refresh_from_db()
    assert job.status == IntakeStatus.STORED, job.reason
    assert job.attempts == 2
    assert job.article.title == "Assembly votes on one plan"
    assert len(intake_server.hits("/news/one")) == 2


@pytest.mark.fault
def test_an_import_whose_worker_is_killed_is_resumed_by_the_recovery_and_counts_rows_once(
    tmp_path, settings
):
    import redis as redis_client

    from articles.intake.bulk import import_batch_create
    from articles.intake.import_recovery import import_batches_recover
    from articles.models import Article, ImportBatch, ImportStatus
    from tests.processes import RedisServer, celery_worker
    from tests.workers import publishing_to

    rows = "title,body\n" + "".join(
        f"Row {n},Prices rose {n} percent this year.\n" for n in range(600)
    )

    def batch():
        return ImportBatch.objects.get()

    with RedisServer(tmp_path) as redis:
        with (
            celery_worker(tmp_path, broker=redis.url) as (worker, queue, log),
            publishing_to(redis.url, queue, settings),
        ):
            import_batch_create(file_name="wire.csv", data=rows.encode())
            wait_for(lambda: batch().rows_done >= 100, timeout=60, what="a chunk", log=log)
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=10)
        killed = batch()
        assert killed.status == ImportStatus.RUNNING and 100 <= killed.rows_done < 600
        # The analyses the first chunks queued would keep the next worker busy for minutes.
        redis_client.Redis.from_url(redis.url).delete(queue)
        with (
            celery_worker(tmp_path, broker=redis.url, queue=queue) as (_, _, second_log),
            publishing_to(redis.url, queue, settings),
        ):
            assert import_batches_recover(queued_for=timedelta(minutes=5)) == [killed.pk]
            wait_for(
                lambda: batch().status != ImportStatus.RUNNING,
                timeout=120,
                what="the resumed import",
                log=second_log,
            )
    done = batch()
    assert done.status == ImportStatus.DONE, done.error
    assert (done.rows_done, done.stored, done.skipped, done.failed) == (600, 600, 0, 0)
    titles = list(Article.objects.values_list("title", flat=True))
    assert len(titles) == len(set(titles)) == 600
