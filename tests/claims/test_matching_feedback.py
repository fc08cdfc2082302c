"""Round 9's pieces: query feedback on the vector and the vectorised fit of fused signals."""

from dataclasses import replace

import numpy as np

from claims.matching.checkthat import Split, average_precision_at, fused_ranking, map_at_5
from claims.matching.corpus import corpus_matcher
from claims.matching.feedback import (
    average_precisions,
    candidate_vectors,
    feedback_rescored,
    feedback_vector,
    signal_columns,
    signals_fit,
    signals_map,
)
from claims.matching.retrieval import Candidates, Document, MatchSettings
from claims.matching.settings_fit import weights_fit
from tests.claims.toy_embeddings import words_embedder

VOCABULARY = ["moon", "studio", "landing", "vaccine", "autism", "budget"]
DOCUMENTS = [
    Document(key=0, text="The moon landing was filmed in a studio.", title="Moon studio"),
    Document(key=1, text="The moon is made of cheese."),
    Document(key=2, text="Vaccines cause autism.", title="Vaccines"),
]
embed = words_embedder(VOCABULARY)


def unit(values):
    vector = np.array(values, dtype=np.float32)
    return vector / np.linalg.norm(vector)


def test_feedback_moves_the_query_toward_its_neighbours_and_keeps_it_unit_length():
    query, neighbour = unit([1, 0, 0]), unit([0, 1, 0])
    moved = feedback_vector(query, neighbour[None, :], 0.5)
    assert abs(float(np.linalg.norm(moved)) - 1) < 1e-6
    assert float(moved @ neighbour) > float(query @ neighbour)
    assert feedback_vector(query, neighbour[None, :], 0.0) is query


def test_a_candidate_without_a_title_is_scored_on_its_claim_vector_for_both():
    matcher = corpus_matcher(DOCUMENTS, embed=embed)
    query = "moon landing in a studio"
    found = matcher.candidates(query, matcher.query_vector(query))
    vectors = candidate_vectors(matcher, found)
    untitled = found.keys.index(1)
    assert np.allclose(vectors.titles[untitled], vectors.claims[untitled])
    assert np.allclose(vectors.claims @ matcher.query_vector(query), found.claim_cosine)
    assert np.allclose(vectors.titles @ matcher.query_vector(query), found.title_cosine)


def test_feedback_rescores_the_same_candidates_and_leaves_bm25_alone():
    matcher = corpus_matcher(DOCUMENTS, embed=embed)
    query = "the moon"
    vector = matcher.query_vector(query)
    found = matcher.candidates(query, vector)
    vectors = candidate_vectors(matcher, found)
    first = replace(MatchSettings(), claim_weight=0, title_weight=0, lexical_weight=1)
    top = found.keys[int(np.argsort(-found.fused(first), kind="stable")[0])]
    moved = feedback_rescored(found, vectors, vector, first=first, depth=1, weight=1.0)
    assert moved.keys == found.keys
    assert np.array_equal(moved.lexical, found.lexical)
    position = found.keys.index(top)
    assert moved.claim_cosine[position] > found.claim_cosine[position]
    unmoved = feedback_rescored(found, vectors, vector, first=first, depth=1, weight=0.0)
    assert np.allclose(unmoved.claim_cosine, found.claim_cosine)


def test_a_tie_goes_to_the_earlier_candidate_as_the_stable_sort_ranks_it():
    signals = np.array([[0.5], [0.5], [0.9], [0.5], [0.1], [0.5], [0.5]])
    keys = [10, 11, 12, 13, 14, 15, 16]
    relevant = {11, 16, 99}
    weights = np.array([[1.0]])
    ranking = [keys[i] for i in np.argsort(-signals[:, 0], kind="stable")[:5]]
    expected = average_precision_at(ranking, relevant)
    assert average_precisions(signals, keys, relevant, weights)[0] == expected
    assert expected > 0


def random_candidates(rng, count):
    found, relevant = [], {}
    for query in range(count):
        keys = list(rng.permutation(40)[:12])
        found.append(
            Candidates(
                keys,
                rng.random(12).astype(np.float32),
                rng.random(12).astype(np.float32),
                rng.random(12).astype(np.float32),
            )
        )
        relevant[f"q{query}"] = {int(keys[rng.integers(12)])}
    split = Split([f"q{query}" for query in range(count)], [""] * count, relevant)
    return found, split


def test_the_vectorised_fit_chooses_what_weights_fit_chooses_on_three_signals():
    found, split = random_candidates(np.random.default_rng(3), 25)
    chosen = weights_fit(found, split, MatchSettings())
    weights, score = signals_fit([signal_columns(f) for f in found], [f.keys for f in found], split)
    assert tuple(weights) == (chosen.claim_weight, chosen.title_weight, chosen.lexical_weight)
    assert abs(score - map_at_5([fused_ranking(f, chosen) for f in found], split)) < 1e-9


def test_a_fourth_signal_that_knows_the_answer_gets_weight_and_the_best_score():
    found, split = random_candidates(np.random.default_rng(5), 20)
    oracle = [
        np.array([float(key in split.relevant[q]) for key in f.keys], dtype=np.float32)
        for f, q in zip(found, split.query_ids, strict=True)
    ]
    signals = [signal_columns(f, extra) for f, extra in zip(found, oracle, strict=True)]
    weights, score = signals_fit(signals, [f.keys for f in found], split)
    assert weights[3] > 0
    assert score == 1.0
    assert signals_map(signals, [f.keys for f in found], split, weights[None, :])[0] == 1.0
