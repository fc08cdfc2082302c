"""A message that names a URL quotes its first 100 characters and an ellipsis
(articles.intake.storable.url_shown): a 2,000-character address echoed whole buried the reason,
on the paste form, in a job's reason, in fetch_url's error and in an API answer."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils.html import escape

from articles.intake.jobs import intake_job_submit
from articles.intake.storable import url_shown
from articles.models import Article, IntakeJob, SourceKind
from articles.services import article_submit
from tests.api_clients import client_with, make_key
from tests.factories import fact_checker

pytestmark = pytest.mark.django_db

# Not a URL urllib3 reads (a space in the host), 1,900 characters long.
BROKEN = "http://news example.org/" + "a" * 1_876
NOT_HTTP = "ftp://news.example.org/" + "a" * 1_877


def test_url_shown_cuts_after_100_characters_with_an_ellipsis():
    assert url_shown("https://a.example/") == "https://a.example/"
    assert url_shown(BROKEN) == BROKEN[:100] + "…"


def test_fetch_url_and_an_intake_job_quote_the_start_of_a_refused_url():
    with pytest.raises(ValidationError) as refused:
        intake_job_submit(url=BROKEN, queue=False)
    assert refused.value.message_dict == {
        "url": [f"Refused: {BROKEN[:100] + '…'!r} is not a valid URL."]
    }
    with pytest.raises(CommandError) as failed:
        call_command("fetch_url", BROKEN)
    assert str(failed.value) == f"Refused: {BROKEN[:100] + '…'!r} is not a valid URL."
    assert not IntakeJob.objects.exists()


def test_a_robots_refusal_quotes_the_start_of_the_url(intake_server):
    long_private = intake_server.url("/private/" + "p" * 1_500)
    with pytest.raises(CommandError) as failed:
        call_command("fetch_url", long_private)
    reason = str(failed.value)
    assert reason.endswith(f"robots.txt disallows {long_private[:100]}….")
    assert len(reason) < 250


def test_the_service_and_the_api_quote_the_start_of_a_url_that_is_not_http():
    with pytest.raises(ValidationError) as refused:
        article_submit(
            title="Budget", body="Rates rose.", source_kind=SourceKind.PASTED, url=NOT_HTTP
        )
    assert refused.value.message_dict["url"] == [
        f"{NOT_HTTP[:100] + '…'!r} is not a valid http(s) URL."
    ]
    api = client_with(make_key(read=False, submit=True)[1])
    answer = api.post(
        "/api/v1/articles/", {"title": "Budget", "body": "Rates rose.", "url": NOT_HTTP}, "json"
    )
    assert answer.status_code == 400 and NOT_HTTP not in answer.content.decode()
    assert not Article.objects.exists()


def test_the_paste_form_s_job_gives_the_reason_with_the_start_of_the_url(
    client, intake_server, django_capture_on_commit_callbacks
):
    client.force_login(fact_checker())
    long_private = intake_server.url("/private/" + "p" * 1_500)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("articles:submit"), {"url": long_private})
    job = IntakeJob.objects.get()
    assert job.status == "failed" and job.url == long_private
    assert job.reason == f"Refused: the site's robots.txt disallows {long_private[:100]}…."
    page = client.get(reverse("articles:intake_job", args=[job.pk])).content.decode()
    assert escape(job.reason) in page
