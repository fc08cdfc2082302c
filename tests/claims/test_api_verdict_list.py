"""The verdict list endpoint: its filters and the 400s for bad ones, ordering, page size,
cursor paging, its query count and its cache."""

import base64
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.models import Verdict
from claims.services import speaker_resolve
from tests.api_clients import (
    client_with,
    days_ago,
    draft_verdict,
    ids,
    key_client,
    published_verdict,
)
from tests.factories import OutletFactory, SpeakerFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


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


def test_the_language_filter_reads_a_withdrawn_iso_639_code_as_today_s(api):
    # 'iw' was Hebrew's code until 1989 (tests/articles/test_language_codes.py).
    hebrew = published_verdict("The budget grew by 40 percent.", language="he-il")
    published_verdict("Unemployment fell to 3 percent.", language="en")
    assert ids(api.get("/api/v1/verdicts/?language=IW-il")) == [hebrew.pk]


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
    api.get("/api/v1/verdicts/?rating=false")  # and the rating choices cached

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
    # key lookup, the page, its sources, its corrections; the rating list a rating filter
    # checks against comes from the cache (claims.selectors.public.published_rating_choices)
    assert small["/api/v1/verdicts/?page_size=50"] == 4
    assert small["/api/v1/verdicts/?page_size=50&rating=false"] == 4


PATHS_WITH_LISTS = [
    "/api/v1/verdicts/?page_size=50",
    "/api/v1/verdicts/?page_size=50&rating=false",
    "/api/v1/verdicts/?page_size=50&q=jobs&outlet=nowhere.example&max_age_days=7",
    "/api/v1/verdicts/search/?q=jobs rose&limit=50",
    "/api/v1/claims/?page_size=50",
    "/api/v1/speakers/?page_size=50",
]


def test_the_next_link_carries_the_filters(api):
    for number in range(3):
        published_verdict(f"Jobs rose by {number} percent.", rating="true")
    next_url = api.get("/api/v1/verdicts/?rating=true&page_size=2").json()["next"]
    assert parse_qs(urlsplit(next_url).query)["rating"] == ["true"]


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
