"""Conditional GET on the published verdicts: If-None-Match answers 304 while nothing a client
can read has changed, and unpublished work never shows in the ETag."""

import pytest

from claims.models import Claim
from tests import factories
from tests.api_clients import (
    claim_with_text,
    client_with,
    draft_verdict,
    key_client,
    openapi_document,
    published_verdict,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


@pytest.fixture
def verdict():
    return published_verdict("The budget grew by 40 percent last year.")


def paths(verdict) -> list[str]:
    return [
        "/api/v1/verdicts/",
        f"/api/v1/verdicts/{verdict.pk}/",
        f"/api/v1/verdicts/{verdict.pk}/claimreview/",
    ]


def etags(verdict, client=None) -> list[str]:
    client = client or client_with()
    return [client.get(path)["ETag"] for path in paths(verdict)]


@pytest.mark.parametrize("which", [0, 1, 2])
def test_a_client_with_the_current_etag_gets_304_and_no_body(verdict, which):
    path = paths(verdict)[which]
    first = client_with().get(path)
    assert first.status_code == 200 and first["ETag"]
    again = client_with().get(path, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    assert "Authorization" in again["Vary"]


def test_a_stale_etag_gets_the_full_answer(verdict):
    response = client_with().get("/api/v1/verdicts/", HTTP_IF_NONE_MATCH='"stale"')
    assert response.status_code == 200
    assert response.json()["results"][0]["id"] == verdict.pk


def test_keyed_clients_get_etags_and_304_too(verdict):
    client = key_client()
    first = client.get(f"/api/v1/verdicts/{verdict.pk}/")
    assert first["Cache-Control"] == "private"
    again = client.get(f"/api/v1/verdicts/{verdict.pk}/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


def test_desk_scope_answers_are_not_stored_so_they_carry_no_etag(verdict):
    response = key_client(staff=True).get(f"/api/v1/verdicts/{verdict.pk}/")
    assert response["Cache-Control"] == "private, no-store"
    assert not response.has_header("ETag")


def test_the_json_and_json_ld_claimreview_have_their_own_etags_and_say_they_vary(verdict):
    path = f"/api/v1/verdicts/{verdict.pk}/claimreview/"
    as_json = client_with().get(path, HTTP_ACCEPT="application/json")
    as_jsonld = client_with().get(path, HTTP_ACCEPT="application/ld+json")
    assert as_jsonld["Content-Type"].startswith("application/ld+json")
    assert as_json["ETag"] != as_jsonld["ETag"]
    assert {"Accept", "Authorization"} <= {v.strip() for v in as_jsonld["Vary"].split(",")}
    # The JSON copy's ETag does not validate the JSON-LD one.
    crossed = client_with().get(
        path, HTTP_ACCEPT="application/ld+json", HTTP_IF_NONE_MATCH=as_json["ETag"]
    )
    assert crossed.status_code == 200


def test_unpublished_work_does_not_change_the_etags(verdict, django_capture_on_commit_callbacks):
    before = etags(verdict)
    with django_capture_on_commit_callbacks(execute=True):
        draft_verdict("Unemployment fell to 3 percent, the council said.")
        claim_with_text("Rents rose 9 percent.")
        # The desk's own bookkeeping on the published claim.
        Claim.objects.filter(pk=verdict.claim_id).update(priority=5)
    assert etags(verdict) == before


def test_publishing_a_verdict_changes_the_lists_etag(verdict, django_capture_on_commit_callbacks):
    before = client_with().get("/api/v1/verdicts/")["ETag"]
    with django_capture_on_commit_callbacks(execute=True):
        factories.published_verdict(claim=factories.ClaimFactory(text="Bus fares fell."))
    response = client_with().get("/api/v1/verdicts/", HTTP_IF_NONE_MATCH=before)
    assert response.status_code == 200
    assert response["ETag"] != before


@pytest.mark.parametrize(
    "precondition",
    [
        {"HTTP_IF_MATCH": '"nope"'},
        {"HTTP_IF_UNMODIFIED_SINCE": "Mon, 01 Jan 1990 00:00:00 GMT"},
    ],
    ids=["if-match", "if-unmodified-since"],
)
@pytest.mark.parametrize("which", [0, 1, 2, 3])
def test_a_failed_precondition_is_the_apis_error_json_with_the_answers_headers(
    verdict, which, precondition
):
    path = [*paths(verdict), "/api/v1/verdicts/search/?q=budget"][which]
    client = key_client()
    usual = client.get(path)
    response = client.get(path, **precondition)
    assert response.status_code == 412
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"] == "precondition_failed"
    assert "If-Match" in response.json()["detail"]
    assert response["Vary"] == usual["Vary"]
    assert response["Cache-Control"] == "private"


def test_a_matching_if_match_gets_the_answer(verdict):
    path = f"/api/v1/verdicts/{verdict.pk}/"
    etag = client_with().get(path)["ETag"]
    assert client_with().get(path, HTTP_IF_MATCH=etag).status_code == 200


def test_the_list_says_when_an_etag_applies_and_desk_scope_answers_match_it(verdict):
    description = openapi_document()["paths"]["/api/v1/verdicts/"]["get"]["description"]
    assert "Each answer has an ETag" not in description
    assert "desk-scope key are not stored" in description and "carry no `ETag`" in description
    public = client_with().get("/api/v1/verdicts/")
    assert public["ETag"]
    desk = key_client(staff=True)
    answer = desk.get("/api/v1/verdicts/")
    assert answer["Cache-Control"] == "private, no-store"
    assert not answer.has_header("ETag")
    assert desk.get("/api/v1/verdicts/", HTTP_IF_NONE_MATCH=public["ETag"]).status_code == 200
    assert desk.get("/api/v1/verdicts/", HTTP_IF_MATCH='"nope"').status_code == 200
