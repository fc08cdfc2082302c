"""An article's language is a real language's code (CLDR's list: ISO 639-1, and ISO 639-2/3
for languages without a two-letter code), not any two letters: one rule, one sentence, for
the API, the admin's forms, bulk rows and the API's language filter."""

import pytest
from django.urls import reverse

from articles.intake.jobs import intake_job_submit
from articles.models import Article, IntakeStatus
from articles.services import language_refusal
from tests.api_clients import client_with, make_key
from tests.articles.conftest import article_page, story
from tests.claims.test_api_articles import BODY
from tests.factories import fact_checker

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

UNKNOWN = "No language has the code 'xx': use an ISO 639 code such as 'en' or 'pt-br'."


@pytest.mark.parametrize("code", ["en", "pt-br", "zh-hant", "fil", "yue", "de"])
def test_real_language_codes_are_taken(code):
    assert language_refusal(code) is None


@pytest.mark.parametrize("code", ["xx", "xx-br", "zz", "qqq"])
def test_a_well_formed_code_of_no_language_is_refused(code):
    assert language_refusal(code) == UNKNOWN.replace("xx", code.split("-")[0])


def test_the_api_refuses_a_code_of_no_language_and_stores_nothing():
    client = client_with(make_key(read=False, submit=True)[1])
    payload = {"title": "T", "body": BODY, "language": "XX"}
    response = client.post("/api/v1/articles/", payload, format="json")
    assert response.status_code == 400
    assert response.json()["fields"] == {"language": [UNKNOWN]}
    assert not Article.objects.exists()


def test_the_admins_add_form_refuses_it_in_the_same_words(client):
    client.force_login(fact_checker())
    data = {"title": "Budget", "body": "The budget grew 4 percent.", "language": "xx"}
    response = client.post(reverse("admin:articles_article_add"), data)
    assert response.context["adminform"].form.errors["language"] == [UNKNOWN]
    assert not Article.objects.exists()


def test_the_api_language_filter_says_the_same():
    response = client_with().get("/api/v1/verdicts/", {"language": "xx"})
    assert response.status_code == 400
    assert response.json()["fields"] == {"language": [UNKNOWN]}


def test_a_fetched_page_whose_lang_is_no_language_is_stored_as_one_without_lang(
    intake_server, django_capture_on_commit_callbacks
):
    # Nobody at the desk typed the page's lang attribute: it is not a reason to drop the page.
    page = article_page(intake_server.base, "Council budget", story("budget"), "/news/xx")
    intake_server.set("/news/xx", page.replace('lang="en"', 'lang="xx"'))
    with django_capture_on_commit_callbacks(execute=True):
        job = intake_job_submit(url=intake_server.url("/news/xx"))
    job.refresh_from_db()
    assert job.status == IntakeStatus.STORED, job.reason
    assert job.article.language == "en"
