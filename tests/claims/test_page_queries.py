"""The main desk, public and API pages make as many SQL queries for thirty rows as for three.

Each test fills the desk with a few claims of every kind its pages list (claims of one speaker
in one repeat group, with events, notes, suggestions and verdicts in each state), counts the
page's queries, fills in ten times as many, and counts again: a query per row (an N+1) shows as
a second count larger than the first. The budget in django_assert_max_num_queries is the
page's count on this data with a little room, so a page that starts reading far more than it
needs fails here too. bench/desk_pages.py measures the same pages on 50,000 claims.
"""

from dataclasses import dataclass, field

import pytest
from django.test import Client
from django.urls import reverse

from claims import notes, services
from claims.api.auth import token_create
from claims.matching import applications
from claims.matching.group_changes import claim_group_link
from claims.models import Claim, MatchSuggestion, Sentence
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    OutletFactory,
    SpeakerFactory,
    active_rating,
    correction_published,
    editor,
    fact_checker,
    published_verdict,
    submitted_verdict,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


@dataclass
class Desk:
    checker: object
    boss: object
    speaker: object
    outlet: object
    claims: list = field(default_factory=list)
    published: list = field(default_factory=list)

    @property
    def first(self):
        return self.claims[0]


@pytest.fixture
def desk():
    return Desk(
        checker=fact_checker(username="checker"),
        boss=editor(username="boss"),
        speaker=SpeakerFactory(name="Ada Mayor"),
        outlet=OutletFactory(),
    )


def grow(desk: Desk, count: int) -> None:
    """`count` more claims of the same speaker, each in an article of its own with its sentence,
    linked into the first claim's group, assigned with a note, a match suggestion, and in turn
    a published verdict (two sources), a submitted one, or none and a request to apply the
    first published verdict to it."""
    for _ in range(count):
        article = ArticleFactory(outlet=desk.outlet)
        claim = ClaimFactory(article=article, speaker=desk.speaker)
        Sentence.objects.create(
            article=article, index=0, start=claim.start, end=claim.end, text=claim.text
        )
        Sentence.objects.create(
            article=article,
            index=1,
            start=claim.end + 1,
            end=len(article.body),
            text=article.body[claim.end + 1 :],
        )
        services.claim_assign(claim=claim, actor=desk.checker)
        notes.claim_note_add(claim=claim, author=desk.checker, text="Asked the council.")
        if desk.claims:
            claim_group_link(claim=claim, earlier=desk.first)
            MatchSuggestion.objects.create(
                claim=claim, candidate=desk.claims[-1], score=0.8, level="suggested"
            )
            # The first claim's own timeline and notes grow with the desk too.
            notes.claim_note_add(
                claim=desk.first, author=desk.boss, text=f"Source {len(desk.claims)}."
            )
        turn = len(desk.claims) % 3
        if turn == 0:
            # Each one after the first a second fact-check of the group, the editor confirming
            # it (claims.appearances.second_fact_check_refusal): the pages' worst case.
            beside = [verdict.claim_id for verdict in desk.published]
            desk.published.append(
                published_verdict(
                    claim=claim, author=desk.checker, publisher=desk.boss, sources=2, beside=beside
                )
            )
        elif turn == 1:
            submitted_verdict(claim=claim, author=desk.checker)
        else:  # a repeat the fact-checker asks an editor to cover with the first fact-check
            applications.verdict_application_request(
                claim=claim, checked=desk.published[0].claim, actor=desk.checker
            )
        desk.claims.append(claim)
    if not desk.published[0].corrections.exists():
        verdict = desk.published[0]
        correction_published(
            verdict=verdict,
            editor=editor(username="second-editor"),
            expected_version=verdict.version,
            note="The figure was revised.",
            rating=active_rating("half-true"),
            conclusion=verdict.conclusion,
            explanation=verdict.explanation,
            sources=[{"url": "https://stats.example.org/revised", "title": "Revised", "note": ""}],
        )


def queries_of(client, url: str, budget: int, assert_max, **headers) -> int:
    # Once before counting, so both counts are of a warm request: the first one of a session
    # also writes the session and fills the content-type cache, whatever the page.
    client.get(url, **headers)
    with assert_max(budget) as captured:
        response = client.get(url, **headers)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    return len(captured)


def assert_flat(pages: dict, desk: Desk, count_of) -> None:
    """Each page's query count on 3 rows and on 30 is the same (and within its budget).
    The desk is filled once for all the pages of a test: it takes a few seconds."""
    grow(desk, 3)
    few = {name: count_of(name, page) for name, page in pages.items()}
    grow(desk, 27)
    many = {name: count_of(name, page) for name, page in pages.items()}
    grew = {name: f"{few[name]} queries on 3 rows, {many[name]} on 30" for name in pages}
    assert many == few, {name: text for name, text in grew.items() if few[name] != many[name]}


def group_of(claim) -> int:
    return Claim.objects.values_list("group_id", flat=True).get(pk=claim.pk)


# --- The desk -----------------------------------------------------------------------------

DESK_PAGES = {
    # name: (who, URL from the desk, budget: the count on this data, and a little room)
    "queue": ("checker", lambda d: reverse("claims:queue"), 10),
    "queue, every status, by speaker": (
        "checker",
        lambda d: reverse("claims:queue") + "?status=all&speaker=Ada",
        10,
    ),
    "queue, searched": ("checker", lambda d: reverse("claims:queue") + "?q=budget", 10),
    "queue, repeats already checked": (
        "checker",
        lambda d: reverse("claims:queue") + "?repeats=checked&status=all",
        10,
    ),
    "queue, newest article first": (
        "checker",
        lambda d: reverse("claims:queue") + "?sort=newest_article",
        10,
    ),
    # Claim pages: one query more than before, for a request to apply a published verdict
    # that awaits an editor; and two for the group changes of the claim (their ids, for the
    # panel and for the latest history entries; claims.timeline.claim_group_events), and on a
    # repeat's page two for its Undo buttons (the groups of the claims they would move, and the
    # later changes that touched them: claims.matching.group_undo.group_events_undoable).
    "claim page with its seen-before panel": (
        "boss",
        lambda d: reverse("claims:detail", args=[d.first.pk]),
        28,  # a pending verdict application; a published verdict's corrections' times; whether
        # the editor wrote its draft (then no correction form); who wrote each verdict version;
        # whose wording the verdict line names (timeline.verdict_wording_writers)
    ),
    "claim page of a claim in review": (
        "boss",
        lambda d: reverse("claims:detail", args=[d.claims[1].pk]),
        31,  # the claim's group changes (panel, timeline) and its Undo buttons' two; who
        # wrote the draft, for the return form (verdict_return_refusal); who wrote each version;
        # whose wording the verdict line names
    ),
    "claim page of a repeat awaiting an editor": (
        "boss",
        lambda d: reverse("claims:detail", args=[d.claims[2].pk]),
        28,  # the claim's group changes (panel, timeline) and its Undo buttons' two
    ),
    "claim history": (
        "boss",
        lambda d: reverse("claims:history", args=[d.first.pk]),
        15,  # the verdict's source history and corrections, for what each version changed;
        # who wrote each version; the ids of the claim's group changes
    ),
    "group history": (
        "boss",
        lambda d: reverse("claims:group_history", args=[group_of(d.first)]),
        26,  # three pagers (appearances, group changes, timeline), each with its count; two
        # find the former appearances, two which changes to offer an Undo for; who wrote each
        # verdict version; the merges that carried its claims out (timeline.group_changes_of)
    ),
    "speaker page": (
        "boss",
        lambda d: reverse("claims:speaker_detail", args=[d.speaker.slug]),
        20,
    ),
    # Two of them count and read the requests to apply a published verdict.
    "review queue": ("boss", lambda d: reverse("claims:review_queue"), 10),
    "desk history": ("boss", lambda d: reverse("claims:desk_history"), 9),
    "dashboard": ("boss", lambda d: reverse("claims:dashboard"), 10),
    "article list": ("checker", lambda d: reverse("articles:list"), 9),
    "article page": ("checker", lambda d: reverse("articles:detail", args=[d.first.article_id]), 9),
}


def test_the_desk_pages_make_as_many_queries_for_thirty_rows_as_for_three(
    client, desk, django_assert_max_num_queries
):
    users = {"checker": client_for(desk.checker), "boss": client_for(desk.boss)}

    def count_of(name, page):
        who, url_of, budget = page
        return queries_of(users[who], url_of(desk), budget, django_assert_max_num_queries)

    assert_flat(DESK_PAGES, desk, count_of)


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


# --- Public pages ---------------------------------------------------------------------------

PUBLIC_PAGES = {
    "fact-check index": (lambda d: reverse("claims:public_index"), 5),
    "fact-check index, searched": (lambda d: reverse("claims:public_index") + "?q=budget", 5),
    "fact-check index, by rating": (
        lambda d: reverse("claims:public_index") + "?rating=half-true",
        5,
    ),
    # 8: one aggregate more when the first appearance is undated (the earliest dated one).
    "a corrected fact-check": (lambda d: reverse("claims:public", args=[d.published[0].pk]), 8),
    "Atom feed": (lambda d: reverse("claims:public_feed"), 3),
    "sitemap": (lambda d: "/sitemap-fact-checks.xml", 3),
}


def test_the_public_pages_make_as_many_queries_for_thirty_rows_as_for_three(
    client, desk, django_assert_max_num_queries
):
    def count_of(name, page):
        url_of, budget = page
        return queries_of(client, url_of(desk), budget, django_assert_max_num_queries)

    assert_flat(PUBLIC_PAGES, desk, count_of)


# --- The API ----------------------------------------------------------------------------------

API_PAGES = {
    "verdicts": (lambda d: "/api/v1/verdicts/", 6),
    "verdicts, full-text q": (lambda d: "/api/v1/verdicts/?q=budget", 6),
    "one verdict": (lambda d: f"/api/v1/verdicts/{d.published[0].pk}/", 6),
    "ClaimReview": (lambda d: f"/api/v1/verdicts/{d.published[0].pk}/claimreview/", 8),
    "claims (desk key)": (lambda d: "/api/v1/claims/", 6),
    "one claim and its group (desk key)": (lambda d: f"/api/v1/claims/{d.first.pk}/", 7),
    "speakers": (lambda d: "/api/v1/speakers/", 7),
    "one article (desk key)": (lambda d: f"/api/v1/articles/{d.first.article_id}/", 7),
    # Kept per process, and keyed on the ratings: they are read on each request.
    "schema": (lambda d: "/api/schema/", 3),
}


def test_the_api_makes_as_many_queries_for_thirty_rows_as_for_three(
    client, desk, django_assert_max_num_queries, settings
):
    settings.API_LIST_CACHE_SECONDS = 0  # count the list's own queries, not a cache hit
    _, key = token_create(name="Partner", user=desk.boss, can_read_unpublished=True)

    def count_of(name, page):
        url_of, budget = page
        return queries_of(
            client,
            url_of(desk),
            budget,
            django_assert_max_num_queries,
            HTTP_AUTHORIZATION=f"Bearer {key}",
        )

    assert_flat(API_PAGES, desk, count_of)
