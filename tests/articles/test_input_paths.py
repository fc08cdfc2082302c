"""Every way in validates the same way (issue #10, probe row 9 and item 9)."""

import json
from datetime import UTC, datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.forms import ArticleSubmitForm, FeedForm
from articles.intake import jobrun
from articles.intake.bulk import import_batch_create
from articles.models import Article, ImportBatch, IntakeJob, IntakeStatus, SourceKind
from articles.publication_dates import published_at_refusal
from articles.services import article_update
from tests.claims.admin_forms import admin_save
from tests.factories import ArticleFactory, editor, extracted_page, fact_checker

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


def test_the_web_form_says_of_damaged_text_what_every_desk_form_says(client):
    client.force_login(fact_checker())
    body = b"title=Budget&body=The+mayor+said+prices+rose+%FF%FE+5+percent."
    response = client.post(
        reverse("articles:submit"), body, content_type="application/x-www-form-urlencoded"
    )
    assert response.context["form"].errors["body"] == [
        "This text arrived damaged (it is not valid UTF-8, so some characters could not be "
        "read) and nothing was saved: paste or type it again."
    ]


def test_the_web_form_refuses_a_binary_paste_for_what_it_is_and_keeps_the_rest(client):
    client.force_login(fact_checker())
    response = client.post(
        reverse("articles:submit"),
        {"title": "Budget", "outlet": "Reuters", "body": "PK\x03\x04\x00\x00 binary"},
    )
    assert response.status_code == 400 and not Article.objects.exists()
    form = response.context["form"]
    # Said of the text, not "Paste the article's text, or a URL": one was pasted.
    assert form.non_field_errors() == [] and list(form.errors) == ["body"]
    assert form.errors["body"] == [
        "The text holds a NUL character, which no article text has: was a file (a PDF, a Word "
        "document) pasted? Paste the article's text, or its URL."
    ]
    page = response.content.decode()
    assert 'value="Budget"' in page and 'value="Reuters"' in page


@pytest.mark.parametrize(
    ("form_for", "field", "what"),
    [
        (ArticleSubmitForm, "title", "title"),
        (ArticleSubmitForm, "outlet", "outlet's name"),
        (ArticleSubmitForm, "url", "URL"),
        (FeedForm, "url", "feed URL"),
        (FeedForm, "outlet", "outlet domain"),
    ],
)
def test_a_nul_in_the_paste_or_feed_form_s_boxes_is_refused_in_the_desk_s_words(
    form_for, field, what
):
    form = form_for({field: "a\x00b"})
    assert not form.is_valid()
    assert form.errors[field] == [
        f"The {what} holds a NUL character (at character 2), which cannot be saved: remove it."
    ]


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


# A claim cannot be made in 2099: every way in refuses such a date, or drops it with a reason.
FUTURE = "2099-01-01"


def test_a_publication_date_after_tomorrow_is_refused_and_one_up_to_tomorrow_is_not():
    now = timezone.now()
    tomorrow = timezone.localdate() + timedelta(days=1)
    end_of_tomorrow = datetime.combine(
        tomorrow, time(23, 59), tzinfo=timezone.get_current_timezone()
    )
    assert published_at_refusal(end_of_tomorrow) is None  # a fast clock, a time zone
    assert "in the future" in published_at_refusal(end_of_tomorrow + timedelta(minutes=1))
    assert "in the future" in published_at_refusal(datetime(2099, 1, 1))  # naive: read as UTC
    assert published_at_refusal(now - timedelta(days=400)) is None


def _paste_dated(client, day: str):
    return client.post(
        reverse("articles:submit"),
        {
            "title": "Budget",
            "body": "The mayor said prices rose 5 percent in the city last year.",
            "published_on": day,
        },
    )


def test_tomorrow_typed_on_the_paste_form_is_taken_whatever_the_hour(client, settings, monkeypatch):
    # The day is stored at noon: before noon, tomorrow's noon was more than a day ahead, and
    # refused as in the future though the rule said "at most 1 day ahead".
    settings.TIME_ZONE = "UTC"
    client.force_login(fact_checker())
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 12, 7, 8, 0, tzinfo=UTC))
    response = _paste_dated(client, "2026-12-08")
    assert response.status_code == 302, response.context["form"].errors
    assert Article.objects.get().published_at == datetime(2026, 12, 8, 12, tzinfo=UTC)


def test_the_web_form_refuses_a_future_publication_day_on_its_field(client):
    client.force_login(fact_checker())
    response = client.post(
        reverse("articles:submit"),
        {
            "title": "Budget",
            "body": "The mayor said prices rose 5 percent.",
            "published_on": FUTURE,
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["published_on"] == [
        "The publication date 2099-01-01 is in the future: an article can be dated from "
        "1800-01-01 to tomorrow."
    ]
    assert not Article.objects.exists()


def test_the_admin_refuses_a_future_publication_date_on_add_and_on_edit(client):
    client.force_login(editor())
    response = client.post(
        reverse("admin:articles_article_add"),
        {
            "title": "Budget",
            "body": "The budget grew 4 percent.",
            "language": "en",
            "published_at_0": FUTURE,
            "published_at_1": "12:00:00",
        },
    )
    assert response.status_code == 200
    assert "is in the future" in response.content.decode()
    assert not Article.objects.exists()

    article = ArticleFactory(published_at=None)
    page = reverse("admin:articles_article_change", args=[article.pk])
    response = admin_save(client, page, published_at_0=FUTURE, published_at_1="12:00:00")
    assert response.status_code == 200
    assert "is in the future" in response.content.decode()
    article.refresh_from_db()
    assert article.published_at is None


def test_an_admin_edit_keeps_a_future_date_stored_before_the_rule():
    article = ArticleFactory(published_at=datetime(2099, 1, 1, tzinfo=UTC))
    edited = article_update(
        article=article, title="Retitled", url=article.url, published_at=article.published_at
    )
    assert edited.title == "Retitled"


def fetched_page_stored(url: str, published_at: datetime) -> IntakeJob:
    """A URL job whose fetched page gave `published_at`, stored as the worker stores it."""
    job = IntakeJob.objects.create(url=url, source_kind=SourceKind.URL)
    extracted = extracted_page(published_at=published_at)
    job = jobrun._store(job, job.url, extracted)
    job.refresh_from_db()
    return job


def test_a_fetched_page_dated_in_the_future_is_stored_undated_with_the_reason():
    job = fetched_page_stored("https://news.example/later", datetime(2099, 1, 1, 12, tzinfo=UTC))
    assert job.status == IntakeStatus.STORED
    assert job.article.published_at is None
    assert job.reason.startswith("Stored without a publication date: The publication date 2099")


def test_a_bulk_row_dated_in_the_future_is_stored_undated_with_the_reason_by_line(
    django_capture_on_commit_callbacks,
):
    data = json.dumps(
        {"title": "Later", "body": "Debt rose 12 percent this year.", "published_at": FUTURE}
    )
    with django_capture_on_commit_callbacks(execute=True):
        batch = import_batch_create(file_name="rows.jsonl", data=data.encode(), created_by=None)
    batch.refresh_from_db()
    assert (batch.stored, batch.failed) == (1, 0)
    assert Article.objects.get().published_at is None
    assert batch.errors == []
    assert [note["line"] for note in batch.notes] == [1]
    assert batch.notes[0]["note"].startswith("Stored without a publication date:")


def test_a_future_dated_row_imported_again_is_skipped_without_a_stored_note(
    django_capture_on_commit_callbacks,
):
    data = json.dumps(
        {"title": "Later", "body": "Debt rose 12 percent this year.", "published_at": FUTURE}
    )
    with django_capture_on_commit_callbacks(execute=True):
        import_batch_create(file_name="rows.jsonl", data=data.encode(), created_by=None)
        again = import_batch_create(file_name="again.jsonl", data=data.encode(), created_by=None)
    again.refresh_from_db()
    assert (again.stored, again.skipped, again.failed) == (0, 1, 0)
    assert again.notes == []


def test_the_import_page_and_command_show_an_undated_row_as_stored_with_a_note_not_refused(
    client, tmp_path, capsys
):
    from django.core.management import call_command

    rows = [
        {"title": "Later", "body": "Debt rose 12 percent this year.", "published_at": FUTURE},
        {"title": "Bad", "body": "Rents rose 9 percent this year.", "published_at": "18/11/2026"},
    ]
    path = tmp_path / "rows.jsonl"
    path.write_text("\n".join(json.dumps(row) for row in rows), encoding="utf-8")
    call_command("import_articles", str(path))
    output = capsys.readouterr().out
    assert "line 1 (stored): Stored without a publication date:" in output
    assert "line 2: published_at '18/11/2026' is not an ISO 8601 date" in output
    assert "1 stored, 0 queued for fetching, 0 skipped, 1 failed." in output

    client.force_login(fact_checker())
    page = client.get(reverse("articles:import", args=[ImportBatch.objects.get().pk]))
    refused, noted = page.content.decode().split("<h2>Rows stored with a note</h2>")
    assert "<td>2</td><td>published_at &#x27;18/11/2026&#x27; is not" in refused
    assert "Stored without a publication date" not in refused
    assert "<td>1</td><td>Stored without a publication date:" in noted


# Year 1 in UTC is year 0 west of it: Python cannot show such a moment in America/New_York, and
# every page that listed the article failed. Every way in refuses it with the same sentence.
OUT_OF_RANGE = (
    "The publication date is out of range: an article can be dated from 1800-01-01 to tomorrow."
)


def test_a_publication_date_that_some_time_zone_cannot_show_is_refused():
    assert published_at_refusal(datetime(1, 1, 1, tzinfo=UTC)) == OUT_OF_RANGE
    assert published_at_refusal(datetime(1, 12, 31, 23, 59)) == OUT_OF_RANGE  # naive: UTC
    assert published_at_refusal(datetime(9999, 1, 1, tzinfo=UTC)) == OUT_OF_RANGE


def test_a_publication_date_before_1800_is_refused_in_the_words_that_state_the_range():
    # One range, said whole: 0001-01-01 was "give a year from 2 to 9998" while 1899 was taken
    # and any day after tomorrow refused as in the future.
    assert published_at_refusal(datetime(1799, 12, 31, 23, 59, tzinfo=UTC)) == OUT_OF_RANGE
    assert published_at_refusal(datetime(2, 1, 1, tzinfo=UTC)) == OUT_OF_RANGE
    assert published_at_refusal(datetime(1800, 1, 1, tzinfo=UTC)) is None
    assert published_at_refusal(datetime(1899, 12, 31, 12, tzinfo=UTC)) is None


@pytest.mark.parametrize(
    ("day", "refused"), [("0001-01-01", True), ("1799-12-31", True), ("1800-01-01", False)]
)
def test_the_paste_form_states_the_same_range(client, day, refused):
    client.force_login(fact_checker())
    response = _paste_dated(client, day)
    if refused:
        assert response.context["form"].errors["published_on"] == [OUT_OF_RANGE]
    else:
        assert response.status_code == 302


def test_the_api_refuses_a_year_one_date_and_the_desk_pages_still_answer_in_new_york(
    client, settings
):
    from tests.api_clients import client_with, make_key

    # Sent while the desk runs in UTC, where the moment converts; shown later in New York.
    settings.TIME_ZONE = "UTC"
    _, key = make_key(read=False, submit=True, name="Newsroom plugin")
    response = client_with(key).post(
        "/api/v1/articles/",
        {
            "title": "Council passes budget",
            "body": "The mayor said the budget grew by 40 percent last year.",
            "published_at": "0001-01-01T00:00:00Z",
        },
        format="json",
    )
    assert response.status_code == 400
    assert OUT_OF_RANGE in json.dumps(response.json())
    assert not Article.objects.exists()

    # Stored before the rule (the factory is no way in): the first year every page can show.
    earliest = ArticleFactory(published_at=datetime(2, 1, 1, tzinfo=UTC))
    settings.TIME_ZONE = "America/New_York"
    client.force_login(fact_checker())
    for page in (
        reverse("articles:list"),
        reverse("articles:detail", args=[earliest.pk]),
        reverse("claims:queue"),
    ):
        assert client.get(page).status_code == 200, page


def test_the_api_in_new_york_refuses_a_year_one_date_with_the_same_sentence(settings):
    from tests.api_clients import client_with, make_key

    # Here DRF's own conversion overflows before the desk's rule reads the moment.
    settings.TIME_ZONE = "America/New_York"
    _, key = make_key(read=False, submit=True, name="Newsroom plugin")
    response = client_with(key).post(
        "/api/v1/articles/",
        {"title": "Budget", "body": "The mayor said.", "published_at": "0001-01-01T00:00:00Z"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["fields"] == {"published_at": [OUT_OF_RANGE]}
    assert not Article.objects.exists()


def test_the_web_form_refuses_a_year_one_day_on_its_field(client, settings):
    settings.TIME_ZONE = "America/New_York"
    client.force_login(fact_checker())
    response = client.post(
        reverse("articles:submit"),
        {
            "title": "Budget",
            "body": "The mayor said prices rose 5 percent.",
            "published_on": "0001-01-01",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["published_on"] == [OUT_OF_RANGE]
    assert not Article.objects.exists()


def test_a_fetched_page_dated_year_one_is_refused_with_the_reason():
    job = fetched_page_stored("https://news.example/old", datetime(1, 1, 1, 12, tzinfo=UTC))
    assert not Article.objects.exists()
    assert OUT_OF_RANGE in job.reason


def test_the_api_names_a_scheme_it_does_not_fetch_as_it_is_written():
    from tests.api_clients import client_with, make_key

    _, key = make_key(read=False, submit=True, name="Newsroom plugin")
    response = client_with(key).post(
        "/api/v1/articles/", {"url": "javascript:alert(1)"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["fields"]["url"] == [
        "Refused: only http and https addresses are fetched, not javascript: ones."
    ]


def test_the_admin_refuses_a_year_one_date(client, settings):
    settings.TIME_ZONE = "America/New_York"
    client.force_login(editor())
    response = client.post(
        reverse("admin:articles_article_add"),
        {
            "title": "Budget",
            "body": "The budget grew 4 percent.",
            "language": "en",
            "published_at_0": "0001-01-01",
            "published_at_1": "12:00:00",
        },
    )
    assert response.status_code == 200
    assert OUT_OF_RANGE in response.content.decode()
    assert not Article.objects.exists()


def test_the_web_form_says_an_over_long_title_or_outlet_is_too_long_in_the_desk_s_words(client):
    client.force_login(fact_checker())
    response = client.post(
        reverse("articles:submit"),
        {"title": "T" * 10_000, "outlet": "O" * 201, "body": "The budget grew 4 percent."},
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "title": ["The title is too long: keep it to 500 characters (it has 10,000)."],
        "outlet": ["The outlet's name is too long: keep it to 200 characters (it has 201)."],
    }
    assert 'maxlength="500"' in response.content.decode()
    assert not Article.objects.exists()


def test_the_web_form_refuses_an_over_long_url_with_the_length_alone(client):
    client.force_login(fact_checker())
    url = "https://news.example/" + "a" * 2501
    assert len(url) == 2522
    response = client.post(reverse("articles:submit"), {"url": url})
    assert response.status_code == 400
    assert response.context["form"].errors["url"] == [
        "The URL is too long: keep it to 2,000 characters (it has 2,522)."
    ]
    # Typed without its scheme, the https:// the form adds is not counted against the typist.
    response = client.post(reverse("articles:submit"), {"url": "news.example/" + "a" * 1982})
    assert response.context["form"].errors["url"] == [
        "The URL is too long with the https:// it is given: keep it to 1,992 characters "
        "(it has 1,995)."
    ]
    assert not IntakeJob.objects.exists()
