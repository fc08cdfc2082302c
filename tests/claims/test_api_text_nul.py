"""A NUL character sent to the API, in an article's field or a list's filter, is refused in the
desk's words naming what holds it (articles.lengths.text_check), in the API's error shape;
never Django's "Null characters are not allowed."."""

import pytest

from tests.api_clients import client_with, make_key
from tests.claims.test_api_articles import BODY

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("field", "value", "what", "at"),
    [
        ("title", "T\x00", "title", 2),
        ("body", "Nul \x00 inside, 4 percent.", "article text", 5),
        ("url", "https://x.example/a\x00b", "URL", 20),
        ("byline", "A\x00", "byline", 2),
        ("outlet_name", "\x00Times", "outlet's name", 1),
    ],
)
def test_a_nul_in_a_submitted_article_field_is_named_in_the_desks_words(field, value, what, at):
    client = client_with(make_key(read=False, submit=True)[1])
    payload = {"title": "T", "body": BODY, field: value}
    response = client.post("/api/v1/articles/", payload, format="json")
    assert response.status_code == 400
    assert response.json()["fields"] == {
        field: [
            f"The {what} holds a NUL character (at character {at}), which cannot be saved: "
            "remove it."
        ]
    }


@pytest.mark.parametrize("name", ["q", "speaker", "outlet", "language", "rating"])
def test_a_nul_in_a_filter_is_named_in_the_desks_words(name):
    response = client_with(make_key()[1]).get("/api/v1/verdicts/", {name: "a\x00b"})
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid",
        "detail": "The request has invalid fields.",
        "fields": {
            name: [
                f"The {name} parameter holds a NUL character (at character 2), which cannot "
                "be filtered by: remove it."
            ]
        },
    }


@pytest.mark.parametrize("path", ["/api/v1/verdicts/", "/api/v1/verdicts/search/"])
def test_a_nul_in_q_is_one_message_on_the_list_and_the_search(path):
    response = client_with().get(path, {"q": "\x00"})
    assert response.status_code == 400
    assert response.json()["fields"] == {
        "q": [
            "The q parameter holds a NUL character (at character 1), which cannot be filtered "
            "by: remove it."
        ]
    }
