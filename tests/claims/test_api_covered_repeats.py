"""A repeat an editor applied a published verdict to is a public claim: the API lists and opens
it with the verdict that covers it, as the fact-check's ClaimReview lists its article, and
stops as soon as the cover ends. Nothing the desk only linked or suggested becomes readable."""

import pytest

from articles.models import Article
from claims.claimreview import claimreview_for
from claims.matching.applications import verdict_application_request
from claims.matching.group_changes import claim_group_link, claim_split
from claims.models import Claim, ClaimStatus
from tests.api_clients import claim_with_text, key_client, published_verdict
from tests.factories import SpeakerFactory, UserFactory, editor

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


def covered_repeat(*, speaker=None):
    checked = published_verdict("The budget grew by 40 percent.")
    repeat = claim_with_text("The budget grew 40 percent, the mayor said again.", speaker=speaker)
    claim_group_link(claim=repeat, earlier=checked.claim, actor=editor())
    verdict_application_request(claim=repeat, checked=checked.claim, actor=editor())
    return checked, Claim.objects.get(pk=repeat.pk)


def listed_ids(client, url: str) -> list[int]:
    return [row["id"] for row in client.get(url).json()["results"]]


def test_a_repeat_listed_as_an_appearance_opens_with_the_verdict_that_covers_it():
    checked, repeat = covered_repeat()
    assert repeat.status == ClaimStatus.DISMISSED
    reader = key_client()
    appearances = reader.get(f"/api/v1/claims/{checked.claim_id}/appearances/").json()
    assert [row["claim_id"] for row in appearances["results"]] == [checked.claim_id, repeat.pk]

    response = reader.get(f"/api/v1/claims/{repeat.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["verdict"]["id"] == checked.pk
    assert body["verdict"]["rating"]["slug"] == checked.rating.slug
    assert "status" not in body  # the desk's "dismissed" stays the desk's
    # The repeat reads the fact-check's appearances, the list its ClaimReview shows.
    assert [row["claim_id"] for row in body["group"]["appearances"]] == [
        checked.claim_id,
        repeat.pk,
    ]
    own = reader.get(f"/api/v1/claims/{repeat.pk}/appearances/").json()["results"]
    assert [row["claim_id"] for row in own] == [checked.claim_id, repeat.pk]
    review = claimreview_for(checked, request_or_base_url="http://testserver/")
    headlines = [shown["headline"] for shown in review["itemReviewed"]["appearance"]]
    assert headlines == [checked.claim.article.title, repeat.article.title]

    assert repeat.pk in listed_ids(reader, "/api/v1/claims/")
    assert repeat.pk in listed_ids(reader, "/api/v1/claims/?status=published")
    assert repeat.pk not in listed_ids(reader, "/api/v1/claims/?status=dismissed")
    # The partner that submitted the repeat's article reads it there with the same verdict.
    partner = UserFactory(is_staff=False, password=None)
    Article.objects.filter(pk=repeat.article_id).update(created_by=partner)
    submitter = key_client(user=partner)
    claims = submitter.get(f"/api/v1/articles/{repeat.article_id}/").json()["claims"]
    assert [(claim["id"], claim["verdict"]["id"]) for claim in claims] == [(repeat.pk, checked.pk)]


def test_a_covered_repeat_names_its_speaker_only_where_the_speakers_endpoint_would():
    unpublished_speaker = SpeakerFactory(name="Jo Councillor")
    _, repeat = covered_repeat(speaker=unpublished_speaker)
    reader = key_client()
    assert reader.get(f"/api/v1/speakers/{unpublished_speaker.pk}/").status_code == 404
    assert reader.get(f"/api/v1/claims/{repeat.pk}/").json()["speaker"] is None
    listed = reader.get("/api/v1/claims/").json()["results"]
    assert [row["speaker"] for row in listed if row["id"] == repeat.pk] == [None]
    for named in (unpublished_speaker.pk, unpublished_speaker.slug, "Jo Councillor"):
        assert listed_ids(reader, f"/api/v1/claims/?speaker={named}") == []
    desk = key_client(staff=True)
    assert desk.get(f"/api/v1/claims/{repeat.pk}/").json()["speaker"]["name"] == "Jo Councillor"
    assert listed_ids(desk, f"/api/v1/claims/?speaker={unpublished_speaker.pk}") == [repeat.pk]


def test_a_repeat_only_linked_to_a_fact_check_stays_unreadable():
    checked = published_verdict("The budget grew by 40 percent.")
    linked = claim_with_text("The budget grew by 40 percent, a councillor said.")
    claim_group_link(claim=linked, earlier=checked.claim, actor=editor())
    reader = key_client()
    assert reader.get(f"/api/v1/claims/{linked.pk}/").status_code == 404
    assert linked.pk not in listed_ids(reader, "/api/v1/claims/")


def test_a_repeat_left_behind_by_its_checked_claim_is_no_longer_public():
    checked, repeat = covered_repeat()
    claim_split(claim=Claim.objects.get(pk=checked.claim_id), actor=editor())
    reader = key_client()
    appearances = reader.get(f"/api/v1/claims/{checked.claim_id}/appearances/").json()
    assert [row["claim_id"] for row in appearances["results"]] == [checked.claim_id]
    assert reader.get(f"/api/v1/claims/{repeat.pk}/").status_code == 404
    assert repeat.pk not in listed_ids(reader, "/api/v1/claims/")
