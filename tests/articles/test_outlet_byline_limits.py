"""An outlet's name and a byline have one limit each, their column's, and every way in refuses a
longer one with the same sentence: a bulk file's row cut them at 200 and 300 characters without
a word, where the paste form and the API refused them."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from articles.intake.bulk import import_batch_create
from articles.intake.jobs import intake_job_submit
from articles.models import Article, IntakeJob, Outlet, SourceKind
from articles.services import article_submit
from tests.api_clients import client_with, make_key
from tests.factories import fact_checker

pytestmark = pytest.mark.django_db

BODY = "The mayor said the budget grew by 40 percent last year."
OUTLET_TOO_LONG = "The outlet's name is too long: keep it to 200 characters (it has 201)."
BYLINE_TOO_LONG = "The byline is too long: keep it to 300 characters (it has 301)."


def test_the_service_refuses_a_long_outlet_name_and_byline_naming_each():
    with pytest.raises(ValidationError) as refused:
        article_submit(
            title="Budget",
            body=BODY,
            source_kind=SourceKind.PASTED,
            outlet_name="N" * 201,
            byline="B" * 301,
        )
    assert refused.value.message_dict == {"outlet": [OUTLET_TOO_LONG], "byline": [BYLINE_TOO_LONG]}
    assert not Article.objects.exists() and not Outlet.objects.exists()


def test_a_bulk_row_with_a_long_outlet_or_byline_is_refused_by_line_not_cut(
    django_capture_on_commit_callbacks,
):
    rows = [
        {"title": "Budget", "body": BODY, "outlet": "N" * 201},
        {"title": "Rates", "body": "Rates rose 2 percent this year.", "byline": "B" * 301},
        {"url": "https://news.example/a", "outlet": "N" * 201},
        {"url": "https://news.example/b", "byline": "B" * 301},
        # At the limits: kept whole.
        {
            "title": "Fares",
            "body": "Fares rose 5 percent this year.",
            "outlet": "N" * 200,
            "byline": "B" * 300,
        },
    ]
    data = "\n".join(json.dumps(row) for row in rows).encode()
    with django_capture_on_commit_callbacks(execute=True):
        batch = import_batch_create(file_name="rows.jsonl", data=data)
    batch.refresh_from_db()
    assert (batch.stored, batch.queued, batch.failed) == (1, 0, 4)
    assert batch.errors == [
        {"line": 1, "reason": f"outlet: {OUTLET_TOO_LONG}"},
        {"line": 2, "reason": f"byline: {BYLINE_TOO_LONG}"},
        {"line": 3, "reason": f"outlet: {OUTLET_TOO_LONG}"},
        {"line": 4, "reason": f"byline: {BYLINE_TOO_LONG}"},
    ]
    kept = Article.objects.get()
    assert (kept.title, kept.outlet.name, kept.byline) == ("Fares", "N" * 200, "B" * 300)
    assert not IntakeJob.objects.exists()


def test_an_intake_job_refuses_a_long_outlet_name_before_anything_is_stored():
    with pytest.raises(ValidationError) as refused:
        intake_job_submit(url="https://news.example/a", outlet_name="N" * 201, queue=False)
    assert refused.value.message_dict == {"outlet": [OUTLET_TOO_LONG]}
    assert not IntakeJob.objects.exists()
    with pytest.raises(CommandError, match=r"^The outlet's name is too long: keep it to 200"):
        call_command("fetch_url", "https://news.example/a", "--outlet", "N" * 201)
    assert not IntakeJob.objects.exists()


def test_the_paste_form_and_the_api_refuse_the_same_outlet_name(client):
    client.force_login(fact_checker())
    response = client.post(
        reverse("articles:submit"), {"title": "Budget", "body": BODY, "outlet": "N" * 201}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["outlet"] == [OUTLET_TOO_LONG]
    api = client_with(make_key(read=False, submit=True)[1])
    payload = {"title": "Budget", "body": BODY, "outlet_name": "N" * 201, "byline": "B" * 301}
    answer = api.post("/api/v1/articles/", payload, format="json")
    assert answer.status_code == 400
    assert set(answer.json()["fields"]) == {"outlet_name", "byline"}
    assert not Article.objects.exists()
