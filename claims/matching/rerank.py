"""A learned re-ranker over the fused candidates, measured by `evaluate_matching`, not shipped.

It re-orders each query's fused best `depth` candidates by a logistic regression on features of
the (query, candidate) pair: cosines, BM25 on the claim and on the title, character trigrams,
how much of each side's rare words the other covers, numbers, capitalised names, hashtags and
length. On CheckThat! 2020 Task 2 it did not beat the fusion (README "Matching figures"), so the
app's matcher (claims.matching.retrieval) does not use it. Fitting uses scikit-learn, a
training requirement, imported only in `reranker_fit`. No Django here.
"""

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .retrieval import Candidates, Document, LexicalStats, MatchSettings, bm25_normalised
from .text import STOPWORDS, numbers_in, text_clean, tokens

_CAPITALISED = re.compile(r"\b[A-Z][A-Za-z]+\b")
_TAG = re.compile(r"[#@](\w+)")
DEFAULT_DEPTH = 30
FEATURES = (
    "claim_cosine",
    "title_cosine",
    "bm25",
    "bm25_claim",
    "bm25_title",
    "trigram_cosine",
    "query_words_covered",
    "candidate_words_covered",
    "numbers_shared",
    "candidate_has_other_numbers",
    "query_has_other_numbers",
    "names_jaccard",
    "hashtag_in_candidate",
    "length_ratio",
)


def _trigrams(text: str) -> Counter:
    padded = f" {' '.join(text.lower().split())} "
    return Counter(padded[i : i + 3] for i in range(len(padded) - 2))


def _cosine(first: Counter, second: Counter) -> float:
    if not first or not second:
        return 0.0
    dot = sum(count * second.get(gram, 0) for gram, count in first.items())
    norms = sum(c * c for c in first.values()) * sum(c * c for c in second.values())
    return dot / math.sqrt(norms)


def _names(text: str) -> set[str]:
    return {word.lower() for word in _CAPITALISED.findall(text) if word.lower() not in STOPWORDS}


def candidate_features(
    query: str,
    found: Candidates,
    documents: dict[int, Document],
    stats: LexicalStats,
    settings: MatchSettings,
) -> np.ndarray:
    """One row of FEATURES per candidate of `found`, in its order. A document without a title
    (the desk's own claims) gets its claim's values for the title features. Every feature
    describes the pair alone, never its rank among the other candidates, so a score means the
    same in a corpus of five claims and of a million (the thresholds need that)."""
    cleaned = text_clean(query)
    query_words = tokens(cleaned)
    query_set = set(query_words)
    query_trigrams = _trigrams(cleaned)
    query_numbers = numbers_in(cleaned)
    query_names = _names(cleaned)
    query_tags = {tag.lower() for tag in _TAG.findall(query)}
    query_idf = sum(stats.idf(word) for word in query_set) or 1.0
    rows = []
    for i, key in enumerate(found.keys):
        document = documents[key]
        both = f"{document.text} {document.title}"
        claim_words = tokens(document.text)
        title_words = tokens(document.title)
        candidate_set = set(claim_words) | set(title_words)
        shared_idf = sum(stats.idf(word) for word in query_set & candidate_set)
        candidate_idf = sum(stats.idf(word) for word in candidate_set) or 1.0
        bm25_claim = bm25_normalised(query_words, claim_words, stats, settings)
        bm25_title = (
            bm25_normalised(query_words, title_words, stats, settings)
            if title_words
            else bm25_claim
        )
        numbers = numbers_in(both)
        names = _names(both)
        rows.append(
            [
                found.claim_cosine[i],
                found.title_cosine[i],
                found.lexical[i],
                bm25_claim,
                bm25_title,
                _cosine(query_trigrams, _trigrams(both)),
                shared_idf / query_idf,
                shared_idf / candidate_idf,
                len(query_numbers & numbers),
                bool(numbers - query_numbers),
                bool(query_numbers - numbers),
                len(query_names & names) / (len(query_names | names) or 1),
                any(tag in candidate_set for tag in query_tags),
                math.log((len(claim_words) + len(title_words) + 1) / (len(query_words) + 1)),
            ]
        )
    return np.array(rows, dtype=np.float64).reshape(len(found.keys), len(FEATURES))


@dataclass(frozen=True)
class Reranker:
    """Standardised logistic regression: probability = sigmoid(((x - mean) / scale) @ w + b)."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    intercept: float
    depth: int = DEFAULT_DEPTH

    def __post_init__(self) -> None:
        unknown = [name for name in self.features if name not in FEATURES]
        if unknown:
            raise ValueError(f"unknown re-ranker feature(s): {', '.join(unknown)}")
        sizes = {len(self.features), len(self.mean), len(self.scale), len(self.weights)}
        if len(sizes) != 1:
            raise ValueError("re-ranker features, mean, scale and weights differ in length")

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        columns = [FEATURES.index(name) for name in self.features]
        standardised = (rows[:, columns] - np.array(self.mean)) / np.array(self.scale)
        return 1.0 / (1.0 + np.exp(-(standardised @ np.array(self.weights) + self.intercept)))


def reranker_fit(
    rows: Sequence[np.ndarray],
    labels: Sequence[np.ndarray],
    *,
    features: Sequence[str] = FEATURES,
    depth: int = DEFAULT_DEPTH,
    regularisation: float = 1.0,
) -> Reranker:
    """Fit on the candidates of many queries: `rows[q]` their FEATURES, `labels[q]` whether each
    is the query's claim (one array pair per query, already cut to `depth`)."""
    from sklearn.linear_model import LogisticRegression

    columns = [FEATURES.index(name) for name in features]
    matrix = np.vstack(rows)[:, columns]
    target = np.concatenate(labels).astype(int)
    mean = matrix.mean(0)
    scale = matrix.std(0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=regularisation, max_iter=5000)
    model.fit((matrix - mean) / scale, target)
    return Reranker(
        features=tuple(features),
        mean=tuple(round(float(v), 6) for v in mean),
        scale=tuple(round(float(v), 6) for v in scale),
        weights=tuple(round(float(v), 6) for v in model.coef_[0]),
        intercept=round(float(model.intercept_[0]), 6),
        depth=depth,
    )
