"""The intake job admin: its "Retry" action goes through the intake service, and a user who may
only look at jobs gets a 403 saying why when the action is posted anyway; an import batch's
delete page counts its stored file pieces without reading them."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from articles.models import ImportBatch, ImportChunk, ImportStatus, IntakeJob, IntakeStatus
from tests.factories import (  # noqa: F401
    UserFactory,
    admin_user,
    fact_checker,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]
JOBS = reverse("admin:articles_intakejob_changelist")


def failed_job() -> IntakeJob:
    return IntakeJob.objects.create(
        url="https://news.example/gone",
        fetch_url="https://news.example/gone",
        status=IntakeStatus.FAILED,
        reason="The page answered 503.",
    )


def post_retry(client, job):
    response = client.post(JOBS, {"action": "retry", "_selected_action": [job.pk]}, follow=True)
    return [str(message) for message in response.context["messages"]]


def test_the_retry_action_queues_a_failed_job_again(client, django_capture_on_commit_callbacks):
    job = failed_job()
    client.force_login(fact_checker())
    with django_capture_on_commit_callbacks():
        assert post_retry(client, job) == ["Queued 1 job(s) again."]
    assert IntakeJob.objects.get(pk=job.pk).status == IntakeStatus.QUEUED


def test_a_user_who_may_only_view_jobs_posting_retry_anyway_gets_a_403_saying_why(client):
    job = failed_job()
    viewer = UserFactory()
    viewer.user_permissions.add(Permission.objects.get(codename="view_intakejob"))
    client.force_login(viewer)
    response = client.post(JOBS, {"action": "retry", "_selected_action": [job.pk]})
    assert response.status_code == 403
    assert response.context["exception"] == (
        "You may not “Retry the failed jobs”: it needs the permission to change intake jobs, "
        "which your account does not have. Nothing changed."
    )
    assert IntakeJob.objects.get(pk=job.pk).status == IntakeStatus.FAILED
    assert client.get(JOBS).status_code == 200  # the list itself stays readable


def stored_batch(pieces: int = 3) -> ImportBatch:
    batch = ImportBatch.objects.create(
        file_name="rows.csv", file_format="csv", status=ImportStatus.FAILED
    )
    ImportChunk.objects.bulk_create(
        ImportChunk(batch=batch, number=n, data=b"title,body\n" * 100) for n in range(pieces)
    )
    return batch


@pytest.mark.parametrize("how", ["delete page", "delete action"])
def test_deleting_an_import_batch_counts_its_file_pieces_and_never_reads_them(client, how):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    batch = stored_batch()
    client.force_login(admin_user())
    with CaptureQueriesContext(connection) as queries:
        if how == "delete page":
            response = client.get(reverse("admin:articles_importbatch_delete", args=[batch.pk]))
        else:
            response = client.post(
                reverse("admin:articles_importbatch_changelist"),
                {"action": "delete_selected", "_selected_action": [batch.pk]},
            )
    assert response.status_code == 200
    page = response.content.decode()
    assert "3 stored file piece(s)" in page and "rows.csv #" not in page
    chunk_reads = [q["sql"] for q in queries.captured_queries if "articles_importchunk" in q["sql"]]
    assert chunk_reads and not [sql for sql in chunk_reads if '"data"' in sql]
    assert not [q for q in queries.captured_queries if '"content"' in q["sql"]]


def test_confirming_the_deletion_removes_the_batch_and_its_pieces(client):
    batch = stored_batch()
    client.force_login(admin_user())
    url = reverse("admin:articles_importbatch_delete", args=[batch.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not ImportBatch.objects.exists() and not ImportChunk.objects.exists()


def test_file_pieces_are_all_that_an_import_batch_s_deletion_takes_with_it():
    """The delete page lists only the pieces (ImportBatchAdmin.get_deleted_objects): a new
    relation that cascades from a batch must be listed there too."""
    from django.db.models import CASCADE

    cascades = [
        rel.related_model for rel in ImportBatch._meta.related_objects if rel.on_delete is CASCADE
    ]
    assert cascades == [ImportChunk]


def test_an_import_batch_is_listed_by_status_and_viewed_not_edited(client):
    done = ImportBatch.objects.create(file_name="done.csv", status=ImportStatus.DONE)
    ImportBatch.objects.create(
        file_name="failed.csv", status=ImportStatus.FAILED, error="The file could not be read."
    )
    client.force_login(admin_user())
    listed = client.get(
        reverse("admin:articles_importbatch_changelist"), {"status__exact": "failed"}
    )
    assert "failed.csv" in listed.content.decode() and "done.csv" not in listed.content.decode()
    change = reverse("admin:articles_importbatch_change", args=[done.pk])
    page = client.get(change).content.decode()
    assert "done.csv" in page and 'name="_save"' not in page
    assert client.post(change, {"file_name": "renamed.csv"}).status_code == 403
    done.refresh_from_db()
    assert done.file_name == "done.csv"


def test_the_title_date_and_language_given_with_a_url_are_shown_on_its_job_not_edited(client):
    job = IntakeJob.objects.create(
        url="https://news.example/a",
        fetch_url="https://news.example/a",
        title="Fares rise 5%",
        published_at=datetime(2026, 11, 18, 12, tzinfo=UTC),
        language="pt-br",
    )
    client.force_login(admin_user())
    page = client.get(reverse("admin:articles_intakejob_change", args=[job.pk])).content.decode()
    for shown in ["Fares rise 5%", "18 Nov 2026 12:00 UTC", "pt-br"]:
        assert f'<div class="readonly">{shown}</div>' in page
    assert 'name="title"' not in page and 'name="language"' not in page
