"""A bulk file's URL rows without a worker (tasks in-process): their pages are fetched several at
once, at most INTAKE_FETCH_CONCURRENCY, each row still stored or failed whole with its reason;
with a worker each row stays its own task."""

import time
from datetime import timedelta

import pytest
from django.db import OperationalError

from articles import tasks
from articles.intake import inprocess, jobrun, jobs
from articles.intake.bulk import import_batch_create, import_batch_run
from articles.intake.inprocess import intake_jobs_run_in_process
from articles.intake.queue import DATABASE_RETRIES, retry_countdown
from articles.models import Article, ImportBatch, ImportStatus, IntakeJob, IntakeStatus
from tests.articles.conftest import article_page, story

pytestmark = pytest.mark.django_db


def held_pages(server, count: int) -> list[str]:
    """`count` article pages whose requests wait at the server (IntakeServer.hold)."""
    paths = [f"/news/held-{n}" for n in range(count)]
    for path in paths:
        topic = path.rsplit("/", 1)[1]
        page = article_page(server.base, f"Assembly votes on {topic}", story(topic), path)
        server.set(path, page)
        server.held.add(path)
    return paths


def import_urls(server, paths: list[str], capture) -> ImportBatch:
    rows = "url\n" + "".join(f"{server.url(path)}\n" for path in paths)
    with capture(execute=True):
        batch = import_batch_create(file_name="urls.csv", data=rows.encode())
    batch.refresh_from_db()
    return batch


def jobs_by_path(server) -> dict[str, IntakeJob]:
    return {job.url.removeprefix(server.base): job for job in IntakeJob.objects.all()}


@pytest.fixture
def slow_site(intake_server, settings):
    """Three fetches at once; a held page keeps its request at the server for 0.5 s (within the
    read time-out), so fetches made together are seen there together."""
    settings.INTAKE_FETCH_CONCURRENCY = 3
    settings.INTAKE_READ_TIMEOUT = 5.0
    intake_server.hold_seconds = 0.5
    return intake_server


def test_without_a_worker_an_imports_url_rows_are_fetched_together_never_more_than_the_setting(
    slow_site, django_capture_on_commit_callbacks
):
    paths = held_pages(slow_site, 7)
    batch = import_urls(slow_site, paths, django_capture_on_commit_callbacks)
    # One after another, each request would have waited alone; without the bound, all seven.
    assert 1 < slow_site.most_in_flight <= 3
    assert (batch.status, batch.queued, batch.failed) == (ImportStatus.DONE, 7, 0)
    assert all(job.status == IntakeStatus.STORED for job in IntakeJob.objects.all())
    assert Article.objects.count() == 7
    assert all(len(slow_site.hits(path)) == 1 for path in paths)  # each page fetched once


def test_url_rows_fetched_together_are_each_stored_or_failed_with_the_reason_they_had(
    slow_site, django_capture_on_commit_callbacks
):
    failing = {
        "/missing": "The page answered 404.",
        "/short": "No article text found: 34 characters extracted.",
        # The SSRF rule holds on every hop of a fetch made on the pool's threads.
        "/redirect-private": "Refused: the address of 169.254.169.254 is not allowed",
        "/unavailable": f"The page answered 503. {jobrun.in_request_note()}",
    }
    paths = [*held_pages(slow_site, 3), "/news/one", *failing]
    batch = import_urls(slow_site, paths, django_capture_on_commit_callbacks)
    found = jobs_by_path(slow_site)
    for path, reason in failing.items():
        job = found[path]
        assert job.status == IntakeStatus.FAILED and job.article is None
        assert job.reason.startswith(reason) and job.finished_at is not None
        assert job.attempts == 1  # tried once, as a fetch inside the request is
    stored = [found[path] for path in paths if path not in failing]
    assert all(job.status == IntakeStatus.STORED and job.article for job in stored)
    assert found["/news/one"].article.title == "Assembly votes on one plan"
    assert Article.objects.count() == 4
    assert (batch.queued, batch.failed) == (len(paths), 0)  # the rows; their jobs say the rest


def test_a_row_that_breaks_while_fetched_together_fails_alone_and_the_others_are_stored(
    slow_site, django_capture_on_commit_callbacks, monkeypatch
):
    paths = held_pages(slow_site, 4)
    extract = jobrun.article_extract

    def breaks_on_one(body, *, url, **kwargs):
        if url.endswith("/held-2"):
            raise RuntimeError("connection to server at 10.0.0.5 failed")
        return extract(body, url=url, **kwargs)

    monkeypatch.setattr(jobrun, "article_extract", breaks_on_one)
    import_urls(slow_site, paths, django_capture_on_commit_callbacks)
    found = jobs_by_path(slow_site)
    broken = found.pop("/news/held-2")
    assert (broken.status, broken.reason) == (IntakeStatus.FAILED, jobrun.INTERNAL_ERROR_REASON)
    assert broken.article is None
    assert all(job.status == IntakeStatus.STORED for job in found.values())
    assert Article.objects.count() == 3


def test_with_a_worker_each_url_row_is_its_own_task_and_none_is_fetched_here(
    intake_server, worker_queue, django_capture_on_commit_callbacks, monkeypatch
):
    sent = []
    monkeypatch.setattr(jobs, "task_send", lambda name, *args: sent.append((name, *args)) or True)
    rows = "url\n" + "".join(f"{intake_server.url(f'/news/{n}')}\n" for n in ["one", "two"])
    batch = import_batch_create(file_name="urls.csv", data=rows.encode(), queue=False)
    with django_capture_on_commit_callbacks(execute=True):
        import_batch_run(batch_id=batch.pk)
    job_ids = sorted(IntakeJob.objects.values_list("pk", flat=True))
    assert sorted(sent) == [(jobs.FETCH_TASK, pk) for pk in job_ids]
    assert all(job.status == IntakeStatus.QUEUED for job in IntakeJob.objects.all())
    assert all(job.sent_at is not None for job in IntakeJob.objects.all())
    assert not intake_server.requests


# --- A database error without a worker: tried as often as the task tries, after short waits --


@pytest.fixture
def short_waits(settings):
    """The task's countdowns (30, 60, 120 s) scaled to 7 s in all: waits of 1, 2 and 4 s."""
    settings.INTAKE_IN_PROCESS_RETRY_SECONDS = 7.0


def submitted(server, paths: list[str]) -> list[int]:
    """Jobs queued as an import's URL rows are, not sent: the caller runs them here."""
    return [jobs.intake_job_submit(url=server.url(path), send=False).pk for path in paths]


def database_away_for(monkeypatch, path: str, *, tries: int) -> list[str]:
    """The database errs while the page at `path` is stored, its first `tries` times; the
    list of every try at it, as it grows."""
    extract, tried = jobrun.article_extract, []

    def database_away(body, *, url, **kwargs):
        if url.endswith(path):
            tried.append(url)
            if len(tried) <= tries:
                raise OperationalError("server closed the connection unexpectedly")
        return extract(body, url=url, **kwargs)

    monkeypatch.setattr(jobrun, "article_extract", database_away)
    return tried


def test_without_a_worker_a_database_error_is_tried_again_after_the_tasks_countdowns_cut_short(
    slow_site, monkeypatch, short_waits
):
    paths = held_pages(slow_site, 3)
    database_away_for(monkeypatch, "/news/held-1", tries=2)
    waits = []
    intake_jobs_run_in_process(job_ids=submitted(slow_site, paths), sleep=waits.append)
    # The task's 30 and 60 s held the request that ran the import for 90 s.
    assert [retry_countdown(1), retry_countdown(2)] == [30, 60]
    assert waits == [1.0, 2.0]
    found = jobs_by_path(slow_site)
    blinked = found["/news/held-1"]
    assert blinked.status == IntakeStatus.STORED and blinked.reason == ""
    assert blinked.attempts == 3 and len(slow_site.hits("/news/held-1")) == 3
    assert all(job.status == IntakeStatus.STORED for job in found.values())
    assert Article.objects.count() == 3


def test_without_a_worker_a_database_that_stays_away_fails_the_job_after_the_tasks_retries(
    slow_site, monkeypatch, short_waits
):
    paths = held_pages(slow_site, 2)
    tries = database_away_for(monkeypatch, "/news/held-0", tries=100)
    waits = []
    intake_jobs_run_in_process(job_ids=submitted(slow_site, paths), sleep=waits.append)
    # The worker's rule: the first try and DATABASE_RETRIES more, then failed.
    assert len(tries) == DATABASE_RETRIES + 1 == tasks.intake_fetch.max_retries + 1
    assert waits == [1.0, 2.0, 4.0]  # not 30, 60 and 120 s: 3.5 minutes inside a request
    found = jobs_by_path(slow_site)
    gone = found["/news/held-0"]
    assert (gone.status, gone.reason, gone.article) == (
        IntakeStatus.FAILED,
        jobrun.INTERNAL_ERROR_REASON,
        None,
    )
    assert found["/news/held-1"].status == IntakeStatus.STORED
    assert Article.objects.count() == 1


class Interrupted(BaseException):
    """Ctrl-C in the command, or a web server killing the request, during a wait."""


def test_without_a_worker_a_job_stopped_during_its_wait_is_requeued_within_minutes(
    intake_server, monkeypatch, short_waits, django_capture_on_commit_callbacks
):
    """Its retry was only a wait in this process, never a message in a broker: marked sent,
    requeue_intake left it alone for an hour as a message not yet presumed lost."""
    database_away_for(monkeypatch, "/news/one", tries=1)
    job_ids = submitted(intake_server, ["/news/one"])

    def interrupted(seconds):
        raise Interrupted

    with pytest.raises(Interrupted):
        intake_jobs_run_in_process(job_ids=job_ids, sleep=interrupted)
    job = IntakeJob.objects.get()
    assert (job.status, job.sent_at) == (IntakeStatus.QUEUED, None)
    assert job.reason == jobrun.reason_sentence(jobrun.DATABASE_RETRY_REASON)

    IntakeJob.objects.update(queued_at=job.queued_at - timedelta(minutes=6))
    with django_capture_on_commit_callbacks(execute=True):
        requeued = jobs.intake_jobs_requeue_stale(
            queued_for=timedelta(minutes=5), fetching_for=timedelta(minutes=15)
        )
    assert requeued == job_ids
    job.refresh_from_db()
    assert job.status == IntakeStatus.STORED and Article.objects.count() == 1


def test_without_a_worker_a_database_error_while_claiming_a_job_is_tried_again_too(
    intake_server, monkeypatch, short_waits
):
    real_claim, claims = inprocess.intake_job_claim, []

    def database_blinks_at_the_first_claim(*, job_id):
        claims.append(job_id)
        if len(claims) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real_claim(job_id=job_id)

    monkeypatch.setattr(inprocess, "intake_job_claim", database_blinks_at_the_first_claim)
    waits = []
    intake_jobs_run_in_process(job_ids=submitted(intake_server, ["/news/one"]), sleep=waits.append)
    job = IntakeJob.objects.get()
    assert waits == [1.0] and job.status == IntakeStatus.STORED and job.attempts == 1


def test_without_a_worker_a_database_error_halfway_through_storing_leaves_one_article(
    intake_server, monkeypatch, short_waits
):
    """The article is written, then saving its job fails: the try again must not find the
    article 'already stored' (its own), nor leave a second one."""
    real_finish, saves = jobrun._finish, []

    def database_blinks_at_the_first_store(job, status, reason):
        saves.append(status)
        if saves.count(IntakeStatus.STORED) == 1 and status == IntakeStatus.STORED:
            raise OperationalError("server closed the connection unexpectedly")
        return real_finish(job, status, reason)

    monkeypatch.setattr(jobrun, "_finish", database_blinks_at_the_first_store)
    waits = []
    intake_jobs_run_in_process(job_ids=submitted(intake_server, ["/news/one"]), sleep=waits.append)
    job = IntakeJob.objects.get()
    assert waits == [1.0] and saves.count(IntakeStatus.STORED) == 2
    assert job.status == IntakeStatus.STORED and not job.duplicate and job.reason == ""
    assert job.article == Article.objects.get()


def test_without_a_worker_the_waits_of_all_the_jobs_of_one_run_come_to_the_setting_at_most(
    slow_site, monkeypatch, short_waits
):
    paths = held_pages(slow_site, 3)
    tries = {path: database_away_for(monkeypatch, path, tries=100) for path in paths[:2]}
    waits = []
    intake_jobs_run_in_process(job_ids=submitted(slow_site, paths), sleep=waits.append)
    # Each job's own waits would add up per job: 14 s for two, and an import of 50 rows more.
    assert sum(waits) == 7.0 and len(waits) == 2 * DATABASE_RETRIES
    assert all(len(tried) == DATABASE_RETRIES + 1 for tried in tries.values())
    found = jobs_by_path(slow_site)
    assert [found[path].status for path in paths] == [
        IntakeStatus.FAILED,
        IntakeStatus.FAILED,
        IntakeStatus.STORED,
    ]


@pytest.mark.django_db(transaction=True)
def test_without_a_worker_a_single_url_waits_for_a_database_that_comes_back_within_a_second(
    intake_server, monkeypatch, settings
):
    """A URL submitted alone ran as Celery's eager task: its three retries came at once, with no
    countdown, so a database away for a second failed the job. It runs as an import's rows do."""
    settings.INTAKE_IN_PROCESS_RETRY_SECONDS = 3.5  # waits of 0.5, 1 and 2 s
    extract, tries, away_until = jobrun.article_extract, [], []

    def database_away_for_a_second(body, *, url, **kwargs):
        tries.append(url)
        away_until.append(away_until[0] if away_until else time.monotonic() + 1.0)
        if time.monotonic() < away_until[0]:
            raise OperationalError("server closed the connection unexpectedly")
        return extract(body, url=url, **kwargs)

    monkeypatch.setattr(jobrun, "article_extract", database_away_for_a_second)
    job = jobs.intake_job_submit(url=intake_server.url("/news/one"))  # committed: sent, run
    job.refresh_from_db()
    assert job.status == IntakeStatus.STORED, job.reason
    assert len(tries) == 3 and job.attempts == 3  # tried after 0.5 s, then after 1 s more
    assert job.article.title == "Assembly votes on one plan"


# --- An import's URL rows: their articles are the import's ----------------------------------


def test_the_articles_fetched_for_an_imports_url_rows_are_that_imports(
    intake_server, django_capture_on_commit_callbacks
):
    batch = import_urls(
        intake_server, ["/news/one", "/news/two"], django_capture_on_commit_callbacks
    )
    articles = Article.objects.filter(import_batch=batch)
    assert sorted(articles.values_list("title", flat=True)) == [
        "Assembly votes on one plan",
        "Assembly votes on two plan",
    ]


def test_with_a_worker_the_article_of_an_imports_url_row_is_that_imports_too(
    intake_server, worker_queue, monkeypatch
):
    monkeypatch.setattr(jobs, "task_send", lambda name, *args: True)
    rows = f"url\n{intake_server.url('/news/one')}\n"
    batch = import_batch_create(file_name="urls.csv", data=rows.encode(), queue=False)
    import_batch_run(batch_id=batch.pk)
    job = IntakeJob.objects.get()
    tasks.intake_fetch.run(job.pk)  # as a worker runs it: not eager, no in-request limit
    job.refresh_from_db()
    assert job.status == IntakeStatus.STORED and job.article.import_batch == batch


def test_without_a_worker_the_jobs_requeue_sends_again_are_fetched_together(
    slow_site, django_capture_on_commit_callbacks
):
    """Each requeued job ran alone (and with its own waits for a database error): 50 jobs left
    by a broker that was away took 50 fetch times."""
    paths = held_pages(slow_site, 6)
    submitted(slow_site, paths)  # queued, never run: the process stopped before it ran them
    with django_capture_on_commit_callbacks(execute=True):
        ids = jobs.intake_jobs_requeue_stale(
            queued_for=timedelta(0), fetching_for=timedelta(minutes=15)
        )
    assert len(ids) == 6 and 1 < slow_site.most_in_flight <= 3
    assert all(job.status == IntakeStatus.STORED for job in IntakeJob.objects.all())
    assert all(len(slow_site.hits(path)) == 1 for path in paths)
