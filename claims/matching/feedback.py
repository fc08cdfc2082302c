"""Two query-time signals measured in round 9 of issue #12 (docs/issue-12-matching-rounds.md).

(a) Pseudo-relevance feedback on the query vector: the query is moved toward the claim vectors
of its best fused candidates and their cosines are computed again. (b) A fourth fused signal,
the cosine of the plain (not fine-tuned) MiniLM. Neither is in the app: these are the pieces
the evaluation (`claims.matching.feedback_holdout`) scores them with.

Plain numpy over `Candidates`; no Django, no model.
"""

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .checkthat import Split
from .retrieval import Candidates, Matcher, MatchSettings, text_vector_id, title_vector_id
from .settings_fit import WEIGHT_GRID


@dataclass(frozen=True)
class CandidateVectors:
    """The stored vectors of one query's candidates, in the order of `Candidates.keys`."""

    claims: np.ndarray
    titles: np.ndarray


def candidate_vectors(matcher: Matcher, found: Candidates) -> CandidateVectors:
    """A candidate without a title vector gets its claim's, as `Matcher.candidates` scores it."""
    claims = matcher.index.vectors([text_vector_id(key) for key in found.keys])
    titles = matcher.index.vectors([title_vector_id(key) for key in found.keys])
    claim_rows = np.stack(claims).astype(np.float32)
    title_rows = np.stack(
        [title if title is not None else claim_rows[i] for i, title in enumerate(titles)]
    ).astype(np.float32)
    return CandidateVectors(claim_rows, title_rows)


def feedback_vector(query_vector: np.ndarray, neighbours: np.ndarray, weight: float) -> np.ndarray:
    """normalise(q + weight * mean of the neighbours): the query moved toward what it found."""
    if weight == 0 or len(neighbours) == 0:
        return query_vector
    moved = query_vector + weight * neighbours.mean(axis=0)
    norm = float(np.linalg.norm(moved))
    return (moved / norm).astype(np.float32) if norm else query_vector


def feedback_rescored(
    found: Candidates,
    vectors: CandidateVectors,
    query_vector: np.ndarray,
    *,
    first: MatchSettings,
    depth: int,
    weight: float,
) -> Candidates:
    """The same candidates with claim and title cosines to the query moved toward the claims of
    its best `depth` by the fusion `first`; BM25 is left as it was."""
    best = np.argsort(-found.fused(first), kind="stable")[:depth]
    moved = feedback_vector(query_vector, vectors.claims[best], weight)
    return Candidates(found.keys, vectors.claims @ moved, vectors.titles @ moved, found.lexical)


def weight_grid(signals: int, grid: Sequence[float] = WEIGHT_GRID) -> np.ndarray:
    """Every weight vector of the grid but all zeros, in `weights_fit`'s order."""
    rows = [row for row in itertools.product(grid, repeat=signals) if sum(row) > 0]
    return np.array(rows, dtype=np.float64)


def average_precisions(
    signals: np.ndarray, keys: Sequence[int], relevant: set[int], weights: np.ndarray
) -> np.ndarray:
    """AP@5 of one query under each row of `weights` (signals: candidates x signals), ranked as
    `np.argsort(-scores, kind="stable")` ranks them: a tie goes to the earlier candidate."""
    positions = [i for i, key in enumerate(keys) if key in relevant]
    if not relevant or not positions:
        return np.zeros(len(weights))
    scores = signals.astype(np.float64) @ weights.T
    ranks = np.stack(
        [
            (scores > scores[i]).sum(axis=0) + (scores[:i] == scores[i]).sum(axis=0)
            for i in positions
        ]
    )
    ranks.sort(axis=0)
    hits = np.arange(1, len(positions) + 1)[:, None]
    return np.where(ranks < 5, hits / (ranks + 1), 0.0).sum(axis=0) / len(relevant)


def signals_map(
    signals: list[np.ndarray], keys: list[list[int]], split: Split, weights: np.ndarray
) -> np.ndarray:
    """MAP@5 of the split under each row of `weights`, as `map_at_5` scores it."""
    total = np.zeros(len(weights))
    for rows, found, query_id in zip(signals, keys, split.query_ids, strict=True):
        total += average_precisions(rows, found, split.relevant.get(query_id, set()), weights)
    return total / len(split.query_ids)


def signals_fit(
    signals: list[np.ndarray], keys: list[list[int]], split: Split
) -> tuple[np.ndarray, float]:
    """The grid's best weights (the first of equals, as `weights_fit` keeps) and their MAP@5."""
    grid = weight_grid(signals[0].shape[1])
    scores = signals_map(signals, keys, split, grid)
    best = int(np.argmax(scores >= scores.max() - 1e-9))
    return grid[best], float(scores[best])


def signal_columns(found: Candidates, *extra: np.ndarray) -> np.ndarray:
    """Claim cosine, title cosine, BM25, then `extra`: one row a candidate."""
    return np.column_stack([found.claim_cosine, found.title_cosine, found.lexical, *extra])
