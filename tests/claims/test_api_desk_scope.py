"""The desk scope widens what a read key sees and grants nothing alone: every API endpoint, asked
by a key with each combination of scopes, shows unpublished work only to read + desk keys."""

from itertools import combinations

import pytest

from articles.models import IntakeJob, IntakeStatus
from claims.matching.group_changes import claim_group_link
from claims.models import ApiToken, ClaimStatus
from claims.speaker_merges import speaker_merge
from tests.api_clients import client_with, draft_verdict, make_key, published_verdict
from tests.factories import ArticleFactory, ClaimFactory, SpeakerFactory, UserFactory, editor

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

SCOPES = ("read", "submit", "desk")
# Every combination a row can hold, those the admin refuses included (a key saved before it
# refused them is written straight to its row); desk without read no row can hold (migration
# claims.0032 and its constraint).
COMBINATIONS = [
    set(c)
    for n in range(len(SCOPES) + 1)
    for c in combinations(SCOPES, n)
    if "read" in c or "desk" not in c
]
IN_FLIGHT_URL = "https://news.example/in-flight"


def key_with(scopes: set[str]) -> tuple[ApiToken, str]:
    token, key = make_key(read=True)
    ApiToken.objects.filter(pk=token.pk).update(
        can_read="read" in scopes,
        can_submit="submit" in scopes,
        can_read_unpublished="desk" in scopes,
    )
    return token, key


def world(token: ApiToken) -> dict:
    """Published and unpublished work of the desk and of other clients, and the key's own
    article and job, each of which may hold unpublished work."""
    checked = published_verdict("The budget grew by 40 percent.", speaker=SpeakerFactory())
    private_speaker = SpeakerFactory()
    drafted = draft_verdict("The budget grew by forty percent.", speaker=private_speaker)
    claim_group_link(claim=drafted.claim, earlier=checked.claim, actor=editor())
    merged_away = SpeakerFactory()
    ClaimFactory(speaker=merged_away)  # unpublished: the public never read this speaker
    merged_id = merged_away.pk
    speaker_merge(source=merged_away, target=checked.claim.speaker, actor=editor())
    own_article = ArticleFactory(created_by=token.user)
    own_unpublished = ClaimFactory(article=own_article, status=ClaimStatus.IN_REVIEW)
    others_job = IntakeJob.objects.create(
        url=IN_FLIGHT_URL, fetch_url=IN_FLIGHT_URL, created_by=UserFactory()
    )
    own_job_of_others_page = IntakeJob.objects.create(
        created_by=token.user,
        url="https://news.example/stored",
        fetch_url="https://news.example/stored",
        status=IntakeStatus.STORED,
        duplicate=True,
        article=drafted.claim.article,
    )
    return {
        "checked": checked,
        "drafted": drafted,
        "private_speaker": private_speaker,
        "merged_id": merged_id,
        "own_article": own_article,
        "own_unpublished": own_unpublished,
        "others_job": others_job,
        "own_job": own_job_of_others_page,
    }


def listed(response, key: str = "id") -> list[int]:
    return [row[key] for row in response.json()["results"]] if response.status_code == 200 else []


def claim_ids(response) -> list[int]:
    return [row["id"] for row in response.json()["claims"]] if response.status_code == 200 else []


# What a probe finds when the key sees more than the published record and its own work.
PROBES = {
    "an unpublished claim in /claims/": lambda api, w: (
        w["drafted"].claim_id in listed(api.get("/api/v1/claims/"))
    ),
    "an unpublished claim at /claims/{id}/": lambda api, w: (
        api.get(f"/api/v1/claims/{w['drafted'].claim_id}/").status_code == 200
    ),
    "a claim's workflow status": lambda api, w: (
        "status" in api.get(f"/api/v1/claims/{w['checked'].claim_id}/").json()
    ),
    "an unpublished claim among a claim's appearances": lambda api, w: (
        w["drafted"].claim_id
        in listed(api.get(f"/api/v1/claims/{w['checked'].claim_id}/appearances/"), "claim_id")
    ),
    "a speaker only unpublished claims name, in /speakers/": lambda api, w: (
        w["private_speaker"].pk in listed(api.get("/api/v1/speakers/"))
    ),
    "a speaker only unpublished claims name, at /speakers/{id}/": lambda api, w: (
        api.get(f"/api/v1/speakers/{w['private_speaker'].pk}/").status_code == 200
    ),
    "a merge of a speaker the public never read": lambda api, w: (
        api.get(f"/api/v1/speakers/{w['merged_id']}/").status_code == 302
    ),
    "another client's article": lambda api, w: (
        api.get(f"/api/v1/articles/{w['drafted'].claim.article_id}/").status_code == 200
    ),
    "an unpublished claim of the key's own article": lambda api, w: (
        w["own_unpublished"].pk in claim_ids(api.get(f"/api/v1/articles/{w['own_article'].pk}/"))
    ),
    "another client's intake job": lambda api, w: (
        api.get(f"/api/v1/intake-jobs/{w['others_job'].pk}/").status_code == 200
    ),
    "another client's article behind the key's own job": lambda api, w: (
        api.get(f"/api/v1/intake-jobs/{w['own_job'].pk}/").json().get("article_id") is not None
    ),
    "another client's article named by a 409": lambda api, w: (
        api.post(
            "/api/v1/articles/",
            {"title": "Budget", "body": w["drafted"].claim.article.body},
            format="json",
        )
        .json()
        .get("existing_url")
        is not None
    ),
    "another client's intake job handed back for its URL": lambda api, w: (
        api.post("/api/v1/articles/", {"url": IN_FLIGHT_URL}, format="json").status_code == 202
    ),
    "an unpublished verdict at /verdicts/{id}/": lambda api, w: (
        api.get(f"/api/v1/verdicts/{w['drafted'].pk}/").status_code == 200
    ),
    "an unpublished verdict in /verdicts/": lambda api, w: (
        w["drafted"].pk in listed(api.get("/api/v1/verdicts/"))
    ),
    "an unpublished verdict's ClaimReview": lambda api, w: (
        api.get(f"/api/v1/verdicts/{w['drafted'].pk}/claimreview/").status_code == 200
    ),
    "an unpublished verdict found by the search": lambda api, w: (
        w["drafted"].pk
        in [
            row["verdict"]["id"]
            for row in api.get("/api/v1/verdicts/search/", {"q": w["drafted"].claim.text})
            .json()
            .get("results", [])
        ]
    ),
}

# Which scopes a key needs for each probe to find something; None: no key ever does.
WHO_SEES = {
    "an unpublished claim in /claims/": {"read", "desk"},
    "an unpublished claim at /claims/{id}/": {"read", "desk"},
    "a claim's workflow status": {"read", "desk"},
    "an unpublished claim among a claim's appearances": {"read", "desk"},
    "a speaker only unpublished claims name, in /speakers/": {"read", "desk"},
    "a speaker only unpublished claims name, at /speakers/{id}/": {"read", "desk"},
    "a merge of a speaker the public never read": {"read", "desk"},
    "another client's article": {"read", "desk"},
    "an unpublished claim of the key's own article": {"read", "desk"},
    "another client's intake job": {"read", "desk"},
    "another client's article behind the key's own job": {"read", "desk"},
    "another client's article named by a 409": {"read", "submit", "desk"},
    "another client's intake job handed back for its URL": {"read", "submit", "desk"},
    "an unpublished verdict at /verdicts/{id}/": None,
    "an unpublished verdict in /verdicts/": None,
    "an unpublished verdict's ClaimReview": None,
    "an unpublished verdict found by the search": None,
}


def test_every_probe_has_a_row_in_the_table():
    assert set(PROBES) == set(WHO_SEES)


@pytest.mark.parametrize("scopes", COMBINATIONS, ids=lambda s: "+".join(sorted(s)) or "none")
def test_unpublished_work_reaches_only_keys_with_read_and_desk(scopes):
    token, key = key_with(scopes)
    w = world(token)
    api = client_with(key)
    found = {name for name, probe in PROBES.items() if probe(api, w)}
    expected = {name for name, needs in WHO_SEES.items() if needs is not None and needs <= scopes}
    assert found == expected
