"""Requests the API refuses still count against the sender's budget: a flood of wrong methods,
bad keys or missing keys ends in 429 like any other."""

import pytest
from django.conf import settings
from django.test import override_settings
from rest_framework.settings import api_settings

from tests.api_clients import client_with, key_client, make_key

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


def rates(**overrides):
    rest = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**api_settings.DEFAULT_THROTTLE_RATES, **overrides},
    }
    return override_settings(REST_FRAMEWORK=rest)


def test_an_anonymous_flood_of_a_wrong_method_is_throttled():
    with rates(anonymous="3/min"):
        codes = [client_with().post("/api/v1/verdicts/", {}).status_code for _ in range(4)]
        reading = client_with().get("/api/v1/verdicts/")
    assert codes == [405, 405, 405, 429]
    assert reading.status_code == 429  # the same address's budget


def test_a_keyed_flood_of_a_wrong_method_is_throttled_on_the_keys_budget():
    client = key_client()
    with rates(token="3/min"):
        codes = [client.delete("/api/v1/verdicts/").status_code for _ in range(4)]
        anonymous = client_with().get("/api/v1/verdicts/")
    assert codes == [405, 405, 405, 429]
    assert anonymous.status_code == 200


def test_a_flood_of_bad_keys_is_throttled_as_anonymous_traffic_from_that_address():
    with rates(anonymous="3/min"):
        codes = [
            client_with("fc_nope_not-a-real-key").get("/api/v1/verdicts/").status_code
            for _ in range(4)
        ]
    assert codes == [401, 401, 401, 429]


def test_a_revoked_key_hammering_the_api_is_throttled():
    from claims.api.auth import token_revoke

    token, key = make_key()
    token_revoke(token=token)
    with rates(anonymous="2/min"):
        codes = [client_with(key).get("/api/v1/claims/").status_code for _ in range(3)]
    assert codes == [401, 401, 429]


def test_anonymous_requests_to_endpoints_that_need_a_key_are_throttled():
    with rates(anonymous="3/min"):
        codes = [client_with().get("/api/v1/claims/").status_code for _ in range(4)]
    assert codes == [401, 401, 401, 429]


def test_a_throttled_answer_is_the_apis_error_json_with_retry_after():
    with rates(anonymous="1/min"):
        client_with().post("/api/v1/verdicts/", {})
        response = client_with().post("/api/v1/verdicts/", {})
    assert response.status_code == 429
    assert response.json()["error"] == "throttled" and response.json()["retry_after"] > 0
    assert int(response["Retry-After"]) > 0


def test_a_request_counts_once_against_the_budget():
    with rates(anonymous="3/min"):
        codes = [client_with().get("/api/v1/verdicts/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_an_anonymous_flood_of_unknown_api_paths_is_throttled():
    with rates(anonymous="3/min"):
        codes = [client_with().get(f"/api/v1/nothing-{n}/").status_code for n in range(3)]
        codes.append(client_with().get("/api/made-up/").status_code)
        reading = client_with().get("/api/v1/verdicts/")
    assert codes == [404, 404, 404, 429]
    assert reading.status_code == 429  # the same address's budget


def test_a_keyed_flood_of_unknown_api_paths_is_throttled_on_the_keys_budget():
    client = key_client()
    with rates(token="3/min"):
        codes = [client.post("/api/v2/verdicts/", {}).status_code for _ in range(4)]
        anonymous = client_with().get("/api/v1/verdicts/")
    assert codes == [404, 404, 404, 429]
    assert anonymous.status_code == 200


def test_a_path_missing_its_final_slash_is_a_404_that_gives_the_path_with_it():
    for method, path in (("get", "/api/v1/verdicts"), ("post", "/api/v1/articles")):
        response = getattr(key_client(), method)(path)
        assert response.status_code == 404, path
        assert response.json()["detail"] == (
            f"No API endpoint at {path}; the paths end with a slash: {path}/."
        )
    assert client_with().get("/api/v1/verdicts/1").json()["detail"].endswith("/api/v1/verdicts/1/.")
    unknown = client_with().get("/api/v1/nothing-here")
    assert unknown.json()["detail"] == "No API endpoint at /api/v1/nothing-here."


def test_an_unknown_api_path_is_the_apis_error_json_whatever_the_method():
    for method in ("get", "post", "put", "patch", "delete", "options"):
        response = getattr(client_with(), method)("/api/v1/nothing-here/")
        assert response.status_code == 404, method
        assert response.json() == {
            "error": "not_found",
            "detail": "No API endpoint at /api/v1/nothing-here/.",
        }
