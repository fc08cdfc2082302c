"""The desk's index of speakers (/speakers/): who may read it, its counts, order, search,
pages and query count, and the links that lead to it."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from claims.filter_forms import SPEAKER_QUERY_MAX, SPEAKER_QUERY_TOO_LONG
from claims.models import Claim, SpeakerAlias
from claims.nlp.attribution import speaker_key
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    SpeakerFactory,
    UserFactory,
    admin_user,
    drafted_verdict,
    editor,
    fact_checker,
    published_verdict,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

URL = "/speakers/"


def _rows(response):
    return [
        (s.name, s.claim_count, s.published_count, s.latest_claim_at)
        for s in response.context["page"]
    ]


def _names(response):
    return [speaker.name for speaker in response.context["page"]]


def _speaker(**fields):
    """A speaker the desk has a claim from, as the index lists."""
    speaker = SpeakerFactory(**fields)
    ClaimFactory(speaker=speaker)
    return speaker


def test_the_index_is_at_speakers():
    assert reverse("claims:speakers") == URL


def test_anonymous_readers_are_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={URL}"


def test_a_user_without_a_desk_role_is_refused(client):
    client.force_login(UserFactory())
    assert client.get(URL).status_code == 403


@pytest.mark.parametrize("role", [fact_checker, editor, admin_user])
def test_fact_checkers_and_editors_read_it_as_they_read_the_speaker_pages(client, role):
    speaker = _speaker(name="Jane Mayor", slug="jane-mayor")
    client.force_login(role())
    response = client.get(URL)
    assert response.status_code == 200
    assert client.get(reverse("claims:speaker_detail", args=[speaker.slug])).status_code == 200
    assert f'href="{reverse("claims:speaker_detail", args=[speaker.slug])}"' in response.text
    assert "<title>Speakers" in response.text and "<h1>Speakers</h1>" in response.text


def test_counts_claims_published_verdicts_and_the_latest_claim(client):
    speaker = SpeakerFactory(name="Jane Mayor", role="Mayor")
    published = published_verdict(claim=ClaimFactory(speaker=speaker))
    drafted_verdict(claim=ClaimFactory(speaker=speaker))  # a draft is not on the record
    latest = ClaimFactory(speaker=speaker)
    when = timezone.now() + timedelta(days=3)
    Claim.objects.filter(pk=latest.pk).update(created_at=when)
    client.force_login(fact_checker())
    response = client.get(URL)
    assert _rows(response) == [("Jane Mayor", 3, 1, when)]
    assert published.claim.speaker == speaker
    assert "Mayor" in response.text


def test_a_speaker_left_with_no_claims_is_not_listed_but_keeps_its_page(client):
    # Its claims moved to another speaker (a correction), or removed with their article.
    kept = _speaker(name="Antony Blinken")
    emptied = SpeakerFactory(name="Jen Psaki")
    ClaimFactory(speaker=emptied).delete()
    client.force_login(fact_checker())
    response = client.get(URL)
    assert _names(response) == ["Antony Blinken"] and kept.claims.count() == 1
    assert "1 speaker," in response.text and "Jen Psaki" not in response.text
    assert "a speaker left with none" in response.text
    assert _names(client.get(URL, {"q": "psaki"})) == []
    assert client.get(reverse("claims:speaker_detail", args=[emptied.slug])).status_code == 200


def test_the_latest_claim_is_the_one_made_last_not_the_one_stored_last(client):
    # The desk reads an archive in any order: the claim stored last was made in 2019, and the
    # one stored first, in 2021, is the latest. An undated article counts from when it was read.
    made = datetime(2021, 6, 30, 9, tzinfo=UTC)
    speaker = SpeakerFactory(name="Jane Mayor")
    ClaimFactory(speaker=speaker, article=ArticleFactory(published_at=made))
    ClaimFactory(
        speaker=speaker, article=ArticleFactory(published_at=datetime(2019, 1, 5, tzinfo=UTC))
    )
    undated = SpeakerFactory(name="Quiet Person")
    read = ClaimFactory(speaker=undated, article=ArticleFactory(published_at=None))
    client.force_login(fact_checker())
    response = client.get(URL)
    assert _rows(response) == [("Jane Mayor", 2, 0, made), ("Quiet Person", 1, 0, read.created_at)]
    assert f'<time datetime="{made.isoformat()}">30 Jun 2021</time>' in response.text


def test_most_claims_first_then_by_name(client):
    for name, claims in [("Bea", 1), ("Cal", 2), ("Abe", 1), ("Dot", 0)]:
        speaker = SpeakerFactory(name=name)
        for _ in range(claims):
            ClaimFactory(speaker=speaker)
    client.force_login(fact_checker())
    assert _names(client.get(URL)) == ["Cal", "Abe", "Bea"]


def test_names_that_tie_sort_in_any_case_and_pages_keep_them_apart(client, monkeypatch):
    monkeypatch.setattr("claims.views.desk.SPEAKERS_PAGE_SIZE", 2)
    for name in ["U.S. military", "police figures", "militias", "minister"]:
        _speaker(name=name)
    twin = _speaker(name="minister")  # the same name twice: the id keeps their order
    client.force_login(fact_checker())
    pages = [_names(client.get(URL, {"page": n})) for n in ("1", "2", "3")]
    assert pages == [["militias", "minister"], ["minister", "police figures"], ["U.S. military"]]
    second = client.get(URL, {"page": "2"}).context["page"]
    assert second[0].pk == twin.pk


def test_search_matches_part_of_a_name_or_a_recorded_spelling(client):
    blinken = _speaker(name="Antony Blinken")
    SpeakerAlias.objects.create(speaker=blinken, alias="Tony B.", key=speaker_key("Tony B."))
    _speaker(name="Jane Mayor")
    client.force_login(fact_checker())
    assert _names(client.get(URL, {"q": "blink"})) == ["Antony Blinken"]
    assert _names(client.get(URL, {"q": "tony b."})) == ["Antony Blinken"]
    empty = client.get(URL, {"q": "nobody"})
    assert _names(empty) == []
    assert (
        "No speaker the desk has claims from has a name or spelling containing “<bdi>nobody</bdi>”."
        in empty.text
    )
    # A blank search is no search: everyone.
    assert len(_names(client.get(URL, {"q": "   "}))) == 2


def test_names_and_the_search_are_escaped(client):
    _speaker(name="<b>Bold</b> Speaker")
    client.force_login(fact_checker())
    response = client.get(URL, {"q": "<b>"})
    assert _names(response) == ["<b>Bold</b> Speaker"]
    assert "<b>Bold</b>" not in response.text
    assert "&lt;b&gt;Bold&lt;/b&gt; Speaker" in response.text
    assert "matching “<bdi>&lt;b&gt;</bdi>”" in response.text  # escaped once


def test_a_too_long_search_is_refused_in_the_desk_s_words_and_the_list_shows(client):
    _speaker(name="Jane Mayor")
    client.force_login(fact_checker())
    response = client.get(URL, {"q": "x" * (SPEAKER_QUERY_MAX + 1)})
    assert response.status_code == 200
    assert escape(SPEAKER_QUERY_TOO_LONG) in response.text
    assert _names(response) == ["Jane Mayor"]


def test_an_unknown_parameter_is_named(client):
    client.force_login(fact_checker())
    response = client.get(URL, {"name": "Jane"})
    assert "Unknown parameter: name. This page takes page, q." in response.text


def test_the_list_is_paged_with_the_desk_s_pager(client, monkeypatch):
    monkeypatch.setattr("claims.views.desk.SPEAKERS_PAGE_SIZE", 2)
    for name in ["Abe", "Bea", "Cal"]:
        _speaker(name=name)
    client.force_login(fact_checker())
    first = client.get(URL)
    assert _names(first) == ["Abe", "Bea"]
    assert 'aria-label="Pages of speakers"' in first.text and "Page 1 of 2" in first.text
    assert _names(client.get(URL, {"page": "2"})) == ["Cal"]
    # The search is kept on the pager's links.
    searched = client.get(URL, {"q": "a"})
    assert "q=a" in searched.text and "page=2" in searched.text
    past = client.get(URL, {"page": "9"})
    assert _names(past) == ["Cal"] and "There is no page 9" in past.text


def _speakers_with_claims(count):
    for _ in range(count):
        speaker = SpeakerFactory()
        published_verdict(claim=ClaimFactory(speaker=speaker))
        ClaimFactory(speaker=speaker)


def _page_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    return len(queries.captured_queries)


def test_as_many_queries_for_many_speakers_as_for_a_few(client, django_assert_max_num_queries):
    client.force_login(fact_checker())
    _speakers_with_claims(2)
    few = _page_queries(client)
    _speakers_with_claims(8)
    with django_assert_max_num_queries(few):
        assert len(_names(client.get(URL))) == 10


def test_a_page_reads_the_claims_once_and_its_pager_counts_the_speakers_alone(client, monkeypatch):
    """The pager counted the aggregated list: every claim joined to its verdict and article
    again, to count the speakers (config.pages.RowsCountedPaginator). The counts need no
    DISTINCT, which sorted every claim (claims.selectors.speakers.speaker_index)."""
    monkeypatch.setattr("claims.views.desk.SPEAKERS_PAGE_SIZE", 2)
    _speakers_with_claims(3)
    client.force_login(fact_checker())
    client.get(URL)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
    assert "Page 1 of 2" in response.text
    assert [row[1:3] for row in _rows(response)] == [(2, 1), (2, 1)]
    sql = [query["sql"] for query in queries.captured_queries]
    (counting,) = [text for text in sql if text.startswith("SELECT COUNT(*)")]
    assert counting.startswith('SELECT COUNT(*) AS "__count" FROM "claims_speaker"')
    # The count asks only whether a speaker has a claim (an EXISTS on the speaker's index),
    # joining no verdict or article.
    assert "EXISTS" in counting and "JOIN" not in counting
    reading_claims = [text for text in sql if '"claims_claim"' in text and text != counting]
    assert len(reading_claims) == 1 and "COUNT(DISTINCT" not in reading_claims[0]


def test_every_speakers_page_links_to_it(client):
    # Not the main menu: the header holds one line on a desk screen and three on a phone
    # (tests/e2e/test_narrow_screens.py), and a speaker's page is where one asks for the rest.
    speaker = SpeakerFactory()
    client.force_login(fact_checker())
    page = client.get(reverse("claims:speaker_detail", args=[speaker.slug])).text
    assert f'<a href="{URL}">All speakers</a>' in page


def test_the_duplicates_page_links_to_it_and_it_to_the_duplicates_for_editors(client):
    duplicates = reverse("claims:speaker_duplicates")
    client.force_login(editor())
    assert f'href="{URL}"' in client.get(duplicates).text
    assert f'href="{duplicates}"' in client.get(URL).text
    # Fact-checkers cannot open the duplicates page: no link to it.
    client.force_login(fact_checker())
    assert f'href="{duplicates}"' not in client.get(URL).text
