"""The matcher on short texts written for these tests, through the real int8 model."""

import pytest

from claims.matching import embedding
from claims.matching.corpus import corpus_matcher
from claims.matching.retrieval import SAME_CLAIM, SUGGESTED, Document
from claims.matching.store import match_settings
from claims.matching.text import is_negated, numbers_agree, text_clean

pytestmark = pytest.mark.model

CHECKED = [
    "Unemployment in the state rose 20 percent between 2019 and last year.",
    "The governor cut the school budget by three million dollars in his first term.",
    "Vaccines given to children in the first year of life cause autism later on.",
    "The new bridge across the river was built by a company from China.",
    "Crime in the city fell to its lowest level in forty years last summer.",
]


@pytest.fixture(scope="module")
def matcher():
    documents = [Document(key=i, text=text) for i, text in enumerate(CHECKED)]
    return corpus_matcher(documents, embed=embedding.embed_texts, settings=match_settings())


def best(matcher, text):
    return matcher.search(text, limit=3)[0]


def test_a_paraphrase_finds_the_checked_claim_first(matcher):
    found = best(matcher, "Schools lost three million dollars when the governor slashed funding.")
    assert found.key == 1
    assert found.level is not None


def test_a_close_rewording_is_the_same_claim(matcher):
    found = best(
        matcher, "Unemployment in the state went up 20 percent between 2019 and last year."
    )
    assert (found.key, found.level) == (0, SAME_CLAIM)


def test_a_different_number_is_never_the_same_claim(matcher):
    found = best(matcher, "Unemployment in the state rose 2 percent between 2019 and last year.")
    assert found.key == 0
    assert found.level == SUGGESTED


def test_a_negation_is_never_the_same_claim(matcher):
    found = best(
        matcher, "Vaccines given to children in the first year of life do not cause autism."
    )
    assert found.key == 2
    assert found.level != SAME_CLAIM


def test_short_texts_are_never_linked_automatically(matcher):
    found = best(matcher, "Vaccines cause autism.")
    assert found.key == 2
    assert found.level != SAME_CLAIM


def test_unrelated_text_reaches_no_level(matcher):
    found = best(matcher, "My cat enjoys sleeping on the warm windowsill every afternoon.")
    assert found.level is None


def test_scores_come_best_first(matcher):
    scores = [match.score for match in matcher.search("The governor cut school funding.")]
    assert scores == sorted(scores, reverse=True)


def test_guards_read_numbers_and_negations():
    assert not numbers_agree("rose 20 percent", "rose 2 percent")
    assert numbers_agree("rose 20 percent", "rose 20 percent in 2020")
    assert is_negated("Vaccines don't cause autism") and not is_negated("Vaccines cause autism")
    assert text_clean("Big #news https://t.co/x pic.twitter.com/abc — Ann") == "Big news — Ann"
