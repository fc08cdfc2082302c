"""One verdict, search, and the claims and speakers endpoints: only published work reaches a
client, and a verdict reads the same everywhere it is served."""

import pytest
from django.test import RequestFactory

from claims.models import ClaimStatus, Correction, VerdictStatus
from tests.api_clients import (
    client_with,
    draft_verdict,
    ids,
    key_client,
    published_verdict,
)
from tests.factories import SpeakerFactory, editor

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


def test_a_corrected_verdict_carries_its_public_correction_notes_in_the_list_and_detail(api):
    corrected = published_verdict("The budget grew by 40 percent.")
    published_verdict("Crime fell by 10 percent.")
    for note in ("The figure was for 2025, not 2026.", "A source link was broken."):
        Correction.objects.create(verdict=corrected, note=note, created_by=editor())
    listed = {row["id"]: row for row in api.get("/api/v1/verdicts/").json()["results"]}
    notes = [entry["note"] for entry in listed[corrected.pk]["corrections"]]
    assert notes == ["The figure was for 2025, not 2026.", "A source link was broken."]
    assert all(entry["published_at"] for entry in listed[corrected.pk]["corrections"])
    assert [row["corrections"] for pk, row in listed.items() if pk != corrected.pk] == [[]]
    detail = api.get(f"/api/v1/verdicts/{corrected.pk}/").json()
    assert detail["corrections"] == listed[corrected.pk]["corrections"]


def test_unpublished_verdicts_never_leak_from_list_detail_search_or_claimreview(api):
    published = published_verdict("The budget grew by 40 percent.")
    hidden = [
        draft_verdict(f"The budget grew by {number} percent.", status=status)
        for number, status in zip(
            (41, 42, 43),
            (VerdictStatus.DRAFT, VerdictStatus.SUBMITTED, VerdictStatus.RETURNED),
            strict=True,
        )
    ]
    staff = key_client(staff=True)
    for client in (api, staff, client_with()):
        assert ids(client.get("/api/v1/verdicts/")) == [published.pk]
        found = client.get("/api/v1/verdicts/search/?q=budget grew percent").json()["results"]
        assert [match["verdict"]["id"] for match in found] == [published.pk]
        for verdict in hidden:
            assert client.get(f"/api/v1/verdicts/{verdict.pk}/").status_code == 404
            assert client.get(f"/api/v1/verdicts/{verdict.pk}/claimreview/").status_code == 404
    assert ids(api.get("/api/v1/verdicts/?q=budget")) == [published.pk]


def test_search_ranks_the_closest_published_claim_first_with_a_score(api):
    close = published_verdict("The city council budget grew by 40 percent last year.")
    loose = published_verdict("The budget of the football club is secret.")
    unrelated = published_verdict("Unemployment is at a record low.")
    response = api.get(
        "/api/v1/verdicts/search/", {"q": "Has the council's budget really grown 40 percent?"}
    )
    results = response.json()["results"]
    # Below the "suggested" threshold a claim that merely shares a word is left out.
    assert [match["verdict"]["id"] for match in results] == [close.pk]
    assert {loose.pk, unrelated.pk}.isdisjoint(match["verdict"]["id"] for match in results)
    assert 0 < results[0]["score"] <= 1
    assert results[0]["level"] in ("suggested", "same_claim")


@pytest.mark.parametrize("query", ["", "q=", "q=%3F%3F", "q=budget&limit=0", "q=budget&limit=51"])
def test_search_needs_words_and_a_sane_limit(api, query):
    response = api.get(f"/api/v1/verdicts/search/?{query}")
    assert response.status_code == 400
    assert response.json()["fields"]


def test_published_verdicts_can_be_read_without_a_key():
    verdict = published_verdict("The budget grew by 40 percent.")
    assert ids(client_with().get("/api/v1/verdicts/")) == [verdict.pk]


def test_claims_of_published_verdicts_only_for_clients_and_everything_for_staff(api):
    verdict = published_verdict("The budget grew by 40 percent.")
    in_review = draft_verdict("Crime fell by 10 percent.").claim
    client_rows = api.get("/api/v1/claims/").json()["results"]
    assert [row["id"] for row in client_rows] == [verdict.claim_id]
    assert "status" not in client_rows[0]
    assert client_rows[0]["verdict"]["id"] == verdict.pk
    assert api.get(f"/api/v1/claims/{in_review.pk}/").status_code == 404

    staff = key_client(staff=True)
    staff_rows = staff.get("/api/v1/claims/").json()["results"]
    assert {row["id"]: row["status"] for row in staff_rows} == {
        verdict.claim_id: ClaimStatus.PUBLISHED,
        in_review.pk: ClaimStatus.IN_REVIEW,
    }
    in_review_row = staff.get(f"/api/v1/claims/{in_review.pk}/").json()
    assert in_review_row["verdict"] is None  # a draft verdict is not shown, even to staff
    assert ids(staff.get("/api/v1/claims/?status=in_review")) == [in_review.pk]
    refused = staff.get("/api/v1/claims/?status=review").json()["fields"]["status"]
    assert refused == ["Choose one of: dismissed, in_progress, in_review, new, published."]


def test_speakers_come_with_their_published_verdicts_by_rating(api):
    speaker = SpeakerFactory(name="Jane Doe")
    published_verdict("Jobs rose by 3 percent.", speaker=speaker, rating="true")
    published_verdict("Jobs rose by 30 percent.", speaker=speaker, rating="false")
    published_verdict("Jobs rose by 300 percent.", speaker=speaker, rating="false")
    draft_verdict("Jobs rose by 3000 percent.", speaker=speaker)
    unpublished_only = SpeakerFactory(name="Private Person")
    draft_verdict("Crime fell by 10 percent.", speaker=unpublished_only)

    rows = api.get("/api/v1/speakers/").json()["results"]
    assert [row["name"] for row in rows] == ["Jane Doe"]
    detail = api.get(f"/api/v1/speakers/{speaker.pk}/").json()
    assert detail["published_verdicts"] == 3
    assert detail["rating_counts"]["false"] == 2 and detail["rating_counts"]["true"] == 1
    assert detail["rating_counts"]["pants-on-fire"] == 0
    assert api.get(f"/api/v1/speakers/{unpublished_only.pk}/").status_code == 404
    staff_rows = key_client(staff=True).get("/api/v1/speakers/").json()["results"]
    staff_names = [row["name"] for row in staff_rows]
    assert staff_names == ["Jane Doe", "Private Person"]


def test_the_hand_written_verdict_output_matches_the_declared_serializer_fields():
    from rest_framework import serializers
    from rest_framework.request import Request

    from claims.api.serializers import VerdictSerializer
    from claims.api.views import published_verdicts

    with_speaker = published_verdict("The budget grew by 40 percent.", speaker=SpeakerFactory())
    without = published_verdict("Crime fell by 10 percent.")
    without.claim.article.outlet = None
    without.claim.article.save()
    Correction.objects.create(
        verdict=with_speaker, note="The figure was for 2025.", created_by=editor()
    )
    request = Request(RequestFactory().get("/api/v1/verdicts/"))
    for verdict in published_verdicts().filter(pk__in=[with_speaker.pk, without.pk]):
        serializer = VerdictSerializer(context={"request": request})
        generic = serializers.ModelSerializer.to_representation(serializer, verdict)
        assert serializer.to_representation(verdict) == generic


def test_a_verdict_reads_the_same_in_the_list_and_on_its_own(api):
    published_verdict("The budget grew by 40 percent.", speaker=SpeakerFactory())
    without = published_verdict("Crime fell by 10 percent.")
    without.claim.article.outlet = None
    without.claim.article.save()
    for row in api.get("/api/v1/verdicts/").json()["results"]:
        assert api.get(row["url"]).json() == row


@pytest.mark.parametrize(
    "params, field",
    [
        ({"q": "   "}, "q"),
        ({"q": "x" * 2001}, "q"),
        ({"q": "budget", "sort": "score"}, "sort"),
    ],
)
def test_search_refuses_blank_long_queries_and_unknown_parameters(api, params, field):
    response = api.get("/api/v1/verdicts/search/", params)
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid" and field in body["fields"]


def test_search_results_carry_a_score_and_a_level_and_only_published_verdicts(api):
    published = published_verdict(
        "Unemployment in the state rose 20 percent between 2019 and 2021."
    )
    draft_verdict("Unemployment in the state rose 20 percent between 2019 and 2021, he said.")
    response = api.get(
        "/api/v1/verdicts/search/",
        {"q": "Unemployment in the state rose 20 percent between 2019 and 2021."},
    )
    results = response.json()["results"]
    assert [match["verdict"]["id"] for match in results] == [published.pk]
    assert results[0]["level"] == "same_claim" and results[0]["score"] > 0.9
