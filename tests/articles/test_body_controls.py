"""Control characters in an article's text (pasted, sent to the API) are normalised once, at
intake (articles.intake.storable.storable_body): a vertical tab or form feed, a PDF's or Word's
line and page break, becomes a line break, the rest are dropped. They were stored and then
published raw, in the claims, the public page's <title> and <h1>, ClaimReview and the API."""

import pytest
from django.urls import reverse

from articles.intake.storable import storable_body
from articles.models import Article
from tests.api_clients import client_with, make_key
from tests.factories import fact_checker

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

PASTED = (
    "The mayor\x01 said the budget grew by 40 percent.\x0bIt was the largest\x7f rise in a "
    "decade.\x0c\x1bCouncil members\x08 voted 7 to 2."
)
STORED = (
    "The mayor said the budget grew by 40 percent.\nIt was the largest rise in a decade.\n"
    "Council members voted 7 to 2."
)


def test_a_vertical_tab_or_form_feed_is_a_line_break_and_other_controls_are_dropped():
    assert storable_body(PASTED) == STORED
    # A tab, a line break and a carriage return are the text's own white space.
    assert storable_body("a\tb\r\nc\nd") == "a\tb\r\nc\nd"
    # A break with spaces around it is one line break, not a line that starts with a space.
    assert storable_body("one \x0c two") == "one\ntwo"


def test_the_paste_form_stores_the_text_title_and_outlet_without_control_characters(
    client, django_capture_on_commit_callbacks
):
    client.force_login(fact_checker())
    with django_capture_on_commit_callbacks(execute=True):  # the analysis, run here
        response = client.post(
            reverse("articles:submit"),
            {"title": "Budget\x02 grows\x0b", "outlet": "News\x1f Example\x03", "body": PASTED},
        )
    assert response.status_code == 302
    article = Article.objects.get()
    assert (article.title, article.outlet.name, article.body) == (
        "Budget grows",
        "News Example",
        STORED,
    )
    assert sorted(article.claims.values_list("text", flat=True)) == [
        "Council members voted 7 to 2.",
        "The mayor said the budget grew by 40 percent.",
    ]


def test_the_api_stores_and_answers_an_article_without_control_characters(
    django_capture_on_commit_callbacks,
):
    client = client_with(make_key(read=True, submit=True, staff=True)[1])
    payload = {
        "title": "Budget\x02 grows",
        "body": PASTED,
        "byline": "Ada\x05 R",
        "outlet_name": "News\x7f Example",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/articles/", payload, format="json")
    assert response.status_code == 202
    article = Article.objects.get()
    assert article.body == STORED
    answer = client.get(response.json()["status_url"]).json()
    assert (answer["title"], answer["byline"], answer["outlet"]["name"]) == (
        "Budget grows",
        "Ada R",
        "News Example",
    )
    assert [claim["text"] for claim in answer["claims"]] == [
        "The mayor said the budget grew by 40 percent.",
        "Council members voted 7 to 2.",
    ]


# A right-to-left text with the marks it uses (U+200F), and the controls nobody types: an
# override closed only in the next sentence, an isolate never closed.
BIDI_PASTED = (
    "\u05d4\u05e8\u05d0\u05e9 \u05d0\u05de\u05e8\u200f: the mayor said the budget grew by "
    "\u202e40 percent.\nCouncil\u202c members voted \u20677 to 2\u2069. Turnout fell \u2066sharply."
)
BIDI_STORED = (
    "\u05d4\u05e8\u05d0\u05e9 \u05d0\u05de\u05e8\u200f: the mayor said the budget grew by "
    "40 percent.\nCouncil members voted 7 to 2. Turnout fell sharply."
)


def test_bidi_controls_are_dropped_from_an_article_text_and_its_bidi_marks_kept():
    assert storable_body(BIDI_PASTED) == BIDI_STORED
    assert storable_body("\u05d0\u200e1\u200f\u061c") == "\u05d0\u200e1\u200f\u061c"


def test_a_claim_quoted_from_the_text_carries_no_override_that_would_reverse_the_page(
    client, django_capture_on_commit_callbacks
):
    # A claim is a slice of the text: the U+202E opened in the first sentence was closed only
    # in the second, so the first claim reversed whatever followed it on the page.
    client.force_login(fact_checker())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("articles:submit"), {"title": "Budget grows", "body": BIDI_PASTED}
        )
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.body == BIDI_STORED
    assert sorted(article.claims.values_list("text", flat=True)) == [
        "Council members voted 7 to 2.",
        "\u05d4\u05e8\u05d0\u05e9 \u05d0\u05de\u05e8\u200f: the mayor said the budget grew by "
        "40 percent.",
    ]
