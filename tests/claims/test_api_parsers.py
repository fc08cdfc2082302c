"""What the API makes of a JSON body: the cases where json.loads alone would guess."""

import pytest

from articles.models import Article
from tests.api_clients import client_with, make_key

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

BODY = "The mayor said the budget grew by 40 percent last year. Residents were not surprised."


@pytest.fixture
def client():
    _, key = make_key(read=False, submit=True, name="Newsroom plugin")
    return client_with(key)


def post_raw(client, body: str, content_type: str = "application/json"):
    return client.post("/api/v1/articles/", body, content_type=content_type)


def test_a_repeated_key_is_a_400_naming_the_key_not_the_last_value_taken(client):
    body = f'{{"title": "First title", "body": "{BODY}", "title": "Second title"}}'
    response = post_raw(client, body)
    assert response.status_code == 400
    assert response.json() == {
        "error": "parse_error",
        "detail": 'The body is not valid JSON for this API: the key "title" appears more than '
        "once in an object; give each key once.",
    }
    assert Article.objects.count() == 0


def test_a_key_repeated_inside_a_nested_object_is_refused_too(client):
    body = f'{{"title": "T", "body": "{BODY}", "extra": {{"q": "a", "q": "b"}}}}'
    response = post_raw(client, body)
    assert response.status_code == 400
    assert '"q" appears more than once' in response.json()["detail"]


def test_the_same_key_in_two_different_objects_is_not_a_repeat(client):
    body = f'{{"title": "T", "body": "{BODY}", "a": {{"x": 1}}, "b": {{"x": 2}}}}'
    response = post_raw(client, body)
    # Past the parser: the serializer answers about the unknown fields, not the JSON.
    fields = "title, body, url, outlet_name, byline, published_at, language"
    message = f"Unknown field; the fields are {fields}."
    assert response.json()["fields"] == {"a": [message], "b": [message]}


def test_a_repeated_key_is_quoted_back_escaped_and_cut_short(client):
    key = "k\\u0000" + "x" * 500
    response = post_raw(client, f'{{"{key}": 1, "{key}": 2}}')
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert '"k\\u0000xxx' in detail
    assert "\x00" not in detail
    assert "x" * 200 not in detail


def test_a_body_in_a_non_text_charset_is_still_refused(client):
    response = post_raw(client, '{"title": "T"}', "application/json; charset=bz2_codec")
    assert response.status_code == 400
    assert response.json()["error"] == "parse_error"
    assert "charset" in response.json()["detail"]


@pytest.mark.parametrize("key", ["\\ud800", "ti\\udc80tle", "\\ud83d"])
def test_a_key_holding_half_a_surrogate_pair_is_a_400_not_a_500(client, key):
    # An unknown field is named back in the 400, and half a surrogate pair cannot be written
    # as UTF-8: the answer failed to render and the client got a 500.
    response = post_raw(client, f'{{"title": "T", "body": "{BODY}", "{key}": 1}}')
    assert response.status_code == 400
    assert response.json()["error"] == "parse_error"
    assert "a key holds a lone surrogate (U+D" in response.json()["detail"]
    assert Article.objects.count() == 0


def test_a_lone_surrogate_in_a_nested_key_is_refused_as_well(client):
    response = post_raw(client, f'{{"title": "T", "body": "{BODY}", "extra": {{"\\udfff": 1}}}}')
    assert response.status_code == 400
    assert "U+DFFF" in response.json()["detail"]
