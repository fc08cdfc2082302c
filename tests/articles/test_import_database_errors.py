"""A bulk import under a database error (PostgreSQL restarting, the network blinking): the chunk
it hit is rolled back and the import tried again, going on after the rows kept; a worker's task
after its countdowns, an import run in this process (no worker, manage.py import_articles) after
the short in-process waits that its URL rows' jobs have (queue.in_process_retry_wait)."""

from datetime import timedelta

import pytest
from celery.exceptions import Retry
from django.core.management import CommandError, call_command
from django.db import OperationalError, connection
from django.utils import timezone

from articles import queueing, tasks
from articles.intake import bulk, import_recovery
from articles.intake.bulk import import_batch_create
from articles.intake.queue import DATABASE_RETRIES
from articles.models import Article, ImportBatch, ImportStatus
from tests.workers import run_as_a_worker

pytestmark = pytest.mark.django_db

ROWS = "title,body\n" + "".join(f"Row {n},Prices rose {n} percent in 2026.\n" for n in range(250))


@pytest.fixture(autouse=True)
def analyses_not_sent(monkeypatch):
    monkeypatch.setattr(queueing, "_analysis_sender", lambda article_id, task_id: None)


@pytest.fixture
def short_waits(settings):
    """The task's countdowns (30, 60, 120 s) scaled to 0.07 s in all: 0.01, 0.02 and 0.04 s."""
    settings.INTAKE_IN_PROCESS_RETRY_SECONDS = 0.07


def database_away_at_row_150(monkeypatch, *, tries: int) -> list[int]:
    """The database errs at row 150, its first `tries` times; the list of every try at it."""
    real_store, tried = bulk.import_row_store, []

    def away(fields, **kwargs):
        if fields["title"] == "Row 150":
            tried.append(1)
            if len(tried) <= tries:
                raise OperationalError("could not connect to server")
        return real_store(fields, **kwargs)

    monkeypatch.setattr(bulk, "import_row_store", away)
    return tried


def retries_said(monkeypatch) -> list[tuple[float, str, str]]:
    """Each retry's wait, and the batch's status and error while it waits."""
    real_retry_later, said = bulk.import_batch_retry_later, []

    def retry_later(*, batch_id, retry_in, retry_sent):
        real_retry_later(batch_id=batch_id, retry_in=retry_in, retry_sent=retry_sent)
        said.append((retry_in, *ImportBatch.objects.values_list("status", "error").get()))

    monkeypatch.setattr(bulk, "import_batch_retry_later", retry_later)
    return said


def a_batch() -> ImportBatch:
    return import_batch_create(file_name="many.csv", data=ROWS.encode(), queue=False)


def test_a_worker_retries_an_import_after_the_tasks_countdown_and_says_so(monkeypatch):
    database_away_at_row_150(monkeypatch, tries=1)
    said = retries_said(monkeypatch)
    countdowns = []

    def retry(task, error, countdown, *, unsent):
        countdowns.append(countdown)
        raise Retry(exc=error, when=countdown)

    monkeypatch.setattr(tasks, "_retry", retry)
    batch = a_batch()
    with pytest.raises(Retry):
        run_as_a_worker(tasks.import_batch_run, batch.pk)
    assert countdowns == [30]
    retry_in, status, error = said[0]
    assert status == ImportStatus.QUEUED and "tries again in 30 s" in error
    assert "after 100 rows" in error and "Import the file again" not in error
    assert ImportBatch.objects.get().rows_done == Article.objects.count() == 100


@pytest.mark.django_db(transaction=True)
def test_without_a_worker_an_import_whose_connection_closes_waits_briefly_and_resumes(
    monkeypatch, settings
):
    """PostgreSQL closes the connection halfway: Celery's eager retries came at once, so a
    database away for a moment failed the import. Every row still counts once."""
    if connection.vendor != "postgresql":
        pytest.skip("closes a connection from PostgreSQL's side")
    settings.INTAKE_IN_PROCESS_RETRY_SECONDS = 0.7  # a first wait of 0.1 s
    batch = a_batch()
    real_store, states = bulk.import_row_store, []

    def postgresql_restarts_at_row_150(fields, **kwargs):
        if fields["title"] == "Row 150" and not states:
            states.append(ImportBatch.objects.values_list("rows_done", flat=True).get())
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")
        return real_store(fields, **kwargs)

    monkeypatch.setattr(bulk, "import_row_store", postgresql_restarts_at_row_150)
    said = retries_said(monkeypatch)
    tasks.import_batch_run.apply(args=[batch.pk])  # in-process, as task_send runs it
    batch.refresh_from_db()
    assert states == [100]
    retry_in, status, error = said[0]
    assert retry_in == pytest.approx(0.1) and status == ImportStatus.QUEUED
    assert "tries again in 0.1 s" in error and "after 100 rows" in error
    assert batch.status == ImportStatus.DONE and batch.error == ""
    assert batch.rows_done == batch.stored == Article.objects.count() == 250


def test_without_a_worker_an_import_is_tried_as_often_as_the_task_after_waits_cut_short(
    monkeypatch, settings
):
    settings.INTAKE_IN_PROCESS_RETRY_SECONDS = 7.0  # waits of 1, 2 and 4 s
    tried = database_away_at_row_150(monkeypatch, tries=100)
    batch, waits = a_batch(), []
    with pytest.raises(OperationalError):
        bulk.import_batch_run_in_process(batch_id=batch.pk, sleep=waits.append)
    assert len(tried) == DATABASE_RETRIES + 1 == tasks.import_batch_run.max_retries + 1
    assert waits == [1.0, 2.0, 4.0]  # not 30, 60 and 120 s, nor none at all
    batch.refresh_from_db()
    assert batch.status == ImportStatus.FAILED
    assert batch.error == bulk.INTERNAL_ERROR.format(done=100, total=250)
    assert batch.rows_done == batch.stored == Article.objects.count() == 100


def test_without_a_worker_the_import_task_waits_between_its_tries(monkeypatch, short_waits):
    tried = database_away_at_row_150(monkeypatch, tries=100)
    said = retries_said(monkeypatch)
    batch = a_batch()
    assert tasks.import_batch_run.apply(args=[batch.pk]).get() is None
    # Celery's eager retries said "tries again in 30 s" and tried again at once.
    assert [retry_in for retry_in, *_ in said] == pytest.approx([0.01, 0.02, 0.04])
    assert len(tried) == DATABASE_RETRIES + 1
    batch.refresh_from_db()
    assert batch.status == ImportStatus.FAILED
    assert batch.rows_done == batch.stored == Article.objects.count() == 100


def test_the_command_waits_out_a_database_that_blinks_and_imports_every_row_once(
    monkeypatch, tmp_path, short_waits, capsys
):
    path = tmp_path / "many.csv"
    path.write_text(ROWS, encoding="utf-8")
    tried = database_away_at_row_150(monkeypatch, tries=1)
    call_command("import_articles", str(path))  # it failed the import at the first error
    assert len(tried) == 2
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.error) == (ImportStatus.DONE, "")
    assert batch.rows_done == batch.stored == Article.objects.count() == 250
    assert "250 rows, 250 stored" in capsys.readouterr().out


def test_the_command_fails_an_import_whose_database_stays_away_and_says_so(
    monkeypatch, tmp_path, short_waits
):
    path = tmp_path / "many.csv"
    path.write_text(ROWS, encoding="utf-8")
    tried = database_away_at_row_150(monkeypatch, tries=100)
    with pytest.raises(CommandError, match="stopped the import after 100 of 250 rows"):
        call_command("import_articles", str(path))
    assert len(tried) == DATABASE_RETRIES + 1
    assert ImportBatch.objects.get().status == ImportStatus.FAILED
    assert Article.objects.count() == 100


class Interrupted(BaseException):
    """Ctrl-C in the command, or a web server killing the request, during a wait."""


def test_an_import_stopped_during_an_in_process_wait_is_recovered_within_minutes(
    monkeypatch, short_waits
):
    """Its retry was never a message in a broker, so it must not read as one sent lately:
    the recovery leaves those alone for an hour (queue.presumed_lost_after)."""
    database_away_at_row_150(monkeypatch, tries=1)
    batch = a_batch()

    def interrupted(seconds):
        raise Interrupted

    with pytest.raises(Interrupted):
        bulk.import_batch_run_in_process(batch_id=batch.pk, sleep=interrupted)
    batch.refresh_from_db()
    assert (batch.status, batch.sent_at, batch.rows_done) == (ImportStatus.QUEUED, None, 100)
    assert batch.error.startswith("The database could not be reached after 100 rows")

    ImportBatch.objects.filter(pk=batch.pk).update(created_at=timezone.now() - timedelta(minutes=6))
    assert import_recovery.import_batches_recover(queued_for=timedelta(minutes=5)) == [batch.pk]
    batch.refresh_from_db()  # run here by the recovery, as task_send runs it without a worker
    assert (batch.status, batch.error) == (ImportStatus.DONE, "")
    assert batch.rows_done == batch.stored == Article.objects.count() == 250


def test_an_import_run_by_its_send_and_left_queued_is_not_marked_sent(monkeypatch, short_waits):
    """Without a worker the send runs the import inside it; the database erred at row 150 and
    was then away at every later try and at the failure's write, so the batch is left queued
    for the recovery, which must find it unsent."""
    database_away_at_row_150(monkeypatch, tries=1)
    real_lock, real_fail = bulk.import_batch_lock, bulk.import_batch_fail
    tries = []

    def lock_then_away(batch_id):
        tries.append(batch_id)
        if len(tries) > 1:
            raise OperationalError("could not connect to server")
        return real_lock(batch_id)

    def still_away(*, batch_id):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(bulk, "import_batch_lock", lock_then_away)
    monkeypatch.setattr(bulk, "import_batch_fail", still_away)
    batch = a_batch()
    assert import_recovery.import_batch_send(batch.pk)
    batch.refresh_from_db()
    assert len(tries) == DATABASE_RETRIES + 1
    assert (batch.status, batch.sent_at, batch.rows_done) == (ImportStatus.QUEUED, None, 100)

    monkeypatch.setattr(bulk, "import_batch_lock", real_lock)  # the database is back
    monkeypatch.setattr(bulk, "import_batch_fail", real_fail)
    ImportBatch.objects.filter(pk=batch.pk).update(created_at=timezone.now() - timedelta(minutes=6))
    assert import_recovery.import_batches_recover(queued_for=timedelta(minutes=5)) == [batch.pk]
    batch.refresh_from_db()
    assert batch.status == ImportStatus.DONE
    assert batch.rows_done == batch.stored == Article.objects.count() == 250
