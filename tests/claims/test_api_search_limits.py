"""One limit on the length of a search, said in one sentence, wherever a `q` is read."""

import pytest
from django.urls import reverse

from articles.search import SEARCH_QUERY_MAX
from tests.api_clients import client_with, key_client
from tests.factories import fact_checker

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("fast_password_hashing", "fresh_cache"),
]

TOO_LONG = "A search can be at most 2,000 characters long."
API_SEARCHES = [
    "/api/v1/verdicts/search/",
    "/api/v1/verdicts/",
    "/api/v1/claims/",
    "/api/v1/speakers/",
]


def words(length: int) -> str:
    return ("budget " * length)[:length]


@pytest.mark.parametrize("path", API_SEARCHES)
def test_every_api_search_refuses_one_character_too_many_in_the_same_words(path):
    response = key_client().get(path, {"q": words(SEARCH_QUERY_MAX + 1)})
    assert response.status_code == 400
    assert response.json()["fields"] == {"q": [TOO_LONG]}


@pytest.mark.parametrize("path", API_SEARCHES)
def test_every_api_search_takes_a_query_at_the_limit(path):
    response = key_client().get(path, {"q": words(SEARCH_QUERY_MAX)})
    assert response.status_code == 200, response.json()


def test_the_published_search_says_the_same_to_a_client_without_a_key():
    response = client_with().get("/api/v1/verdicts/", {"q": words(SEARCH_QUERY_MAX + 1)})
    assert response.json()["fields"] == {"q": [TOO_LONG]}


def test_the_schema_documents_the_limit_the_search_applies():
    schema = client_with().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    parameters = schema.json()["paths"]["/api/v1/verdicts/search/"]["get"]["parameters"]
    (q,) = [parameter for parameter in parameters if parameter["name"] == "q"]
    assert "1 to 2,000 characters" in q["description"]


def test_the_public_index_refuses_a_long_search_in_the_same_words(client):
    response = client.get(reverse("claims:public_index"), {"q": words(SEARCH_QUERY_MAX + 1)})
    assert response.status_code == 400
    assert TOO_LONG in response.text


def test_the_desk_queue_marks_a_long_search_in_the_same_words(client):
    client.force_login(fact_checker(username="fc"))
    response = client.get(reverse("claims:queue"), {"q": words(SEARCH_QUERY_MAX + 1)})
    assert response.context["form"].errors["q"] == [TOO_LONG]
    page = client.get(reverse("claims:queue")).text
    assert f'maxlength="{SEARCH_QUERY_MAX}"' in page


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({}, "q", "Give the statement to look for: ?q=..."),
        ({"q": "  "}, "q", "Give at least one word to search for."),
        ({"q": "budget", "limit": ""}, "limit", "Give a whole number from 1 to 50."),
        ({"q": "budget", "limit": "ten"}, "limit", "Give a whole number from 1 to 50."),
        ({"q": "budget", "limit": "51"}, "limit", "Give a whole number from 1 to 50."),
    ],
)
def test_the_search_says_what_to_send_in_the_lists_words(query, field, message):
    response = client_with().get("/api/v1/verdicts/search/", query)
    assert response.status_code == 400
    assert response.json()["fields"] == {field: [message]}
