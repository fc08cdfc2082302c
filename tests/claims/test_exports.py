"""The editors' CSV of published fact-checks: what it holds, what it leaves out, bad periods."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from claims.exports import spreadsheet_text
from claims.models import Verdict
from tests.a11y import assert_accessible, error_summary, text_of
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    SpeakerFactory,
    editor,
    fact_checker,
    published_verdict,
    submitted_verdict,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


def published_on(day: dt.date, text: str, **claim_fields) -> Verdict:
    article = ArticleFactory(body=text + " More.", url=f"https://news.example/{day}")
    claim = ClaimFactory(article=article, start=0, end=len(text), text=text, **claim_fields)
    verdict = published_verdict(claim=claim)
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(12)))
    Verdict.objects.filter(pk=verdict.pk).update(published_at=moment)
    return verdict


def export(client, **params):
    response = client.get(reverse("claims:verdict_export"), params)
    body = b"".join(response.streaming_content).decode("utf-8-sig") if response.streaming else ""
    return response, list(csv.reader(io.StringIO(body)))


def test_editors_download_the_published_fact_checks_of_a_period_oldest_first(client):
    client.force_login(editor())
    may = published_on(
        dt.date(2026, 5, 3), "Crime fell by 40 percent.", speaker=SpeakerFactory(name="Ada Mayor")
    )
    june = published_on(dt.date(2026, 6, 1), "Taxes doubled.")
    published_on(dt.date(2026, 7, 9), "Out of the period.")
    submitted_verdict()  # in review: never exported
    response, rows = export(client, date_from="2026-05-01", date_to="2026-06-30")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert 'filename="fact-checks-2026-05-01-to-2026-06-30.csv"' in response["Content-Disposition"]
    header, *data = rows
    assert header[:3] == ["fact_check_id", "public_url", "claim"]
    assert [row[0] for row in data] == [str(may.pk), str(june.pk)]
    first = dict(zip(header, data[0], strict=True))
    assert first["public_url"] == f"http://testserver/fact-checks/{may.pk}/"
    assert (first["claim"], first["speaker"]) == ("Crime fell by 40 percent.", "Ada Mayor")
    assert first["rating"] == may.rating.label and first["corrections"] == "0"
    assert first["published_at"].startswith("2026-05-03T12:00")


def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_kept_as_text(client):
    client.force_login(editor())
    published_on(dt.date(2026, 5, 3), '=HYPERLINK("http://evil.example","click")')
    _, (header, row) = export(client)
    assert row[header.index("claim")] == '\'=HYPERLINK("http://evil.example","click")'
    assert spreadsheet_text("-2 percent") == "'-2 percent"
    assert spreadsheet_text("Plain.") == "Plain."


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"date_from": "2026-13-01"}, "Published from: Enter the first publication day as"),
        ({"date_to": "2026-13-01"}, "Published to: Enter the last publication day as"),
        ({"date_from": "2026-06-02", "date_to": "2026-06-01"}, "ends before it starts"),
        ({"format": "xlsx"}, "Unknown parameter: format."),
    ],
)
def test_a_bad_period_is_a_400_that_says_why(client, params, message):
    client.force_login(editor())
    response = client.get(reverse("claims:verdict_export"), params)
    assert response.status_code == 400 and message in response.content.decode()


def test_only_editors_export(client):
    assert client.get(reverse("claims:verdict_export"))["Location"].startswith("/accounts/login/")
    client.force_login(fact_checker())
    assert client.get(reverse("claims:verdict_export")).status_code == 403


def test_the_dashboard_offers_the_download(client):
    client.force_login(editor())
    page = client.get(reverse("claims:dashboard")).content.decode()
    assert f'action="{reverse("claims:verdict_export")}"' in page and "Download CSV" in page


def test_the_publication_time_is_written_in_the_desks_time_zone_as_the_period_is_read(
    client, settings
):
    settings.TIME_ZONE = "Europe/Berlin"
    verdict = published_on(dt.date(2026, 5, 3), "Late-night claim.")
    late = dt.datetime(2026, 5, 3, 23, 30, tzinfo=dt.UTC)  # 4 May, 01:30 in Berlin
    Verdict.objects.filter(pk=verdict.pk).update(published_at=late)
    client.force_login(editor())
    _, (header, row) = export(client, date_from="2026-05-04", date_to="2026-05-04")
    assert row[header.index("published_at")] == "2026-05-04T01:30:00+02:00"


@pytest.mark.parametrize(
    "text",
    [" =1+2", "  +1", "\n=1+2", "\u00a0@SUM(A1)", "\t=1", "\r=1", "\n-1"],
)
def test_a_formula_behind_leading_whitespace_is_kept_as_text_too(text):
    assert spreadsheet_text(text) == "'" + text
    assert spreadsheet_text("  Plain words.") == "  Plain words."


def test_the_csv_says_it_is_utf8(client):
    client.force_login(editor())
    published_on(dt.date(2026, 5, 3), "Zoë said café prices doubled.")
    response, rows = export(client)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert rows[1][2] == "Zoë said café prices doubled."


def test_the_csv_opens_in_excel_with_its_accents_and_is_never_cached(client):
    client.force_login(editor())
    published_on(dt.date(2026, 5, 3), "Le ministère a dépensé 40 millions.")
    response = client.get(reverse("claims:verdict_export"))
    raw = b"".join(response.streaming_content)
    assert raw.startswith("\ufeff".encode()) and "ministère".encode() in raw
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"date_from": "2026-12-05", "date_to": "2026-01-01"}, "date_to", "ends before it starts"),
        ({"date_from": "xyz"}, "date_from", "Enter the first publication day as year-month-day"),
    ],
)
def test_a_bad_period_draws_the_dashboard_again_with_the_reason_beside_its_date(
    client, params, field, message
):
    client.force_login(editor())
    response = client.get(reverse("claims:verdict_export"), params)
    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")
    page = assert_accessible(response, title="Dashboard", status=400)
    assert error_summary(page).find("a", href=f"#id_{field}") is not None
    assert message in text_of(page.find(id=f"id_{field}_error"))
    assert page.find("input", id=f"id_{field}")["value"] == params[field]
