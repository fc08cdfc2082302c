"""A URL the desk could not fetch: the API's job says what failed in the words the desk's own
form and job page use (one reason, written once by the fetch)."""

from html import escape

import pytest

from articles.models import IntakeJob, IntakeStatus
from tests.api_clients import client_with, make_key
from tests.articles.conftest import _intake_server_process, intake_server  # noqa: F401
from tests.factories import fact_checker, restore_migration_data

pytestmark = pytest.mark.usefixtures("fresh_cache")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("path", "says"),
    [
        ("/slow", "Timed out after 1 s."),
        ("/missing", "The page answered 404."),
        ("/short", "No article text found: 34 characters extracted."),
    ],
)
def test_the_api_says_why_a_fetch_failed_as_the_desks_form_does(
    intake_server,  # noqa: F811
    client,
    settings,
    path,
    says,
):
    restore_migration_data()  # an earlier transactional test flushed the groups
    intake_server.slow_seconds = 1.5
    settings.INTAKE_IN_REQUEST_FETCH_SECONDS = 1
    _, key = make_key(read=False, submit=True)
    answer = client_with(key).post(
        "/api/v1/articles/", {"url": intake_server.url(path)}, format="json"
    )
    assert answer.status_code == 202, answer.content
    assert answer.json()["status"] == IntakeStatus.FAILED
    api_reason = answer.json()["reason"]
    assert api_reason.startswith(says)

    IntakeJob.objects.all().delete()  # the desk's own try of the same URL
    client.force_login(fact_checker())
    page = client.post("/articles/new/", {"url": intake_server.url(path)}, follow=True)
    assert "The page could not be taken in: the reason is below." in page.content.decode()
    job = IntakeJob.objects.get()
    assert job.reason == api_reason
    assert escape(api_reason) in page.content.decode()  # the job page it leads to
