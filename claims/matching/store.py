"""The Django side of matching: embeddings in PostgreSQL, and each process's live matchers.

PostgreSQL holds every vector (ClaimEmbedding). Each web or worker process keeps two matchers
in memory, built on first use from the snapshot `rebuild_match_index` writes (when there is
one) plus the rows changed since:
- CLAIMS: every claim with a vector, for "seen before" and grouping (desk only);
- CHECKED: claims with a published verdict, for the public "has this been checked?" search.
Before a search a matcher reads the rows changed since it last looked (at most every
MATCHING_SYNC_SECONDS, one indexed query), so a claim the worker embeds is found by every
process within seconds. A third matcher, EXTERNAL, holds other fact-checkers' imported
ClaimReview (ExternalFactCheckEmbedding) under keys of their own source (`SOURCES`); it is a
corpus apart so they never reach CHECKED, the API or public pages as the desk's verdicts.
"""

import functools
import hashlib
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from articles.models import ExternalFactCheck

from ..models import (
    Claim,
    ClaimEmbedding,
    ExternalFactCheckEmbedding,
    published_verdict_q,
)
from . import embedding
from .index import VectorIndex
from .retrieval import (
    Document,
    LexicalStats,
    Match,
    Matcher,
    MatchSettings,
    text_vector_id,
)
from .text import embedding_text, tokens

SOURCES = 4
SOURCE_CLAIM = 0
SOURCE_EXTERNAL = 1
CLAIMS = "claims"
CHECKED = "checked"
EXTERNAL = "external"
# Rows committed a little after their timestamp (a transaction that ran long) are read again.
SYNC_MARGIN = timedelta(seconds=60)
EMBED_BATCH = 64


def claim_key(claim_id: int) -> int:
    return claim_id * SOURCES + SOURCE_CLAIM


def key_claim_id(key: int) -> int | None:
    return key // SOURCES if key % SOURCES == SOURCE_CLAIM else None


def external_key(factcheck_id: int) -> int:
    return factcheck_id * SOURCES + SOURCE_EXTERNAL


def key_external_id(key: int) -> int | None:
    return key // SOURCES if key % SOURCES == SOURCE_EXTERNAL else None


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def claim_embeddings_compute(
    *, claim_ids: list[int], then: Callable[[list[int]], None] | None = None
) -> int:
    """Embed the claims whose vector is missing or stale, in batches; returns how many.
    `then(batch_ids)` runs inside each batch's transaction, so what it writes (the linking)
    commits with the vectors or not at all.

    Runs in the worker (never in a web request). Idempotent: an up-to-date row is left alone.
    """
    texts = Claim.objects.filter(pk__in=claim_ids).order_by("id").values_list("id", "text")
    return _embeddings_store(model=ClaimEmbedding, owner="claim", texts=list(texts), then=then)


def external_embeddings_compute(*, factcheck_ids: list[int]) -> int:
    """The same for imported fact-checks (their claimReviewed), in the worker or a command."""
    texts = (
        ExternalFactCheck.objects.filter(pk__in=factcheck_ids)
        .order_by("id")
        .values_list("id", "claim_reviewed")
    )
    return _embeddings_store(model=ExternalFactCheckEmbedding, owner="factcheck", texts=list(texts))


def _embeddings_store(*, model, owner: str, texts: list[tuple[int, str]], then=None) -> int:
    version = embedding.model_info().version
    current = dict(
        model.objects.filter(
            **{f"{owner}_id__in": [pk for pk, _ in texts]}, model_version=version
        ).values_list(f"{owner}_id", "text_sha256")
    )
    stale = [(pk, text) for pk, text in texts if current.get(pk) != text_sha256(text)]
    for start in range(0, len(stale), EMBED_BATCH):
        batch = stale[start : start + EMBED_BATCH]
        vectors = embedding.embed_texts([embedding_text(text) for _, text in batch])
        rows = [
            model(
                **{f"{owner}_id": pk},
                vector=embedding.vector_to_bytes(vector),
                model_version=version,
                text_sha256=text_sha256(text),
            )
            for (pk, text), vector in zip(batch, vectors, strict=True)
        ]
        with transaction.atomic():
            model.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=[owner],
                update_fields=["vector", "model_version", "text_sha256", "updated_at"],
            )
            if then is not None:
                then([pk for pk, _ in batch])
    return len(stale)


def _rows(corpus: str, since: datetime | None, *, vectors: bool = True):
    """(key, text, vector) of the corpus's current vectors, or (key, text) without vectors."""
    version = embedding.model_info().version
    if corpus == EXTERNAL:
        rows = ExternalFactCheckEmbedding.objects.filter(model_version=version)
        fields, key = ("factcheck_id", "factcheck__claim_reviewed"), external_key
        if since is not None:
            rows = rows.filter(updated_at__gte=since)
    else:
        rows = ClaimEmbedding.objects.filter(model_version=version)
        fields, key = ("claim_id", "claim__text"), claim_key
        if corpus == CHECKED:
            rows = rows.filter(published_verdict_q("claim__verdict__"))
        if since is not None:
            changed = Q(updated_at__gte=since)
            if corpus == CHECKED:
                changed |= Q(claim__verdict__updated_at__gte=since)
            rows = rows.filter(changed)
    for row in rows.values_list(*fields, *(("vector",) if vectors else ())).iterator(
        chunk_size=2000
    ):
        yield (key(row[0]), *row[1:])


@dataclass
class LiveCorpus:
    name: str
    index: VectorIndex
    stats: LexicalStats
    documents: dict[int, Document]
    synced_until: datetime | None = None
    checked_at: float = 0.0

    def upsert(self, rows) -> None:
        ids, vectors = [], []
        for key, text, vector in rows:
            previous = self.documents.get(key)
            if previous is not None:
                self.stats.remove(key, tokens(previous.text))
            self.documents[key] = Document(key=key, text=text)
            self.stats.add(key, tokens(text))
            ids.append(text_vector_id(key))
            vectors.append(embedding.vector_from_bytes(vector))
        if ids:
            self.index.add(np.array(ids, dtype=np.int64), np.stack(vectors))

    def forget(self, keys) -> None:
        """Drop keys whose rows are gone (a deleted claim). The catch-up only reads rows that
        exist, so a process learns of a removal when a search meets one."""
        with _lock:
            gone = [key for key in keys if key in self.documents]
            for key in gone:
                self.stats.remove(key, tokens(self.documents.pop(key).text))
            self.index.remove(np.array([text_vector_id(key) for key in gone], dtype=np.int64))

    def sync(self, *, force: bool = False) -> None:
        if not force and time.monotonic() - self.checked_at < settings.MATCHING_SYNC_SECONDS:
            return
        started = timezone.now()
        since = self.synced_until - SYNC_MARGIN if self.synced_until else None
        self.upsert(_rows(self.name, since))
        self.synced_until, self.checked_at = started, time.monotonic()

    def matcher(self, settings_override: MatchSettings | None = None) -> Matcher:
        return Matcher(
            index=self.index,
            documents=lambda keys: {k: self.documents[k] for k in keys if k in self.documents},
            embed=embedding.embed_texts,
            stats=self.stats,
            settings=settings_override or match_settings(),
        )


@functools.cache
def match_settings() -> MatchSettings:
    """The fitted weights and thresholds, written by `evaluate_matching` into the model folder."""
    path = embedding.MODEL_DIR / "match_settings.json"
    if not path.is_file():
        return MatchSettings()
    return MatchSettings(**json.loads(path.read_text(encoding="utf-8")))


_corpora: dict[str, LiveCorpus] = {}
_lock = threading.Lock()


def snapshot_path(corpus: str) -> Path:
    return Path(settings.MATCHING_INDEX_DIR) / f"{corpus}.faiss"


def live_corpus(corpus: str) -> LiveCorpus:
    """This process's corpus, brought up to date (at most every MATCHING_SYNC_SECONDS)."""
    with _lock:
        live = _corpora.get(corpus)
        if live is None:
            live = _corpus_load(corpus)
            _corpora[corpus] = live
        live.sync()
        return live


def _corpus_load(corpus: str) -> LiveCorpus:
    path = snapshot_path(corpus)
    live = LiveCorpus(corpus, VectorIndex(embedding.DIMENSIONS), LexicalStats(), {})
    if path.is_file():
        marker = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        if marker.get("model_version") == embedding.model_info().version:
            live.index = VectorIndex.load(path)
            live.index.set_nprobe(settings.MATCHING_NPROBE)
            # Texts for BM25 come from the database; the vectors already sit in the snapshot.
            for key, text in _rows(corpus, None, vectors=False):
                live.documents[key] = Document(key=key, text=text)
                live.stats.add(key, tokens(text))
            live.synced_until = datetime.fromisoformat(marker["synced_until"])
    return live


def corpus_rebuild(corpus: str) -> int:
    """Write a fresh snapshot of `corpus` from PostgreSQL; returns how many vectors it holds."""
    started = timezone.now()
    ids, vectors = [], []
    for key, _, vector in _rows(corpus, None):
        ids.append(text_vector_id(key))
        vectors.append(embedding.vector_from_bytes(vector))
    matrix = np.stack(vectors) if vectors else np.zeros((0, embedding.DIMENSIONS), np.float32)
    index = VectorIndex.build(
        np.array(ids, dtype=np.int64), matrix, ivf_min=settings.MATCHING_IVF_MIN
    )
    path = snapshot_path(corpus)
    index.save(path)
    marker = {"synced_until": started.isoformat(), "model_version": embedding.model_info().version}
    path.with_suffix(".json").write_text(json.dumps(marker), encoding="utf-8")
    return len(index)


def corpora_forget() -> None:
    """Drop this process's matchers (tests; a process that must reload a new snapshot)."""
    with _lock:
        _corpora.clear()


def checked_search(query: str, *, limit: int) -> list[tuple[int, Match]]:
    """(claim id, match) of published fact-checks for a query: the API's "has this been
    checked?". One query embedding; the vectors it compares with were stored by the worker."""
    matcher = live_corpus(CHECKED).matcher()
    found = []
    for match in matcher.search(query, limit=limit):
        claim_id = key_claim_id(match.key)
        if claim_id is not None:
            found.append((claim_id, match))
    return found


def external_matches(vector: np.ndarray, text: str, *, limit: int) -> list[tuple[int, Match]]:
    """(external fact-check id, match) for a claim's stored vector, at "suggested" or above:
    the desk's "checked by other fact-checkers". No embedding is computed here."""
    matcher = live_corpus(EXTERNAL).matcher()
    found = []
    for match in matcher.search_vector(text, vector, limit=limit):
        factcheck_id = key_external_id(match.key)
        if factcheck_id is not None and match.level is not None:
            found.append((factcheck_id, match))
    return found
