"""Fit the matcher on CheckThat! 2020 Task 2 train and report MAP@5 on dev, side by side.

Weights and thresholds are chosen on train only; dev is scored once per system at the end.
A learned re-ranker (claims.matching.rerank) is measured beside them, not shipped: its train
figure is 5-fold cross-validation over train queries.
Thresholds are fitted on a simulated stream of half repeats and half new claims: each train
tweet is searched once with its fact-check in the collection (a repeat) and once with it
left out (a new claim, whose best match is by construction wrong).
"""

import csv
import itertools
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from articles.textfile import TsvFormatError, tsv_read, tsv_records

from .corpus import corpus_matcher, embed_cached
from .rerank import DEFAULT_DEPTH, Reranker, candidate_features, reranker_fit
from .retrieval import (
    SAME_CLAIM,
    Candidates,
    Document,
    Matcher,
    MatchSettings,
    match_level,
)
from .text import embedding_text

VCLAIMS_FILE = "verified_claims.docs.tsv"
SPLITS = ("train", "dev")
WEIGHT_GRID = [round(value, 2) for value in np.arange(0.0, 1.01, 0.1)]
# Precision a newsroom can live with: an auto-link is wrong at most once in a hundred; a
# suggestion is worth a reviewer's look when at least two in three are right.
SAME_CLAIM_PRECISION = 0.99
SUGGESTED_PRECISION = 0.67
MIN_REACHED = 20
# The re-ranker's cross-validation on train: folds of queries, fixed before any run.
RERANK_FOLDS = 5
RERANK_SEED = 0
# Comparing fine-tuning recipes without dev: train split once by query, fixed before any run.
HOLDOUT_SEED = 0
HOLDOUT_SHARE = 0.2


@dataclass(frozen=True)
class Split:
    query_ids: list[str]
    texts: list[str]
    relevant: dict[str, set[int]]


def checkthat_load(
    data_dir: Path, *, splits: tuple[str, ...] = SPLITS
) -> tuple[list[Document], list[str], dict[str, Split]]:
    """Documents keyed by position, their original ids, and the query splits named in `splits`
    (only their files are opened: the train-only scouting never opens dev's)."""
    unknown = [name for name in splits if name not in SPLITS]
    if unknown:
        raise ValueError(f"unknown split(s) {', '.join(unknown)}; expected some of {SPLITS}")
    rows = tsv_read(data_dir / VCLAIMS_FILE, ["", "vclaim", "title"])
    vclaim_ids = [row[""] for row in rows]
    position = {vclaim_id: i for i, vclaim_id in enumerate(vclaim_ids)}
    documents = [
        Document(key=i, text=row["vclaim"], title=row["title"]) for i, row in enumerate(rows)
    ]
    loaded = {}
    for name in splits:
        queries = tsv_read(data_dir / f"{name}.tweets.queries.tsv", ["", "tweet_content"])
        loaded[name] = Split(
            query_ids=[row[""] for row in queries],
            texts=[row["tweet_content"] for row in queries],
            relevant=_qrels_read(data_dir / f"{name}.tweet-vclaim-pairs.qrels", position),
        )
    return documents, vclaim_ids, loaded


def _qrels_read(path: Path, position: dict[str, int]) -> dict[str, set[int]]:
    """Each query's relevant documents from a TREC qrels file (query id, 0, vclaim id, label;
    no quoting); TsvFormatError naming the line of one that cannot be read."""
    relevant: dict[str, set[int]] = {}
    for record in tsv_records(path, quoting=csv.QUOTE_NONE, max_field_lines=None):
        if not record.values:
            continue
        if len(record.values) != 4:
            raise TsvFormatError(
                f"{path}, line {record.line}: {len(record.values)} fields, a qrels line has 4 "
                "(query id, 0, vclaim id, label)"
            )
        query_id, _, vclaim_id, label = record.values
        if label.strip() != "1":
            continue
        if vclaim_id not in position:
            raise TsvFormatError(
                f"{path}, line {record.line}: vclaim {vclaim_id!r} is not in {VCLAIMS_FILE}"
            )
        relevant.setdefault(query_id, set()).add(position[vclaim_id])
    return relevant


def split_by_query(split: Split, *, seed: int = HOLDOUT_SEED, share: float = HOLDOUT_SHARE):
    """(train-A, train-B): a seeded permutation of the queries in file order; the last `share`
    of it (160 of CheckThat! 2020's 800 train tweets) is train-B."""
    order = np.random.default_rng(seed).permutation(len(split.query_ids))
    held = set(order[len(order) - round(len(order) * share) :].tolist())

    def part(held_out: bool) -> Split:
        positions = [i for i in range(len(split.query_ids)) if (i in held) == held_out]
        ids = [split.query_ids[i] for i in positions]
        return Split(
            query_ids=ids,
            texts=[split.texts[i] for i in positions],
            relevant={
                query_id: split.relevant[query_id] for query_id in ids if query_id in split.relevant
            },
        )

    return part(False), part(True)


def average_precision_at(ranked: list[int], relevant: set[int], k: int = 5) -> float:
    hits, total = 0, 0.0
    for rank, key in enumerate(ranked[:k], start=1):
        if key in relevant:
            hits += 1
            total += hits / rank
    return total / len(relevant) if relevant else 0.0


def map_at_5(rankings: list[list[int]], split: Split) -> float:
    scores = [
        average_precision_at(ranking, split.relevant.get(query_id, set()))
        for ranking, query_id in zip(rankings, split.query_ids, strict=True)
    ]
    return float(np.mean(scores))


def exact_rankings(query_vectors: np.ndarray, document_vectors: np.ndarray) -> list[list[int]]:
    similarities = query_vectors @ document_vectors.T
    return [list(np.argsort(-row, kind="stable")[:5]) for row in similarities]


def _ranking(found: Candidates, settings: MatchSettings) -> list[int]:
    scores = found.fused(settings)
    return [found.keys[i] for i in np.argsort(-scores, kind="stable")[:5]]


def weights_fit(candidates: list[Candidates], split: Split, base: MatchSettings) -> MatchSettings:
    best, best_score = base, -1.0
    for claim, title, lexical in itertools.product(WEIGHT_GRID, repeat=3):
        if claim + title + lexical == 0:
            continue
        trial = replace(base, claim_weight=claim, title_weight=title, lexical_weight=lexical)
        score = map_at_5([_ranking(found, trial) for found in candidates], split)
        if score > best_score + 1e-9:
            best, best_score = trial, score
    return best


@dataclass
class RerankInputs:
    """Each query's fused best `depth` candidates, their features and which are right."""

    candidates: list[Candidates]
    rows: list[np.ndarray]
    labels: list[np.ndarray]


def rerank_inputs(
    matcher: Matcher, split: Split, candidates: list[Candidates], documents, depth: int
) -> RerankInputs:
    by_key = {document.key: document for document in documents}
    kept, rows, labels = [], [], []
    for query_id, text, found in zip(split.query_ids, split.texts, candidates, strict=True):
        top = found.subset(np.argsort(-found.fused(matcher.settings), kind="stable")[:depth])
        relevant = split.relevant.get(query_id, set())
        kept.append(top)
        rows.append(candidate_features(text, top, by_key, matcher.stats, matcher.settings))
        labels.append(np.array([key in relevant for key in top.keys]))
    return RerankInputs(kept, rows, labels)


def reranked(inputs: RerankInputs, reranker: Reranker, positions) -> list[list[int]]:
    rankings = []
    for i in positions:
        probabilities = reranker.probabilities(inputs.rows[i])
        order = np.argsort(-probabilities, kind="stable")[:5]
        rankings.append([inputs.candidates[i].keys[j] for j in order])
    return rankings


def rerank_folds(count: int) -> np.ndarray:
    return np.random.default_rng(RERANK_SEED).permutation(count) % RERANK_FOLDS


def reranker_cross_fit(inputs: RerankInputs, depth: int) -> list[Reranker]:
    """One re-ranker per fold, each fitted on the other folds' queries."""
    folds = rerank_folds(len(inputs.rows))
    return [
        reranker_fit(
            [row for row, f in zip(inputs.rows, folds, strict=True) if f != fold],
            [label for label, f in zip(inputs.labels, folds, strict=True) if f != fold],
            depth=depth,
        )
        for fold in range(RERANK_FOLDS)
    ]


def cross_validated_rankings(inputs: RerankInputs, models: list[Reranker]) -> list[list[int]]:
    folds = rerank_folds(len(inputs.rows))
    rankings: list[list[int]] = [[] for _ in inputs.rows]
    for fold, model in enumerate(models):
        positions = [i for i, f in enumerate(folds) if f == fold]
        for i, ranking in zip(positions, reranked(inputs, model, positions), strict=True):
            rankings[i] = ranking
    return rankings


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


@dataclass
class Report:
    rows: list[tuple[str, float, float]]  # system, train MAP@5, dev MAP@5
    settings: MatchSettings
    thresholds: list[tuple[str, str, float, float, int, int]]  # level, split, t, precision, n
    candidate_recall: dict[str, float]
    threshold_rules: dict[str, str]


def matching_evaluate(
    *,
    data_dir: Path,
    embed: Callable[[list[str]], np.ndarray],
    tag: str,
    baselines: dict[str, tuple[Callable[[list[str]], np.ndarray], str]],
    cache_dir: Path | None,
    rerank_depth: int = DEFAULT_DEPTH,
    fixed: tuple[MatchSettings, dict[str, str]] | None = None,
    fixed_name: str = "hybrid, weights fitted out of fold",
    in_sample_row: bool = False,
) -> Report:
    """With `fixed` (settings and how their thresholds were chosen, e.g. fitted on
    out-of-fold cosines by `claims.matching.crossfit`, or the shipped ones), no weight or
    threshold is refitted; its hybrid row is called `fixed_name`. `in_sample_row` adds the
    hybrid with weights fitted on train as well, beside it (scored, not used further)."""
    documents, _, splits = checkthat_load(data_dir)
    rows = []
    # Plain sentence-vector baselines: raw tweet against raw claim, exact cosine, no fusion.
    for name, (baseline_embed, baseline_tag) in baselines.items():
        document_vectors = embed_cached(
            [document.text for document in documents],
            embed=baseline_embed,
            cache_dir=cache_dir,
            tag=baseline_tag,
        )
        figures = []
        for split_name in SPLITS:
            split = splits[split_name]
            vectors = embed_cached(
                split.texts, embed=baseline_embed, cache_dir=cache_dir, tag=baseline_tag
            )
            figures.append(map_at_5(exact_rankings(vectors, document_vectors), split))
        rows.append((name, *figures))

    matcher = corpus_matcher(documents, embed=embed, cache_dir=cache_dir, tag=tag)
    query_vectors = {
        name: embed_cached(
            [embedding_text(t) for t in splits[name].texts],
            embed=embed,
            cache_dir=cache_dir,
            tag=tag,
        )
        for name in SPLITS
    }
    candidates = {
        name: [
            matcher.candidates(text, vector)
            for text, vector in zip(splits[name].texts, query_vectors[name], strict=True)
        ]
        for name in SPLITS
    }
    candidate_recall = {
        name: float(
            np.mean(
                [
                    bool(splits[name].relevant.get(query_id, set()) & set(found.keys))
                    for query_id, found in zip(
                        splits[name].query_ids, candidates[name], strict=True
                    )
                ]
            )
        )
        for name in SPLITS
    }
    base = MatchSettings()
    systems = {
        "BM25 alone (candidates from vectors)": replace(
            base, claim_weight=0, title_weight=0, lexical_weight=1
        ),
        "int8 MiniLM, claim vector alone": replace(
            base, claim_weight=1, title_weight=0, lexical_weight=0
        ),
    }
    if fixed is None:
        fitted = weights_fit(candidates["train"], splits["train"], base)
        systems["hybrid, weights fitted on train"] = fitted
    else:
        if in_sample_row:
            systems["hybrid, weights fitted on train (in-sample)"] = weights_fit(
                candidates["train"], splits["train"], base
            )
        fitted = fixed[0]
        systems[fixed_name] = fitted
    for name, settings in systems.items():
        rows.append(
            (
                name,
                *[
                    map_at_5(
                        [_ranking(found, settings) for found in candidates[split]], splits[split]
                    )
                    for split in SPLITS
                ],
            )
        )
    matcher.settings = fitted
    inputs = {
        name: rerank_inputs(matcher, splits[name], candidates[name], documents, rerank_depth)
        for name in SPLITS
    }
    fold_models = reranker_cross_fit(inputs["train"], rerank_depth)
    reranker = reranker_fit(inputs["train"].rows, inputs["train"].labels, depth=rerank_depth)
    dev_positions = range(len(inputs["dev"].rows))
    rows.append(
        (
            "hybrid + learned re-ranker (not shipped)",
            map_at_5(cross_validated_rankings(inputs["train"], fold_models), splits["train"]),
            map_at_5(reranked(inputs["dev"], reranker, dev_positions), splits["dev"]),
        )
    )
    streams = {
        name: stream_build(matcher, splits[name], query_vectors[name], documents) for name in SPLITS
    }
    if fixed is None:
        fitted, rules = threshold_fit(streams["train"], fitted)
    else:
        rules = fixed[1]
    thresholds = []
    for level, threshold, guards in (
        ("suggested", fitted.suggested, None),
        ("same_claim (score only)", fitted.same_claim, None),
        ("same_claim (with guards)", fitted.same_claim, fitted),
    ):
        for name in SPLITS:
            precision, right, total = precision_at(streams[name], threshold, guards=guards)
            thresholds.append((level, name, threshold, precision, right, total))
    return Report(rows, fitted, thresholds, candidate_recall, rules)
