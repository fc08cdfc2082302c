"""An in-memory matcher over documents from files: `match_claims` and the evaluation use it.

It builds the same `Matcher` (same index class, same scoring) that the app builds from
PostgreSQL, only its documents come from a list instead of the database.
"""

import hashlib
from collections.abc import Callable
from pathlib import Path

import numpy as np

from .index import VectorIndex
from .retrieval import (
    Document,
    LexicalStats,
    Matcher,
    MatchSettings,
    text_vector_id,
    title_vector_id,
)
from .text import embedding_text, tokens


def embed_cached(
    texts: list[str], *, embed: Callable[[list[str]], np.ndarray], cache_dir: Path | None, tag: str
) -> np.ndarray:
    """Embeddings of `texts`, kept under `cache_dir` keyed by the model tag and the texts."""
    if cache_dir is None:
        return embed(texts)
    digest = hashlib.sha256("\x00".join([tag, *texts]).encode()).hexdigest()[:16]
    path = cache_dir / f"{tag}-{digest}.npy"
    if path.is_file():
        return np.load(path)
    vectors = embed(texts)
    cache_dir.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return vectors


def corpus_matcher(
    documents: list[Document],
    *,
    embed: Callable[[list[str]], np.ndarray],
    settings: MatchSettings | None = None,
    cache_dir: Path | None = None,
    tag: str = "",
) -> Matcher:
    by_key = {document.key: document for document in documents}
    if len(by_key) != len(documents):
        raise ValueError("document keys must be unique")
    titled = [document for document in documents if document.title.strip()]
    texts = [embedding_text(document.text) for document in documents]
    texts += [embedding_text(document.title) for document in titled]
    vectors = embed_cached(texts, embed=embed, cache_dir=cache_dir, tag=tag)
    ids = [text_vector_id(document.key) for document in documents]
    ids += [title_vector_id(document.key) for document in titled]
    index = VectorIndex.build(np.array(ids, dtype=np.int64), vectors)
    stats = LexicalStats()
    for document in documents:
        stats.add(document.key, tokens(f"{document.text} {document.title}"))
    return Matcher(
        index=index,
        documents=lambda keys: {key: by_key[key] for key in keys if key in by_key},
        embed=embed,
        stats=stats,
        settings=settings,
    )
