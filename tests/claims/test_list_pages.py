"""The lists' pager and their refused filters: page numbers out of range, links that carry only
the filters the list applies, the summary of refused filters, and a queue search of common words."""

from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.urls import reverse

from claims.matching import group_changes
from claims.models import ClaimEvent, ClaimEventKind
from claims.selectors import search
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    SpeakerFactory,
    claim_alone,
    editor,
    published_verdict,
)
from tests.pages import assert_no_such_page_above

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


def _claims(count):
    article = ArticleFactory(body="x" * (count * 10 + 10))
    for n in range(count):
        ClaimFactory(article=article, start=n * 10, end=n * 10 + 5, text=f"claim {n}")


def _pager_text(response) -> str:
    return BeautifulSoup(response.content, "html.parser").select_one("nav.pagination").get_text()


@pytest.mark.parametrize("number", ["0", "-1", "abc", "1.5"])
def test_a_page_number_below_one_or_not_a_number_shows_the_first_page(client, checker, number):
    _claims(60)
    response = client.get(reverse("claims:queue"), {"page": number})
    assert response.context["page"].number == 1
    assert "Page 1 of 3" in _pager_text(response)
    assert "There is no page" not in response.text


def test_a_page_past_the_end_shows_the_last_page_and_says_so_above_the_list(client, checker):
    _claims(60)
    response = client.get(reverse("claims:queue"), {"page": "99999", "status": "all"})
    assert response.context["page"].number == 3
    # Above the claims, not under 25 rows of them; the link keeps the filters.
    assert_no_such_page_above(
        response,
        list_start='<table class="queue',
        text="There is no page 99,999: the last page is page 3, shown below.",
        href="?page=3&status=all",
    )


def test_every_list_on_the_shared_pager_reads_page_zero_as_the_first(client):
    client.force_login(editor())
    _claims(60)
    response = client.get(reverse("articles:list"), {"page": "0"})
    assert response.context["page"].number == 1
    response = client.get(reverse("claims:desk_history"), {"page": "99999"})
    note = BeautifulSoup(response.content, "html.parser").select_one("[data-page-asked]")
    assert note.get_text() == "There is no page 99,999: the last page is page 1, shown below."


def _grouped_claims():
    """A claim group with two appearances and a former one, its changes and its timeline."""
    earlier = claim_alone("Crime fell by 40 percent last year.")
    repeats = [claim_alone(text) for text in ("Crime dropped 40 percent.", "Crime went down.")]
    for repeat in repeats:
        group_changes.claim_group_link(claim=repeat, earlier=earlier)
    repeats[0].refresh_from_db()
    group_changes.claim_split(claim=repeats[0], actor=editor())
    earlier.refresh_from_db()
    return earlier


def _group_page():
    return reverse("claims:group_history", args=[_grouped_claims().group_id])


def _history_page():
    claim = ClaimFactory()
    ClaimEvent.objects.create(claim=claim, kind=ClaimEventKind.RESCORED)
    return reverse("claims:history", args=[claim.pk])


def _speaker_page():
    return reverse(
        "claims:speaker_detail", args=[ClaimFactory(speaker=SpeakerFactory()).speaker.slug]
    )


def _public_index():
    published_verdict()
    return reverse("claims:public_index")


@pytest.mark.parametrize(
    ("address", "param", "list_start"),
    [
        (lambda: reverse("claims:review_queue"), "page", '<th scope="col">Author</th>'),
        (
            lambda: reverse("claims:review_queue"),
            "applications",
            '<table aria-labelledby="applications-heading">',
        ),
        (
            lambda: reverse("claims:review_queue"),
            "corrections",
            '<table aria-labelledby="corrections-heading">',
        ),
        (lambda: reverse("claims:desk_history"), "page", '<th scope="col">When</th>'),
        (lambda: reverse("claims:speakers"), "page", '<th scope="col">Latest claim</th>'),
        (_speaker_page, "page", '<th scope="col">Times made</th>'),
        (_history_page, "page", '<ol class="timeline">'),
        (_group_page, "appearances", "data-appearance="),
        (_group_page, "former", "data-former-appearance="),
        (_group_page, "changes", 'id="group-event-'),
        (_group_page, "page", '<ol class="timeline">'),
        (_public_index, "page", '<ol class="fact-check-list'),
    ],
)
def test_every_list_on_the_pager_says_there_is_no_such_page_above_the_list(
    client, address, param, list_start
):
    client.force_login(editor())
    url = address()
    assert_no_such_page_above(
        client.get(url, {param: "999"}),
        list_start=list_start,
        text="There is no page 999: the last page is page 1, shown below.",
        href=f"?{param}=1",
    )


def test_the_pager_links_leave_out_a_refused_filter(client, checker):
    _claims(30)
    response = client.get(reverse("claims:queue"), {"sort": "zzz", "status": "all"})
    assert response.context["form"].errors["sort"]
    nav = BeautifulSoup(response.content, "html.parser").select_one("nav.pagination")
    links = [a["href"] for a in nav.select("a")]
    assert links == ["?status=all&page=2"]


def test_two_refused_filters_are_named_in_the_plural(client, checker):
    response = client.get(reverse("claims:queue"), {"sort": "zzz", "status": "zzz"})
    assert "The marked filters are left out until they are corrected." in response.text
    assert "The marked filter is left out" not in response.text


@pytest.mark.parametrize("value", ["abc", "999"])
def test_the_desk_history_refuses_a_parameter_it_does_not_take(client, value):
    client.force_login(editor())
    claim = ClaimFactory()
    ClaimEvent.objects.bulk_create(
        ClaimEvent(claim=claim, kind=ClaimEventKind.RESCORED) for _ in range(60)
    )
    response = client.get(reverse("claims:desk_history"), {"actor": value, "page": "1"})
    assert "Unknown parameter: actor. This page takes date_from, date_to, page, person." in (
        response.text
    )
    nav = BeautifulSoup(response.content, "html.parser").select_one("nav.pagination")
    assert [a["href"] for a in nav.select("a")] == ["?page=2"]


QUEUE_TAKES = (
    "assignee, outlet, page, published_from, published_to, q, repeats, score_max, score_min, "
    "sort, speaker, status"
)


def test_the_queue_refuses_a_mistyped_filter_instead_of_listing_every_claim_unfiltered(
    client, checker
):
    _claims(30)
    response = client.get(reverse("claims:queue"), {"stauts": "open", "status": "all"})
    assert f"Unknown parameter: stauts. This page takes {QUEUE_TAKES}." in response.text
    # No filter is marked: the summary names what was left out.
    assert "The marked filter" not in response.text
    nav = BeautifulSoup(response.content, "html.parser").select_one("nav.pagination")
    assert [a["href"] for a in nav.select("a")] == ["?status=all&page=2"]


def test_the_queue_takes_every_parameter_it_links_to(client, checker):
    _claims(30)
    response = client.get(
        reverse("claims:queue"), {"status": "all", "sort": "newest_article", "page": 2}
    )
    assert "Unknown parameter" not in response.text


def test_the_review_queue_refuses_a_parameter_none_of_its_lists_takes(client):
    client.force_login(editor())
    response = client.get(reverse("claims:review_queue"), {"corection": "2"})
    assert (
        "Unknown parameter: corection. This page takes applications, corrections, page."
        in response.text
    )
    taken = client.get(reverse("claims:review_queue"), {"corrections": "2", "page": "1"})
    assert "Unknown parameter" not in taken.text


COMMON_WORDS_NOTE = "The search holds only common words"


on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="compares with PostgreSQL's text search"
)


@pytest.fixture(params=["this database", "sqlite"])
def search_branch(request, monkeypatch):
    """The search's branch for the suite's database, then SQLite's on any database: that branch
    reads only the vendor's name, and its queries (a substring match) run anywhere."""
    if request.param == "sqlite":
        monkeypatch.setattr(search, "connection", SimpleNamespace(vendor="sqlite"))
    return request.param


def test_a_queue_search_of_only_common_words_says_they_were_not_searched(
    client, checker, search_branch
):
    ClaimFactory(text="The budget doubled.", speaker=SpeakerFactory(name="Heather Mayor"))
    ClaimFactory(text="The rate fell.", speaker=SpeakerFactory(name="Jane Doe"))
    response = client.get(reverse("claims:queue"), {"q": "the", "status": "all"})
    # Only the speaker's name ("Heather") held it: the claims' own "The" was not searched.
    assert [claim.text for claim in response.context["page"]] == ["The budget doubled."]
    assert COMMON_WORDS_NOTE in response.text
    searched = client.get(reverse("claims:queue"), {"q": "the budget", "status": "all"})
    assert len(searched.context["page"]) == 1
    assert COMMON_WORDS_NOTE not in searched.text


@pytest.mark.usefixtures("fresh_cache")
def test_the_api_s_search_of_only_common_words_finds_what_the_desk_s_finds(api, search_branch):
    published_verdict(claim=ClaimFactory(text="The budget doubled."))
    published_verdict(claim=ClaimFactory(text="The rate fell."))

    def found(q):
        response = api.get("/api/v1/verdicts/", {"q": q})
        assert response.status_code == 200, response.content
        return [row["claim"]["text"] for row in response.json()["results"]]

    # Not every claim, as a substring match of "the" on SQLite gave before.
    assert found("the") == []
    assert found("the budget") == ["The budget doubled."]


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("the", False),
        ("The OF a", False),
        ("it's", False),
        ("what is it", False),
        ("the budget", True),
        ("Budget", True),
        ("rates", True),
    ],
)
def test_a_search_of_only_common_words_is_told_apart_the_same_on_both_branches(
    search_branch, text, kept
):
    assert search.search_words_kept(text) is kept


@on_postgresql
def test_postgresql_leaves_out_every_common_word_the_sqlite_branch_leaves_out():
    kept = [word for word in sorted(search.COMMON_WORDS) if search.search_words_kept(word)]
    assert kept == []
    assert len(search.COMMON_WORDS) == 127  # english.stop's count: none lost in the copy


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"sort": "unknown"},
            "Choose the order from the list: Priority and score, Newest article or Oldest "
            "detected.",
        ),
        ({"assignee": "zzz"}, "Choose the assignee from the list: Anyone, Assigned to me or"),
        ({"repeats": "zzz"}, "Choose the kind of claim from the list: New work and repeats,"),
    ],
)
def test_a_refused_queue_choice_names_the_filter_and_what_it_takes(
    client, checker, params, message
):
    response = client.get(reverse("claims:queue"), params)
    assert message in response.text
    assert "Select a valid choice" not in response.text


def test_a_refused_intake_status_names_the_statuses(client):
    client.force_login(editor())
    response = client.get(reverse("articles:intake"), {"status": "zzz"})
    assert "Choose the status from the list: All, Queued, Fetching, Stored or Failed." in (
        response.text
    )


@pytest.mark.parametrize(
    ("name", "parameter"),
    [
        ("claims:queue", "status"),
        ("claims:queue", "outlet"),
        ("claims:queue", "published_from"),
        ("claims:queue", "score_min"),
        ("claims:queue", "assignee"),
        ("claims:queue", "sort"),
        ("claims:desk_history", "person"),
        ("claims:desk_history", "date_to"),
        ("claims:speakers", "q"),
        ("claims:public_index", "rating"),
        ("claims:public_index", "q"),
        ("articles:list", "import_batch"),
        ("articles:intake", "status"),
        ("claims:verdict_export", "date_from"),
    ],
)
def test_a_filter_of_only_spaces_is_no_filter_as_an_empty_one_is(client, name, parameter):
    # A form sends an empty box as `?status=`, which the list drops; `?status=%20` was refused
    # as a choice not in the list, a date not in year-month-day, where the box looked as empty.
    client.force_login(editor())
    published_verdict()
    empty = client.get(reverse(name), {parameter: ""})
    spaces = client.get(reverse(name), {parameter: "  "})
    assert empty.status_code == 200
    assert spaces.status_code == 200, spaces.content[:2000]
    if empty.context is not None:  # the export is a spreadsheet, not a page
        assert not spaces.context["form"].errors
