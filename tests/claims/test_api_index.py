"""GET /api/v1/ answers the API's index: every endpoint the router gives with its absolute URL,
its methods and whether it needs a key, and links to the documentation and the schema. Public,
as the documentation is; it was a 404."""

import pytest

from claims.api.urls import router
from tests.api_clients import client_with

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

BASE = "http://testserver/api/v1/"


def test_the_api_root_lists_every_endpoint_with_its_url_and_the_docs_and_schema():
    response = client_with().get("/api/v1/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    index = response.json()
    assert index["docs_url"] == "http://testserver/api/docs/"
    assert index["schema_url"] == "http://testserver/api/schema/"
    endpoints = index["endpoints"]
    assert endpoints["verdict-list"] == {
        "url": f"{BASE}verdicts/",
        "methods": ["GET"],
        "key_required": False,
    }
    assert endpoints["verdict-search"]["url"] == f"{BASE}verdicts/search/"
    assert endpoints["verdict-claimreview"]["url"] == f"{BASE}verdicts/{{id}}/claimreview/"
    assert endpoints["claim-list"] == {
        "url": f"{BASE}claims/",
        "methods": ["GET"],
        "key_required": True,
    }
    assert endpoints["article-list"] == {
        "url": f"{BASE}articles/",
        "methods": ["POST"],
        "key_required": True,
    }
    assert endpoints["intake-job-detail"]["url"] == f"{BASE}intake-jobs/{{id}}/"
    # Every route the API has, and only those: none left out, none made up.
    routes = {url.name for url in router.urls}
    assert set(endpoints) == routes


def test_every_listed_url_is_an_endpoint_the_api_answers():
    client = client_with()
    for name, endpoint in client.get("/api/v1/").json()["endpoints"].items():
        url = endpoint["url"].replace("{id}", "999999")
        response = client.generic(endpoint["methods"][0], url)
        # Not "No API endpoint at ...": a 404 for a missing row, a refusal for a missing key or
        # query, never the API's unknown-path answer.
        assert "No API endpoint" not in response.json().get("detail", ""), name


def test_the_index_is_public_takes_no_parameter_and_refuses_a_bad_key():
    assert client_with().get("/api/v1/").status_code == 200
    unknown = client_with().get("/api/v1/", {"page": "2"})
    assert unknown.status_code == 400
    assert unknown.json()["fields"] == {"page": ["Unknown parameter; this endpoint takes format."]}
    assert client_with().post("/api/v1/").status_code == 405
    assert client_with("fc_00000000_nope").get("/api/v1/").status_code == 401


def test_the_schema_documents_the_index():
    document = (
        client_with().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    )
    assert "get" in document["paths"]["/api/v1/"]
