"""A body that is HTML is refused where nobody checks an extraction of it: the API, a bulk row,
the admin's add form. Its tags went into the sentences and claims ("<p>The mayor said…")."""

import json
from datetime import UTC, datetime
from html import escape

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles.intake import jobrun
from articles.intake.bulk import import_batch_create
from articles.models import Article, IntakeJob, IntakeStatus, SourceKind
from tests.api_clients import client_with, make_key
from tests.factories import editor, extracted_page

pytestmark = pytest.mark.django_db

BODY_IS_HTML = (
    "The body is HTML (a page's source): send the article's plain text, or send its URL "
    "instead and the desk fetches and extracts the page."
)
HTML_BODIES = [
    "<p>The mayor said the budget grew by 40 percent.</p>\n<p>Critics disagreed.</p>",
    "<!DOCTYPE html><html><body><article><p>The mayor said the budget grew.</p></article>"
    "</body></html>",
]
# A CMS's HTML view or a copied fragment: markup that wraps the text, whatever its size.
HTML_FRAGMENTS = [
    '<div class="story">The mayor said the budget grew by 40 percent.</div>',
    "<p>The mayor said the budget grew by 40 percent.</p>",
    "The mayor said the budget grew by <b>40 percent</b>.<br>Critics <em>disagreed</em>.",
    "<script>document.cookie</script><style>p { color: red }</style>",
    # Laid out as a CMS's source view shows it: each tag on a line of its own, or spaced apart
    # from the text it wraps. Its tags touched no text and were stored.
    '<div class="story">\n  <p>\n    The mayor said the budget grew by 40 percent.\n  </p>\n</div>',
    '<p class="lead"> The mayor said the budget grew by 40 percent. </p>',
    "The mayor said the budget grew by 40 percent.\n<br>\n<br>\nCritics disagreed.\n<hr>",
]
# Text that only mentions markup, stored as the paste form stores it.
TEXTS_ABOUT_MARKUP = [
    "The council's web team said the <p> tag was misused. Nobody was hurt.",
    "Profits rose where a < b and c > d, the report said.",
    "The page used <script> and </script> tags to load the tracker.",
    "The style guide says to write <b> and </b> around a name, not <strong> and </strong>.",
    'The attacker hid <script src="https://evil.example/x.js"> in the footer, police said.',
    "A feed that sends <br> or <img> where text belongs (</p>, say) breaks the app.",
    "<p> tags were misused on the council's site, the web team said, and so was </p>.",
    "A <b> tag,\nthe guide said, marks a name; <i> marks a title.\nNobody uses </u> now.",
]


def api_submit(body: str):
    _, key = make_key(read=False, submit=True, name="Newsroom plugin")
    return client_with(key).post(
        "/api/v1/articles/", {"title": "Budget", "body": body}, format="json"
    )


@pytest.mark.parametrize("body", HTML_BODIES)
def test_the_api_refuses_an_html_body_naming_the_field(body):
    response = api_submit(body)
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid",
        "detail": "The request has invalid fields.",
        "fields": {"body": [BODY_IS_HTML]},
    }
    assert not Article.objects.exists()


@pytest.mark.parametrize("body", HTML_FRAGMENTS)
def test_the_api_refuses_an_html_fragment_with_the_same_message(body):
    response = api_submit(body)
    assert response.status_code == 400
    assert response.json()["fields"] == {"body": [BODY_IS_HTML]}
    assert not Article.objects.exists()


@pytest.mark.parametrize("body", TEXTS_ABOUT_MARKUP)
def test_the_api_stores_a_text_that_only_mentions_markup(body):
    response = api_submit(body)
    assert response.status_code == 202
    assert Article.objects.get().body == body


def test_an_import_refuses_an_html_row_by_its_line_and_stores_the_others(
    tmp_path, capsys, django_capture_on_commit_callbacks
):
    rows = [
        {"title": "Budget", "body": HTML_BODIES[0]},
        {"title": "Tags", "body": TEXTS_ABOUT_MARKUP[2]},
    ]
    path = tmp_path / "rows.jsonl"
    path.write_text("\n".join(json.dumps(row) for row in rows), encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_articles", str(path))
    output = capsys.readouterr().out
    assert f"line 1: body: {BODY_IS_HTML}" in output
    assert "1 stored, 0 queued for fetching, 0 skipped, 1 failed." in output
    assert Article.objects.get().body == TEXTS_ABOUT_MARKUP[2]


def test_an_uploaded_import_lists_an_html_row_among_its_refusals(
    client, django_capture_on_commit_callbacks
):
    data = json.dumps({"title": "Budget", "body": HTML_BODIES[1]})
    with django_capture_on_commit_callbacks(execute=True):
        batch = import_batch_create(file_name="rows.jsonl", data=data.encode(), created_by=None)
    batch.refresh_from_db()
    assert (batch.stored, batch.failed) == (0, 1)
    assert batch.errors == [{"line": 1, "reason": f"body: {BODY_IS_HTML}"}]
    assert not Article.objects.exists()
    client.force_login(editor())
    page = client.get(reverse("articles:import", args=[batch.pk])).content.decode()
    assert f"<td>1</td><td>body: {escape(BODY_IS_HTML)}</td>" in page


def test_an_uploaded_import_stores_a_row_whose_text_mentions_tags(
    django_capture_on_commit_callbacks,
):
    data = json.dumps({"title": "Trackers", "body": TEXTS_ABOUT_MARKUP[3]})
    with django_capture_on_commit_callbacks(execute=True):
        batch = import_batch_create(file_name="rows.jsonl", data=data.encode(), created_by=None)
    batch.refresh_from_db()
    assert (batch.stored, batch.failed, batch.errors) == (1, 0, [])
    assert Article.objects.get().body == TEXTS_ABOUT_MARKUP[3]


def admin_add(client, body: str):
    client.force_login(editor())
    return client.post(
        reverse("admin:articles_article_add"),
        {"title": "Budget", "body": body, "language": "en"},
    )


def test_the_admin_add_form_refuses_an_html_body_on_its_field(client):
    response = admin_add(client, HTML_BODIES[0])
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["body"] == [BODY_IS_HTML]
    assert not Article.objects.exists()


@pytest.mark.parametrize("body", [TEXTS_ABOUT_MARKUP[1], TEXTS_ABOUT_MARKUP[3]])
def test_the_admin_add_form_stores_a_text_that_only_mentions_markup(client, body):
    response = admin_add(client, body)
    assert response.status_code == 302
    assert Article.objects.get().body == body


def test_a_fetched_page_that_quotes_markup_is_stored_as_extracted():
    # The desk's own extraction is the article's text: a piece on web design quotes tags.
    job = IntakeJob.objects.create(url="https://news.example/css", source_kind=SourceKind.API)
    body = "Write <p>Hello</p> to make a paragraph, the course said."
    extracted = extracted_page(
        title="Learning HTML", body=body, published_at=datetime(2026, 11, 18, 12, tzinfo=UTC)
    )
    job = jobrun._store(job, job.url, extracted)
    job.refresh_from_db()
    assert job.status == IntakeStatus.STORED
    assert job.article.body == body
