"""The claims admin's search finds a claim by what people type: words of the claim, its speaker's
name or any spelling, its article's title or its outlet, in any case, every word somewhere."""

import pytest
from django.urls import reverse

from claims.models import SpeakerAlias
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    OutletFactory,
    SpeakerFactory,
    admin_user,
    drafted_verdict,
)

pytestmark = pytest.mark.django_db


def _article(body: str, **fields):
    return ArticleFactory(body=body, **fields)


@pytest.fixture
def claims():
    speaker = SpeakerFactory(name="Antony Blinken")
    SpeakerAlias.objects.create(speaker=speaker, alias="Sec. Blinken", key="sec blinken")
    outlet = OutletFactory(name="Daily Planet", domain="planet.example")
    article = _article(
        "Inflation fell to two percent last spring. Nobody expected it.",
        title="Prices in Metropolis",
        outlet=outlet,
    )
    found = ClaimFactory(article=article, speaker=speaker)
    crime = ClaimFactory(
        article=_article("Violent crime rose by a third. Police agree."), speaker=speaker
    )
    other = ClaimFactory(
        article=_article("Inflation doubled in the north. Shops noticed."),
        speaker=SpeakerFactory(name="Lois Lane"),
    )
    return found, crime, other


def _listed(client, query: str, name: str = "claims_claim") -> str:
    client.force_login(admin_user())
    page = client.get(reverse(f"admin:{name}_changelist"), {"q": query})
    assert page.status_code == 200
    return page.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "TWO PERCENT",  # the claim's words, in another case
        "blinken",  # the speaker's name
        "Sec. Blink",  # a spelling of the speaker, in part
        "metropolis",  # the article's title
        "planet",  # the outlet's name
        '"fell to two"',  # a quoted phrase is one term
    ],
)
def test_the_claims_list_finds_a_claim_by_its_words_speaker_title_or_outlet(client, claims, query):
    found, _, other = claims
    page = _listed(client, query)
    assert found.text in page
    assert other.text not in page


def test_every_word_of_a_claims_search_must_appear_in_one_of_its_fields(client, claims):
    found, crime, other = claims
    page = _listed(client, "Blinken inflation")
    assert found.text in page
    assert crime.text not in page  # Blinken's, but not about inflation
    assert other.text not in page  # about inflation, but not Blinken's


def test_a_claim_found_by_several_fields_is_listed_and_counted_once(client, claims):
    found, _, _ = claims
    page = _listed(client, "Blinken")  # the claim's speaker by its name and by its spelling
    assert page.count(f'name="_selected_action" value="{found.pk}"') == 1
    assert "2 results" in page


@pytest.mark.parametrize(
    "query",
    ["two percent", "sec. blinken", "Metropolis", "Planet", "rounded up", "LABOUR survey"],
)
def test_the_verdicts_list_finds_a_verdict_by_its_claim_or_its_own_words(client, claims, query):
    found, _, other = claims
    verdict = drafted_verdict(
        claim=found,
        conclusion="The figure was rounded up.",
        explanation="The labour survey gives 2.4 percent.",
    )
    drafted_verdict(claim=other)
    page = _listed(client, query, "claims_verdict")
    assert f'name="_selected_action" value="{verdict.pk}"' in page
    assert other.text not in page


def test_every_word_of_a_verdicts_search_must_appear_in_one_of_its_fields(client, claims):
    found, crime, _ = claims
    mine = drafted_verdict(claim=found, conclusion="Rounded up.")
    theirs = drafted_verdict(claim=crime, conclusion="Not rounded.")
    page = _listed(client, "Blinken rounded up", "claims_verdict")
    assert f'name="_selected_action" value="{mine.pk}"' in page
    assert f'name="_selected_action" value="{theirs.pk}"' not in page
