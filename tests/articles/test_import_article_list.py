"""The articles a bulk import stored: listed under the import's name on the article list, and
linked from the import's count of its articles (its page and the list of imports), which counts
what that list shows: its rows with text and the pages fetched for its URL rows."""

import pytest
from django.contrib.auth.models import Permission

from articles.intake.bulk import import_batch_create, import_batch_run
from articles.models import Article
from tests.a11y import assert_accessible, error_summary
from tests.factories import ArticleFactory, UserFactory, fact_checker

pytestmark = pytest.mark.django_db

ROWS = (
    "title,body\n"
    "Budget grows,The mayor said the budget grew by 40 percent.\n"
    "Rail fares,Rail fares rose 20 percent in 2026.\n"
)


def imported(name: str = "wire.csv", rows: str = ROWS):
    batch = import_batch_create(file_name=name, data=rows.encode(), queue=False)
    import_batch_run(batch_id=batch.pk)
    batch.refresh_from_db()
    return batch


def test_an_import_records_the_articles_its_rows_stored():
    batch = imported()
    assert sorted(batch.articles.values_list("title", flat=True)) == ["Budget grows", "Rail fares"]


def test_the_article_list_shows_one_imports_articles_under_its_name(client):
    batch = imported()
    ArticleFactory(title="Pasted by hand")
    client.force_login(fact_checker())
    response = client.get("/articles/", {"import_batch": batch.pk})
    assert_accessible(response, title=f"Articles stored by import #{batch.pk} (wire.csv)")
    html = response.content.decode()
    assert f"Articles stored by import #{batch.pk} (wire.csv)" in html
    assert "Budget grows" in html and "Rail fares" in html
    assert "Pasted by hand" not in html
    assert "2 articles, most recently added first" in html
    assert '<a href="/articles/">All articles</a>' in html


def test_the_import_page_and_the_import_list_link_the_article_count_to_those_articles(client):
    batch = imported()
    client.force_login(fact_checker())
    link = f'<a href="/articles/?import_batch={batch.pk}">'
    page = client.get(f"/intake/imports/{batch.pk}/").content.decode()
    assert '<span id="import-stored">2</span> stored (rows with text)' in page
    assert f'{link}<span id="import-articles">2</span></a>' in page
    assert "<td>2</td>" in (listed := client.get("/intake/imports/").content.decode())
    assert f"{link}2</a>" in listed


@pytest.mark.parametrize("value", ["abc", "999999", "99999999999999999999999", "-1"])
def test_an_unknown_import_is_a_refused_filter_not_an_error_page(client, value):
    ArticleFactory(title="Pasted by hand")
    client.force_login(fact_checker())
    response = client.get("/articles/", {"import_batch": value})
    soup = assert_accessible(response, title="Articles", status=400)
    assert "There is no such import" in error_summary(soup).get_text()
    html = response.content.decode()
    assert "Pasted by hand" not in html


def test_the_imports_articles_need_the_article_lists_permission(client):
    batch = imported()
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="view_importbatch"))
    client.force_login(user)
    assert client.get("/articles/", {"import_batch": batch.pk}).status_code == 403
    page = client.get(f"/intake/imports/{batch.pk}/").content.decode()
    assert "?import_batch=" not in page and '<span id="import-stored">2</span> stored' in page
    assert Article.objects.filter(import_batch=batch).count() == 2


def test_the_import_pages_link_lists_the_articles_fetched_for_its_url_rows_too(
    client, intake_server, django_capture_on_commit_callbacks
):
    rows = f"url\n{intake_server.url('/news/one')}\n{intake_server.url('/news/two')}\n"
    with django_capture_on_commit_callbacks(execute=True):  # tasks in-process: fetched now
        batch = import_batch_create(file_name="links.csv", data=rows.encode())
    ArticleFactory(title="Pasted by hand")
    client.force_login(fact_checker())
    page = client.get(f"/intake/imports/{batch.pk}/").content.decode()
    link = f"/articles/?import_batch={batch.pk}"
    assert f'<a href="{link}">' in page
    listed = client.get(link).content.decode()
    assert "Assembly votes on one plan" in listed and "Assembly votes on two plan" in listed
    assert "Pasted by hand" not in listed


def test_a_url_only_imports_count_is_the_articles_its_link_lists_not_0_stored(
    client, intake_server, django_capture_on_commit_callbacks
):
    """Its rows stored none with text: "0 stored" linked to a list of two, and the list of
    imports, linking only a count above 0, left the two unreachable from there."""
    rows = f"url\n{intake_server.url('/news/one')}\n{intake_server.url('/news/two')}\n"
    with django_capture_on_commit_callbacks(execute=True):  # tasks in-process: fetched now
        batch = import_batch_create(file_name="links.csv", data=rows.encode())
    ArticleFactory(title="Pasted by hand")
    client.force_login(fact_checker())
    link = f'<a href="/articles/?import_batch={batch.pk}">'
    page = client.get(f"/intake/imports/{batch.pk}/").content.decode()
    assert '<span id="import-stored">0</span> stored (rows with text)' in page
    assert f'{link}<span id="import-articles">2</span></a>' in page
    assert f"{link}2</a>" in client.get("/intake/imports/").content.decode()
    status = client.get(f"/intake/imports/{batch.pk}/status/").json()
    assert (status["stored"], status["articles"]) == (0, 2)  # the page follows both


def test_an_import_without_articles_links_none_from_the_list_of_imports(client):
    batch = imported(rows="title,body\nA title without a body,\n")
    client.force_login(fact_checker())
    assert "?import_batch=" not in client.get("/intake/imports/").content.decode()
    page = client.get(f"/intake/imports/{batch.pk}/").content.decode()
    assert '<span id="import-articles">0</span>' in page
