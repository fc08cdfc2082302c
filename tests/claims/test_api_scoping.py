"""The API shows each client only what is theirs, and answers every error as JSON
(issue #10, probe row 3, and item 4 and 5)."""

import pytest
from rest_framework.test import APIClient

from articles.models import AnalysisProblem, AnalysisStatus, Article
from tests.api_clients import client_with, draft_verdict, make_key
from tests.factories import ArticleFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

BODY = "The council said the budget grew by 40 percent in 2026. Residents were not surprised."


def submit(client, **fields):
    return client.post(
        "/api/v1/articles/", {"title": "Budget", "body": BODY, **fields}, format="json"
    )


def test_read_and_submit_keys_read_only_the_articles_their_account_submitted():
    pasted = ArticleFactory(analysis_error="OperationalError: FATAL: password for user 'desk'")
    token, key = make_key(read=False, submit=True)
    mine = submit(client_with(key)).json()
    reader = client_with(make_key(read=True)[1])
    for client in (reader, client_with(key)):
        assert client.get(f"/api/v1/articles/{pasted.pk}/").status_code == 404
    assert reader.get(f"/api/v1/articles/{mine['id']}/").status_code == 404
    assert client_with(key).get(f"/api/v1/articles/{mine['id']}/").status_code == 200
    # A second key of the same account (the same client) reads it too.
    _, other_key = make_key(read=True, user=token.user)
    assert client_with(other_key).get(f"/api/v1/articles/{mine['id']}/").status_code == 200


def test_a_duplicate_of_another_clients_article_does_not_name_it():
    ArticleFactory(body=BODY, title="Desk-only working title")
    response = submit(client_with(make_key(submit=True)[1]))
    assert response.status_code == 409
    body = response.json()
    assert body["error"] == "duplicate" and "existing_url" not in body
    assert "Desk-only" not in str(body) and "#" not in body["detail"]


def test_a_refused_submission_never_says_whether_another_clients_text_is_stored():
    # A 409 for a refused submission would be an existence probe that stores nothing: the
    # text is checked for a repeat only once everything else about it is acceptable.
    ArticleFactory(body=BODY, title="Desk-only working title")
    client = client_with(make_key(submit=True)[1])
    # "ſ" (long s) passes the serializer's case-insensitive pattern, not the service's check.
    response = submit(client, language="\u017fv")
    assert response.status_code == 400, response.json()
    assert set(response.json()["fields"]) == {"language"}
    assert Article.objects.count() == 1


def test_the_desk_scope_is_on_the_key_not_the_accounts_staff_flag():
    verdict = draft_verdict("Crime fell by 10 percent.")
    staff_user = UserFactory(is_staff=True, is_superuser=True, password=None)
    staff_account_key = make_key(user=staff_user)[1]
    desk_key = make_key(staff=True)[1]  # an ordinary account, with the desk scope ticked
    assert (
        client_with(staff_account_key).get(f"/api/v1/claims/{verdict.claim_id}/").status_code == 404
    )
    assert client_with(desk_key).get(f"/api/v1/claims/{verdict.claim_id}/").status_code == 200


@pytest.mark.parametrize(
    ("status", "problem", "code"),
    [
        (AnalysisStatus.FAILED, AnalysisProblem.FAILED, "failed"),
        (AnalysisStatus.QUEUED, AnalysisProblem.RETRYING, "retrying"),
        (AnalysisStatus.QUEUED, AnalysisProblem.QUEUE_UNAVAILABLE, "queue_unavailable"),
    ],
)
def test_analysis_errors_reach_clients_as_a_code_and_a_fixed_message(status, problem, code):
    token, key = make_key(submit=True)
    internal = 'OperationalError: connection to server at "db.internal" (10.0.0.5) failed'
    article = ArticleFactory(
        created_by=token.user,
        analysis_status=status,
        analysis_problem=problem,
        analysis_error=internal,
    )
    body = client_with(key).get(f"/api/v1/articles/{article.pk}/").json()
    assert body["analysis_error"] == {"code": code, "message": f"{problem.label}."}
    assert "db.internal" not in str(body) and "OperationalError" not in str(body)


def test_a_running_analysis_whose_worker_went_silent_reads_as_stalled(settings):
    from datetime import timedelta

    from django.utils import timezone

    token, key = make_key(submit=True)
    silent = timezone.now() - timedelta(seconds=settings.ANALYSIS_STALLED_SECONDS + 5)
    article = ArticleFactory(
        created_by=token.user,
        analysis_status=AnalysisStatus.RUNNING,
        analysis_started_at=silent,
        analysis_heartbeat_at=silent,
    )
    body = client_with(key).get(f"/api/v1/articles/{article.pk}/").json()
    assert body["analysis_error"]["code"] == "stalled"
    Article.objects.filter(pk=article.pk).update(analysis_heartbeat_at=timezone.now())
    body = client_with(key).get(f"/api/v1/articles/{article.pk}/").json()
    assert body["analysis_error"] is None


def test_unknown_fields_in_a_post_are_refused_by_name():
    response = submit(client_with(make_key(submit=True)[1]), titel="typo", source_kind="seed")
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"titel", "source_kind"}
    assert not Article.objects.exists()


def test_an_unknown_field_or_parameter_is_named_back_cut_not_echoed_whole():
    # A 200,000-character name came back whole as the error's key.
    name = "x" * 200_000
    response = submit(client_with(make_key(submit=True)[1]), **{name: 1})
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["x" * 100 + "…"]
    assert len(response.content) < 1_000
    listed = client_with(make_key()[1]).get("/api/v1/verdicts/", {"y" * 5_000: "1"})
    assert listed.status_code == 400
    assert list(listed.json()["fields"]) == ["y" * 100 + "…"]


def test_an_unexpected_error_in_the_api_is_a_json_500(monkeypatch):
    from claims.api import views

    def broken(*args, **kwargs):
        raise RuntimeError("internal detail that must not leak")

    monkeypatch.setattr(views.VerdictViewSet, "list", broken)
    client = APIClient(raise_request_exception=False)
    response = client.get("/api/v1/verdicts/")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"] == "server_error"
    assert "internal detail" not in response.content.decode()


def test_a_500_outside_the_api_views_is_json_under_api_and_html_elsewhere(rf):
    from claims.api.errors import server_error

    assert server_error(rf.get("/api/v1/verdicts/"))["Content-Type"] == "application/json"
    assert "text/html" in server_error(rf.get("/claims/"))["Content-Type"]
