"""The admin's article add and change forms refuse what the services refuse, with the services'
sentences beside the field and the typed input kept: never a 500, never two messages for one
mistake."""

from datetime import date, time

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.forms import ARTICLE_REQUIRED_ERRORS
from articles.intake.extract import day_at_noon
from articles.models import Article
from articles.services import TITLE_REQUIRED, language_refusal
from tests.claims.admin_forms import admin_save
from tests.factories import ArticleFactory, fact_checker

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]
ADD = reverse("admin:articles_article_add")


def add(client, **fields):
    client.force_login(fact_checker())
    data = {"title": "Budget", "body": "The budget grew 4 percent.", "language": "en"}
    return client.post(ADD, data | fields)


def test_adding_an_article_with_an_invalid_language_says_so_beside_the_field(client):
    response = add(client, language="zz-invalid-lang")
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["language"] == [language_refusal("zz-invalid-lang")]
    assert 'value="zz-invalid-lang"' in response.content.decode()
    assert not Article.objects.exists()


def test_an_upper_case_language_is_stored_lower_cased(client):
    assert add(client, language="PT-BR").status_code == 302
    assert Article.objects.get().language == "pt-br"


def test_editing_an_article_to_an_invalid_language_is_refused(client):
    article = ArticleFactory(language="en")
    client.force_login(fact_checker())
    page = reverse("admin:articles_article_change", args=[article.pk])
    response = admin_save(client, page, language="zz-invalid-lang")
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["language"] == [
        language_refusal("zz-invalid-lang")
    ]
    article.refresh_from_db()
    assert article.language == "en"


def test_an_outlet_name_longer_than_the_outlet_row_holds_is_refused_as_the_paste_form_does(
    client,
):
    response = add(client, outlet_name="G" * 201)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["outlet_name"] == [
        "Ensure this value has at most 200 characters (it has 201)."
    ]
    assert not Article.objects.exists()
    assert add(client, outlet_name="G" * 200).status_code == 302


def test_adding_an_article_with_its_title_and_language_empty_says_what_to_enter(client):
    response = add(client, title="", language="")
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "title": [TITLE_REQUIRED],
        "language": ["Enter the article's language code, such as 'en' or 'pt-br'."],
    }
    assert "This field is required." not in response.content.decode()
    assert not Article.objects.exists()


def test_editing_an_article_to_an_empty_title_and_language_says_what_to_enter(client):
    article = ArticleFactory(title="Budget", language="en")
    client.force_login(fact_checker())
    page = reverse("admin:articles_article_change", args=[article.pk])
    response = admin_save(client, page, title="", language="")
    assert response.context["adminform"].form.errors == {
        name: [errors["required"]] for name, errors in ARTICLE_REQUIRED_ERRORS.items()
    }
    assert "This field is required." not in response.content.decode()
    article.refresh_from_db()
    assert (article.title, article.language) == ("Budget", "en")


def test_a_repeated_url_is_refused_with_the_service_s_sentence_alone(client):
    stored = ArticleFactory(url="https://news.example/budget")
    response = add(client, url="https://news.example/budget")
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert [str(message) for messages in errors.values() for message in messages] == [
        f"An article with this URL is already stored as #{stored.pk} ({stored.title})."
    ]
    assert Article.objects.count() == 1


def test_a_publication_day_without_a_time_is_read_at_noon_as_the_submit_form_reads_it(client):
    response = add(client, published_at_0="2026-11-30", published_at_1="")
    assert response.status_code == 302
    assert Article.objects.get().published_at == day_at_noon(date(2026, 11, 30))


def test_a_publication_time_without_a_day_is_refused(client):
    response = add(client, published_at_0="", published_at_1="08:00")
    assert response.context["adminform"].form.errors["published_at"] == ["Enter a complete value."]


def test_a_publication_day_and_time_are_kept_and_an_edit_can_drop_the_time(client):
    assert add(client, published_at_0="2026-11-30", published_at_1="08:15").status_code == 302
    article = Article.objects.get()
    assert timezone.localtime(article.published_at).time() == time(8, 15)
    page = reverse("admin:articles_article_change", args=[article.pk])
    assert admin_save(client, page, published_at_1="").status_code == 302
    article.refresh_from_db()
    assert article.published_at == day_at_noon(date(2026, 11, 30))


def test_a_duplicate_stored_between_the_form_s_check_and_the_save_is_no_500(client, monkeypatch):
    """Another tab (or the API, or a feed) committed the same text after the form checked it."""
    from claims.admin import articles as article_admin

    body = "The budget grew 4 percent in the year to March."
    winner = ArticleFactory(title="Stored first", body=body)
    checked = article_admin.article_clean

    def check_before_the_other_commit(**fields):
        stored = Article.objects.filter(pk=winner.pk)
        stored.update(content_hash="not yet committed")
        try:
            return checked(**fields)
        finally:
            stored.update(content_hash=winner.content_hash)

    monkeypatch.setattr(article_admin, "article_clean", check_before_the_other_commit)
    response = add(client, body=body)
    assert response.status_code == 302
    assert response.url == reverse("admin:articles_article_change", args=[winner.pk])
    assert list(Article.objects.values_list("title", flat=True)) == ["Stored first"]
    page = client.get(response.url).content.decode()
    assert f"Nothing was saved: This text is already stored as article #{winner.pk}" in page
    assert "was added successfully" not in page
