"""Bulk imports under faults: the broker down at upload, a second delivery while one runs, a
worker that dies halfway. Each import runs once, every row counted once, and nothing stays
'queued' or 'running' for ever."""

import threading
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from articles.intake import bulk, import_recovery
from articles.intake.bulk import import_batch_create, import_batch_run
from articles.intake.import_recovery import import_batches_recover
from articles.intake.queue import presumed_lost_after
from articles.management.commands import requeue_imports
from articles.models import Article, ImportBatch, ImportChunk, ImportStatus
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROWS = "title,body\n" + "".join(f"Row {n},Prices rose {n} percent in 2026.\n" for n in range(250))


@pytest.fixture
def sent(monkeypatch):
    """What reaches the broker, as with a worker (nothing is run)."""
    batches: list[int] = []

    def send(name, *args):
        batches.append(args[0])
        return True

    monkeypatch.setattr(import_recovery, "task_send", send)
    monkeypatch.setattr(import_recovery, "tasks_run_in_process", lambda: False)
    return batches


@pytest.fixture
def broker_down(monkeypatch):
    monkeypatch.setattr(import_recovery, "task_send", lambda name, *args: False)


def upload(client):
    # Permissions, not the role: a transactional test's flush removed the migrations' groups.
    user = UserFactory()
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_importbatch", "add_importbatch"])
    )
    client.force_login(user)
    response = client.post(
        "/intake/imports/", {"file": SimpleUploadedFile("rows.csv", ROWS.encode())}, follow=True
    )
    return ImportBatch.objects.get(), response.content.decode()


# Real commits: the view's transaction sends the batch as it commits, before it answers.
@pytest.mark.django_db(transaction=True)
def test_an_upload_while_the_broker_is_down_is_kept_and_says_it_is_sent_later(client, broker_down):
    batch, page = upload(client)
    assert batch.status == ImportStatus.QUEUED and batch.total_rows is None  # counted by the task
    assert batch.error == import_recovery.BROKER_DOWN_ERROR
    assert "sent again automatically once the queue is back" in page
    assert "upload the file again" not in page


def test_the_recovery_sends_an_import_that_never_reached_the_broker_and_it_runs_once(
    monkeypatch, sent, django_capture_on_commit_callbacks
):
    broker_back = import_recovery.task_send
    monkeypatch.setattr(import_recovery, "task_send", lambda name, *args: False)
    with django_capture_on_commit_callbacks(execute=True):
        batch = import_batch_create(file_name="rows.csv", data=ROWS.encode())
    assert ImportBatch.objects.get(pk=batch.pk).error == import_recovery.BROKER_DOWN_ERROR
    monkeypatch.setattr(import_recovery, "task_send", broker_back)

    assert import_batches_recover(queued_for=timedelta(minutes=5)) == []  # not stale yet
    ImportBatch.objects.filter(pk=batch.pk).update(created_at=timezone.now() - timedelta(minutes=6))
    import_batches_recover(queued_for=timedelta(minutes=5))
    assert sent == [batch.pk]

    with django_capture_on_commit_callbacks():  # the analyses are queued, not run
        progress = import_batch_run(batch_id=batch.pk)
        again = import_batch_run(batch_id=batch.pk)  # the recovery's copy, delivered late
    batch.refresh_from_db()
    assert batch.status == ImportStatus.DONE and batch.error == ""
    assert progress.stored == again.stored == batch.stored == Article.objects.count() == 250
    assert import_batches_recover(queued_for=timedelta(0)) == []  # done: left alone
    assert sent == [batch.pk]


class WorkerDied(BaseException):
    """A stand-in for SIGKILL: not an Exception, so no handler runs and nothing is marked."""


def test_a_run_whose_worker_died_resumes_after_its_last_chunk_and_counts_each_row_once(
    monkeypatch, sent, django_capture_on_commit_callbacks
):
    batch = import_batch_create(file_name="many.csv", data=ROWS.encode(), queue=False)
    real_store = bulk.import_row_store

    def dies_at_row_150(fields, **kwargs):
        if fields["title"] == "Row 150":
            raise WorkerDied
        return real_store(fields, **kwargs)

    monkeypatch.setattr(bulk, "import_row_store", dies_at_row_150)
    with django_capture_on_commit_callbacks(), pytest.raises(WorkerDied):
        import_batch_run(batch_id=batch.pk)
    batch.refresh_from_db()
    # The first chunk's rows and counts were committed together; the second chunk not at all.
    assert batch.status == ImportStatus.RUNNING
    assert batch.rows_done == batch.stored == Article.objects.count() == 100

    assert import_batches_recover(queued_for=timedelta(minutes=5)) == [batch.pk]
    monkeypatch.setattr(bulk, "import_row_store", real_store)
    with django_capture_on_commit_callbacks():
        progress = import_batch_run(batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.DONE
    assert (progress.stored, progress.skipped, progress.failed) == (250, 0, 0)
    assert (batch.rows_done, batch.stored, batch.skipped) == (250, 250, 0)
    assert Article.objects.count() == 250


@pytest.mark.django_db(transaction=True)
def test_a_second_delivery_while_the_import_runs_does_nothing_and_is_not_sent_again(sent):
    if connection.vendor != "postgresql":
        pytest.skip("the lock is PostgreSQL's")
    batch = import_batch_create(file_name="many.csv", data=ROWS.encode(), queue=False)
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.RUNNING)
    holding, release = threading.Event(), threading.Event()

    def running_elsewhere():  # another worker's connection, in the middle of the run
        try:
            with import_recovery.import_batch_lock(batch.pk) as held:
                assert held
                holding.set()
                release.wait(30)
        finally:
            connection.close()

    other = threading.Thread(target=running_elsewhere)
    other.start()
    try:
        assert holding.wait(30)
        progress = import_batch_run(batch_id=batch.pk)
        assert progress.done == 0 and not Article.objects.exists()
        assert import_batches_recover(queued_for=timedelta(0)) == []  # alive: not sent
    finally:
        release.set()
        other.join(30)
    # Its worker gone (the lock freed with its connection), the batch is sent again.
    assert import_batches_recover(queued_for=timedelta(0)) == [batch.pk]
    assert sent == [batch.pk]


def test_the_import_recovery_runs_on_celery_beat(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["recover-imports"]
    assert entry["task"] == "articles.tasks.import_batches_recover"


def test_the_recovery_leaves_an_import_waiting_in_the_broker_and_resends_one_presumed_lost(
    sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        batch = import_batch_create(file_name="rows.csv", data=ROWS.encode())
    assert sent == [batch.pk] and ImportBatch.objects.get(pk=batch.pk).sent_at is not None
    # Behind a backlog for ten minutes: still in the broker, not sent a second time.
    ImportBatch.objects.filter(pk=batch.pk).update(
        created_at=timezone.now() - timedelta(minutes=10)
    )
    assert import_batches_recover(queued_for=timedelta(minutes=5)) == []
    assert sent == [batch.pk]
    # Sent so long ago that the message is presumed lost (Redis lost its data): sent again.
    ImportBatch.objects.filter(pk=batch.pk).update(
        sent_at=timezone.now() - presumed_lost_after() - timedelta(minutes=1)
    )
    assert import_batches_recover(queued_for=timedelta(minutes=5)) == [batch.pk]
    assert sent == [batch.pk, batch.pk]


# --- manage.py requeue_imports: the same recovery by hand, where no beat runs ------------------


def test_requeue_imports_runs_the_stuck_imports_here_without_a_task_queue(
    monkeypatch, capsys, django_capture_on_commit_callbacks
):
    """The zero-config start has no beat: an import its worker process lost halfway, and one
    that never started, were left for ever. Without a task queue the send runs each here."""
    unsent = import_batch_create(file_name="unsent.csv", data=ROWS.encode(), queue=False)
    other_rows = ROWS.replace("Prices rose", "Rents fell")
    died = import_batch_create(file_name="died.csv", data=other_rows.encode(), queue=False)
    young = import_batch_create(file_name="young.csv", data=ROWS.encode(), queue=False)
    real_store = bulk.import_row_store

    def dies_at_row_150(fields, **kwargs):
        if fields["title"] == "Row 150" and "Rents" in fields["body"]:
            raise WorkerDied
        return real_store(fields, **kwargs)

    monkeypatch.setattr(bulk, "import_row_store", dies_at_row_150)
    with django_capture_on_commit_callbacks(), pytest.raises(WorkerDied):
        import_batch_run(batch_id=died.pk)
    monkeypatch.setattr(bulk, "import_row_store", real_store)
    ImportBatch.objects.filter(pk__in=[unsent.pk, died.pk]).update(
        created_at=timezone.now() - timedelta(minutes=6)
    )

    with django_capture_on_commit_callbacks():
        call_command("requeue_imports")
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"Ran 2 import(s) here (no task queue): #{unsent.pk}, #{died.pk}"
    assert out[1] == (
        f"#{unsent.pk} unsent.csv: done, 250 of 250 rows done, 250 stored, "
        "0 queued for fetching, 0 skipped, 0 failed"
    )
    # The 100 rows its dead run kept are not read again.
    assert out[2] == (
        f"#{died.pk} died.csv: done, 250 of 250 rows done, 250 stored, "
        "0 queued for fetching, 0 skipped, 0 failed"
    )
    assert out[3] == (
        "Left as they are: 1 unfinished import(s) running, waiting in the broker or queued "
        f"less than 5 minute(s) ago: #{young.pk}"
    )
    assert Article.objects.count() == 500
    assert ImportBatch.objects.get(pk=young.pk).status == ImportStatus.QUEUED


def test_requeue_imports_sends_an_unsent_import_to_the_broker_and_says_nothing_to_do_after(
    sent, capsys, monkeypatch
):
    monkeypatch.setattr(requeue_imports, "tasks_run_in_process", lambda: False)
    batch = import_batch_create(file_name="rows.csv", data=ROWS.encode(), queue=False)
    ImportBatch.objects.filter(pk=batch.pk).update(created_at=timezone.now() - timedelta(minutes=6))
    call_command("requeue_imports")
    assert sent == [batch.pk]
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"Requeued 1 import(s): #{batch.pk}"
    assert out[1].startswith(f"#{batch.pk} rows.csv: queued, 0 of ? rows done")
    call_command("requeue_imports")  # now in the broker: left there, not sent twice
    assert sent == [batch.pk]
    assert capsys.readouterr().out.splitlines()[0] == "Requeued 0 import(s)."


# --- What is kept of a finished import's file ------------------------------------------------


def test_an_import_that_fails_drops_its_file_since_it_is_never_resumed(monkeypatch):
    """A failed import is not resumed (its page says to import the file again, which skips
    the rows stored), so its pieces (up to 200 MB) would only sit in the database."""
    batch = import_batch_create(file_name="many.csv", data=ROWS.encode(), queue=False)
    real_store = bulk.import_row_store

    def breaks_at_row_150(fields, **kwargs):
        if fields["title"] == "Row 150":
            raise RuntimeError("a bug")
        return real_store(fields, **kwargs)

    monkeypatch.setattr(bulk, "import_row_store", breaks_at_row_150)
    with pytest.raises(RuntimeError):
        bulk.import_batch_run(batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.FAILED and batch.rows_done == 100
    assert not ImportChunk.objects.filter(batch=batch).exists()


def test_an_import_failed_after_its_retries_drops_its_file():
    batch = import_batch_create(file_name="many.csv", data=ROWS.encode(), queue=False)
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.RUNNING)
    bulk.import_batch_fail(batch_id=batch.pk)
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportStatus.FAILED
    assert not ImportChunk.objects.filter(batch=batch).exists()


def test_beat_drops_the_files_finished_imports_kept_and_keeps_the_ones_still_to_run(
    monkeypatch,
):
    """Imports that failed before their file was dropped at the failure (or whose drop the
    database refused) lose it at the recovery's next run; a queued or running one keeps it."""
    from articles import tasks

    monkeypatch.setattr(import_recovery, "task_send", lambda name, *args: True)
    kept = {}
    for status in ImportStatus.values:
        batch = import_batch_create(file_name=f"{status}.csv", data=ROWS.encode(), queue=False)
        ImportBatch.objects.filter(pk=batch.pk).update(status=status, content="title,body\n")
        kept[status] = batch
    tasks.import_batches_recover()
    with_file = set(ImportChunk.objects.values_list("batch__status", flat=True))
    assert with_file == {ImportStatus.QUEUED, ImportStatus.RUNNING}
    assert set(ImportBatch.objects.exclude(content="").values_list("status", flat=True)) == {
        ImportStatus.QUEUED,
        ImportStatus.RUNNING,
    }
