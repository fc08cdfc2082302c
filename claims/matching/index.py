"""The vector index: faiss, inner product over unit vectors (= cosine), with int64 ids.

Small collections use exact search (`IndexFlatIP`); from `ivf_min` vectors a rebuild makes an
inverted-file index (`IndexIVFFlat`), which scans only the `nprobe` nearest of its lists. Both
accept additions and removals by id, so the worker and each web process keep theirs current
without a rebuild. The index is derived data: PostgreSQL holds the vectors.
"""

import logging
import math
from pathlib import Path

import numpy as np

DEFAULT_NPROBE = 64
# Below this, exact search over every vector is fast enough (~100k vectors scan in a few ms)
# and an IVF's lists would be too small to train.
DEFAULT_IVF_MIN = 100_000


def _faiss():
    # faiss logs each SIMD variant it tries at INFO on import; the commands' output stays clean.
    logging.getLogger("faiss.loader").setLevel(logging.WARNING)
    import faiss

    return faiss


class VectorIndex:
    def __init__(self, dimensions: int, *, index=None) -> None:
        faiss = _faiss()
        self.dimensions = dimensions
        self._index = (
            index if index is not None else faiss.IndexIDMap2(faiss.IndexFlatIP(dimensions))
        )

    @classmethod
    def build(
        cls,
        ids: np.ndarray,
        vectors: np.ndarray,
        *,
        ivf_min: int = DEFAULT_IVF_MIN,
        nprobe: int = DEFAULT_NPROBE,
        seed: int = 0,
    ) -> "VectorIndex":
        """An index over `vectors`; inverted lists (about 4 sqrt(n) of them) from `ivf_min` on."""
        faiss = _faiss()
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        dimensions = vectors.shape[1]
        if len(vectors) < ivf_min:
            index = cls(dimensions)
        else:
            lists = int(4 * math.sqrt(len(vectors)))
            quantizer = faiss.IndexFlatIP(dimensions)
            ivf = faiss.IndexIVFFlat(quantizer, dimensions, lists, faiss.METRIC_INNER_PRODUCT)
            sample = np.random.default_rng(seed).choice(
                len(vectors), size=min(len(vectors), lists * 40), replace=False
            )
            ivf.train(vectors[np.sort(sample)])
            ivf.nprobe = nprobe
            ivf.set_direct_map_type(faiss.DirectMap.Hashtable)
            index = cls(dimensions, index=ivf)
        index.add(ids, vectors)
        return index

    def __len__(self) -> int:
        return int(self._index.ntotal)

    @property
    def is_approximate(self) -> bool:
        return not isinstance(self._index, _faiss().IndexIDMap2)

    def set_nprobe(self, nprobe: int) -> None:
        if self.is_approximate:
            self._index.nprobe = nprobe

    def add(self, ids, vectors) -> None:
        """Insert or replace: an id already present gets the new vector."""
        ids = np.ascontiguousarray(ids, dtype=np.int64)
        if len(ids) == 0:
            return
        self.remove(ids)
        self._index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), ids)

    def remove(self, ids) -> None:
        ids = np.ascontiguousarray(ids, dtype=np.int64)
        if len(ids):
            self._index.remove_ids(ids)

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(ids, similarities), each of shape (queries, k); id -1 where fewer than k exist."""
        if len(self) == 0:
            return np.full((len(queries), k), -1, dtype=np.int64), np.zeros((len(queries), k))
        faiss = _faiss()
        threads = faiss.omp_get_max_threads()
        if len(queries) == 1:
            # One query gains nothing from OpenMP's threads and, on a busy machine, loses
            # milliseconds waking them (8 ms against under 1 ms for 2,000 vectors here).
            faiss.omp_set_num_threads(1)
        try:
            similarities, ids = self._index.search(np.ascontiguousarray(queries, np.float32), k)
        finally:
            faiss.omp_set_num_threads(threads)
        return ids, similarities

    def vectors(self, ids) -> list[np.ndarray | None]:
        found = []
        for vector_id in ids:
            try:
                found.append(self._index.reconstruct(int(vector_id)))
            except RuntimeError:
                found.append(None)
        return found

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        _faiss().write_index(self._index, str(partial))
        partial.replace(path)  # readers never see half a file

    @classmethod
    def load(cls, path: Path) -> "VectorIndex":
        index = _faiss().read_index(str(path))
        return cls(index.d, index=index)
