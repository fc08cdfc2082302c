"""Sentence embeddings from all-MiniLM-L6-v2, exported to ONNX, run by onnxruntime.

The graph ends in mean pooling and L2 normalisation, so its output is the sentence vector
sentence-transformers gives. Runtime needs onnxruntime, tokenizers and numpy only (no PyTorch,
no Django); the model and the tokenizer load lazily, once per process, on the first call.
"""

import functools
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from claims.nlp.checkworthiness import backbone_dir, session_load, tokenizer_load
from claims.nlp.env import env_positive_int
from claims.nlp.onnx_batches import onnx_outputs

MODEL_DIR = Path(__file__).resolve().parent / "artifacts" / "minilm"
MODEL_FILE = "model.onnx"
METADATA_FILE = "metadata.json"
# The fp32 export (90 MB, over the 25 MB the repository allows) kept under var/ for the evaluation.
FP32_LOCAL_NAME = "matching-minilm-fp32.onnx"
DIMENSIONS = 384
OUTPUT = "embedding"
THREADS_ENV = "MATCHING_THREADS"
# Length-sorted batches of 16 pad little and keep onnxruntime's matrices big enough to pay.
DEFAULT_BATCH_SIZE = 16
# all-MiniLM-L6-v2 was trained on up to 256 word pieces (sentence-transformers' max_seq_length).
MAX_TOKENS = 256


def model_dir_use(path: Path) -> None:
    """Serve the model in `path` instead of the shipped one, for this process (a candidate
    measured by `evaluate_matching --model-dir` before it ships); refused unless it holds a
    model and its metadata."""
    missing = [name for name in (MODEL_FILE, METADATA_FILE) if not (path / name).is_file()]
    if missing:
        raise FileNotFoundError(
            f"{path} holds no matching model ({', '.join(missing)} missing); "
            "build_matching_model writes one to var/matching-candidate/"
        )
    global MODEL_DIR
    MODEL_DIR = path
    model_info.cache_clear()
    _session.cache_clear()


@dataclass(frozen=True)
class EmbeddingModelInfo:
    version: str
    sha256: str


@functools.cache
def model_info() -> EmbeddingModelInfo:
    metadata = json.loads((MODEL_DIR / METADATA_FILE).read_text(encoding="utf-8"))
    return EmbeddingModelInfo(version=metadata["version"], sha256=metadata["sha256"])


def embed_texts(texts: list[str], *, batch_size: int = DEFAULT_BATCH_SIZE) -> np.ndarray:
    """Unit-length float32 vectors, one row per text, in input order."""
    return onnx_embed(
        session=_session(), tokenizer=_tokenizer(), texts=texts, batch_size=batch_size
    )


def onnx_embed(*, session, tokenizer, texts: list[str], batch_size: int) -> np.ndarray:
    """Shared with the export and the evaluation, so their figures come from this code path."""
    (rows,) = onnx_outputs(
        session=session, tokenizer=tokenizer, texts=texts, batch_size=batch_size, outputs=(OUTPUT,)
    )
    vectors = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
    if rows:
        vectors[:] = np.stack(rows)
    return vectors


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def vector_to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def vector_from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype="<f4")


@functools.cache
def _session():
    return session_load(MODEL_DIR / MODEL_FILE, threads=env_positive_int(THREADS_ENV, None))


def matching_tokenizer():
    tokenizer = tokenizer_load(backbone_dir())
    tokenizer.enable_truncation(max_length=MAX_TOKENS)
    return tokenizer


@functools.cache
def _tokenizer():
    return matching_tokenizer()
