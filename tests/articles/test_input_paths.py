"""Every way in validates the same way (issue #10, probe row 9 and item 9)."""

import pytest
from django.urls import reverse

from articles.models import Article
from tests.claims.admin_forms import admin_save
from tests.factories import ArticleFactory, editor, fact_checker

pytestmark = pytest.mark.django_db


def test_the_web_form_refuses_bytes_that_are_not_utf8(client):
    client.force_login(fact_checker())
    body = b"title=Budget&body=The+mayor+said+prices+rose+%FF%FE+5+percent."
    response = client.post(
        reverse("articles:submit"), body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400  # the form again, with the reason
    assert "not valid UTF-8" in response.content.decode()
    assert not Article.objects.exists()


def test_the_web_form_still_takes_utf8_text(client):
    client.force_login(fact_checker())
    response = client.post(
        reverse("articles:submit"),
        {"title": "Café", "body": "Le maire a dit que les prix ont augmenté de 5 %."},
    )
    assert response.status_code == 302
    assert Article.objects.get().body.startswith("Le maire")


def test_an_admin_edit_normalises_the_url_and_refuses_another_articles(client):
    ArticleFactory(url="https://news.example/taken")
    article = ArticleFactory()
    client.force_login(editor())
    page = reverse("admin:articles_article_change", args=[article.pk])
    response = admin_save(client, page, url="https://www.news.example/taken/?utm_source=x")
    assert response.status_code == 200
    assert "already stored" in response.content.decode()
    article.refresh_from_db()
    assert article.url == ""
    response = admin_save(client, page, url="https://WWW.News.example/mine/?utm_source=x")
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.url == "https://news.example/mine"
