"""Vector search over N claim vectors: query latency (with the query's embedding) and recall@10.

    .venv/bin/python bench/claim_matching.py --claims 1000000
    .venv/bin/python bench/claim_matching.py --claims 100000 --nprobe 16 --queries 500

Realistic vectors: about 32,000 real sentences (CheckThat! 2020 verified claims and titles,
LIAR train and valid statements; read from $SHARED_DATA_DIR, default ../shared/data) are
embedded with the shipped model, and the rest of the N are derived from them: a real vector
mixed with a little of another real vector and a little noise, so each synthetic claim sits
where a rewording or a close variant of a real claim would (the bench prints the spread of
their cosines to their sources). Queries are other real sentences (LIAR test, CheckThat! 2020
dev tweets) that are not among the sources, each embedded on its own as a web request would.
The index is claims.matching.index.VectorIndex, built exactly as `rebuild_match_index` builds
it (IVF from MATCHING_IVF_MIN vectors); recall@10 is against exact search (faiss IndexFlatIP)
over the same vectors. Embeddings of the real sentences are cached under var/bench-cache/.
"""

import argparse
import csv
import os
import platform
import resource
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from articles.textfile import tsv_records  # noqa: E402
from claims.matching import embedding  # noqa: E402
from claims.matching.index import DEFAULT_IVF_MIN, DEFAULT_NPROBE, VectorIndex  # noqa: E402


def data_dir() -> Path:
    return Path(os.environ.get("SHARED_DATA_DIR", REPO.parent / "shared" / "data"))


def checkthat_column(path: Path, column: int) -> list[str]:
    """The non-empty values of one column of a CheckThat! TSV (its header skipped), read as
    every TSV of the project is (articles.textfile)."""
    records = tsv_records(path)
    next(records, None)
    return _non_empty((record.values for record in records), column)


def liar_column(path: Path, column: int) -> list[str]:
    """The non-empty values of one column of a LIAR TSV, read by csv directly: LIAR writes its
    quotes unescaped, so the project's reader refuses train.tsv (line 1,281 opens a quote that
    closes, text after it, on line 1,293) and test.tsv (line 704). The benchmark's sentences,
    and so its figures, are csv's reading, which takes such lines in as one field."""
    with path.open(encoding="utf-8", newline="") as handle:
        return _non_empty(csv.reader(handle, delimiter="\t"), column)


def _non_empty(rows, column: int) -> list[str]:
    return [row[column] for row in rows if len(row) > column and row[column].strip()]


def source_sentences() -> list[str]:
    base = data_dir()
    texts = checkthat_column(base / "checkthat2020-task2-en/verified_claims.docs.tsv", 1)
    texts += checkthat_column(base / "checkthat2020-task2-en/verified_claims.docs.tsv", 2)
    texts += liar_column(base / "liar/train.tsv", 2)
    texts += liar_column(base / "liar/valid.tsv", 2)
    return list(dict.fromkeys(texts))


def query_sentences(exclude: set[str], count: int) -> list[str]:
    base = data_dir()
    texts = liar_column(base / "liar/test.tsv", 2)
    texts += checkthat_column(base / "checkthat2020-task2-en/dev.tweets.queries.tsv", 1)
    texts = [text for text in dict.fromkeys(texts) if text not in exclude]
    return texts[:count]


def embedded(texts: list[str]) -> np.ndarray:
    cache = REPO / "var" / "bench-cache" / f"{embedding.model_info().version}-{len(texts)}.npy"
    if cache.is_file():
        return np.load(cache)
    started = time.perf_counter()
    vectors = embedding.embed_texts(texts, batch_size=32)
    print(f"embedded {len(texts)} real sentences in {time.perf_counter() - started:.0f} s")
    cache.parent.mkdir(parents=True, exist_ok=True)
    np.save(cache, vectors)
    return vectors


def derived(real: np.ndarray, n: int, *, seed: int = 7) -> tuple[np.ndarray, np.ndarray]:
    """The real vectors, then n - len(real) variants of them, unit length; and each variant's
    cosine to the real vector it came from."""
    rng = np.random.default_rng(seed)
    cosines = []
    if n <= len(real):
        return real[rng.choice(len(real), size=n, replace=False)].copy(), np.ones(1)
    out = np.empty((n, real.shape[1]), dtype=np.float32)
    out[: len(real)] = real
    chunk = 100_000
    for start in range(len(real), n, chunk):
        size = min(chunk, n - start)
        source = real[rng.integers(0, len(real), size)]
        other = real[rng.integers(0, len(real), size)]
        mix = rng.uniform(0.0, 0.3, (size, 1)).astype(np.float32)
        noise = rng.normal(0, 1, source.shape).astype(np.float32)
        noise *= rng.uniform(0.005, 0.025, (size, 1)).astype(np.float32)
        block = source + mix * other + noise
        block /= np.linalg.norm(block, axis=1, keepdims=True)
        out[start : start + size] = block
        cosines.append((block * source).sum(1))
    return out, np.concatenate(cosines)


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--claims", type=int, required=True, help="how many vectors to index")
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--nprobe", type=int, default=DEFAULT_NPROBE)
    parser.add_argument("--ivf-min", type=int, default=DEFAULT_IVF_MIN)
    args = parser.parse_args()
    if args.claims < 10 or args.queries < 1:
        parser.error("--claims must be at least 10 and --queries at least 1")

    print(
        f"cpu: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
        f"python {platform.python_version()}"
    )
    sources = source_sentences()
    real = embedded(sources)
    queries = query_sentences(set(sources), args.queries)
    vectors, cosines = derived(real, args.claims)
    low, mid, high = np.percentile(cosines, [5, 50, 95])
    print(
        f"derived vectors' cosine to their real source: p5 {low:.3f}, median {mid:.3f}, "
        f"p95 {high:.3f}"
    )
    ids = np.arange(len(vectors), dtype=np.int64)
    print(f"{len(real)} real sentence vectors, {len(vectors)} claims, {len(queries)} queries")
    before = rss_mb()
    started = time.perf_counter()
    index = VectorIndex.build(ids, vectors, ivf_min=args.ivf_min, nprobe=args.nprobe)
    build_s = time.perf_counter() - started
    kind = f"IVF nprobe={args.nprobe}" if index.is_approximate else "exact"
    print(
        f"index: {kind}, built in {build_s:.1f} s, peak RSS {rss_mb():.0f} MB "
        f"({rss_mb() - before:.0f} MB above the vectors; float32 vectors "
        f"{vectors.nbytes / 2**20:.0f} MB)"
    )

    embedding.embed_texts(queries[:2])  # load the model before timing
    latencies, found = [], []
    for text in queries:
        started = time.perf_counter()
        query = embedding.embed_texts([text])
        hit_ids, _ = index.search(query, 10)
        latencies.append((time.perf_counter() - started) * 1000)
        found.append((query[0], hit_ids[0]))

    import faiss

    exact = faiss.IndexFlatIP(vectors.shape[1])
    exact.add(vectors)
    query_matrix = np.stack([query for query, _ in found])
    _, truth = exact.search(query_matrix, 10)
    recall = float(
        np.mean([len(set(t) & set(h)) / 10 for t, (_, h) in zip(truth, found, strict=True)])
    )
    p50, p95 = np.percentile(latencies, [50, 95])
    search_only = []
    for query, _ in found[:200]:
        started = time.perf_counter()
        index.search(query[None, :], 10)
        search_only.append((time.perf_counter() - started) * 1000)
    print(
        f"search alone (no embedding): p50 {np.percentile(search_only, 50):.2f} ms, "
        f"p95 {np.percentile(search_only, 95):.2f} ms; peak RSS {rss_mb():.0f} MB"
    )
    print(
        f"rerun: .venv/bin/python bench/claim_matching.py --claims {args.claims} "
        f"--queries {args.queries} --nprobe {args.nprobe}"
    )
    print(f"claims={args.claims} p50_ms={p50:.1f} p95_ms={p95:.1f} recall_at_10={recall:.3f}")


if __name__ == "__main__":
    main()
