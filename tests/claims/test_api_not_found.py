"""A 404 inside an endpoint says what is not there in plain words, never a class name, and the
same whether the row is missing or only not the key's to read."""

import pytest

from articles.intake.jobs import intake_job_submit
from tests.api_clients import client_with, draft_verdict, key_client, make_key
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


def test_an_unpublished_verdict_and_a_missing_one_get_the_same_plain_404():
    verdict = draft_verdict("The budget grew by 40 percent.")
    api = key_client()
    unpublished = api.get(f"/api/v1/verdicts/{verdict.pk}/")
    missing = api.get(f"/api/v1/verdicts/{verdict.pk + 1000}/")
    assert unpublished.status_code == missing.status_code == 404
    assert (
        unpublished.json()
        == missing.json()
        == {
            "error": "not_found",
            "detail": "There is no such verdict.",
        }
    )


def test_another_clients_intake_job_is_no_such_intake_job():
    theirs = intake_job_submit(
        url="https://news.example/theirs", created_by=UserFactory(), queue=False
    )
    _, key = make_key(read=False, submit=True)
    api = client_with(key)
    for pk in (theirs.pk, theirs.pk + 1000):
        response = api.get(f"/api/v1/intake-jobs/{pk}/")
        assert response.status_code == 404
        assert response.json()["detail"] == "There is no such intake job."


def test_a_missing_claim_article_and_speaker_are_named_in_plain_words():
    _, key = make_key(read=True, submit=True)
    api = client_with(key)
    for path, thing in (
        ("/api/v1/claims/999999/", "claim"),
        ("/api/v1/claims/999999/appearances/", "claim"),
        ("/api/v1/articles/999999/", "article"),
        ("/api/v1/speakers/999999/", "speaker"),
    ):
        response = api.get(path)
        assert response.status_code == 404, path
        assert response.json()["detail"] == f"There is no such {thing}.", path
