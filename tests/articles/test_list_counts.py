"""The desk's article list and intake-job list at a million rows: unfiltered, a big table's size
comes from PostgreSQL's statistics and the page says "about"; filtered or small, the count is
exact (config/admin_paging.py, as in the admin)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.intake.jobs import intake_job_submit
from tests.factories import ArticleFactory, fact_checker

pytestmark = pytest.mark.django_db
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the estimate is PostgreSQL's statistics"
)


def counts_of(client, url: str, table: str) -> tuple[str, list[str]]:
    """The page, and its queries that count every row of `table` or read its statistics."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    sqls = [query["sql"] for query in queries.captured_queries]
    counted = [
        sql for sql in sqls if sql.startswith("SELECT COUNT(*)") and f'FROM "{table}"' in sql
    ]
    return response.content.decode(), counted + [sql for sql in sqls if "reltuples" in sql]


def analysed(table: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f'ANALYZE "{table}"')


@pytest.fixture
def big_tables(monkeypatch):
    """Every table counts as big (the threshold lowered to one row)."""
    from config import admin_paging

    monkeypatch.setattr(admin_paging, "ESTIMATE_FROM", 1)


@on_postgresql
def test_a_big_article_list_counts_from_the_statistics_and_says_about(client, big_tables):
    ArticleFactory.create_batch(3)
    analysed("articles_article")
    client.force_login(fact_checker())
    page, counts = counts_of(client, "/articles/", "articles_article")
    assert len(counts) == 1 and "reltuples" in counts[0]  # no COUNT(*) of the whole table
    assert "About 3 articles, most recently added first." in page


def test_a_small_article_list_counts_exactly(client):
    ArticleFactory.create_batch(3)
    client.force_login(fact_checker())
    page, counts = counts_of(client, "/articles/", "articles_article")
    assert len([sql for sql in counts if sql.startswith("SELECT COUNT(*)")]) == 1
    assert '<p class="meta">3 articles, most recently added first.</p>' in page


@on_postgresql
def test_a_big_intake_job_list_pages_by_the_estimate_and_a_filtered_one_counts_exactly(
    client, big_tables
):
    for n in range(55):
        intake_job_submit(url=f"https://news.example/story-{n}", queue=False)
    analysed("articles_intakejob")
    client.force_login(fact_checker())
    page, counts = counts_of(client, "/intake/", "articles_intakejob")
    assert len(counts) == 1 and "reltuples" in counts[0]
    assert "Page 1 of about 2" in page
    page, counts = counts_of(client, "/intake/?status=queued", "articles_intakejob")
    assert len(counts) == 1 and "WHERE" in counts[0] and "reltuples" not in counts[0]
    assert "Page 1 of 2<" in page
