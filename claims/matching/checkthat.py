"""CheckThat! 2020 Task 2 (tweets against verified claims) as data and as a measure: reading
its files, its train and dev query splits, the seeded train-A/train-B split of train that the
recipe comparisons use, and MAP@5 over the top-5 rankings of exact cosines or of the matcher's
fused candidates. Fits nothing. No Django here (articles.textfile reads the TSV files)."""

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from articles.textfile import TsvFormatError, tsv_read, tsv_records

from .retrieval import Candidates, Document, MatchSettings

VCLAIMS_FILE = "verified_claims.docs.tsv"
SPLITS = ("train", "dev")
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


def fused_ranking(found: Candidates, settings: MatchSettings) -> list[int]:
    scores = found.fused(settings)
    return [found.keys[i] for i in np.argsort(-scores, kind="stable")[:5]]
