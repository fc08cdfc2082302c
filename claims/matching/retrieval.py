"""Hybrid retrieval of earlier claims: vector candidates, re-scored with BM25, fused.

One code path serves the app (claims.matching.store), `manage.py match_claims` and the
evaluation: `Matcher.search` takes the vector index's nearest candidates, scores each with
cosine similarity (to the claim and, when there is one, to its title) and with BM25, and fuses
the three with weights fitted on CheckThat! 2020 train (`MatchSettings`). The levels
"suggested" and "same claim" are thresholds on that fused score, with two guards for texts
that read alike but say something else (a different number, a negation).

No Django here: documents are plain (key, text, title) rows, so other sources (imported
fact-checks) are documents with their own keys. How a text is cleaned, tokenised and compared
for numbers and negation is claims.matching.text.
"""

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .index import VectorIndex
from .text import embedding_text, is_negated, numbers_agree, text_clean, tokens, word_count

SUGGESTED = "suggested"
SAME_CLAIM = "same_claim"
# Meedan Check's wording: "suggested" asks a person to look; "same claim" links on its own.
LEVEL_LABELS = {SUGGESTED: "Suggested match", SAME_CLAIM: "Same claim"}
# The rule: a short text is too ambiguous to link without a person.
MIN_WORDS_TO_AUTO_LINK = 8


@dataclass(frozen=True)
class MatchSettings:
    """Fusion weights and the two thresholds; the defaults are the values fitted on train."""

    claim_weight: float = 0.6
    title_weight: float = 0.2
    lexical_weight: float = 0.2
    suggested: float = 0.55
    same_claim: float = 0.85
    candidates: int = 100
    lexical_candidates: int = 30
    bm25_k1: float = 1.2
    bm25_b: float = 0.75


@dataclass(frozen=True)
class Document:
    key: int
    text: str
    title: str = ""


@dataclass(frozen=True)
class Match:
    key: int
    score: float
    level: str | None
    cosine: float
    lexical: float


class LexicalStats:
    """BM25's collection statistics and a postings list per word, kept current as documents
    come and go, so the words of a query also bring candidates the vectors missed."""

    def __init__(self) -> None:
        self.document_frequency: Counter = Counter()
        self.postings: dict[str, set[int]] = {}
        self.documents = 0
        self.total_length = 0

    def add(self, key: int, words: Sequence[str]) -> None:
        for word in set(words):
            self.document_frequency[word] += 1
            self.postings.setdefault(word, set()).add(key)
        self.documents += 1
        self.total_length += len(words)

    def remove(self, key: int, words: Sequence[str]) -> None:
        for word in set(words):
            self.document_frequency[word] -= 1
            self.postings.get(word, set()).discard(key)
        self.documents -= 1
        self.total_length -= len(words)

    def idf(self, word: str) -> float:
        frequency = max(self.document_frequency.get(word, 0), 0)
        return math.log(1 + (self.documents - frequency + 0.5) / (frequency + 0.5))

    def candidates(self, words: Sequence[str], limit: int) -> list[int]:
        """Documents sharing the query's rarest words, most shared idf first (a cheap BM25
        upper bound; the exact score comes after). Words in over 5% of documents bring none."""
        common = max(50, self.documents // 20)
        weight: Counter = Counter()
        for word in set(words):
            keys = self.postings.get(word, ())
            if 0 < len(keys) <= common:
                idf = self.idf(word)
                for key in keys:
                    weight[key] += idf
        return [key for key, _ in weight.most_common(limit)]


def bm25_normalised(
    query_words: Sequence[str],
    document_words: Sequence[str],
    stats: LexicalStats,
    settings: MatchSettings,
) -> float:
    """BM25 divided by the query's BM25 against itself, capped at 1: the same text scores 1
    for every query, so the value means the same across queries (thresholds need that)."""
    if not query_words or not document_words or stats.documents == 0:
        return 0.0
    score = _bm25(query_words, Counter(document_words), len(document_words), stats, settings)
    ceiling = _bm25(query_words, Counter(query_words), len(query_words), stats, settings)
    return min(1.0, score / ceiling) if ceiling else 0.0


def _bm25(query_words, counts: Counter, length: int, stats: LexicalStats, settings) -> float:
    k1, b = settings.bm25_k1, settings.bm25_b
    average = stats.total_length / stats.documents
    length_norm = k1 * (1 - b + b * length / average)
    score = 0.0
    for word in set(query_words):
        tf = counts.get(word, 0)
        score += stats.idf(word) * tf * (k1 + 1) / (tf + length_norm)
    return score


def match_level(score: float, query: str, candidate: str, settings: MatchSettings) -> str | None:
    if score < settings.suggested:
        return None
    if (
        score >= settings.same_claim
        and word_count(query) >= MIN_WORDS_TO_AUTO_LINK
        and word_count(candidate) >= MIN_WORDS_TO_AUTO_LINK
        and numbers_agree(query, candidate)
        and is_negated(query) == is_negated(candidate)
    ):
        return SAME_CLAIM
    return SUGGESTED


@dataclass
class Candidates:
    """What the fusion needs for one query: each candidate's three component scores."""

    keys: list[int]
    claim_cosine: np.ndarray
    title_cosine: np.ndarray
    lexical: np.ndarray

    def subset(self, positions) -> "Candidates":
        return Candidates(
            [self.keys[i] for i in positions],
            self.claim_cosine[positions],
            self.title_cosine[positions],
            self.lexical[positions],
        )

    def fused(self, settings: MatchSettings) -> np.ndarray:
        total = settings.claim_weight + settings.title_weight + settings.lexical_weight
        return (
            settings.claim_weight * self.claim_cosine
            + settings.title_weight * self.title_cosine
            + settings.lexical_weight * self.lexical
        ) / total


def text_vector_id(key: int) -> int:
    return key * 2


def title_vector_id(key: int) -> int:
    return key * 2 + 1


class Matcher:
    """Documents' vectors in a `VectorIndex`; `documents` looks their texts up by key.

    A document's text is stored under vector id 2*key and its title, when it has one, under
    2*key + 1, so a claim and its fact-check's headline are both compared with the query.
    """

    def __init__(
        self,
        *,
        index: VectorIndex,
        documents: Callable[[list[int]], dict[int, Document]],
        embed: Callable[[list[str]], np.ndarray],
        stats: LexicalStats,
        settings: MatchSettings | None = None,
    ) -> None:
        self.index = index
        self.documents = documents
        self.embed = embed
        self.stats = stats
        self.settings = settings or MatchSettings()

    def query_vector(self, query: str) -> np.ndarray:
        return self.embed([embedding_text(query)])[0]

    def candidates(self, query: str, query_vector: np.ndarray, *, exclude=()) -> Candidates:
        wanted = self.settings.candidates + len(exclude)
        ids, _ = self.index.search(query_vector[None, :], wanted)
        query_words = tokens(text_clean(query))
        keys = list(
            dict.fromkeys(
                [int(i) // 2 for i in ids[0] if i >= 0]
                + self.stats.candidates(
                    query_words, self.settings.lexical_candidates + len(exclude)
                )
            )
        )
        found = self.documents([key for key in keys if key not in exclude])
        keys = [key for key in keys if key in found]
        # Both vectors of every candidate, whichever of them the index found.
        texts = self.index.vectors([text_vector_id(key) for key in keys])
        titles = self.index.vectors([title_vector_id(key) for key in keys])
        claim_cosine = np.array(
            [float(v @ query_vector) if v is not None else 0.0 for v in texts], dtype=np.float32
        )
        title_cosine = np.array(
            [
                float(v @ query_vector) if v is not None else claim_cosine[i]
                for i, v in enumerate(titles)
            ],
            dtype=np.float32,
        )
        lexical = np.array(
            [
                bm25_normalised(
                    query_words,
                    tokens(f"{found[key].text} {found[key].title}"),
                    self.stats,
                    self.settings,
                )
                for key in keys
            ],
            dtype=np.float32,
        )
        return Candidates(keys, claim_cosine, title_cosine, lexical)

    def search(self, query: str, *, limit: int = 20, exclude=()) -> list[Match]:
        return self.search_vector(query, self.query_vector(query), limit=limit, exclude=exclude)

    def search_vector(self, query, query_vector, *, limit: int = 20, exclude=()) -> list[Match]:
        found = self.candidates(query, query_vector, exclude=set(exclude))
        return self.ranked(query, found, limit=limit)

    def ranked(self, query: str, found: Candidates, *, limit: int) -> list[Match]:
        scores = found.fused(self.settings)
        order = np.argsort(-scores, kind="stable")[:limit]
        texts = self.documents([found.keys[i] for i in order])
        return [
            Match(
                key=found.keys[i],
                score=round(float(scores[i]), 4),
                level=match_level(
                    float(scores[i]), query, texts[found.keys[i]].text, self.settings
                ),
                cosine=round(float(found.claim_cosine[i]), 4),
                lexical=round(float(found.lexical[i]), 4),
            )
            for i in order
        ]
