"""The intake job admin: its "Retry" action goes through the intake service, and a user who may
only look at jobs is told so when the action is posted anyway."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from articles.models import IntakeJob, IntakeStatus
from tests.factories import UserFactory, fact_checker, fast_password_hashing  # noqa: F401

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


def test_a_user_who_may_only_view_jobs_posting_retry_anyway_is_told_it_is_refused(client):
    job = failed_job()
    viewer = UserFactory()
    viewer.user_permissions.add(Permission.objects.get(codename="view_intakejob"))
    client.force_login(viewer)
    assert post_retry(client, job) == ["You may not “Retry the failed jobs”: nothing changed."]
    assert IntakeJob.objects.get(pk=job.pk).status == IntakeStatus.FAILED
