"""The learned re-ranker that `evaluate_matching` measures: its features and its fitting."""

import numpy as np
import pytest

from claims.matching.checkthat import Split, map_at_5
from claims.matching.corpus import corpus_matcher
from claims.matching.evaluation import (
    cross_validated_rankings,
    rerank_inputs,
    reranked,
    reranker_cross_fit,
)
from claims.matching.rerank import FEATURES, Reranker, candidate_features, reranker_fit
from claims.matching.retrieval import Document
from tests.claims.toy_embeddings import same_vector_embed

CLAIMS = [
    Document(key=0, text="Unemployment in the state rose 20 percent last year."),
    Document(key=1, text="Joblessness went up by 2 percent.", title="Did jobless claims rise?"),
    Document(key=2, text="The moon landing was filmed in a studio in Nevada."),
]


def weights_on(**weights) -> Reranker:
    return Reranker(
        features=tuple(weights),
        mean=tuple(0.0 for _ in weights),
        scale=tuple(1.0 for _ in weights),
        weights=tuple(weights.values()),
        intercept=0.0,
    )


def features_of(query: str) -> dict[int, dict[str, float]]:
    matcher = corpus_matcher(CLAIMS, embed=same_vector_embed)
    found = matcher.candidates(query, same_vector_embed([query])[0])
    rows = candidate_features(
        query, found, {d.key: d for d in CLAIMS}, matcher.stats, matcher.settings
    )
    return {
        key: dict(zip(FEATURES, row, strict=True))
        for key, row in zip(found.keys, rows, strict=True)
    }


def test_the_features_see_a_different_number_and_the_shared_one():
    features = features_of("Unemployment in the state rose 2 percent last year")
    assert features[0]["candidate_has_other_numbers"] == 1.0  # 20 is not in the query
    assert features[1]["candidate_has_other_numbers"] == 0.0
    assert features[1]["numbers_shared"] == 1.0


def test_a_claim_without_a_title_gets_its_claims_title_features():
    features = features_of("Unemployment in the state rose 2 percent last year")
    assert features[0]["bm25_title"] == features[0]["bm25_claim"] > 0
    assert features[1]["bm25_title"] != features[1]["bm25_claim"]


def test_the_text_itself_covers_all_its_words_and_shares_most_trigrams():
    features = features_of("The moon landing was filmed in a studio in Nevada.")
    assert features[2]["query_words_covered"] == pytest.approx(1.0)
    assert features[2]["trigram_cosine"] > 0.95 > features[0]["trigram_cosine"]


def test_a_fitted_reranker_learns_to_put_the_right_candidate_first():
    matcher = corpus_matcher(CLAIMS, embed=same_vector_embed)
    queries = ["Unemployment in the state rose 2 percent last year", "Jobless up 2 percent"] * 5
    split = Split(
        query_ids=[str(i) for i in range(len(queries))],
        texts=queries,
        relevant={str(i): {1} for i in range(len(queries))},
    )
    vector = same_vector_embed(["x"])[0]
    candidates = [matcher.candidates(text, vector) for text in queries]
    inputs = rerank_inputs(matcher, split, candidates, CLAIMS, depth=3)
    # The fusion puts the claim with the query's other words (and the wrong number) first.
    assert inputs.candidates[0].keys[0] == 0
    model = reranker_fit(inputs.rows, inputs.labels, depth=3)
    assert [ranking[0] for ranking in reranked(inputs, model, range(len(queries)))] == [1] * 10
    # Cross-validated: each query ranked by a model fitted without it, every one of them right.
    rankings = cross_validated_rankings(inputs, reranker_cross_fit(inputs, depth=3))
    assert map_at_5(rankings, split) == 1.0


def test_its_probability_follows_its_weights():
    rows = np.zeros((2, len(FEATURES)))
    rows[0, FEATURES.index("candidate_has_other_numbers")] = 1.0
    probabilities = weights_on(candidate_has_other_numbers=-3.0).probabilities(rows)
    assert probabilities[0] < 0.5 == probabilities[1]


def test_a_reranker_naming_an_unknown_feature_is_refused():
    with pytest.raises(ValueError, match="unknown re-ranker feature"):
        weights_on(tweet_sentiment=1.0)
