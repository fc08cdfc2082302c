"""Train the stance model (see claims/nlp/stances.py) on PolNeAR train.

Examples: every sentence of PolNeAR train that the attribution rules leave without a speaker
and whose subject could hold a stance. The label says whether PolNeAR attributes the sentence
to that subject (the evaluation's lenient match). Dev is never read here.

The threshold is chosen by five-fold cross-validation over train articles: the lowest at which
at least MIN_PRECISION of the sentences the model accepts are attributed to their subject in
PolNeAR. The rest it accepts are mostly narration that would get a speaker, so the bar keeps the
model right more often than wrong about those it adds.
"""

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from claims.nlp.attribution import stance_candidates
from claims.nlp.polnear import (
    gold_sources_by_sentence,
    is_pronoun,
    matches_gold,
    polnear_split_dir,
    read_polnear,
)
from claims.nlp.sentences import split_sentences

# Features seen in fewer training sentences than this are dropped (names of rare words).
MIN_FEATURE_COUNT = 3
# L2 strength of the logistic regression, inverse (scikit-learn's C).
REGULARISATION = 0.5
FOLDS = 5
MIN_PRECISION = 0.5
# Every hundredth, so 'the lowest threshold' is not an artefact of a coarse grid.
THRESHOLDS = tuple(round(0.01 * step, 2) for step in range(10, 91))


@dataclass(frozen=True)
class StanceExample:
    article: str
    features: dict[str, float]
    label: bool


def stance_examples(data_dir: Path, *, split: str = "train", limit=None) -> Iterator:
    for article in read_polnear(data_dir, split, limit):
        sentences = split_sentences(article.text)
        gold = gold_sources_by_sentence(article, sentences)
        for candidate in stance_candidates(article.text, sentences):
            named = [a.source for a in gold[candidate.index] if not is_pronoun(a.source)]
            label = any(matches_gold(candidate.attribution.speaker, name) for name in named)
            yield StanceExample(article.name, candidate.features, label)


def split_digest(data_dir: Path, split: str) -> str:
    """sha256 over the names and bytes of a split's text and annotation files, in name order."""
    digest = hashlib.sha256()
    split_dir = polnear_split_dir(data_dir, split)
    for path in sorted((split_dir / "text").iterdir()) + sorted(
        (split_dir / "attributions").iterdir()
    ):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _vocabulary(examples: list[StanceExample]) -> list[str]:
    counts: dict[str, int] = {}
    for example in examples:
        for name in example.features:
            counts[name] = counts.get(name, 0) + 1
    return sorted(name for name, count in counts.items() if count >= MIN_FEATURE_COUNT)


def _matrix(examples: list[StanceExample], vocabulary: list[str]):
    from scipy.sparse import csr_matrix

    column = {name: index for index, name in enumerate(vocabulary)}
    rows, columns, values = [], [], []
    for row, example in enumerate(examples):
        for name, value in example.features.items():
            if name in column:
                rows.append(row)
                columns.append(column[name])
                values.append(value)
    return csr_matrix((values, (rows, columns)), shape=(len(examples), len(vocabulary)))


def _fit(examples: list[StanceExample], seed: int):
    from sklearn.linear_model import LogisticRegression

    vocabulary = _vocabulary(examples)
    labels = np.array([example.label for example in examples])
    model = LogisticRegression(C=REGULARISATION, solver="liblinear", random_state=seed)
    model.fit(_matrix(examples, vocabulary), labels)
    return vocabulary, model


def cross_validated_probabilities(examples: list[StanceExample], seed: int) -> np.ndarray:
    from sklearn.model_selection import GroupKFold

    labels = np.array([example.label for example in examples])
    groups = [example.article for example in examples]
    probabilities = np.zeros(len(examples))
    for train_rows, test_rows in GroupKFold(FOLDS).split(labels, labels, groups):
        fold_train = [examples[i] for i in train_rows]
        vocabulary, model = _fit(fold_train, seed)
        test = _matrix([examples[i] for i in test_rows], vocabulary)
        probabilities[test_rows] = model.predict_proba(test)[:, 1]
    return probabilities


def threshold_table(labels: np.ndarray, probabilities: np.ndarray) -> list[dict]:
    table = []
    for threshold in THRESHOLDS:
        accepted = probabilities >= threshold
        correct = int((accepted & labels).sum())
        table.append(
            {
                "threshold": threshold,
                "accepted": int(accepted.sum()),
                "correct": correct,
                "precision": round(correct / accepted.sum(), 4) if accepted.any() else 0.0,
            }
        )
    return table


def choose_threshold(table: list[dict]) -> float:
    for row in table:
        if row["accepted"] and row["precision"] >= MIN_PRECISION:
            return row["threshold"]
    return 1.0


def train_stance_model(data_dir: Path, *, seed: int = 13, limit=None) -> dict:
    """Fit on all train candidates; return the model's JSON document (weights and figures)."""
    examples = list(stance_examples(data_dir, split="train", limit=limit))
    labels = np.array([example.label for example in examples])
    table = threshold_table(labels, cross_validated_probabilities(examples, seed))
    threshold = choose_threshold(table)
    vocabulary, model = _fit(examples, seed)
    weights = {
        name: round(float(weight), 6)
        for name, weight in zip(vocabulary, model.coef_[0], strict=True)
        if abs(weight) >= 1e-6
    }
    digest = hashlib.sha256(json.dumps(weights, sort_keys=True).encode()).hexdigest()[:8]
    return {
        "version": f"stances-logreg-{digest}",
        "threshold": threshold,
        "bias": round(float(model.intercept_[0]), 6),
        "weights": weights,
        "training": {
            "split": "PolNeAR train",
            "data_sha256": split_digest(data_dir, "train"),
            "articles": len({example.article for example in examples}),
            "candidates": len(examples),
            "positives": int(labels.sum()),
            "seed": seed,
            "regularisation_c": REGULARISATION,
            "min_feature_count": MIN_FEATURE_COUNT,
            "min_precision": MIN_PRECISION,
            "folds": FOLDS,
            "cross_validation": table,
        },
    }
