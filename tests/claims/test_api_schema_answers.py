"""What the OpenAPI schema says the endpoints answer, field by field and status by status."""

import pytest

from tests.api_clients import client_with

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


@pytest.fixture
def document() -> dict:
    schema = client_with().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    return schema.json()


def resolve(document: dict, node: dict) -> dict:
    while "$ref" in node or "allOf" in node:
        if "allOf" in node:
            node = node["allOf"][0]
            continue
        node = document["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def test_every_search_result_has_a_level_and_the_schema_says_so(document):
    answer = document["paths"]["/api/v1/verdicts/search/"]["get"]["responses"]["200"]
    result = resolve(document, answer["content"]["application/json"]["schema"])
    match = resolve(document, result["properties"]["results"]["items"])
    level = match["properties"]["level"]
    assert "level" in match["required"]
    assert not level.get("nullable") and not resolve(document, level).get("nullable")
    assert resolve(document, level)["enum"] == ["suggested", "same_claim"]
    assert "null" not in level.get("description", "")
