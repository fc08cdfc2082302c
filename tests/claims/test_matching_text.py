"""The words lexical matching reads (`claims.matching.text`), on short texts written for these
tests: the API's "has this been checked?" search, BM25 of the hybrid and `match_claims` all
tokenise through it, and the "same claim" guards read its negations and numbers."""

import numpy as np

from claims.matching.corpus import corpus_matcher
from claims.matching.retrieval import Document
from claims.matching.text import is_negated, numbers_agree, numbers_in, tokens


def same_vector_for_every_text(texts: list[str]) -> np.ndarray:
    """Every text the same vector, so that only the words (BM25) tell documents apart."""
    vectors = np.ones((len(texts), 8), dtype=np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_a_possessive_is_the_name_itself():
    assert tokens("Biden's plan") == tokens("Biden plan") == ["biden", "plan"]


def test_a_curly_apostrophe_reads_as_a_straight_one():
    assert tokens("Biden\u2019s plan") == tokens("Biden's plan")
    assert tokens("the senator\u2019ll vote") == tokens("the senator'll vote")


def test_an_accented_word_stays_whole_and_matches_its_plain_spelling():
    assert tokens("Bídén visited the café in São Paulo") == tokens(
        "Biden visited the cafe in Sao Paulo"
    )
    assert tokens("Bídén") == ["biden"]


def test_a_negation_with_a_curly_apostrophe_still_negates():
    assert is_negated("Vaccines don\u2019t cause autism")
    assert is_negated("The mayor doesn\u2019t live in the city")
    assert not is_negated("The mayor doesn\u2019t not live in the city")
    assert tokens("It doesn\u2019t work") == tokens("It doesn't work") == ["not", "work"]


def test_numbers_written_in_other_digits_agree_with_ascii_ones():
    assert numbers_in("rose \uff12\uff10 percent") == numbers_in("rose 20 percent") == {"20"}
    assert numbers_agree("Bídén\u2019s plan costs 2,000 dollars", "Biden's plan costs 2000")
    assert not numbers_agree("rose \uff12\uff10 percent", "rose 2 percent")


def test_a_search_for_a_possessive_or_accented_name_finds_the_claim_about_that_name():
    # The other claim comes first, so a tie on the shared word "plan" would rank it first.
    documents = [
        Document(key=0, text="Trump announced a plan to build new roads."),
        Document(key=1, text="Biden announced a plan to build new bridges."),
    ]
    matcher = corpus_matcher(documents, embed=same_vector_for_every_text)

    for query in ("Biden's plan", "Biden\u2019s plan", "Bídén plan"):
        best, other = matcher.search(query, limit=2)
        assert best.key == 1, query
        assert best.lexical > other.lexical, query
