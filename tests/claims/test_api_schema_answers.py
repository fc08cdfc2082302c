"""What the OpenAPI schema says the endpoints answer, field by field and status by status."""

import pytest

from tests.api_clients import client_with, openapi_document, schema_resolve

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


@pytest.fixture
def document() -> dict:
    return openapi_document()


def test_every_search_result_has_a_level_and_the_schema_says_so(document):
    answer = document["paths"]["/api/v1/verdicts/search/"]["get"]["responses"]["200"]
    result = schema_resolve(document, answer["content"]["application/json"]["schema"])
    match = schema_resolve(document, result["properties"]["results"]["items"])
    level = match["properties"]["level"]
    assert "level" in match["required"]
    assert not level.get("nullable") and not schema_resolve(document, level).get("nullable")
    assert schema_resolve(document, level)["enum"] == ["suggested", "same_claim"]
    assert "null" not in level.get("description", "")


VERDICT_READS = [
    "/api/v1/verdicts/",
    "/api/v1/verdicts/{id}/",
    "/api/v1/verdicts/{id}/claimreview/",
    "/api/v1/verdicts/search/",
]


@pytest.mark.parametrize("path", VERDICT_READS)
def test_the_schema_documents_the_conditional_answers_of_the_published_verdicts(document, path):
    responses = document["paths"][path]["get"]["responses"]
    assert "304" in responses and "content" not in responses["304"]
    refused = responses["412"]
    assert "If-Match" in refused["description"]
    body = refused["content"]["application/json"]
    assert body["schema"]["$ref"].endswith("/Error")
    [example] = body["examples"].values()
    assert example["value"]["error"] == "precondition_failed"


def test_the_documented_412_is_the_one_a_client_gets(document):
    from tests.api_clients import published_verdict

    verdict = published_verdict("The budget grew by 40 percent.")
    response = client_with().get(f"/api/v1/verdicts/{verdict.pk}/", HTTP_IF_MATCH='"stale"')
    assert response.status_code == 412
    refused = document["paths"]["/api/v1/verdicts/{id}/"]["get"]["responses"]["412"]
    [example] = refused["content"]["application/json"]["examples"].values()
    assert response.json() == example["value"]


def test_endpoints_without_etags_document_no_conditional_answers(document):
    for path, method in [("/api/v1/claims/", "get"), ("/api/v1/articles/", "post")]:
        assert not {"304", "412"} & set(document["paths"][path][method]["responses"])


def test_an_intake_jobs_fields_are_described_once_in_the_apis_own_names(document):
    job = document["components"]["schemas"]["IntakeJob"]
    duplicate = job["properties"]["duplicate"]["description"]
    assert "`article_url`" in duplicate and "`article`" not in duplicate
    descriptions = [field.get("description") for field in job["properties"].values()]
    described = [text for text in descriptions if text]
    assert len(described) == len(set(described))
