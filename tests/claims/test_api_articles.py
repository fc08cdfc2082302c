import pytest
from django.test import override_settings

from articles.models import AnalysisStatus, Article, SourceKind
from claims.models import Claim
from tests.api_clients import (
    client_with,
    draft_verdict,
    key_client,
    make_key,
    published_verdict,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

BODY = (
    "The mayor said the budget grew by 40 percent last year. "
    "Residents were not surprised. "
    "The council also said unemployment fell to 3 percent."
)


@pytest.fixture
def submitter():
    token, key = make_key(read=False, submit=True, name="Newsroom plugin")
    return token, client_with(key)


def submit(client, **fields):
    payload = {"title": "Council passes budget", "body": BODY, **fields}
    return client.post("/api/v1/articles/", payload, format="json")


def test_submitting_answers_202_with_a_status_url_and_the_analysis_runs(
    submitter, django_capture_on_commit_callbacks
):
    token, client = submitter
    # The analysis is queued on commit; with eager Celery it then runs in-process.
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client, url="https://news.example/budget?utm_source=x")
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["status_url"].endswith(f"/api/v1/articles/{body['id']}/")
    assert response["Location"] == body["status_url"]

    article = Article.objects.get(pk=body["id"])
    assert article.source_kind == SourceKind.API
    assert article.created_by == token.user
    assert article.url == "https://news.example/budget"
    # CELERY_TASK_ALWAYS_EAGER: the analysis ran when the submission committed.
    assert article.analysis_status == AnalysisStatus.DONE
    assert Claim.objects.filter(article=article).exists()

    status = client.get(body["status_url"]).json()
    assert status["analysis_status"] == "done"
    assert status["claims"] == []  # nothing published yet: detected claims stay private


def test_staff_see_the_detected_claims_with_their_status(
    submitter, django_capture_on_commit_callbacks
):
    _, client = submitter
    with django_capture_on_commit_callbacks(execute=True):
        article_id = submit(client).json()["id"]
    status = key_client(staff=True).get(f"/api/v1/articles/{article_id}/").json()
    assert status["claims"] and all(claim["status"] == "new" for claim in status["claims"])


def test_an_article_shows_its_submitter_only_its_published_claims():
    verdict = published_verdict("The budget grew by 40 percent.")
    draft_verdict("Crime fell by 10 percent.")
    token, key = make_key(submit=True)
    Article.objects.filter(pk=verdict.claim.article_id).update(created_by=token.user)
    rows = client_with(key).get(f"/api/v1/articles/{verdict.claim.article_id}/").json()["claims"]
    assert [row["id"] for row in rows] == [verdict.claim_id]
    assert rows[0]["verdict"]["id"] == verdict.pk


def test_a_partners_title_and_byline_are_stored_without_bidi_controls(submitter):
    _, client = submitter
    response = submit(client, title="Budget \u202egrows\u202c", byline="\u2067Ada\u2069")
    assert response.status_code == 202
    article = Article.objects.get(pk=response.json()["id"])
    assert (article.title, article.byline) == ("Budget grows", "Ada")


def test_a_duplicate_answers_409_with_the_existing_article_url(submitter):
    _, client = submitter
    first = submit(client).json()
    again = submit(client, body="  " + BODY.replace(". ", ".\n\n") + "\n", title="Other title")
    assert again.status_code == 409
    assert again.json()["error"] == "duplicate"
    assert again.json()["existing_url"] == first["status_url"]
    same_url = submit(client, body="Different text entirely, 5 percent.", url="https://a.example/x")
    assert same_url.status_code == 202
    other_text = submit(
        client, body="Another text entirely, 6 percent.", url="https://www.a.example/x/"
    )
    assert other_text.status_code == 409
    assert other_text.json()["existing_url"] == same_url.json()["status_url"]
    assert Article.objects.count() == 2


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"body": BODY}, "title"),
        ({"title": "T"}, "body"),
        ({"title": "T", "body": "   \n  "}, "body"),
        ({"title": "T", "body": 42}, "body"),
        ({"title": ["T"], "body": BODY}, "title"),
        ({"title": "T" * 501, "body": BODY}, "title"),
        ({"title": "T", "body": BODY, "url": "ftp://x.example/a"}, "url"),
        ({"title": "T", "body": BODY, "url": "not a url"}, "url"),
        ({"title": "T", "body": BODY, "published_at": "yesterday"}, "published_at"),
        ({"title": "T", "body": BODY, "published_at": "2099-01-01T00:00:00Z"}, "published_at"),
        ({"title": "T", "body": BODY, "language": "English!"}, "language"),
        ({"title": "T", "body": "Nul \x00 inside, 4 percent."}, "body"),
    ],
)
def test_bad_articles_are_400_with_field_messages_and_nothing_saved(submitter, payload, field):
    _, client = submitter
    response = client.post("/api/v1/articles/", payload, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["error"] == "invalid"
    assert response.json()["fields"][field]
    assert Article.objects.count() == 0


def test_an_over_long_language_code_is_refused_once(submitter):
    _, client = submitter
    response = client.post(
        "/api/v1/articles/",
        {"title": "T", "body": BODY, "language": "z" * 29},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert response.json()["fields"] == {
        "language": ["Use a language code such as 'en' or 'pt-br'."]
    }


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "T" * 501, "The title is too long: keep it to 500 characters (it has 501)."),
        (
            "url",
            "https://news.example/" + "a" * 1980,
            "The URL is too long: keep it to 2,000 characters (it has 2,001).",
        ),
        ("byline", "b" * 301, "The byline is too long: keep it to 300 characters (it has 301)."),
    ],
    ids=["title", "url", "byline"],
)
def test_an_over_long_field_is_named_with_its_limit_and_its_length(
    submitter, field, value, message
):
    # As a query parameter is ("The speaker parameter is too long: ..."), and the desk's
    # paste form: never "Give at most 2,000 characters.", which names no field.
    _, client = submitter
    response = submit(client, **{field: value})
    assert response.status_code == 400, response.content
    assert response.json()["fields"] == {field: [message]}


@pytest.mark.parametrize("title", ["", "   ", "\t\n", "\u200b"])
def test_a_blank_title_with_a_body_gets_the_apis_own_sentence(submitter, title):
    _, client = submitter
    response = submit(client, title=title)
    assert response.status_code == 400, response.content
    assert response.json() == {
        "error": "invalid",
        "detail": "The request has invalid fields.",
        "fields": {"title": ["A title is required."]},
    }


# The framework's stock sentences: none may reach a client, which reads the API's own.
FRAMEWORK_WORDING = (
    "This field",
    "Ensure this",
    "Not a valid",
    "Datetime has wrong format",
    "Expected a datetime",
    "Invalid data",
    "Enter a whole number",
    "Select a valid choice",
)


def framework_sentences(response) -> list[str]:
    assert response.status_code == 400, response.content
    assert response.json()["error"] == "invalid"
    messages = [m for ms in response.json()["fields"].values() for m in ms]
    assert messages
    return [m for m in messages if m.startswith(FRAMEWORK_WORDING)]


@pytest.mark.parametrize(
    "payload",
    [
        {"title": None, "body": BODY},
        {"title": 5, "body": BODY},
        {"title": "T" * 501, "body": BODY},
        {"title": "T", "body": None},
        {"title": "T", "body": BODY, "url": "u" * 2001},
        {"title": "T", "body": BODY, "byline": "b" * 301},
        {"title": "T", "body": BODY, "outlet_name": None},
        {"title": "T", "body": BODY, "published_at": "yesterday"},
        {"title": "T", "body": BODY, "language": ""},
        {"title": "T", "body": BODY, "language": None},
        [1, 2],
        "just a string",
    ],
)
def test_a_refused_article_is_told_in_the_apis_words_not_the_frameworks(submitter, payload):
    _, client = submitter
    response = client.post("/api/v1/articles/", payload, format="json")
    assert framework_sentences(response) == []
    assert Article.objects.count() == 0


@pytest.mark.parametrize("body", ["null", "[]", '"just a string"', "123"])
def test_a_body_that_is_no_json_object_is_told_to_send_one(submitter, body):
    _, client = submitter
    response = client.post("/api/v1/articles/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["fields"] == {
        "non_field_errors": [
            "Send a JSON object with the article's fields (title, body, url, ...)."
        ]
    }


@pytest.mark.parametrize(
    "query",
    [
        "/api/v1/verdicts/?max_age_days=0",
        "/api/v1/verdicts/?max_age_days=36501",
        "/api/v1/verdicts/?max_age_days=soon",
        "/api/v1/verdicts/?speaker=" + "x" * 301,
        "/api/v1/verdicts/?outlet=" + "x" * 254,
        "/api/v1/verdicts/?rating=" + "x" * 101,
        "/api/v1/verdicts/?language=" + "x" * 17,
        "/api/v1/claims/?article=0",
        "/api/v1/claims/?article=ten",
        "/api/v1/claims/?status=open",
        "/api/v1/verdicts/search/?q=budget&limit=99",
    ],
)
def test_a_refused_filter_is_told_in_the_apis_words_not_the_frameworks(query):
    assert framework_sentences(key_client().get(query)) == []


def test_a_filter_bound_is_stated_in_the_refusal():
    response = key_client().get("/api/v1/verdicts/?max_age_days=36501")
    assert response.json()["fields"] == {"max_age_days": ["Give a whole number from 1 to 36,500."]}


@override_settings(ARTICLE_MAX_CHARS=100)
def test_an_oversized_article_is_413_with_a_message_for_the_body(submitter):
    _, client = submitter
    response = submit(client, body="Word " * 50)
    assert response.status_code == 413
    assert "maximum is 100" in response.json()["fields"]["body"][0]
    assert Article.objects.count() == 0


def test_a_body_over_the_upload_limit_is_413_naming_the_limits(submitter, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    _, client = submitter
    response = submit(client, body="The budget grew. " * 1_000)
    assert response.status_code == 413
    assert response.json() == {
        "error": "too_large",
        "detail": "The request body is too large: at most 10,000 bytes, and an article's text "
        "at most 200,000 characters.",
    }
    assert not Article.objects.exists()


def test_malformed_json_is_a_400_that_says_so(submitter):
    _, client = submitter
    response = client.post(
        "/api/v1/articles/", '{"title": "T", "body": ', content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"] == "parse_error"
    assert "JSON" in response.json()["detail"]


def test_json_nested_too_deeply_is_a_400_not_a_server_error(submitter):
    _, client = submitter
    # The json module recurses per level and raises RecursionError, not a ValueError.
    nested = "[" * 100_000 + "]" * 100_000
    response = client.post("/api/v1/articles/", nested, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {
        "error": "parse_error",
        "detail": "The body is not valid JSON for this API: it is nested too deeply.",
    }
    assert Article.objects.count() == 0


def test_a_form_encoded_body_is_415(submitter):
    _, client = submitter
    response = client.post("/api/v1/articles/", {"title": "T", "body": BODY})
    assert response.status_code == 415
    assert response.json()["error"] == "unsupported_media_type"


def test_options_describes_the_fields_a_submission_takes_not_those_of_the_answer(submitter):
    _, client = submitter
    response = client.options("/api/v1/articles/")
    assert response.status_code == 200
    fields = response.json()["actions"]["POST"]
    assert set(fields) == {
        "title",
        "body",
        "url",
        "outlet_name",
        "byline",
        "published_at",
        "language",
    }
    assert not any(field["required"] for field in fields.values())


def test_an_unknown_article_is_a_json_404(submitter):
    _, client = submitter
    assert client.get("/api/v1/articles/999999/").json()["error"] == "not_found"


def test_submissions_have_their_own_tighter_budget(submitter):
    from django.conf import settings

    _, client = submitter
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "submit": "1/hour"}
    rest = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    with override_settings(REST_FRAMEWORK=rest):
        first = submit(client)
        second = submit(client, body="Another text entirely, 6 percent.")
        reading = client.get(first.json()["status_url"])
    assert first.status_code == 202
    assert second.status_code == 429 and second.json()["error"] == "throttled"
    assert reading.status_code == 200


@pytest.mark.parametrize(
    ("field", "what", "limit"), [("outlet_name", "outlet's name", 200), ("byline", "byline", 300)]
)
def test_an_over_long_outlet_name_or_byline_is_told_as_a_bulk_row_is(submitter, field, what, limit):
    _, client = submitter
    response = submit(client, **{field: "x" * (limit + 1)})
    assert response.status_code == 400
    assert response.json()["fields"][field] == [
        f"The {what} is too long: keep it to {limit:,} characters (it has {limit + 1:,})."
    ]
    assert Article.objects.count() == 0
