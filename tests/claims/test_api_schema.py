"""The generated OpenAPI schema: valid, documented, and honoured by the API under fuzzing."""

import os
import re

import pytest
import schemathesis
from django.conf import settings
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis import checks
from schemathesis.core.parameters import ParameterLocation

from tests.api_clients import client_with, make_key, published_verdict
from tests.factories import SpeakerFactory

pytestmark = pytest.mark.usefixtures("fresh_cache")

FUZZ_EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "30"))
FUZZ_DERANDOMIZE = "API_FUZZ_EXAMPLES" not in os.environ
UNTHROTTLED = {
    **settings.REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {
        "anonymous": "100000/min",
        "token": "100000/min",
        "submit": "100000/min",
    },
}


@pytest.mark.django_db
def test_the_schema_and_the_docs_are_served():
    schema = client_with().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert {
        "/api/v1/verdicts/",
        "/api/v1/verdicts/{id}/",
        "/api/v1/verdicts/{id}/claimreview/",
        "/api/v1/verdicts/search/",
        "/api/v1/claims/",
        "/api/v1/claims/{id}/",
        "/api/v1/speakers/",
        "/api/v1/speakers/{id}/",
        "/api/v1/articles/",
        "/api/v1/articles/{id}/",
    } <= set(paths)
    verdicts = paths["/api/v1/verdicts/"]["get"]
    parameters = {parameter["name"] for parameter in verdicts["parameters"]}
    assert {"speaker", "rating", "outlet", "q", "language", "max_age_days", "cursor"} <= parameters
    assert {"updated_since", "published_after", "published_before", "ordering"} <= parameters
    [ordering] = [
        parameter for parameter in verdicts["parameters"] if parameter["name"] == "ordering"
    ]
    assert {"modified_at", "-modified_at"} <= set(ordering["schema"]["enum"])
    assert {"200", "400", "401", "403", "429"} <= set(verdicts["responses"])
    submit = paths["/api/v1/articles/"]["post"]["responses"]
    assert {"202", "400", "409", "413", "415"} <= set(submit)
    docs = client_with().get("/api/docs/")
    assert docs.status_code == 200 and b"swagger" in docs.content.lower()
    # The docs page works offline: its scripts come from the installed sidecar, not a CDN, and
    # its own start-up script from the docs address (tests/test_headers.py).
    scripts = re.findall(rb'src="([^"]+)"', docs.content)
    assert scripts and all(src.startswith((b"/static/", b"/api/docs/?")) for src in scripts)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "method, query, accept, status, error",
    [
        ("get", "?format=xml", None, 400, "invalid"),
        ("post", "", None, 405, "method_not_allowed"),
        ("get", "", "text/html", 406, "not_acceptable"),
    ],
)
def test_the_schemas_errors_are_the_apis_error_json(method, query, accept, status, error):
    headers = {"HTTP_ACCEPT": accept} if accept else {}
    response = getattr(client_with(), method)(f"/api/schema/{query}", **headers)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"] == error
    assert "Authorization" in response["Vary"]


@pytest.mark.django_db
def test_a_throttled_schema_request_is_the_apis_error_json():
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "anonymous": "1/min"}
    throttled = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    with override_settings(REST_FRAMEWORK=throttled):
        assert client_with().get("/api/schema/").status_code == 200
        response = client_with().get("/api/schema/")
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"] == "throttled" and response.json()["retry_after"] > 0


@pytest.mark.django_db
def test_the_schema_is_still_served_as_yaml_by_default():
    response = client_with().get("/api/schema/?format=yaml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi")
    assert response.content.startswith(b"openapi:")


@pytest.mark.django_db
def test_the_schema_describes_a_claims_group():
    schema = client_with().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    document = schema.json()

    def resolve(node):
        while "$ref" in node:
            node = document["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
        return node

    answer = document["paths"]["/api/v1/claims/{id}/"]["get"]["responses"]["200"]
    claim = resolve(answer["content"]["application/json"]["schema"])
    group = claim["properties"]["group"]
    assert group.get("nullable") is True
    group = resolve(group.get("allOf", [group])[0])
    assert {"id", "canonical_text", "appearances"} <= set(group["properties"])
    appearance = resolve(group["properties"]["appearances"]["items"])
    assert {"claim_id", "text", "speaker", "article"} <= set(appearance["properties"])


@pytest.mark.django_db
def test_the_schema_says_a_url_sent_alone_answers_with_an_intake_job():
    document = (
        client_with().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    )
    accepted = document["paths"]["/api/v1/articles/"]["post"]["responses"]["202"]
    schema = accepted["content"]["application/json"]["schema"]
    schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    assert {option["$ref"].rsplit("/", 1)[-1] for option in schema["oneOf"]} == {
        "ArticleAccepted",
        "IntakeJob",
    }


@pytest.fixture
def api_schema(db):
    speaker = SpeakerFactory(name="Jane Doe")
    for number in range(3):
        published_verdict(f"The budget grew by {number} percent.", speaker=speaker)
    # Requests go through the real WSGI handler, which closes the database connection after
    # each one; inside a test transaction that would lose the data (Django's test client
    # disconnects the same signal).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        with override_settings(REST_FRAMEWORK=UNTHROTTLED):
            yield schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture
def api_key(db):
    return make_key(read=True, submit=True, name="Fuzzer")[1]


@schema.parametrize()
@hypothesis_settings(
    max_examples=FUZZ_EXAMPLES,
    # Same examples on every run, so the suite never flakes; set API_FUZZ_EXAMPLES to explore.
    derandomize=FUZZ_DERANDOMIZE,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_honours_its_schema(case, api_key):
    # A case that breaks the headers on purpose (no key, a malformed one) goes out as built;
    # every other case carries a valid key with both scopes.
    breaks_headers = case.meta is not None and case.meta.is_negative_at(ParameterLocation.HEADER)
    case.call_and_validate(
        headers=None if breaks_headers else {"Authorization": f"Bearer {api_key}"},
        # Schema-valid input may still be refused for reasons OpenAPI cannot state (a URL
        # that is not http(s), a text already stored, a body of only spaces): a 400 or 409
        # with a message is the right answer there, so that one check is left out.
        excluded_checks=[checks.positive_data_acceptance],
    )


@pytest.mark.django_db
def test_the_schemas_language_pattern_accepts_the_codes_the_api_accepts():
    document = (
        client_with().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    )
    pattern = document["components"]["schemas"]["ArticleSubmitRequest"]["properties"]["language"]
    pattern = re.compile(pattern["pattern"])
    _, key = make_key(submit=True, name="Plugin")
    for code in ("en", "pt-BR", "EN"):
        assert pattern.search(code), code
        body = {"title": f"Budget {code}", "body": f"The budget grew by 40 percent ({code})."}
        response = client_with(key).post(
            "/api/v1/articles/", {**body, "language": code}, format="json"
        )
        assert response.status_code == 202, response.content
    assert not pattern.search("english")


@pytest.mark.django_db
def test_the_schema_gives_the_search_parameters_their_bounds():
    document = (
        client_with().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    )
    parameters = document["paths"]["/api/v1/verdicts/search/"]["get"]["parameters"]
    schemas = {parameter["name"]: parameter["schema"] for parameter in parameters}
    assert schemas["q"] == {"type": "string", "minLength": 1, "maxLength": 2000}
    assert schemas["limit"] == {"type": "integer", "minimum": 1, "maximum": 50, "default": 10}
    # The bounds are the endpoint's own: one past each is refused.
    for past in ({"q": "x" * 2001}, {"q": "budget", "limit": "51"}, {"q": "budget", "limit": "0"}):
        assert client_with().get("/api/v1/verdicts/search/", past).status_code == 400, past


@pytest.mark.django_db
def test_the_schema_gives_every_list_filter_the_bounds_the_api_enforces():
    document = (
        client_with().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    )
    verdicts = {
        parameter["name"]: parameter["schema"]
        for parameter in document["paths"]["/api/v1/verdicts/"]["get"]["parameters"]
    }
    claims = {
        parameter["name"]: parameter["schema"]
        for parameter in document["paths"]["/api/v1/claims/"]["get"]["parameters"]
    }
    assert verdicts["max_age_days"] == {"type": "integer", "minimum": 1, "maximum": 36500}
    assert claims["article"] == {"type": "integer", "minimum": 1, "maximum": 10**18 - 1}
    for name in ("speaker", "outlet", "language", "q", "rating"):
        assert verdicts[name]["minLength"] == 1, name
        assert verdicts[name]["maxLength"] > 1, name
    # Each stated bound is the endpoint's own: one past it is refused, naming the parameter.
    _, key = make_key(read=True, name="Bounds")
    for path, parameters in (("/api/v1/verdicts/", verdicts), ("/api/v1/claims/", claims)):
        for name, bounds in parameters.items():
            past = []
            if "maxLength" in bounds:
                past.append("x" * (bounds["maxLength"] + 1))
            if "maximum" in bounds:
                past.append(str(bounds["maximum"] + 1))
            if "minimum" in bounds:
                past.append(str(bounds["minimum"] - 1))
            for value in past:
                response = client_with(key).get(path, {name: value})
                assert response.status_code == 400, (path, name, value)
                assert name in response.json()["fields"], (path, name, value)
