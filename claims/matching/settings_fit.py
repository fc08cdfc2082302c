"""Fitting the matcher's settings on train: the fusion weights (a grid searched for MAP@5) and the
two levels' thresholds (on a simulated stream of half repeats and half new claims: each train
tweet is searched once with its fact-check in the collection, a repeat, and once with it left
out, a new claim whose best match is by construction wrong), and the precision a threshold
reaches on such a stream. No Django here."""

import itertools
from dataclasses import dataclass, replace

import numpy as np

from .checkthat import Split, fused_ranking, map_at_5
from .retrieval import SAME_CLAIM, Candidates, Matcher, MatchSettings, match_level

WEIGHT_GRID = [round(value, 2) for value in np.arange(0.0, 1.01, 0.1)]
# Precision a newsroom can live with: an auto-link is wrong at most once in a hundred; a
# suggestion is worth a reviewer's look when at least two in three are right.
SAME_CLAIM_PRECISION = 0.99
SUGGESTED_PRECISION = 0.67
MIN_REACHED = 20


def weights_fit(candidates: list[Candidates], split: Split, base: MatchSettings) -> MatchSettings:
    best, best_score = base, -1.0
    for claim, title, lexical in itertools.product(WEIGHT_GRID, repeat=3):
        if claim + title + lexical == 0:
            continue
        trial = replace(base, claim_weight=claim, title_weight=title, lexical_weight=lexical)
        score = map_at_5([fused_ranking(found, trial) for found in candidates], split)
        if score > best_score + 1e-9:
            best, best_score = trial, score
    return best


@dataclass(frozen=True)
class Stream:
    """Best match of each search in the simulated stream: its score and whether it is right."""

    scores: np.ndarray
    correct: np.ndarray
    query_texts: list[str]
    match_texts: list[str]


def stream_build(matcher: Matcher, split: Split, query_vectors, documents) -> Stream:
    scores, correct, queries, matches = [], [], [], []
    for query_id, text, vector in zip(split.query_ids, split.texts, query_vectors, strict=True):
        relevant = split.relevant.get(query_id, set())
        for exclude in ((), relevant):
            best = matcher.search_vector(text, vector, limit=1, exclude=exclude)[0]
            scores.append(best.score)
            correct.append(best.key in relevant)
            queries.append(text)
            matches.append(documents[best.key].text)
    return Stream(np.array(scores), np.array(correct), queries, matches)


def precision_at(
    stream: Stream, threshold: float, *, guards: MatchSettings | None = None
) -> tuple[float, int, int]:
    """(precision, right, reached) of the searches whose best match scores `threshold` or more;
    with `guards`, only those the matcher would call the same claim (numbers, negation, length)."""
    reached = stream.scores >= threshold
    if guards is not None:
        same = replace(guards, suggested=min(threshold, guards.suggested), same_claim=threshold)
        reached &= np.array(
            [
                match_level(score, query, match, same) == SAME_CLAIM
                for score, query, match in zip(
                    stream.scores, stream.query_texts, stream.match_texts, strict=True
                )
            ]
        )
    total = int(reached.sum())
    right = int((reached & stream.correct).sum())
    return (right / total if total else 1.0), right, total


def lowest_threshold(stream: Stream, target: float) -> tuple[float, str]:
    """The lowest score at which the precision reaches `target` with MIN_REACHED searches or
    more above it; where no score does, the lowest above which the stream holds no mistake."""
    grid = [round(value, 3) for value in np.arange(0.2, 1.0, 0.005)]
    for threshold in grid:
        precision, _, reached = precision_at(stream, threshold)
        if reached >= MIN_REACHED and precision >= target:
            return threshold, f"precision >= {target} with >= {MIN_REACHED} searches above"
    for threshold in grid:
        precision, right, reached = precision_at(stream, threshold)
        if right == reached:
            return threshold, f"precision {target} not reached: no mistake above"
    return 1.0, "no threshold"


def threshold_fit(stream: Stream, settings: MatchSettings) -> tuple[MatchSettings, dict]:
    suggested, suggested_rule = lowest_threshold(stream, SUGGESTED_PRECISION)
    same, same_rule = lowest_threshold(stream, SAME_CLAIM_PRECISION)
    fitted = replace(settings, suggested=suggested, same_claim=max(same, suggested))
    return fitted, {"suggested": suggested_rule, "same_claim": same_rule}
