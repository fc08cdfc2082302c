import base64
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from claims.claimreview import claimreview_for
from claims.models import ClaimStatus, Correction, Verdict, VerdictStatus
from claims.services import speaker_resolve
from tests.api_clients import (
    claim_with_text,
    client_with,
    days_ago,
    draft_verdict,
    key_client,
    published_verdict,
)
from tests.factories import OutletFactory, SpeakerFactory, editor, fact_checker

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


@pytest.fixture
def api():
    return key_client()


def ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_the_list_shows_published_verdicts_newest_first_with_their_claim_and_sources(api):
    older = published_verdict("The budget grew by 40 percent.", published_at=days_ago(3))
    newer = published_verdict("Crime fell by 10 percent.", published_at=days_ago(1))
    response = api.get("/api/v1/verdicts/")
    assert ids(response) == [newer.pk, older.pk]
    first = response.json()["results"][0]
    assert first["claim"]["text"] == "Crime fell by 10 percent."
    assert first["rating"] == {"slug": "false", "label": "False", "value": 2}
    assert first["sources"][0]["title"] == "Budget statistics"
    assert first["claimreview_url"].endswith(f"/api/v1/verdicts/{newer.pk}/claimreview/")


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


def test_filters_by_speaker_id_slug_or_its_published_name(api):
    speaker = speaker_resolve(name="Antony Blinken", aliases=["Secretary Blinken"])
    theirs = published_verdict("The deal was signed in 2020.", speaker=speaker)
    published_verdict("The deal was signed in 2021.", speaker=SpeakerFactory())
    for value in (
        speaker.pk,
        speaker.slug,
        "Antony Blinken",
        "  ANTONY  blinken",
        "Antoný Blinken",
    ):
        assert ids(api.get("/api/v1/verdicts/", {"speaker": value})) == [theirs.pk], value
    assert ids(api.get("/api/v1/verdicts/", {"speaker": "Nobody Known"})) == []


def test_no_client_can_confirm_a_desk_only_spelling_of_a_published_speaker_by_filtering():
    # The desk recorded "The Whistleblower" for Jane Roe from a pasted article: no published
    # answer shows that spelling, so no filter may answer to it.
    speaker = speaker_resolve(name="Jane Roe", aliases=["The Whistleblower", "Secretary Roe"])
    theirs = published_verdict("The deal was signed in 2020.", speaker=speaker)
    anonymous, partner, desk = client_with(), key_client(), key_client(staff=True)
    for value in ("the whistleblower", "WHISTLEBLOWER", "Secretary Roe"):
        for client in (anonymous, partner, desk):
            assert ids(client.get("/api/v1/verdicts/", {"speaker": value})) == [], value
        assert ids(partner.get("/api/v1/claims/", {"speaker": value})) == [], value
        # The desk's own tools still find a speaker by any spelling it recorded.
        assert ids(desk.get("/api/v1/claims/", {"speaker": value})) == [theirs.claim_id]
    for client in (anonymous, partner, desk):
        assert ids(client.get("/api/v1/verdicts/", {"speaker": "jane roe"})) == [theirs.pk]
    assert ids(partner.get("/api/v1/claims/", {"speaker": "Jane Roe"})) == [theirs.claim_id]
    assert ids(partner.get("/api/v1/speakers/", {"q": "whistle"})) == []
    assert ids(partner.get("/api/v1/verdicts/", {"q": "whistleblower"})) == []


def test_a_speaker_is_found_however_its_name_is_cased_or_spaced(api):
    # An alias matches by its normalised key already; a speaker added in the admin may have
    # none, and then its name and slug are what a partner types.
    speaker = SpeakerFactory(name="Grace Hopper", slug="grace-hopper")
    speaker.aliases.all().delete()
    theirs = published_verdict("The navy bought 40 ships.", speaker=speaker)
    for value in ("  grace   HOPPER ", "Grace\u00a0Hopper", "Grace-Hopper", "\tgrace hopper\n"):
        assert ids(api.get("/api/v1/verdicts/", {"speaker": value})) == [theirs.pk], value
    assert ids(api.get("/api/v1/verdicts/", {"speaker": "Grace"})) == []


def test_a_partner_key_finds_nothing_by_the_alias_of_a_speaker_seen_only_in_unpublished_work():
    speaker = speaker_resolve(name="Quiet Source", aliases=["The Deputy Minister"])
    draft = draft_verdict("The deal was signed in 2019.", speaker=speaker)
    for value in ("the deputy minister", "  DEPUTY   Minister "):
        for url in ("/api/v1/verdicts/", "/api/v1/claims/"):
            assert ids(key_client().get(url, {"speaker": value})) == [], (url, value)
        desk = key_client(staff=True).get("/api/v1/claims/", {"speaker": value})
        assert ids(desk) == [draft.claim_id]


def test_filters_by_rating_outlet_language_and_dates(api):
    outlet = OutletFactory(domain="news.example")
    true_one = published_verdict("Jobs rose by 3 percent.", rating="true", outlet=outlet)
    old_false = published_verdict("Jobs rose by 30 percent.", published_at=days_ago(40))
    french = published_verdict("Le budget a augmenté de 4 pour cent.", language="fr")

    assert ids(api.get("/api/v1/verdicts/?rating=true")) == [true_one.pk]
    assert ids(api.get("/api/v1/verdicts/?outlet=news.example")) == [true_one.pk]
    assert ids(api.get("/api/v1/verdicts/?outlet=www.news.example")) == [true_one.pk]
    assert ids(api.get(f"/api/v1/verdicts/?outlet={outlet.pk}")) == [true_one.pk]
    assert ids(api.get("/api/v1/verdicts/?language=fr")) == [french.pk]
    assert old_false.pk not in ids(api.get("/api/v1/verdicts/?max_age_days=30"))
    before = days_ago(20).date().isoformat()
    assert ids(api.get(f"/api/v1/verdicts/?published_before={before}")) == [old_false.pk]
    assert old_false.pk not in ids(api.get(f"/api/v1/verdicts/?published_after={before}"))


def test_updated_since_gives_only_verdicts_changed_since_then(api):
    # A day before: past the overlap that updated_since reaches back (test_api_sync).
    published_verdict("Jobs rose by 3 percent.", published_at=days_ago(1))
    mark = days_ago(0)
    changed = published_verdict("Jobs rose by 4 percent.")
    assert ids(api.get("/api/v1/verdicts/", {"updated_since": mark.isoformat()})) == [changed.pk]


def test_q_finds_verdicts_by_the_words_of_their_claim(api):
    budget = published_verdict("The council budget grew by 40 percent.")
    published_verdict("Crime fell by 10 percent.")
    assert ids(api.get("/api/v1/verdicts/?q=budget")) == [budget.pk]
    assert ids(api.get("/api/v1/verdicts/?q=council budget")) == [budget.pk]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("rating=sort-of-true", "rating"),
        ("published_after=yesterday", "published_after"),
        ("published_before=2024-13-45", "published_before"),
        ("updated_since=not-a-date", "updated_since"),
        ("max_age_days=0", "max_age_days"),
        ("max_age_days=ten", "max_age_days"),
        ("language=english!", "language"),
        ("ordering=random", "ordering"),
        ("q=%20%21%21", "q"),
        ("speaker=" + "x" * 400, "speaker"),
        ("rating=fal%00se", "rating"),
        ("ordering=-id%00", "ordering"),
        ("cursor=%00", "cursor"),
        ("cursor=", "cursor"),
        ("cursor=not%20base64!", "cursor"),
        ("cursor=AAAA", "cursor"),  # three NUL bytes: none of the cursor's keys
        ("cursor=eD0x", "cursor"),  # "x=1": a key DRF does not write
        # "p=2026-01-01" and "p=2026-01-01 12:00:00": no time zone, so no moment to page from
        ("cursor=cD0yMDI2LTAxLTAx", "cursor"),
        ("cursor=cD0yMDI2LTAxLTAxIDEyOjAwOjAw", "cursor"),
    ],
)
def test_bad_filter_values_are_400_with_a_message_for_the_field(api, query, field):
    response = api.get(f"/api/v1/verdicts/?{query}")
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["error"] == "invalid"
    assert body["fields"][field] and all(isinstance(m, str) for m in body["fields"][field])
    assert "\\u0000" not in response.content.decode()  # the error never echoes a NUL back


@pytest.mark.parametrize(
    "path, field",
    [
        ("/api/v1/verdicts/?rating=false&rating=true", "rating"),
        ("/api/v1/verdicts/?page_size=1&page_size=50", "page_size"),
        ("/api/v1/verdicts/search/?q=budget&q=jobs", "q"),
        ("/api/v1/claims/?status=new&status=published", "status"),
        ("/api/v1/speakers/?q=a&q=b", "q"),
    ],
)
def test_a_repeated_parameter_is_a_400_that_names_it(api, path, field):
    published_verdict("The budget grew by 40 percent.")
    response = api.get(path)
    assert response.status_code == 400, response.content
    assert response.json()["fields"] == {field: ["Give this parameter once."]}


def test_ordering_by_oldest_first(api):
    older = published_verdict("Jobs rose by 3 percent.", published_at=days_ago(3))
    newer = published_verdict("Jobs rose by 4 percent.", published_at=days_ago(1))
    assert ids(api.get("/api/v1/verdicts/?ordering=published_at")) == [older.pk, newer.pk]


def test_a_page_size_over_the_maximum_is_refused_not_silently_capped(api):
    for number in range(3):
        published_verdict(f"Jobs rose by {number} percent.")
    response = api.get("/api/v1/verdicts/?page_size=2")
    assert len(ids(response)) == 2 and response.json()["next"]
    assert len(ids(api.get("/api/v1/verdicts/?page_size=100"))) == 3
    for size in ("101", "100000", "0", "-1", "2.5", "two"):
        refused = api.get(f"/api/v1/verdicts/?page_size={size}")
        assert refused.status_code == 400, size
        assert refused.json()["fields"] == {"page_size": ["Give a whole number from 1 to 100."]}


def test_the_cursor_stays_stable_while_new_verdicts_are_published(api):
    # Several verdicts share a publication time: the cursor must still not repeat or skip.
    same_time = days_ago(2)
    verdicts = [
        published_verdict(f"Jobs rose by {n} percent.", published_at=same_time) for n in range(5)
    ]
    verdicts += [published_verdict(f"Jobs fell by {n} percent.") for n in range(3)]
    expected = [v.pk for v in sorted(verdicts, key=lambda v: (v.published_at, v.pk), reverse=True)]

    seen, url = [], "/api/v1/verdicts/?page_size=3"
    while url:
        page = api.get(url).json()
        seen += [row["id"] for row in page["results"]]
        # Someone publishes while the client pages: it must not shift the pages still to come.
        published_verdict(f"New claim number {len(seen)} here.")
        url = page["next"]
    assert seen == expected


def test_a_list_page_costs_the_same_queries_however_long_it_is(
    api, django_assert_num_queries, settings
):
    settings.API_LIST_CACHE_SECONDS = 0  # measure the page itself, not the cache in front of it
    for number in range(2):
        published_verdict(f"Jobs rose by {number} percent.", speaker=SpeakerFactory())
    api.get("/api/v1/verdicts/")  # the key's last-used time is written on first use

    small = {}
    for path in PATHS_WITH_LISTS:
        with CaptureQueriesContext(connection) as context:
            assert api.get(path).status_code == 200
        small[path] = len(context.captured_queries)
    for number in range(2, 12):
        published_verdict(f"Jobs rose by {number} percent.", speaker=SpeakerFactory())
    for path in PATHS_WITH_LISTS:
        with django_assert_num_queries(small[path]):
            response = api.get(path)
        assert len(response.json()["results"]) >= 10 or "nowhere" in path
    # key lookup, the page, its sources, its corrections (+ the rating list a rating filter
    # checks against)
    assert small["/api/v1/verdicts/?page_size=50"] == 4
    assert small["/api/v1/verdicts/?page_size=50&rating=false"] == 5


PATHS_WITH_LISTS = [
    "/api/v1/verdicts/?page_size=50",
    "/api/v1/verdicts/?page_size=50&rating=false",
    "/api/v1/verdicts/?page_size=50&q=jobs&outlet=nowhere.example&max_age_days=7",
    "/api/v1/verdicts/search/?q=jobs rose&limit=50",
    "/api/v1/claims/?page_size=50",
    "/api/v1/speakers/?page_size=50",
]


def test_claimreview_is_the_same_dict_the_public_page_embeds(api):
    speaker = speaker_resolve(name="Jane Doe", role="Mayor")
    verdict = published_verdict("The budget grew by 40 percent.", speaker=speaker)
    response = api.get(f"/api/v1/verdicts/{verdict.pk}/claimreview/")
    assert response.status_code == 200
    request = RequestFactory().get("/")
    assert response.json() == claimreview_for(verdict, request_or_base_url=request)
    review = response.json()
    assert review["@type"] == "ClaimReview"
    assert review["claimReviewed"] == "The budget grew by 40 percent."
    assert review["reviewRating"]["alternateName"] == "False"
    assert review["reviewRating"]["bestRating"] == 6 and review["reviewRating"]["worstRating"] == 1
    assert review["itemReviewed"]["author"] == {
        "@type": "Person",
        "name": "Jane Doe",
        "jobTitle": "Mayor",
    }
    assert review["url"].endswith(f"/fact-checks/{verdict.pk}/")


def test_claimreview_can_be_asked_for_as_json_ld(api):
    verdict = published_verdict("The budget grew by 40 percent.")
    response = api.get(
        f"/api/v1/verdicts/{verdict.pk}/claimreview/", HTTP_ACCEPT="application/ld+json"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")


@pytest.mark.parametrize(
    "accept, content_type",
    [
        ("application/ld+json, application/json;q=0.5", "application/ld+json"),
        ("application/json;q=0.4, application/ld+json;q=0.9", "application/ld+json"),
        ("application/json, application/ld+json;q=0.5", "application/json"),
        ("*/*", "application/json"),
        ("application/*", "application/json"),
    ],
)
def test_claimreview_follows_the_clients_preference_between_json_and_json_ld(
    api, accept, content_type
):
    verdict = published_verdict("The budget grew by 40 percent.")
    response = api.get(f"/api/v1/verdicts/{verdict.pk}/claimreview/", HTTP_ACCEPT=accept)
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response.json()["@type"] == "ClaimReview"


def test_an_error_asked_for_as_json_ld_is_plain_json(api):
    verdict = draft_verdict("The budget grew by 40 percent.")
    for path in (
        f"/api/v1/verdicts/{verdict.pk}/claimreview/",
        "/api/v1/verdicts/1/claimreview/?x=1",
    ):
        response = api.get(path, HTTP_ACCEPT="application/ld+json")
        assert response.status_code in (400, 404)
        assert response["Content-Type"] == "application/json"
        assert response.json()["error"] in ("not_found", "invalid")


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


def test_the_next_link_carries_the_filters(api):
    for number in range(3):
        published_verdict(f"Jobs rose by {number} percent.", rating="true")
    next_url = api.get("/api/v1/verdicts/?rating=true&page_size=2").json()["next"]
    assert parse_qs(urlsplit(next_url).query)["rating"] == ["true"]


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


def test_a_hand_made_cursor_with_a_time_zone_pages_from_that_moment(api):
    older = published_verdict("Jobs rose by 3 percent.")
    Verdict.objects.filter(pk=older.pk).update(published_at=datetime(2025, 12, 31, tzinfo=UTC))
    published_verdict("Jobs rose by 30 percent.")
    # As DRF writes one: the position urlencoded ("+" as %2B), then base64.
    cursor = base64.b64encode(urlencode({"p": "2026-01-01 00:00:00+00:00"}).encode()).decode()
    assert ids(api.get("/api/v1/verdicts/", {"cursor": cursor})) == [older.pk]


def test_a_cursor_in_standard_base64_is_followed_like_any_other(api):
    # DRF writes cursors with b64encode: a name such as 'Ann~Lee' gives a '+' in it.
    for name in ["Ann~Lee", "Ann~Lee?", "Zed Zulu"]:
        published_verdict(f"{name} says jobs rose 3 percent.", speaker=SpeakerFactory(name=name))
    client = key_client(staff=True)
    seen, url = [], "/api/v1/speakers/?page_size=1"
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        seen += [row["name"] for row in body["results"]]
        url = body["next"]
    assert seen == ["Ann~Lee", "Ann~Lee?", "Zed Zulu"]


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


def test_a_repeated_list_page_is_served_from_the_cache(api, django_assert_num_queries):
    published_verdict("Rents rose 9 percent.", speaker=SpeakerFactory())
    first = api.get("/api/v1/verdicts/?rating=false")
    with django_assert_num_queries(1):  # the key lookup only
        second = api.get("/api/v1/verdicts/?rating=false")
    assert second.json() == first.json()


def test_a_newly_published_verdict_shows_at_once_despite_the_cache(
    api, django_capture_on_commit_callbacks
):
    published_verdict("Rents rose 9 percent.", speaker=SpeakerFactory())
    assert len(api.get("/api/v1/verdicts/").json()["results"]) == 1
    from tests import factories
    from tests.factories import ClaimFactory

    claim = ClaimFactory(text="Bus fares fell 3 percent.")
    with django_capture_on_commit_callbacks(execute=True):
        factories.published_verdict(claim=claim)  # through the workflow, as an editor would
    texts = [row["claim"]["text"] for row in api.get("/api/v1/verdicts/").json()["results"]]
    assert texts == ["Bus fares fell 3 percent.", "Rents rose 9 percent."]


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


def test_the_claim_endpoint_and_claimreview_list_the_groups_appearances(api):
    from claims.matching.applications import (
        verdict_application_approve,
        verdict_application_request,
    )
    from claims.matching.groups import claim_group_link, claim_split, group_event_undo

    def claim_apply_verdict(*, claim, checked, actor):
        return verdict_application_request(claim=claim, checked=checked, actor=actor)

    verdict = published_verdict("The budget grew by 40 percent.")
    repeat = claim_with_text("The budget grew 40 percent, the mayor said again.")
    claim_group_link(claim=repeat, earlier=verdict.claim)
    desk = key_client(staff=True).get(f"/api/v1/claims/{verdict.claim.pk}/").json()
    assert desk["group"]["canonical_text"] == "The budget grew by 40 percent."
    assert [a["claim_id"] for a in desk["group"]["appearances"]] == [verdict.claim.pk, repeat.pk]

    # A repeat the desk has not stood behind stays desk-only.
    detail = api.get(f"/api/v1/claims/{verdict.claim.pk}/").json()
    assert [a["claim_id"] for a in detail["group"]["appearances"]] == [verdict.claim.pk]
    review = api.get(f"/api/v1/verdicts/{verdict.pk}/claimreview/").json()
    assert len(review["itemReviewed"]["appearance"]) == 1

    # A fact-checker's request is not public until an editor approves it.
    claim_apply_verdict(claim=repeat, checked=verdict.claim, actor=fact_checker())
    detail = api.get(f"/api/v1/claims/{verdict.claim.pk}/").json()
    assert [a["claim_id"] for a in detail["group"]["appearances"]] == [verdict.claim.pk]
    review = api.get(f"/api/v1/verdicts/{verdict.pk}/claimreview/").json()
    assert len(review["itemReviewed"]["appearance"]) == 1
    verdict_application_approve(application=repeat.verdict_applications.get(), editor=editor())
    detail = api.get(f"/api/v1/claims/{verdict.claim.pk}/").json()
    assert [a["claim_id"] for a in detail["group"]["appearances"]] == [verdict.claim.pk, repeat.pk]
    review = api.get(f"/api/v1/verdicts/{verdict.pk}/claimreview/").json()
    assert len(review["itemReviewed"]["appearance"]) == 2
    assert review["itemReviewed"]["firstAppearance"] == review["itemReviewed"]["appearance"][0]

    # Split out (not a repeat after all) and later linked again: the desk has not applied the
    # verdict since, so the public does not see it as an appearance.
    # (Both are an editor's: they change the fact-check's public appearances.)
    claim_split(claim=repeat, actor=editor())
    claim_group_link(claim=repeat, earlier=verdict.claim, actor=editor())  # the worker would not
    detail = api.get(f"/api/v1/claims/{verdict.claim.pk}/").json()
    assert [a["claim_id"] for a in detail["group"]["appearances"]] == [verdict.claim.pk]
    # A split that is undone never took the repeat out: the application stands.
    other = claim_with_text("The budget grew by 40 percent, again.")
    desk_editor = editor()
    claim_apply_verdict(claim=other, checked=verdict.claim, actor=desk_editor)
    group_event_undo(event=claim_split(claim=other, actor=desk_editor), actor=desk_editor)
    public_ids = [verdict.claim.pk, other.pk]
    detail = api.get(f"/api/v1/claims/{verdict.claim.pk}/").json()
    assert [a["claim_id"] for a in detail["group"]["appearances"]] == public_ids
    # Linked into another fact-check's group, it is no appearance of that one either: nobody
    # applied that verdict to it.
    second = published_verdict("The harbour tunnel cost 2 billion.")
    claim_group_link(claim=other, earlier=second.claim, actor=desk_editor)
    review = api.get(f"/api/v1/verdicts/{second.pk}/claimreview/").json()
    assert len(review["itemReviewed"]["appearance"]) == 1


def test_the_claim_was_made_when_it_first_appeared_even_in_an_applied_repeat(api):
    from claims.matching.applications import verdict_application_request
    from claims.matching.groups import claim_group_link

    verdict = published_verdict("The budget grew by 40 percent.")
    repeat = claim_with_text("The budget grew 40 percent, the mayor said again.")
    type(verdict.claim.article).objects.filter(pk=verdict.claim.article_id).update(
        published_at=days_ago(2)
    )
    # Found later, in an article published before the one the desk checked.
    type(repeat.article).objects.filter(pk=repeat.article_id).update(published_at=days_ago(9))
    claim_group_link(claim=repeat, earlier=verdict.claim)
    # An editor's own application takes effect at once.
    verdict_application_request(claim=repeat, checked=verdict.claim, actor=editor())
    item = api.get(f"/api/v1/verdicts/{verdict.pk}/claimreview/").json()["itemReviewed"]
    assert item["firstAppearance"]["headline"] == repeat.article.title
    assert item["datePublished"] == item["firstAppearance"]["datePublished"]


def test_an_applied_repeat_names_its_speaker_only_where_the_speaker_is_readable(api):
    from claims.matching.applications import verdict_application_request
    from claims.matching.groups import claim_group_link

    verdict = published_verdict("The budget grew by 40 percent.", speaker=SpeakerFactory())
    unpublished_speaker = SpeakerFactory(name="Councillor Draft")
    repeat = claim_with_text("The budget grew 40 percent, again.", speaker=unpublished_speaker)
    claim_group_link(claim=repeat, earlier=verdict.claim)
    verdict_application_request(claim=repeat, checked=verdict.claim, actor=editor())

    # One visibility rule: the key that gets 404 for the speaker does not read its name.
    assert api.get(f"/api/v1/speakers/{unpublished_speaker.pk}/").status_code == 404
    detail = api.get(f"/api/v1/claims/{verdict.claim.pk}/").json()
    names = {a["claim_id"]: a["speaker"] for a in detail["group"]["appearances"]}
    assert names == {verdict.claim.pk: verdict.claim.speaker.name, repeat.pk: None}

    desk = key_client(staff=True)
    assert desk.get(f"/api/v1/speakers/{unpublished_speaker.pk}/").status_code == 200
    detail = desk.get(f"/api/v1/claims/{verdict.claim.pk}/").json()
    names = {a["claim_id"]: a["speaker"] for a in detail["group"]["appearances"]}
    assert names[repeat.pk] == "Councillor Draft"


def test_the_rating_filter_ignores_case_as_the_other_filters_do(api):
    true_one = published_verdict("Jobs rose by 3 percent.", rating="true")
    published_verdict("Jobs rose by 30 percent.")
    assert ids(api.get("/api/v1/verdicts/?rating=TRUE")) == [true_one.pk]
    assert ids(api.get("/api/v1/verdicts/?rating=True")) == [true_one.pk]


def test_an_unknown_rating_is_a_400_that_lists_the_active_scale_s_slugs(api):
    from claims.models import Rating

    response = api.get("/api/v1/verdicts/?rating=sort-of-true")
    assert response.status_code == 400
    (message,) = response.json()["fields"]["rating"]
    active = Rating.objects.filter(scale__is_active=True).values_list("slug", flat=True)
    assert active and all(slug in message for slug in active)


def test_an_anonymous_source_is_no_author_of_the_claim_in_claimreview():
    from claims.models import SpeakerKind

    source = speaker_resolve(name="a senior official", kind=SpeakerKind.ANONYMOUS)
    verdict = published_verdict("The budget grew by 40 percent.", speaker=source)
    review = claimreview_for(verdict, request_or_base_url="https://desk.example.org")
    assert review["itemReviewed"]["@type"] == "Claim"
    assert "author" not in review["itemReviewed"]


def repeats_in_group(verdict, count: int, *, applied: bool) -> list:
    """`count` repeats of `verdict`'s claim in its group, one article a day, oldest first, after
    the checked claim's own article; `applied`: an editor applied the verdict to each (public)."""
    from datetime import timedelta

    from django.utils import timezone

    from articles.models import Article
    from claims.models import Claim, ClaimGroup, ClaimGroupEvent, GroupEventKind, GroupLink
    from tests.factories import ArticleFactory, ClaimFactory

    start = timezone.now() - timedelta(days=count + 1)
    checked = verdict.claim
    Article.objects.filter(pk=checked.article_id).update(published_at=start)
    group = ClaimGroup.objects.create(canonical_claim=checked, canonical_text=checked.text)
    Claim.objects.filter(pk=checked.pk).update(group=group, group_link=GroupLink.FOUNDER)
    outlet = OutletFactory()
    articles = Article.objects.bulk_create(
        ArticleFactory.build(outlet=outlet, published_at=start + timedelta(days=day + 1))
        for day in range(count)
    )
    status = ClaimStatus.DISMISSED if applied else ClaimStatus.NEW
    repeats = Claim.objects.bulk_create(
        ClaimFactory.build(article=article, group=group, group_link=GroupLink.AUTO, status=status)
        for article in articles
    )
    if applied:
        ClaimGroupEvent.objects.bulk_create(
            ClaimGroupEvent(
                group=group,
                claim=repeat,
                kind=GroupEventKind.VERDICT_APPLIED,
                data={"before": {}, "checked": checked.pk},
            )
            for repeat in repeats
        )
    return repeats


def test_a_claimreview_lists_the_first_appearance_and_only_the_most_recent_ones(api):
    from claims.claimreview import CLAIMREVIEW_RECENT_APPEARANCES as RECENT

    verdict = published_verdict("The budget grew by 40 percent.")
    repeats = repeats_in_group(verdict, RECENT + 10, applied=True)
    review = api.get(f"/api/v1/verdicts/{verdict.pk}/claimreview/").json()
    listed = [appearance["headline"] for appearance in review["itemReviewed"]["appearance"]]
    assert listed == [verdict.claim.article.title] + [r.article.title for r in repeats[-RECENT:]]
    assert review["itemReviewed"]["firstAppearance"]["headline"] == verdict.claim.article.title


def test_a_claimreview_keeps_the_reviewed_claim_s_own_article_among_the_ones_left_out(api):
    from datetime import timedelta

    from articles.models import Article
    from claims.claimreview import CLAIMREVIEW_RECENT_APPEARANCES as RECENT

    verdict = published_verdict("The budget grew by 40 percent.")
    repeats = repeats_in_group(verdict, RECENT + 10, applied=True)
    # The desk checked it in a later article than where it first appeared.
    between = repeats[4].article.published_at + timedelta(hours=1)
    Article.objects.filter(pk=verdict.claim.article_id).update(published_at=between)
    review = api.get(f"/api/v1/verdicts/{verdict.pk}/claimreview/").json()
    listed = [appearance["headline"] for appearance in review["itemReviewed"]["appearance"]]
    first, own = repeats[0].article.title, verdict.claim.article.title
    assert listed == [first, own] + [r.article.title for r in repeats[-RECENT:]]


def test_an_undated_first_appearance_leaves_the_claim_dated_by_its_earliest_dated_one(api):
    from datetime import timedelta

    from articles.models import Article
    from claims.claimreview import CLAIMREVIEW_RECENT_APPEARANCES as RECENT
    from claims.claimreview import desk_moment
    from claims.models import Claim

    verdict = published_verdict("The budget grew by 40 percent.")
    repeats = repeats_in_group(verdict, RECENT + 10, applied=True)
    # Read by the desk before every repeat, in an article without a date: the first
    # appearance, and the earliest dated one is among those the list leaves out.
    Article.objects.filter(pk=verdict.claim.article_id).update(published_at=None)
    before_all = repeats[0].article.published_at - timedelta(days=1)
    Claim.objects.filter(pk=verdict.claim_id).update(created_at=before_all)
    item = api.get(f"/api/v1/verdicts/{verdict.pk}/claimreview/").json()["itemReviewed"]
    assert item["firstAppearance"]["headline"] == verdict.claim.article.title
    assert repeats[0].article.title not in [a["headline"] for a in item["appearance"]]
    assert item["datePublished"] == desk_moment(repeats[0].article.published_at)


def test_the_claim_endpoint_counts_a_large_group_and_pages_its_appearances(api):
    from claims.api.pagination import AppearancePagination

    verdict = published_verdict("The budget grew by 40 percent.")
    repeats = repeats_in_group(verdict, AppearancePagination.page_size + 5, applied=False)
    everyone = [verdict.claim.pk] + [repeat.pk for repeat in repeats]
    desk = key_client(staff=True)
    group = desk.get(f"/api/v1/claims/{verdict.claim.pk}/").json()["group"]
    assert group["appearance_count"] == len(everyone)
    first_page = [a["claim_id"] for a in group["appearances"]]
    assert first_page == everyone[: AppearancePagination.page_size]
    url, paged = group["appearances_url"] + "?page_size=10", []
    while url:
        page = desk.get(url)
        assert page.status_code == 200, page.content
        paged += [a["claim_id"] for a in page.json()["results"]]
        url = page.json()["next"]
    assert paged == everyone
    # Without the desk scope: only the public appearances, counted and paged the same way.
    group = api.get(f"/api/v1/claims/{verdict.claim.pk}/").json()["group"]
    assert (group["appearance_count"], len(group["appearances"])) == (1, 1)
    public = api.get(group["appearances_url"]).json()
    assert [a["claim_id"] for a in public["results"]] == [verdict.claim.pk]


def test_the_appearances_endpoint_refuses_what_it_does_not_take(api):
    verdict = published_verdict("The budget grew by 40 percent.")
    url = f"/api/v1/claims/{verdict.claim.pk}/appearances/"
    assert api.get(url, {"page": "2"}).json()["fields"] == {
        "page": ["Unknown parameter; this endpoint takes cursor, format, page_size."]
    }
    detail = f"/api/v1/claims/{verdict.claim.pk}/"
    assert api.get(detail, {"page": "2"}).json()["fields"] == {
        "page": ["Unknown parameter; this endpoint takes format."]
    }
    listed = api.get("/api/v1/verdicts/", {"since": "2026-12-01"}).json()["fields"]["since"][0]
    assert "updated_since" in listed and "page_size" in listed and "format" in listed
    claimreview = api.get(f"/api/v1/verdicts/{verdict.pk}/claimreview/", {"as": "ld"})
    assert claimreview.json()["fields"]["as"] == ["Unknown parameter; this endpoint takes format."]
    assert "cursor" in api.get(url, {"cursor": "forged"}).json()["fields"]
    # A well-formed cursor whose position is no date: refused, not sent to the database.
    forged_position = base64.b64encode(b"p=not-a-date").decode()
    assert "cursor" in api.get(url, {"cursor": forged_position}).json()["fields"]
    draft = draft_verdict("The harbour tunnel cost 2 billion.")
    assert api.get(f"/api/v1/claims/{draft.claim.pk}/appearances/").status_code == 404
