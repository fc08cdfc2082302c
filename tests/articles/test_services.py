import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from articles.models import Article, SourceKind
from articles.services import (
    DuplicateArticle,
    article_create,
    body_content_hash,
    url_normalize,
)
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def create(**overrides):
    fields = {
        "title": "Council budget",
        "body": "The council said the budget grew by 4 percent.",
        "source_kind": SourceKind.PASTED,
    } | overrides
    return article_create(**fields)


def test_it_stores_normalised_text_and_derives_the_outlet_from_the_url():
    article = create(
        body="Line one.\r\nLine two.\r\n\r\n",
        url="https://WWW.Example.com/news/story/?utm_source=x&b=2&a=1#top",
    )
    assert article.body == "Line one.\nLine two."
    assert article.url == "https://example.com/news/story?a=1&b=2"
    assert article.outlet.domain == "example.com"


def test_it_rejects_an_empty_article():
    with pytest.raises(ValidationError) as error:
        create(body="   \n\t ")
    assert "The article text is empty." in error.value.message_dict["body"]
    assert Article.objects.count() == 0


def test_it_rejects_text_over_the_configured_maximum(settings):
    settings.ARTICLE_MAX_CHARS = 100
    with pytest.raises(ValidationError) as error:
        create(body="x" * 101)
    assert "maximum is 100" in error.value.message_dict["body"][0]
    assert Article.objects.count() == 0


def test_it_rejects_bytes_that_are_not_utf8():
    with pytest.raises(ValidationError) as error:
        create(body=b"Caf\xe9 au lait costs 3 euros.")
    assert "not valid UTF-8" in error.value.message_dict["body"][0]
    assert Article.objects.count() == 0


def test_it_accepts_utf8_bytes():
    assert create(body="Café prices rose 3 percent.".encode()).body.startswith("Café")


def test_the_same_text_with_other_spacing_is_a_duplicate():
    first = create()
    with pytest.raises(DuplicateArticle) as error:
        create(title="Again", body="The council  said the budget\ngrew by 4 percent.")
    assert error.value.existing == first
    assert Article.objects.count() == 1


def test_the_same_url_is_a_duplicate_even_with_tracking_parameters():
    first = create(url="https://example.com/a")
    with pytest.raises(DuplicateArticle) as error:
        create(body="Different text entirely.", url="https://example.com/a/?utm_medium=feed")
    assert error.value.existing == first


def test_it_reports_every_bad_field_at_once():
    with pytest.raises(ValidationError) as error:
        create(title="", body="", url="not a url", source_kind="carrier-pigeon")
    assert set(error.value.message_dict) == {"title", "body", "url", "source_kind"}


def test_the_database_refuses_duplicate_content_even_without_the_service():
    article = ArticleFactory()
    with pytest.raises(IntegrityError):
        ArticleFactory(body=article.body + " ", content_hash=article.content_hash)


def test_the_database_refuses_a_duplicate_url_but_allows_many_without_one():
    ArticleFactory(url="")
    ArticleFactory(url="")
    ArticleFactory(url="https://example.com/x")
    with pytest.raises(IntegrityError):
        ArticleFactory(url="https://example.com/x")


def test_content_hash_ignores_whitespace_only():
    assert body_content_hash("a  b\nc") == body_content_hash("a b c")
    assert body_content_hash("a b c") != body_content_hash("a b d")


def test_url_normalize_rejects_other_schemes():
    with pytest.raises(ValidationError):
        url_normalize("ftp://example.com/file")
