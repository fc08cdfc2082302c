"""An estimated count (config.admin_paging.EstimatedCountPaginator) is said to be one in the
pagers, and rows past it stay reachable: the statistics may be short of the rows there are.
Here the statistics say 5 articles where 7 are, 2 to a page: the estimate's last page is page
3, and page 4 holds the seventh."""

import pytest
from django.contrib import admin
from django.urls import reverse

from articles import views
from articles.models import Article
from config import admin_paging
from tests.factories import ArticleFactory, admin_user, fact_checker

pytestmark = pytest.mark.django_db


@pytest.fixture
def seven_articles_estimated_at_five(monkeypatch):
    ArticleFactory.create_batch(7)
    monkeypatch.setattr(
        admin_paging, "estimated_rows", lambda queryset: None if queryset.query.where else 5
    )
    monkeypatch.setattr(admin.site._registry[Article], "list_per_page", 2)
    monkeypatch.setattr(views, "ARTICLE_PAGE_SIZE", 2)


def _titles_newest_first() -> list[str]:
    return list(Article.objects.order_by("-created_at", "-pk").values_list("title", flat=True))


def _admin_page(client, **params):
    client.force_login(admin_user())
    return client.get(reverse("admin:articles_article_changelist"), params)


def _rows(page: str) -> int:
    return page.count('class="action-select"')


def test_the_admin_pager_says_its_last_page_number_is_about(
    client, seven_articles_estimated_at_five
):
    page = _admin_page(client).content.decode()
    assert 'about <a href="?p=3" class="end">3</a>' in page
    assert "about 5 articles" in page
    assert "Next →" not in page  # pages up to the estimate's last are all linked


def test_the_estimate_s_last_page_is_a_whole_page_leading_on_to_the_rows_past_it(
    client, seven_articles_estimated_at_five
):
    titles = _titles_newest_first()
    page = _admin_page(client, p=3).content.decode()
    assert _rows(page) == 2  # not cut at the fifth article
    assert titles[5] in page
    assert '<a href="?p=4" rel="next">Next →</a>' in page


def test_a_page_past_the_estimate_shows_the_rows_there(client, seven_articles_estimated_at_five):
    response = _admin_page(client, p=4)
    assert response.status_code == 200
    page = response.content.decode()
    assert _rows(page) == 1 and _titles_newest_first()[6] in page
    assert 'about <a href="?p=3" class="end">3</a>' in page
    assert '<span class="this-page">4</span>' in page
    assert "Next →" not in page


def test_a_page_with_no_rows_past_the_estimate_is_refused_as_django_refuses_one(
    client, seven_articles_estimated_at_five
):
    response = _admin_page(client, p=5)
    assert response.status_code == 302 and response.url.endswith("?e=1")


def test_an_exact_count_pages_as_django_does(client, seven_articles_estimated_at_five):
    page = _admin_page(client, q="Article").content.decode()
    assert '<a href="?p=4&amp;q=Article" class="end">4</a>' in page
    assert "about" not in page.split('class="paginator"')[1]
    assert "Next →" not in page
    past = _admin_page(client, q="Article", p=5)
    assert past.status_code == 302 and past.url.endswith("?e=1")


def test_the_desk_s_pager_leads_past_the_estimate_and_says_so(
    client, seven_articles_estimated_at_five
):
    client.force_login(fact_checker())
    last = client.get(reverse("articles:list"), {"page": "3"}).content.decode()
    assert "Page 3 of about 3</span>" in last
    assert 'href="?page=4" rel="next">Next →</a>' in last
    past = client.get(reverse("articles:list"), {"page": "4"}).content.decode()
    assert "Page 4, past the estimate of about 3</span>" in past
    assert _titles_newest_first()[6] in past
    assert "Next →" not in past


def test_a_paginator_of_a_list_counts_and_pages_as_django_s():
    paginator = admin_paging.EstimatedCountPaginator(list(range(5)), 2)
    assert not paginator.estimated
    assert list(paginator.page(3)) == [4]
    assert not paginator.page(3).has_next()


def test_the_admin_pager_lists_the_pages_past_the_estimate_up_to_the_one_shown(
    seven_articles_estimated_at_five, monkeypatch
):
    monkeypatch.setattr(admin_paging, "estimated_rows", lambda queryset: 2)
    paginator = admin_paging.EstimatedCountPaginator(Article.objects.order_by("pk"), 1)
    assert paginator.get_elided_page_range(7) == [1, 2, "…", 4, 5, 6, 7]
    assert paginator.get_elided_page_range(3) == [1, 2, 3]
