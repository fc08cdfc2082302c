"""The article and intake pages' structure, rendered through the client with the real roles
(the checks are in tests/a11y.py)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.models import Article, Feed, ImportBatch, IntakeJob, IntakeStatus
from tests.a11y import assert_accessible, error_summary, text_of
from tests.factories import editor, fact_checker

pytestmark = pytest.mark.django_db

BODY = "The council said the budget grew by 12 percent. Residents shrugged."


@pytest.fixture
def article(client, django_capture_on_commit_callbacks):
    client.force_login(fact_checker(username="checker"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("articles:submit"),
            {"title": "Council budget", "outlet": "Springfield Times", "body": BODY},
        )
    return Article.objects.get()


def test_the_article_list_and_page_are_accessible(client, article):
    assert_accessible(client.get(reverse("articles:list")), title="Articles")
    soup = assert_accessible(
        client.get(reverse("articles:detail", args=[article.pk])), title="Council budget"
    )
    assert text_of(soup.h1) == "Council budget"
    assert "Sentences of the article" in text_of(soup.find("table").caption)


def test_a_failed_submission_is_summarised_and_each_error_tied_to_its_field(client, article):
    assert_accessible(client.get(reverse("articles:submit")), title="Submit an article")
    response = client.post(
        reverse("articles:submit"), {"title": "", "url": "not a url", "body": BODY}
    )
    soup = assert_accessible(response, title="Submit an article", status=400)
    summary = error_summary(soup)
    assert {link["href"] for link in summary.find_all("a")} >= {"#id_title", "#id_url"}
    url = soup.find(id="id_url")
    error = soup.find(id="id_url_error")
    assert url["aria-describedby"].split()[-1] == "id_url_error" and text_of(error)
    # The summary is what is announced; the field errors are read with their field instead
    # of interrupting all at once.
    assert error.find(attrs={"role": "alert"}) is None


def test_the_intake_pages_are_accessible_to_a_fact_checker(client, article):
    job = IntakeJob.objects.create(
        url="https://news.example/story", status=IntakeStatus.FAILED, reason="Not found."
    )
    assert_accessible(client.get(reverse("articles:intake")), title="Intake jobs")
    assert_accessible(client.get(reverse("articles:intake_job", args=[job.pk])), title="Intake job")
    assert_accessible(client.get(reverse("articles:feeds")), title="Feeds")
    assert_accessible(
        client.get(reverse("articles:external_factchecks")), title="Other fact-checkers"
    )
    upload = SimpleUploadedFile("rows.csv", b"title,body\nA,Text of it.\n", content_type="text/csv")
    client.post(reverse("articles:imports"), {"file": upload})
    soup = assert_accessible(client.get(reverse("articles:imports")), title="Bulk import")
    current = soup.find("nav", attrs={"aria-label": "Intake"}).find(attrs={"aria-current": "page"})
    assert text_of(current) == "Bulk import"
    batch = ImportBatch.objects.get()
    assert_accessible(client.get(reverse("articles:import", args=[batch.pk])), title="Import of")


def test_the_feed_form_and_its_toggles_are_accessible_to_an_editor(client):
    Feed.objects.create(url="https://one.example/feed", title="One")
    Feed.objects.create(url="https://two.example/feed", title="Two")
    client.force_login(editor())
    soup = assert_accessible(client.get(reverse("articles:feeds")), title="Feeds")
    # Each row's button says which feed it pauses, not only "Pause".
    names = [text_of(button) for button in soup.find("table").find_all("button")]
    assert sorted(names) == ["Pause One", "Pause Two"]
    response = client.post(reverse("articles:feeds"), {"url": "not a url"})
    soup = assert_accessible(response, title="Feeds", status=response.status_code)
    assert "#id_url" in {link["href"] for link in error_summary(soup).find_all("a")}


def test_the_intake_list_with_a_refused_filter_is_accessible(client, article):
    assert_accessible(client.get(reverse("articles:intake") + "?status=bogus"), title="Intake jobs")


def current_links(soup, nav: str) -> dict[str, str]:
    links = soup.find("nav", attrs={"aria-label": nav}).find_all("a", attrs={"aria-current": True})
    return {text_of(link): link["aria-current"] for link in links}


def test_the_navigation_marks_the_intake_page_shown_and_the_section_it_is_in(client, article):
    jobs = assert_accessible(client.get(reverse("articles:intake")), title="Intake jobs")
    assert current_links(jobs, "Main") == {"Intake": "page"}
    assert current_links(jobs, "Intake") == {"Intake jobs": "page"}
    feeds = assert_accessible(client.get(reverse("articles:feeds")), title="Feeds")
    assert current_links(feeds, "Main") == {"Intake": "true"}
    assert current_links(feeds, "Intake") == {"Feeds": "page"}
    # A job's own page is in the jobs list, not the list itself.
    job = IntakeJob.objects.create(
        url="https://news.example/story", status=IntakeStatus.FAILED, reason="Not found."
    )
    detail = client.get(reverse("articles:intake_job", args=[job.pk]))
    detail = assert_accessible(detail, title="Intake job")
    assert current_links(detail, "Main") == {"Intake": "true"}
    assert current_links(detail, "Intake") == {"Intake jobs": "true"}
    upload = SimpleUploadedFile("rows.csv", b"title,body\nA,Text of it.\n", content_type="text/csv")
    client.post(reverse("articles:imports"), {"file": upload})
    batch = ImportBatch.objects.get()
    imported = client.get(reverse("articles:import", args=[batch.pk]))
    imported = assert_accessible(imported, title="Import of")
    assert current_links(imported, "Intake") == {"Bulk import": "true"}
    # Outside the section nothing of it is marked.
    articles = assert_accessible(client.get(reverse("articles:list")), title="Articles")
    assert current_links(articles, "Main") == {"Articles": "page"}
