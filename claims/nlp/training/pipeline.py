"""Train -> export -> quantise -> choose threshold -> write the artefact, and evaluate it.

Every figure written to the artefact is measured on the int8 ONNX file that ships, through the
same scoring code the worker uses.
"""

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from claims.nlp import checkworthiness
from claims.nlp.training.data import (
    DataFormatError,
    artifact_identity,
    checkworthiness_data_load,
    file_sha256,
)
from claims.nlp.training.export import (
    FP32_ONNX_FILE,
    FP32_WEIGHTS_FILE,
    fp32_weights_save,
    onnx_export,
    onnx_expose_embedding,
    onnx_quantize,
)
from claims.nlp.training.metrics import (
    PositiveClassScores,
    best_f1_threshold,
    positive_class_scores,
)
from claims.nlp.training.model_card import model_card_write

if TYPE_CHECKING:
    from claims.nlp.training.data import Sentence
    from claims.nlp.training.finetune import TrainingSettings

TRAIN_COMMAND = "python manage.py train_checkworthiness"
SCORING_BATCH_SIZE = checkworthiness.DEFAULT_BATCH_SIZE  # score as the worker does


TRAINING_RECORD_FILE = "training.json"


def checkworthiness_model_train(
    *,
    data_dir: Path,
    artifact_dir: Path,
    cache_dir: Path,
    settings: "TrainingSettings",
    log: Callable[[str], None] = print,
) -> dict:
    """Train on CT24 train, export fp32 to the cache, then package the artefact (see below)."""
    from claims.nlp.training.finetune import classifier_train

    started = time.monotonic()
    data = checkworthiness_data_load(data_dir)
    backbone = checkworthiness.backbone_dir()
    log(f"training on {len(data.train)} sentences ({sum(s.label for s in data.train)} Yes)")
    model = classifier_train(
        backbone_dir=backbone,
        texts=[s.text for s in data.train],
        labels=[s.label for s in data.train],
        settings=settings,
        log=log,
    )
    weights_path = cache_dir / FP32_WEIGHTS_FILE
    fp32_weights_save(model, weights_path)
    onnx_export(
        backbone_dir=backbone, weights_path=weights_path, onnx_path=cache_dir / FP32_ONNX_FILE
    )
    record = {
        "settings": settings.as_dict(),
        "training_seconds": round(time.monotonic() - started),
        "train_sentences": len(data.train),
    }
    (cache_dir / TRAINING_RECORD_FILE).write_text(json.dumps(record, indent=2) + "\n")
    return checkworthiness_artifact_package(
        data_dir=data_dir, artifact_dir=artifact_dir, cache_dir=cache_dir, log=log
    )


def checkworthiness_artifact_package(
    *, data_dir: Path, artifact_dir: Path, cache_dir: Path, log: Callable[[str], None] = print
) -> dict:
    """Quantise the cached fp32 ONNX, choose the threshold on dev, write metadata and card.

    Separate from training so a change to quantisation does not need a new fine-tuning run.
    """
    data = checkworthiness_data_load(data_dir)
    record_path = cache_dir / TRAINING_RECORD_FILE
    if not record_path.is_file():
        raise DataFormatError(f"{record_path}: no trained model in the cache; train first")
    record = json.loads(record_path.read_text())
    fp32_onnx_path = cache_dir / FP32_ONNX_FILE
    model_path = artifact_dir / checkworthiness.MODEL_FILE
    onnx_quantize(fp32_path=fp32_onnx_path, int8_path=model_path)
    onnx_expose_embedding(model_path)
    log(f"wrote {model_path} ({model_path.stat().st_size / 1e6:.1f} MB)")

    tokenizer = checkworthiness.tokenizer_load(checkworthiness.backbone_dir())
    figures = {}
    threshold = 0.5
    for name, path in (("fp32_onnx", fp32_onnx_path), ("int8_onnx", model_path)):
        session = checkworthiness.session_load(path, threads=record["settings"]["threads"])
        dev_scores = checkworthiness.onnx_scores(
            session=session,
            tokenizer=tokenizer,
            texts=[s.text for s in data.dev],
            batch_size=SCORING_BATCH_SIZE,
        )
        dev_test_scores = checkworthiness.onnx_scores(
            session=session,
            tokenizer=tokenizer,
            texts=[s.text for s in data.dev_test],
            batch_size=SCORING_BATCH_SIZE,
        )
        # Threshold from dev only; dev-test is reported, never tuned on.
        model_threshold = best_f1_threshold(labels=[s.label for s in data.dev], scores=dev_scores)
        figures[name] = {
            "threshold": model_threshold,
            "dev": _scores(data.dev, dev_scores, model_threshold).as_dict(),
            "dev_test": _scores(data.dev_test, dev_test_scores, model_threshold).as_dict(),
        }
        if name == "int8_onnx":
            threshold = model_threshold
        log(f"{name}: {figures[name]}")

    metadata = {
        **artifact_identity(
            model_path=model_path,
            threshold=threshold,
            architecture="MiniLM-L6 encoder, mean pooling, linear head, sigmoid; dynamic int8 ONNX",
        ),
        "command": TRAIN_COMMAND,
        **record,
        "data_files": {name: file_sha256(data_dir / name) for name in data.files},
        "figures": figures,
    }
    artifact_dir.mkdir(parents=True, exist_ok=True)
    (artifact_dir / checkworthiness.METADATA_FILE).write_text(
        json.dumps(metadata, indent=2) + "\n", encoding="utf-8"
    )
    model_card_write(artifact_dir / "MODEL_CARD.md", metadata=metadata)
    return metadata


@dataclass(frozen=True)
class Evaluation:
    version: str
    threshold: float
    dev_test: PositiveClassScores
    dev: PositiveClassScores


def checkworthiness_model_evaluate(*, data_dir: Path) -> Evaluation:
    """P/R/F1 of the shipped artefact at its stored threshold, through `score_sentences`."""
    data = checkworthiness_data_load(data_dir)
    info = checkworthiness.model_info()
    results = {}
    for name, sentences in (("dev_test", data.dev_test), ("dev", data.dev)):
        scores = checkworthiness.score_sentences(
            [s.text for s in sentences], batch_size=SCORING_BATCH_SIZE
        )
        results[name] = _scores(sentences, scores, info.threshold)
    return Evaluation(
        version=info.version,
        threshold=info.threshold,
        dev_test=results["dev_test"],
        dev=results["dev"],
    )


def _scores(
    sentences: "list[Sentence]", scores: list[float], threshold: float
) -> PositiveClassScores:
    return positive_class_scores(
        labels=[s.label for s in sentences], scores=scores, threshold=threshold
    )
