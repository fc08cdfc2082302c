"""Fit the matcher on CheckThat! 2020 Task 2 train and report MAP@5 on dev, side by side.

Weights and thresholds are chosen on train only (claims.matching.settings_fit); dev is scored
once per system at the end. A learned re-ranker (claims.matching.rerank) is measured beside them,
not shipped: its train figure is 5-fold cross-validation over train queries, done here.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from .checkthat import SPLITS, Split, checkthat_load, exact_rankings, fused_ranking, map_at_5
from .corpus import corpus_matcher, embed_cached
from .rerank import DEFAULT_DEPTH, Reranker, candidate_features, reranker_fit
from .retrieval import Candidates, Matcher, MatchSettings
from .settings_fit import precision_at, stream_build, threshold_fit, weights_fit
from .text import embedding_text

# The re-ranker's cross-validation on train: folds of queries, fixed before any run.
RERANK_FOLDS = 5
RERANK_SEED = 0


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
                        [fused_ranking(found, settings) for found in candidates[split]],
                        splits[split],
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
