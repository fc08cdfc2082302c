"""A text of fewer than ARTICLE_MIN_WORDS words is no article: refused, saying how many words it
has, on the paste form, the API and a bulk row, not stored and analysed as one."""

import pytest
from django.urls import reverse

from articles.intake.bulk import import_batch_create
from articles.models import Article
from articles.services import ARTICLE_MIN_WORDS, body_too_short_refusal, word_count
from tests.api_clients import client_with, make_key
from tests.factories import fact_checker

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

ONE_WORD = "This text has 1 word; give the article's full text (at least 5 words)."


def test_words_are_counted_in_spaced_and_unspaced_scripts():
    assert word_count("Hello") == 1
    assert word_count("  The budget grew 40 percent.\n") == 5
    assert word_count("— 40 % —") == 1
    # Chinese has no spaces between words: a sentence is not one word.
    assert word_count("市长说预算增长了百分之四十。") >= ARTICLE_MIN_WORDS


def test_a_text_under_the_minimum_is_refused_saying_how_many_words_it_has():
    assert body_too_short_refusal("Hello") == ONE_WORD
    assert body_too_short_refusal("Budget grew fast.") == (
        "This text has 3 words; give the article's full text (at least 5 words)."
    )
    assert body_too_short_refusal("Mayor resigns over budget scandal.") is None


def test_the_paste_form_refuses_a_one_word_article_beside_the_text(client):
    client.force_login(fact_checker())
    response = client.post(reverse("articles:submit"), {"title": "Greeting", "body": "Hello"})
    assert response.status_code == 400
    assert response.context["form"].errors["body"] == [ONE_WORD]
    assert not Article.objects.exists()


def test_the_api_refuses_a_one_word_article():
    client = client_with(make_key(read=False, submit=True)[1])
    response = client.post(
        "/api/v1/articles/", {"title": "Greeting", "body": "Hello"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["fields"] == {"body": [ONE_WORD]}
    assert not Article.objects.exists()


def test_a_bulk_row_with_a_one_word_body_is_refused_by_line(django_capture_on_commit_callbacks):
    rows = "title,body\nGreeting,Hello\nRail,Rail fares rose 20 percent in 2026.\n"
    with django_capture_on_commit_callbacks(execute=True):
        batch = import_batch_create(file_name="rows.csv", data=rows.encode(), created_by=None)
    batch.refresh_from_db()
    assert batch.errors == [{"line": 2, "reason": f"body: {ONE_WORD}"}]
    assert list(Article.objects.values_list("title", flat=True)) == ["Rail"]
