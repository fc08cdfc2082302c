"""DRF's refusals (405, 406, 415, a body that is not JSON, 429) answered in the desk's words,
saying what the endpoint takes instead, with DRF's machine-readable codes kept."""

import pytest
from django.conf import settings
from django.test import override_settings
from rest_framework.settings import api_settings

from articles.models import Article
from tests.api_clients import client_with, make_key

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


@pytest.fixture
def submitter():
    return client_with(make_key(read=False, submit=True)[1])


def test_a_wrong_method_is_told_the_methods_the_endpoint_takes():
    response = client_with().post("/api/v1/verdicts/", {}, format="json")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    assert response.json() == {
        "error": "method_not_allowed",
        "detail": "This endpoint does not take POST: send GET, HEAD or OPTIONS.",
    }


def test_an_accept_header_the_api_cannot_meet_is_told_that_json_is_served():
    response = client_with().get("/api/v1/verdicts/", HTTP_ACCEPT="text/html")
    assert response.status_code == 406
    assert response.json() == {
        "error": "not_acceptable",
        "detail": "This endpoint answers in application/json only: ask for it in the Accept "
        "header, or send no Accept header.",
    }


def test_the_claimreview_names_both_media_types_it_answers_in():
    response = client_with().get("/api/v1/verdicts/1/claimreview/", HTTP_ACCEPT="text/html")
    assert response.status_code == 406
    assert response.json()["detail"].startswith(
        "This endpoint answers in application/json or application/ld+json: "
    )


def test_a_form_encoded_body_is_told_to_send_json(submitter):
    response = submitter.post(
        "/api/v1/articles/", "title=T", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 415
    assert response.json() == {
        "error": "unsupported_media_type",
        "detail": 'The body was sent as "application/x-www-form-urlencoded", which this '
        "endpoint does not read: send the body as JSON, with Content-Type: application/json.",
    }


def test_a_body_that_is_not_json_is_told_where_it_broke_and_what_to_send(submitter):
    response = submitter.post("/api/v1/articles/", "title=T", content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {
        "error": "parse_error",
        "detail": "The body is not valid JSON (Expecting value at line 1 column 1): send the "
        "body as JSON, in UTF-8.",
    }
    assert Article.objects.count() == 0


def test_a_body_that_is_not_utf8_is_told_to_send_utf8(submitter):
    response = submitter.post(
        "/api/v1/articles/", b'{"title": "\xff"}', content_type="application/json"
    )
    assert response.status_code == 400
    assert (
        response.json()["detail"] == "The body is not utf-8 text: send the body as JSON, in UTF-8."
    )


def test_a_throttled_client_is_told_when_to_try_again_with_retry_after_kept():
    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "anonymous": "1/min"}
    with override_settings(
        REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    ):
        assert client_with().get("/api/v1/verdicts/").status_code == 200
        response = client_with().get("/api/v1/verdicts/")
    assert response.status_code == 429
    wait = int(response["Retry-After"])
    assert 0 < wait <= 60
    seconds = "1 second" if wait == 1 else f"{wait} seconds"
    assert response.json() == {
        "error": "throttled",
        "detail": f"Too many requests: try again in {seconds} (the Retry-After header says the "
        "same).",
        "retry_after": wait,
    }
