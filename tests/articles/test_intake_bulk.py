"""Bulk import: CSV and JSON Lines, bad rows with their line numbers, idempotent re-import,
the task's progress, the page and the command."""

import json
import re
import tracemalloc
from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.intake.bulk import import_batch_create, import_batch_run, import_rows_count
from articles.intake.bulkfile import CHUNK_BYTES
from articles.intake.extract import day_at_noon
from articles.models import (
    Article,
    ImportBatch,
    ImportChunk,
    ImportStatus,
    IntakeJob,
    Outlet,
    SourceKind,
)
from tests.a11y import assert_accessible
from tests.articles.conftest import article_page, story
from tests.factories import UserFactory, fact_checker, restore_migration_data

pytestmark = pytest.mark.django_db

CSV = """title,body,url,published_at,outlet,byline,language
Budget grows,"The mayor said the budget grew by 40 percent.
It was the largest rise in a decade.",https://news.example/budget,2026-11-18,News Example,Ada R,en
No body or url,,,,,,
Rail fares,Rail fares rose 20 percent in 2026.,,2026-11-19T08:30:00Z,,,en
Bad date,Unemployment fell to 3 percent.,,18/11/2026,,,
,A body without a title.,,,,,
Lang,Prices rose 5 percent this year.,,,,,a-very-long-language-code
"""


def run_import(name: str, data: bytes, capture) -> ImportBatch:
    with capture(execute=True):
        batch = import_batch_create(file_name=name, data=data, created_by=None)
    batch.refresh_from_db()
    return batch


def test_a_csv_import_stores_good_rows_and_reports_bad_ones_by_line(
    django_capture_on_commit_callbacks,
):
    batch = run_import("rows.csv", CSV.encode(), django_capture_on_commit_callbacks)
    assert batch.status == ImportStatus.DONE
    assert (batch.total_rows, batch.rows_done) == (6, 6)
    assert (batch.stored, batch.skipped, batch.failed) == (2, 0, 4)
    assert batch.errors == [
        {
            "line": 4,
            "reason": "the row has neither a body nor a url: give the article's text (body) "
            "or its address (url)",
        },
        {
            "line": 6,
            "reason": "published_at '18/11/2026' is not an ISO 8601 date: write it as "
            "2026-11-18, or 2026-11-18T09:30:00+00:00 with a time",
        },
        {"line": 7, "reason": "a row with a body needs a title: give one (title)"},
        {
            "line": 8,
            "reason": "language 'a-very-long-language' is not a language code such as 'en' or "
            "'pt-br'",
        },
    ]
    budget = Article.objects.get(title="Budget grows")
    assert budget.source_kind == SourceKind.IMPORT
    assert (
        budget.body
        == "The mayor said the budget grew by 40 percent.\nIt was the largest rise in a decade."
    )
    assert budget.url == "https://news.example/budget" and budget.byline == "Ada R"
    assert budget.outlet.name == "News Example"
    assert budget.published_at.isoformat() == "2026-11-18T12:00:00+00:00"
    assert budget.analysis_status == "done"  # analysed like any other article


def test_importing_the_same_file_again_stores_nothing_twice(django_capture_on_commit_callbacks):
    run_import("rows.csv", CSV.encode(), django_capture_on_commit_callbacks)
    again = run_import("rows-again.csv", CSV.encode(), django_capture_on_commit_callbacks)
    assert (again.stored, again.skipped, again.failed) == (0, 2, 4)
    assert Article.objects.count() == 2


def test_a_jsonl_import_with_bad_lines(intake_server, django_capture_on_commit_callbacks):
    lines = [
        json.dumps({"title": "Jobs", "body": "Unemployment fell to 3 percent.", "language": "en"}),
        '{"title": "x"',
        "",
        json.dumps(["a", "list"]),
        json.dumps({"title": "X", "body": "Y", "colour": "red"}),
        json.dumps({"title": "X", "body": 5}),
        json.dumps({"url": intake_server.url("/news/one"), "outlet": "Assembly News"}),
        json.dumps({"url": "ftp://example.org/a"}),
        '{"title": "x',
    ]
    batch = run_import("rows.jsonl", "\n".join(lines).encode(), django_capture_on_commit_callbacks)
    # The URL row is queued for fetching, not stored (below: its job stored it).
    assert (batch.stored, batch.queued, batch.skipped, batch.failed) == (1, 1, 0, 6)
    assert [error["line"] for error in batch.errors] == [2, 4, 5, 6, 8, 9]
    # The column of that line, not the start of the next one that its line break would make.
    assert batch.errors[0]["reason"] == "not valid JSON (Expecting ',' delimiter at column 14)"
    assert batch.errors[1]["reason"] == "each line must be one JSON object"
    assert batch.errors[2]["reason"] == "unknown key(s) colour"
    assert batch.errors[3]["reason"] == "every value must be a string: body is not"
    assert batch.errors[4]["reason"] == "'ftp://example.org/a' is not a valid http(s) URL."
    assert batch.errors[5]["reason"] == (
        "not valid JSON (Unterminated string starting at column 11)"  # one "at", not two
    )
    job = IntakeJob.objects.get()  # the URL row became an intake job, fetched and stored
    assert job.source_kind == SourceKind.IMPORT and job.status == "stored"
    assert job.article.outlet.name == "Assembly News"
    again = run_import("rows.jsonl", "\n".join(lines).encode(), django_capture_on_commit_callbacks)
    assert (again.stored, again.skipped) == (0, 2)


def _import_without_fetching(name: str, data: str, capture):
    batch = import_batch_create(file_name=name, data=data.encode(), queue=False)
    with capture():  # the fetches are queued on commit; not sending them keeps the jobs queued
        return import_batch_run(batch_id=batch.pk)


def test_a_url_twice_in_one_file_becomes_one_job(django_capture_on_commit_callbacks):
    rows = "url\nhttps://news.example/a\nhttps://www.news.example/a/\nhttps://news.example/b\n"
    progress = _import_without_fetching("urls.csv", rows, django_capture_on_commit_callbacks)
    assert (progress.stored, progress.queued, progress.skipped, progress.failed) == (0, 2, 1, 0)
    assert sorted(IntakeJob.objects.values_list("url", flat=True)) == [
        "https://news.example/a",
        "https://news.example/b",
    ]


def _page_by(intake_server, path: str, author: str) -> str:
    page = article_page(intake_server.url(""), "Fares rise", story(path), path)
    intake_server.set(
        path, page.replace("<head>", f'<head><meta name="author" content="{author}">')
    )
    return intake_server.url(path)


def test_a_url_rows_byline_is_the_fetched_articles_over_the_one_its_page_names(
    intake_server, django_capture_on_commit_callbacks
):
    rows = [
        {"url": intake_server.url("/news/one"), "byline": "Ada R"},  # the page names nobody
        {"url": _page_by(intake_server, "/news/fares", "Web Desk"), "byline": "Ben S"},
        {"url": _page_by(intake_server, "/news/rail", "Web Desk")},
    ]
    data = "\n".join(json.dumps(row) for row in rows).encode()
    batch = run_import("rows.jsonl", data, django_capture_on_commit_callbacks)
    assert (batch.queued, batch.failed, batch.errors) == (3, 0, [])
    stored = {job.import_line: job.article.byline for job in IntakeJob.objects.all()}
    assert stored == {1: "Ada R", 2: "Ben S", 3: "Web Desk"}


def _page_in(intake_server, path: str, title: str, lang: str) -> str:
    """A page titled `title`, in `lang`, dated 2026-11-21 08:00 UTC."""
    page = article_page(intake_server.url(""), title, story(path), path)
    intake_server.set(path, page.replace('lang="en"', f'lang="{lang}"'))
    return intake_server.url(path)


PAGE_DATE = datetime(2026, 11, 21, 8, tzinfo=UTC)


def test_a_url_rows_title_date_and_language_are_the_fetched_articles_over_its_pages(
    intake_server, django_capture_on_commit_callbacks
):
    given = {"title": "Fares rise 5%", "published_at": "2026-11-18", "language": "PT-br"}
    rows = [
        {"url": _page_in(intake_server, "/news/fares", "Fares | News Example", "fr"), **given},
        # Nothing given: the page's own title, date and lang.
        {"url": _page_in(intake_server, "/news/rail", "Rail strike", "fr")},
    ]
    data = "\n".join(json.dumps(row) for row in rows).encode()
    batch = run_import("rows.jsonl", data, django_capture_on_commit_callbacks)
    assert (batch.queued, batch.failed, batch.errors, batch.notes) == (2, 0, [], [])
    stored = {
        job.import_line: (job.article.title, job.article.published_at, job.article.language)
        for job in IntakeJob.objects.select_related("article")
    }
    assert stored == {
        1: ("Fares rise 5%", day_at_noon(date(2026, 11, 18)), "pt-br"),
        2: ("Rail strike", PAGE_DATE, "fr"),
    }


def test_a_url_rows_date_in_the_future_is_left_out_for_its_pages_saying_so_by_line(
    intake_server, django_capture_on_commit_callbacks
):
    row = {
        "url": _page_in(intake_server, "/news/later", "Later", "en"),
        "published_at": "2099-01-01",
    }
    batch = run_import("rows.jsonl", json.dumps(row).encode(), django_capture_on_commit_callbacks)
    assert (batch.queued, batch.failed) == (1, 0)
    assert Article.objects.get().published_at == PAGE_DATE
    assert [note["line"] for note in batch.notes] == [1]
    # Not "stored without a publication date": the article has the page's.
    assert batch.notes[0]["note"].startswith(
        "The publication date given is left out, the fetched page's own used if any: "
        "The publication date 2099-01-01 is in the future"
    )


def test_a_url_row_with_a_long_title_or_a_bad_date_or_language_is_refused_by_line(
    django_capture_on_commit_callbacks,
):
    rows = [
        {"title": "T" * 501, "body": "Rates rose 2 percent this year."},
        {"url": "https://news.example/a", "title": "T" * 501},
        {"url": "https://news.example/b", "published_at": "0001-01-01T00:00:00+00:00"},
        {"url": "https://news.example/c", "published_at": "18/11/2026"},
        {"url": "https://news.example/d", "language": "xx"},
        {"url": "https://news.example/e", "title": "T" * 500},  # at the limit: queued
    ]
    data = "\n".join(json.dumps(row) for row in rows)
    _import_without_fetching("rows.jsonl", data, django_capture_on_commit_callbacks)
    batch = ImportBatch.objects.get()
    too_long = "title: The title is too long: keep it to 500 characters (it has 501)."
    assert batch.errors == [
        {"line": 1, "reason": too_long},
        {"line": 2, "reason": too_long},  # as on a row with a body
        {
            "line": 3,
            "reason": "published_at: The publication date is out of range: an article can be "
            "dated from 1800-01-01 to tomorrow.",
        },
        {
            "line": 4,
            "reason": "published_at '18/11/2026' is not an ISO 8601 date: write it as "
            "2026-11-18, or 2026-11-18T09:30:00+00:00 with a time",
        },
        {"line": 5, "reason": "language 'xx' is not a language code such as 'en' or 'pt-br'"},
    ]
    assert list(IntakeJob.objects.values_list("import_line", "title")) == [(6, "T" * 500)]


def test_a_reimport_reads_the_jobs_in_flight_once_per_chunk_of_rows(
    django_capture_on_commit_callbacks,
):
    rows = "url\n" + "".join(f"https://news.example/story-{n}\n" for n in range(150))
    first = _import_without_fetching("urls.csv", rows, django_capture_on_commit_callbacks)
    assert first.queued == 150
    with CaptureQueriesContext(connection) as queries:
        again = _import_without_fetching("again.csv", rows, django_capture_on_commit_callbacks)
    assert (again.stored, again.skipped, again.failed) == (0, 150, 0)
    assert IntakeJob.objects.count() == 150
    job_reads = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].startswith("SELECT") and 'FROM "articles_intakejob"' in query["sql"]
    ]
    assert len(job_reads) == 2  # 150 rows are two chunks of at most 100


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("rows.xlsx", b"x", "neither CSV (.csv) nor JSON Lines"),
        ("rows.csv", b"\xff\xfe title", "not valid UTF-8 (byte 0)"),
        ("rows.csv", b"title,body\nT\x00,The mayor said it.\n", "Line 2 holds a null character"),
        ("rows.csv", b"title,colour\nA,red\n", "Unknown column(s) colour"),
        ("rows.csv", b"title,byline\nA,B\n", "needs a body or a url column"),
        ("rows.csv", b"title,body\n", "The file has no rows."),
        ("rows.csv", b"title;body\nA;The mayor said it.\n", "separated by semicolons, not commas"),
        ("rows.csv", b"title\tbody\nA\tThe mayor said it.\n", "separated by tabs, not commas"),
        (
            "rows.csv",
            b'Taxes,"The mayor said taxes doubled."\n',
            "Line 1 is not a header: the first line of a CSV file must name its columns, among "
            "title, body, url, published_at, outlet, byline, language",
        ),
        (
            "rows.jsonl",
            b'{\n  "title": "Taxes",\n  "body": "The mayor said it."\n}\n',
            "Line 1: this is not JSON Lines, which has one JSON object per line",
        ),
        (
            "rows.jsonl",
            b'\n[{"title": "Taxes", "body": "The mayor said it."}]\n',
            "Line 2: this is not JSON Lines",
        ),
    ],
)
def test_a_file_that_cannot_be_imported_is_refused_whole(name, data, message):
    with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        import_batch_create(file_name=name, data=data)
    assert not ImportBatch.objects.exists()


def test_the_task_reports_progress_as_it_goes(django_capture_on_commit_callbacks):
    rows = "title,body\n" + "".join(
        f"Row {n},Prices rose {n} percent this year.\n" for n in range(450)
    )
    batch = import_batch_create(file_name="many.csv", data=rows.encode(), queue=False)
    seen = []

    def saved(progress):  # what the page's progress bar reads at that moment
        row = ImportBatch.objects.get(pk=batch.pk)
        seen.append((progress.done, row.rows_done, row.stored))

    progress = import_batch_run(batch_id=batch.pk, on_progress=saved)
    assert len(seen) >= 3 and seen[-1] == (450, 450, 450)
    assert all(done == saved_done < 450 for done, saved_done, _ in seen[:-1])
    assert [done for done, _, _ in seen] == sorted(done for done, _, _ in seen)
    assert (progress.stored, progress.failed) == (450, 0)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.DONE and batch.rows_done == 450
    assert import_batch_run(batch_id=batch.pk).stored == 450  # a finished batch is left alone


def test_the_command_shows_progress_and_the_bad_lines(tmp_path, capsys):
    path = tmp_path / "rows.csv"
    path.write_text(CSV, encoding="utf-8")
    call_command("import_articles", str(path))
    output = capsys.readouterr().out
    bar = "[##############################] 6/6 rows · 2 stored · 0 queued for fetching · "
    assert bar + "0 skipped · 4 failed" in output
    assert "line 6: published_at '18/11/2026' is not an ISO 8601 date" in output
    assert "Imported rows.csv in" in output
    assert "6 rows, 2 stored, 0 queued for fetching, 0 skipped, 4 failed." in output
    with pytest.raises(CommandError, match="No file at"):
        call_command("import_articles", str(tmp_path / "missing.csv"))


def test_the_command_exits_with_an_error_when_every_row_failed_and_not_when_some_were_kept(
    tmp_path, capsys, django_capture_on_commit_callbacks
):
    """A script or a cron job reads the exit status: a file nothing could be used from exited
    0, as if imported."""
    path = tmp_path / "rows.csv"
    path.write_text("title,body,published_at\nA,,\nB,Prices rose.,18/11/2026\n", encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        call_command("import_articles", str(path))
    assert str(refused.value) == (
        "No row of rows.csv was imported: 2 rows, 0 stored, 0 queued for fetching, "
        "0 skipped, 2 failed."
    )
    output = capsys.readouterr().out
    assert "line 2: the row has neither a body nor a url" in output
    assert "line 3: published_at '18/11/2026' is not an ISO 8601 date" in output
    assert "Imported" not in output and not Article.objects.exists()

    path.write_text(CSV, encoding="utf-8")  # two rows kept, four refused: exit 0
    with django_capture_on_commit_callbacks():
        call_command("import_articles", str(path))
        call_command("import_articles", str(path))  # again: skipped as stored, not failed
    assert "6 rows, 0 stored, 0 queued for fetching, 2 skipped, 4 failed." in (
        capsys.readouterr().out
    )


def test_the_import_page_uploads_and_shows_a_progress_bar(
    client, django_capture_on_commit_callbacks
):
    client.force_login(fact_checker())
    upload = SimpleUploadedFile("rows.csv", CSV.encode(), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/intake/imports/", {"file": upload})
    batch = ImportBatch.objects.get()
    assert response["Location"] == f"/intake/imports/{batch.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "rows.csv queued for import; its rows are counted as it starts." in page
    assert '<progress id="import-bar" max="6" value="6">' in page
    assert "published_at &#x27;18/11/2026&#x27; is not an ISO 8601 date" in page
    status = client.get(f"/intake/imports/{batch.pk}/status/").json()
    assert status == {
        "status": "done",
        "label": "Done",
        "total": 6,
        "done": 6,
        "stored": 2,
        "queued": 0,
        "skipped": 0,
        "failed": 4,
        "error": "",
        "finished": True,
        "jobs": {"queued": 0, "fetching": 0, "stored": 0, "failed": 0},
        "settled": True,
        "articles": 2,
    }


@pytest.mark.django_db(transaction=True)
def test_the_upload_message_says_the_import_is_done_when_it_ran_in_the_request(client):
    # Without a broker the import runs on commit, inside the upload's request: "queued for
    # import; its rows are counted as it starts" sat above a finished import.
    restore_migration_data()  # an earlier transactional test flushed the groups
    client.force_login(fact_checker())
    upload = SimpleUploadedFile("rows.csv", CSV.encode(), content_type="text/csv")
    page = client.post("/intake/imports/", {"file": upload}, follow=True)
    assert ImportBatch.objects.get().status == ImportStatus.DONE
    said = [str(message) for message in page.context["messages"]]
    assert said == [
        "rows.csv imported: 6 rows, 2 stored, 0 queued for fetching, 0 skipped, 4 failed. "
        "The failed lines are listed below."
    ]
    one = SimpleUploadedFile(
        "one.csv", b"title,body\nOne,The chief said 4 bridges closed.\n", content_type="text/csv"
    )
    page = client.post("/intake/imports/", {"file": one}, follow=True)
    said = [str(message) for message in page.context["messages"]]
    assert said == [
        "one.csv imported: 1 row, 1 stored, 0 queued for fetching, 0 skipped, 0 failed."
    ]


def test_the_import_page_refuses_a_bad_file_and_needs_the_permission(client):
    client.force_login(fact_checker())
    upload = SimpleUploadedFile("rows.txt", b"hello")
    response = client.post("/intake/imports/", {"file": upload})
    assert response.status_code == 400
    assert "neither CSV (.csv) nor JSON Lines" in response.content.decode()
    client.force_login(UserFactory(is_staff=False))
    assert client.get("/intake/imports/").status_code == 403


def test_an_unreachable_broker_is_shown_on_the_import(
    monkeypatch, django_capture_on_commit_callbacks
):
    from articles.intake import import_recovery

    monkeypatch.setattr(import_recovery, "task_send", lambda name, *args: False)
    batch = run_import("rows.csv", CSV.encode(), django_capture_on_commit_callbacks)
    assert batch.status == ImportStatus.QUEUED
    assert "task queue could not be reached" in batch.error


def test_jsonl_lines_that_no_text_column_can_store_are_bad_rows_not_a_crash(
    django_capture_on_commit_callbacks,
):
    # json.loads turns these escapes into a lone surrogate and a NUL, which PostgreSQL cannot
    # store, and a deeply nested line into a RecursionError: each is one bad line.
    lines = [
        json.dumps({"title": "Jobs", "body": "Unemployment fell to 3 percent."}),
        '{"title": "Half a pair \\ud800", "body": "Prices rose 5 percent this year."}',
        '{"title": "Nul", "body": "Rents rose 9 percent this year.\\u0000"}',
        "[" * 100_000 + "]" * 100_000,
        '{"\\udc00x": "a key", "body": "Wages rose 4 percent this year."}',
        '{"ti\\u0000tle": "a key", "body": "Taxes rose 2 percent this year."}',
        json.dumps({"title": "Rail", "body": "Rail fares rose 20 percent in 2026."}),
    ]
    batch = run_import("rows.jsonl", "\n".join(lines).encode(), django_capture_on_commit_callbacks)
    assert batch.status == ImportStatus.DONE
    assert (batch.stored, batch.skipped, batch.failed) == (2, 0, 5)
    assert batch.errors == [
        {"line": 2, "reason": "title holds a lone surrogate (U+D800), which is not text"},
        {"line": 3, "reason": "body holds a null character, which no text can store"},
        {"line": 4, "reason": "not valid JSON (nested too deeply)"},
        {"line": 5, "reason": "a key holds a lone surrogate (U+DC00), which is not text"},
        {"line": 6, "reason": "a key holds a null character, which no text can store"},
    ]
    assert sorted(Article.objects.values_list("title", flat=True)) == ["Jobs", "Rail"]


def test_a_published_at_some_time_zone_cannot_show_is_a_bad_row_and_the_article_list_works(
    client, settings, django_capture_on_commit_callbacks
):
    # 9999-12-31T23:59-05:00 is 10000-01-01 in UTC: PostgreSQL stores it, Python cannot read
    # it back; 0001-01-01 in UTC is year 0 in New York. One such row would break every page
    # that lists articles.
    settings.TIME_ZONE = "America/New_York"
    days = ("9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+05:00", "0001-01-01T00:00:00Z")
    lines = [
        json.dumps(
            {"title": "Late", "body": "Debt rose 12 percent this year.", "published_at": day}
        )
        for day in days
    ]
    batch = run_import("rows.jsonl", "\n".join(lines).encode(), django_capture_on_commit_callbacks)
    assert (batch.stored, batch.failed) == (0, 3)
    assert [error["reason"] for error in batch.errors] == [
        "published_at: The publication date is out of range: an article can be dated from "
        "1800-01-01 to tomorrow."
    ] * 3
    client.force_login(fact_checker())
    assert client.get(reverse("articles:list")).status_code == 200


def test_a_row_whose_language_is_not_a_language_code_is_refused(
    django_capture_on_commit_callbacks,
):
    rows = (
        "title,body,language\nA,Prices rose 6 percent this year.,<script>\n"
        "B,Prices rose 7 percent this year.,PT-BR\n"
    )
    batch = run_import("lang.csv", rows.encode(), django_capture_on_commit_callbacks)
    assert batch.errors == [
        {"line": 2, "reason": "language '<script>' is not a language code such as 'en' or 'pt-br'"}
    ]
    assert Article.objects.get().language == "pt-br"


def test_the_import_list_pages_back_to_the_oldest_import(client):
    ImportBatch.objects.bulk_create(
        ImportBatch(file_name=f"wire-{n:03}.csv", file_format="csv", content="title,body\n")
        for n in range(60)
    )
    client.force_login(fact_checker())
    first = client.get("/intake/imports/").content.decode()
    assert "wire-059.csv" in first and "wire-000.csv" not in first
    assert 'rel="next"' in first
    assert "wire-000.csv" in client.get("/intake/imports/?page=2").content.decode()


def test_a_csv_body_longer_than_the_csv_modules_field_limit_is_stored(settings):
    # Python's csv reader refuses fields over 131,072 characters by default; articles may be
    # longer (ARTICLE_MAX_CHARS), and a longer one gets the article's own message.
    settings.ARTICLE_MAX_CHARS = 200_000
    long_body = "The budget rose by 12 percent. " * 5000  # 155,000 characters
    rows = (
        f"title,body\nLong,{long_body}\nTooLong,{long_body * 2}\n"
        "Short,Rents rose 9 percent this year.\n"
    )
    # Not queued: the analyses of such long texts are not what this test is about.
    batch = import_batch_create(file_name="rows.csv", data=rows.encode(), queue=False)
    import_batch_run(batch_id=batch.pk)
    batch.refresh_from_db()
    assert (batch.stored, batch.failed) == (2, 1)
    assert batch.errors[0]["line"] == 3 and "field limit" not in batch.errors[0]["reason"]
    assert "characters" in batch.errors[0]["reason"]
    assert sorted(Article.objects.values_list("title", flat=True)) == ["Long", "Short"]


def test_json_lines_are_split_at_newlines_only(django_capture_on_commit_callbacks):
    # U+2028, U+0085 and a form feed may stand unescaped inside a JSON string
    # (ensure_ascii=False writes them so); str.splitlines() would cut the line there.
    lines = [
        json.dumps(
            {"title": "Line\u2028separator", "body": "Wages rose 4 percent this year."},
            ensure_ascii=False,
        ),
        json.dumps(
            {"title": "Next\u0085line", "body": "Taxes rose 2 percent this year."},
            ensure_ascii=False,
        ),
        json.dumps({"title": "Rail", "body": "Rail fares rose 20 percent."}),
    ]
    data = "\r\n".join(lines).encode()
    batch = run_import("rows.jsonl", data, django_capture_on_commit_callbacks)
    assert (batch.total_rows, batch.stored, batch.failed) == (3, 3, 0)


def test_a_csv_header_naming_a_column_twice_is_refused(django_capture_on_commit_callbacks):
    with pytest.raises(ValidationError, match="Line 1: the header names body more than once"):
        import_batch_create(file_name="rows.csv", data=b"title,body,body\nA,One,Two\n")


def test_a_jsonl_line_naming_a_key_twice_is_a_bad_row_not_its_last_value_taken(
    django_capture_on_commit_callbacks,
):
    # As a CSV header naming a column twice, and as the API's JSON: the last value silently
    # won, so the file's author could not tell which title was stored.
    lines = [
        '{"title": "Budget", "body": "The mayor said the budget grew.", "title": "Rail"}',
        '{"title": "Jobs", "body": "Wages rose.", "b\\u0000ody": "x", "b\\u0000ody": "y"}',
        json.dumps({"title": "Rail", "body": "Rail fares rose 20 percent in 2026."}),
    ]
    batch = run_import("rows.jsonl", "\n".join(lines).encode(), django_capture_on_commit_callbacks)
    assert (batch.stored, batch.failed) == (1, 2)
    assert batch.errors == [
        {"line": 1, "reason": 'the key "title" appears more than once; give each key once'},
        {"line": 2, "reason": 'the key "b\\u0000ody" appears more than once; give each key once'},
    ]
    assert not Article.objects.filter(title__in=["Budget", "Jobs"]).exists()


def test_an_unexpected_error_halfway_fails_the_import_and_keeps_the_rows_before_its_chunk(
    monkeypatch, django_capture_on_commit_callbacks
):
    from articles.intake import bulk

    rows = "title,body\n" + "".join(
        f"Row {n},Prices rose {n} percent this year.\n" for n in range(250)
    )
    batch = import_batch_create(file_name="many.csv", data=rows.encode(), queue=False)
    real_store = bulk.import_row_store

    def store(fields, **kwargs):
        if fields["title"] == "Row 150":
            raise RuntimeError("the database went away")
        return real_store(fields, **kwargs)

    monkeypatch.setattr(bulk, "import_row_store", store)
    with pytest.raises(RuntimeError):
        import_batch_run(batch_id=batch.pk)
    batch.refresh_from_db()
    # The first chunk of 100 rows is committed; the chunk that broke is rolled back whole.
    assert batch.status == ImportStatus.FAILED and batch.finished_at is not None
    assert Article.objects.count() == batch.stored == batch.rows_done == 100
    assert batch.error == (
        "An internal error stopped the import after 100 of 250 rows; the desk's logs have the "
        "details. Import the file again to store the rest: rows already stored are skipped."
    )


def test_an_import_that_stops_names_its_rows_with_separators_and_an_uncounted_total_as_unknown(
    monkeypatch,
):
    from articles.intake import bulk

    rows = "title,body\n" + "".join(
        f"Row {n},Prices rose {n} percent this year.\n" for n in range(1250)
    )
    batch = import_batch_create(file_name="many.csv", data=rows.encode(), queue=False)
    # A resumed run: the first 1,100 rows were committed by the run before.
    ImportBatch.objects.filter(pk=batch.pk).update(rows_done=1_100, total_rows=1_250)

    def store(fields, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(bulk, "import_row_store", store)
    with pytest.raises(RuntimeError):
        import_batch_run(batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.error.startswith("An internal error stopped the import after 1,100 of 1,250 rows;")

    def uncountable(**kwargs):
        raise RuntimeError("the file could not be read")

    uncounted = import_batch_create(file_name="few.csv", data=rows.encode(), queue=False)
    monkeypatch.setattr(bulk, "import_rows_count", uncountable)
    with pytest.raises(RuntimeError):
        import_batch_run(batch_id=uncounted.pk)
    uncounted.refresh_from_db()
    assert uncounted.error.startswith("An internal error stopped the import after 0 of ? rows;")


def test_a_file_over_the_size_cap_is_refused_before_it_is_read_into_memory(
    client, settings, tmp_path, monkeypatch, capsys
):
    from django.core.files.uploadedfile import UploadedFile

    settings.INTAKE_IMPORT_MAX_BYTES = 1024
    reads = []

    def read(self):  # UploadedFile.read is a property handing over the file's read
        if not isinstance(self, SimpleUploadedFile):  # the test client's, not the view's
            reads.append(self.name)
        return self.file.read

    monkeypatch.setattr(UploadedFile, "read", property(read))
    client.force_login(fact_checker())
    big = b"title,body\n" + b"A,Prices rose 5 percent.\n" * 100
    response = client.post("/intake/imports/", {"file": SimpleUploadedFile("rows.csv", big)})
    assert response.status_code == 400
    assert "The file has 2,511 bytes; the maximum is 1,024." in response.content.decode()
    assert reads == [] and not ImportBatch.objects.exists()

    path = tmp_path / "rows.csv"
    path.write_bytes(big)
    monkeypatch.setattr(type(path), "read_bytes", lambda self: pytest.fail("read whole"))
    with pytest.raises(CommandError, match="The file has 2,511 bytes; the maximum is 1,024."):
        call_command("import_articles", str(path))


def test_a_bad_row_names_its_fields_and_the_values_that_are_not_text(
    django_capture_on_commit_callbacks,
):
    rows = "title,body\nA,B,C,D\n"
    batch = run_import("rows.csv", rows.encode(), django_capture_on_commit_callbacks)
    assert batch.errors == [{"line": 2, "reason": "4 fields where the header names 2"}]
    lines = [json.dumps({"title": 5, "body": ["a paragraph"], "outlet": None})]
    batch = run_import("rows.jsonl", "\n".join(lines).encode(), django_capture_on_commit_callbacks)
    assert batch.errors == [
        {"line": 1, "reason": "every value must be a string: title, body are not"}
    ]


def test_a_quote_left_open_says_how_far_the_row_ran(django_capture_on_commit_callbacks):
    # The csv module reads on to the next quote for the closing one: the rows before it are
    # inside that one row, and the reason must say so, not only count its fields.
    rows = (
        'title,body\n"Open,Prices rose 5 percent.\nB,Rents "rose" 9 percent.\n'
        "C,Taxes rose again this year.\n"
    )
    batch = run_import("rows.csv", rows.encode(), django_capture_on_commit_callbacks)
    assert batch.errors == [
        {
            "line": 2,
            "reason": "a quote opened here is closed only on line 3, with text after it: the "
            "lines between were read as one field. Close the quote, or write a quote inside a "
            'quoted field as two ("")',
        }
    ]
    assert batch.stored == 1  # row C


def test_a_body_whose_quote_never_closes_is_refused_not_stored_with_the_rows_after_it(
    django_capture_on_commit_callbacks,
):
    # Two fields, as the header names: csv read the last two rows into A's body in silence.
    rows = 'title,body\nA,"Prices rose 5 percent.\nB,Rents rose 9 percent.\nC,Taxes rose.\n'
    batch = run_import("rows.csv", rows.encode(), django_capture_on_commit_callbacks)
    assert batch.stored == 0
    assert batch.errors == [
        {
            "line": 2,
            "reason": "a quote opened here is never closed; the field takes in every line "
            "after it, to the end of the file (line 4). Close the quote, or write a quote "
            'inside a quoted field as two ("")',
        }
    ]


def test_control_characters_in_a_rows_title_outlet_and_byline_are_never_stored(
    django_capture_on_commit_callbacks,
):
    # A vertical tab is how spreadsheets export a line break inside a cell; the others are
    # invisible leftovers of broken encodings. Each run becomes one space.
    row = {
        "title": "Budget\x0bvote\x01\x02 passes\x7f",
        "body": "The assembly passed the budget on Monday by a wide margin.",
        "outlet": "News\x1fExample\x85",
        "byline": "\x07Ada R",
    }
    csv_text = (
        "title,body,outlet,byline\n"
        + ",".join(value.replace("budget", "fare plan") for value in row.values()).replace(
            "Budget", "Fares"
        )
        + "\n"
    )
    _import_without_fetching(
        "rows.jsonl", json.dumps(row) + "\n", django_capture_on_commit_callbacks
    )
    _import_without_fetching("rows.csv", csv_text, django_capture_on_commit_callbacks)
    stored = Article.objects.order_by("title")
    assert [(article.title, article.outlet.name, article.byline) for article in stored] == [
        ("Budget vote passes", "News Example", "Ada R"),
        ("Fares vote passes", "News Example", "Ada R"),
    ]


def _big_csv(rows: int, title_chars: int) -> bytes:
    # Rows that fail at once (neither a body nor a url): what is measured is the file's reading.
    return (
        "title,body,url\n" + "".join(f"{'T' * title_chars}{n},,\n" for n in range(rows))
    ).encode()


def test_a_big_file_is_stored_in_pieces_and_read_without_holding_it_whole():
    data = _big_csv(rows=1600, title_chars=5000)  # 8 MB
    tracemalloc.start()
    try:
        batch = import_batch_create(file_name="big.csv", data=data, queue=False)
        _, create_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        progress = import_batch_run(batch_id=batch.pk)
        _, run_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (progress.total, progress.failed) == (1600, 1600)
    # Measured on this file: 40 MB to check and store it, 50 MB to import it, when it was
    # decoded whole, written to one row and read back whole (5 to 6 times the file, so about
    # 1.2 GB for a file at the 200 MB cap); 2.2 MB and 2.1 MB in pieces, whatever the file's
    # size (the same for 32 MB). Half the file is a bound no whole copy of it passes.
    assert create_peak < len(data) / 2, f"{create_peak:,} bytes to store {len(data):,}"
    assert run_peak < len(data) / 2, f"{run_peak:,} bytes to import {len(data):,}"
    assert ImportBatch.objects.get(pk=batch.pk).content == ""


def test_the_file_is_kept_until_the_import_is_done_so_a_dead_worker_loses_nothing():
    rows = "title,body\n" + "".join(
        f"Row {n},Prices rose {n} percent this year.\n" for n in range(250)
    )
    batch = import_batch_create(file_name="kept.csv", data=rows.encode(), queue=False)
    stored_before = ImportChunk.objects.filter(batch=batch).count()
    assert stored_before >= 1
    # A worker dies once the first hundred rows are committed: the batch is left running, the
    # file kept.
    with pytest.raises(WorkerKilled):
        import_batch_run(batch_id=batch.pk, on_progress=_die_after_rows(100))
    assert Article.objects.count() == 100
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportStatus.RUNNING
    assert ImportChunk.objects.filter(batch=batch).count() == stored_before
    progress = import_batch_run(batch_id=batch.pk)  # the task delivered again (acks_late)
    # It resumes after the committed rows: each row is counted once.
    assert (progress.stored, progress.skipped, progress.failed) == (250, 0, 0)
    assert Article.objects.count() == 250
    assert not ImportChunk.objects.filter(batch=batch).exists()  # done: the file has served


def _die_after_rows(rows: int):
    def die(progress):
        if progress.done >= rows:
            raise WorkerKilled

    return die


class WorkerKilled(BaseException):
    """What a killed worker looks like to the code: nothing after this point runs, no handler."""


@pytest.mark.parametrize(
    ("data", "message"),
    [
        # A character cut by the edge of a piece is read whole; a bad byte is placed in the file.
        pytest.param("title,body\n" + "é" * 700_000 + ",x\n", None, id="cut-character"),
        pytest.param(
            b"title,body\n" + b"a" * 1_500_000 + b"\xff,x\n",
            "not valid UTF-8 (byte 1500011)",
            id="bad-byte",
        ),
        pytest.param(
            b"\xef\xbb\xbftitle,body\n" + b"a" * 1_200_000 + b"\xc3",
            "not valid UTF-8 (byte 1200014)",
            id="ends-inside-a-character",
        ),
        pytest.param(
            "title,body\n" + "a\n" * 600_000 + "b\x00,x\n",
            "Line 600002 holds a null character",
            id="nul",
        ),
    ],
)
def test_the_file_is_checked_across_the_edges_of_its_pieces(data, message):
    data = data.encode() if isinstance(data, str) else data
    if message is None:
        batch = import_batch_create(file_name="edges.csv", data=data, queue=False)
        assert ImportChunk.objects.filter(batch=batch).count() == -(-len(data) // CHUNK_BYTES)
        assert import_rows_count(batch_id=batch.pk) == 1
        return
    with pytest.raises(ValidationError, match=re.escape(message)):
        import_batch_create(file_name="edges.csv", data=data, queue=False)
    assert not ImportBatch.objects.exists() and not ImportChunk.objects.exists()


def test_a_spreadsheets_csv_with_a_bom_and_crlf_cut_at_a_piece_edge_reads_as_written():
    head = b"\xef\xbb\xbftitle,body\r\n"
    row_bytes = 2383  # (CHUNK_BYTES + 1 - len(head)) / 110: the 110th row's "\r\n" is cut

    def row(n: int) -> bytes:
        start = f"Row {n:03},Prices rose {n} percent in the year to March"
        return (start + "." * (row_bytes - len(start) - 3) + "!\r\n").encode()

    data = head + b"".join(row(n) for n in range(111))
    assert data[CHUNK_BYTES - 1 : CHUNK_BYTES + 1] == b"\r\n"
    batch = import_batch_create(file_name="excel.csv", data=data, queue=False)
    assert import_rows_count(batch_id=batch.pk) == 111
    progress = import_batch_run(batch_id=batch.pk)
    assert (progress.stored, progress.failed) == (111, 0)
    cut = Article.objects.get(title="Row 109")
    assert cut.body.startswith("Prices rose 109 percent") and cut.body.endswith(".!")
    assert Article.objects.filter(title="Row 110").exists()
    assert not Article.objects.filter(body__contains="\r").exists()


def test_the_upload_checks_the_header_and_a_first_row_and_leaves_the_count_to_the_task(
    client, django_capture_on_commit_callbacks, monkeypatch
):
    """A 200 MB file read through in the request could pass the web server's time-out: the
    request checks what makes a file unimportable, the task counts the rows."""
    from articles.intake import bulk

    rows_read = []
    real_rows = bulk.import_rows

    def counted_rows(text, file_format):
        for row in real_rows(text, file_format):
            rows_read.append(row[0])
            yield row

    monkeypatch.setattr(bulk, "import_rows", counted_rows)
    client.force_login(fact_checker())
    rows = "title,body\n" + "".join(
        f"Row {n},Prices rose {n} percent this year.\n" for n in range(300)
    )
    upload = SimpleUploadedFile("many.csv", rows.encode(), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=False):  # the task has not started
        response = client.post("/intake/imports/", {"file": upload})
    batch = ImportBatch.objects.get()
    assert batch.total_rows is None and rows_read == [2]
    page = client.get(response["Location"]).content.decode()
    assert '<progress id="import-bar">counting rows…</progress>' in page
    assert 'of <span id="import-total">… (counting rows…)</span> rows' in page
    assert "counting rows…" in client.get("/intake/imports/").content.decode()
    assert client.get(f"/intake/imports/{batch.pk}/status/").json()["total"] is None

    import_batch_run(batch_id=batch.pk)
    batch.refresh_from_db()
    assert (batch.status, batch.total_rows, batch.stored) == (ImportStatus.DONE, 300, 300)
    assert client.get(f"/intake/imports/{batch.pk}/status/").json()["total"] == 300


def test_a_url_only_row_reads_queued_and_the_import_page_follows_it_to_its_article(
    client, intake_server, django_capture_on_commit_callbacks
):
    """A row with only a URL is queued for fetching, not stored: the counts say so, and the
    page lists each such row with its job's state and, once stored, a link to the article."""
    from articles.intake.jobrun import intake_job_run

    rows = (
        "title,body,url\n"
        "Rates,The mayor said rates rose by 40 percent.,\n"
        f",,{intake_server.url('/news/one')}\n"
        f",,{intake_server.url('/missing')}\n"
    )
    progress = _import_without_fetching("urls.csv", rows, django_capture_on_commit_callbacks)
    batch = ImportBatch.objects.get()
    assert (progress.stored, progress.queued, progress.skipped, progress.failed) == (1, 2, 0, 0)
    assert (batch.stored, batch.queued) == (1, 2)
    fetched, missing = IntakeJob.objects.order_by("import_line")
    assert (fetched.import_batch, fetched.import_line, missing.import_line) == (batch, 3, 4)

    client.force_login(fact_checker())
    page = client.get(f"/intake/imports/{batch.pk}/").content.decode()
    assert '<span id="import-stored">1</span> stored' in page
    assert '<span id="import-queued">2</span> queued for fetching' in page
    assert page.count('<span class="status status-queued">Queued</span>') == 2
    status = client.get(f"/intake/imports/{batch.pk}/status/").json()
    assert status["queued"] == 2 and status["finished"] and not status["settled"]

    with django_capture_on_commit_callbacks():
        for job in (fetched, missing):
            intake_job_run(job_id=job.pk)
    article = Article.objects.get(url=fetched.url)
    response = client.get(f"/intake/imports/{batch.pk}/")
    assert_accessible(response, title="Import of \u2068urls.csv\u2069")
    page = response.content.decode()
    assert f'<a href="/articles/{article.pk}/">Assembly votes on one plan</a>' in page
    assert '<span class="status status-failed">Failed</span>' in page
    assert "The page answered 404." in page
    assert "URL rows: 1 stored · 1 failed" in page
    job_page = client.get(f"/intake/jobs/{fetched.pk}/").content.decode()
    assert f'<a href="/intake/imports/{batch.pk}/"><bdi>urls.csv</bdi></a>, line 3)' in job_page
    assert client.get(f"/intake/imports/{batch.pk}/status/").json()["settled"]


def test_an_outlet_column_that_is_a_domain_or_address_is_the_outlet_with_that_domain(
    django_capture_on_commit_callbacks,
):
    reuters = Outlet.objects.create(name="Reuters", domain="reuters.com")
    rows = (
        "title,body,outlet\n"
        "Jobs,Unemployment fell to 3 percent.,reuters.com\n"
        "Rail,Rail fares rose 20 percent.,https://www.Reuters.com/world\n"
    )
    batch = run_import("rows.csv", rows.encode(), django_capture_on_commit_callbacks)
    assert batch.stored == 2
    assert set(Article.objects.values_list("outlet", flat=True)) == {reuters.pk}
    assert Outlet.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_command_exits_with_an_error_when_every_url_row_s_page_failed_to_fetch(
    tmp_path, capsys, intake_server
):
    """The default setup fetches a URL row's page in this process, before the command
    reports: a file whose pages all failed exited 0, "0 failed", as if imported."""
    path = tmp_path / "rows.csv"
    missing, gone = intake_server.url("/missing"), intake_server.url("/missing-too")
    path.write_text(f"url\n{missing}\n{gone}\n", encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        call_command("import_articles", str(path))
    assert str(refused.value) == (
        "No row of rows.csv was imported: 2 rows, 0 stored, 2 queued for fetching, 0 skipped, "
        "0 failed (of the pages queued: 0 fetched and stored, 2 not fetched, 0 waiting for a "
        "worker)."
    )
    output = capsys.readouterr().out
    assert "line 2 (not fetched): The page answered 404." in output
    assert "line 3 (not fetched): The page answered 404." in output

    # One page fetched: the file was of use, exit 0.
    path.write_text(f"url\n{missing}\n{intake_server.url('/news/one')}\n", encoding="utf-8")
    call_command("import_articles", str(path))
    output = capsys.readouterr().out
    assert "line 2 (not fetched): The page answered 404." in output
    assert "(of the pages queued: 1 fetched and stored, 1 not fetched, 0 waiting" in output
    assert Article.objects.filter(source_kind=SourceKind.IMPORT).count() == 1


@pytest.mark.django_db(transaction=True)
def test_with_a_worker_the_command_says_the_pages_are_still_to_be_fetched_and_exits_0(
    tmp_path, capsys, intake_server, monkeypatch
):
    """With a worker the command cannot know how the fetches end: it says so, and where to
    look, rather than calling the import failed or done."""
    from articles.intake import bulk, jobs

    monkeypatch.setattr(bulk, "tasks_run_in_process", lambda: False)
    monkeypatch.setattr(jobs, "tasks_run_in_process", lambda: False)
    monkeypatch.setattr(jobs, "task_send", lambda *args: True)  # the broker took it
    path = tmp_path / "rows.csv"
    path.write_text(f"url\n{intake_server.url('/missing')}\n", encoding="utf-8")
    call_command("import_articles", str(path))
    output = capsys.readouterr().out
    batch = ImportBatch.objects.get()
    assert (
        f"1 page still to be fetched by a worker: the import's page "
        f"(/intake/imports/{batch.pk}/) shows how each ends."
    ) in output
    assert "(of the pages queued: 0 fetched and stored, 0 not fetched, 1 waiting" in output
    assert IntakeJob.objects.get().status == "queued"
