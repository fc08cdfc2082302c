"""Packaging a protocol candidate: every choice on the validation part, then one scoring.

In the order fixed in candidate.py's recipe: (1) the weights (epoch 1, epoch 2 or their mean) by
fp32 average precision; (2) the quantisation by int8 average precision; (3) Platt scaling
fitted on the validation part and written into the graph; (4) the threshold maximising F1 there.
Only then are dev, dev-test and the protocol's other parts scored, once.
"""

import json
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from claims.nlp import checkworthiness
from claims.nlp.training.candidate import (
    CANDIDATE_RECORD_FILE,
    candidate_fit_sentences,
    epoch_weights_file,
)
from claims.nlp.training.candidate_card import candidate_card_write
from claims.nlp.training.data import (
    DataFormatError,
    artifact_identity,
    checkworthiness_data_load,
    file_sha256,
)
from claims.nlp.training.export import (
    FP32_ONNX_FILE,
    FP32_WEIGHTS_FILE,
    onnx_calibrate,
    onnx_export,
    onnx_expose_embedding,
    onnx_quantize,
    onnx_quantize_static,
)
from claims.nlp.training.metrics import best_f1_threshold, positive_class_scores
from claims.nlp.training.protocol import average_precision, protocol_evaluate

MAX_ARTIFACT_BYTES = 25_000_000
# Choices closer than this on ~2,300 validation sentences are noise; the simpler option wins.
TIE = 0.002
MAX_SLOWDOWN = 1.25
# Kept fp32 in the mixed variant: the last encoder layer's output projection (384 x 1536), the
# layer right before pooling, where a rounding error has no later layer to wash it out.
LAST_LAYER_OUTPUT = "/classifier/encoder/encoder/layer.5/output/dense/MatMul"
STATIC_CALIBRATION_SENTENCES = 256
VALIDATION_NAME = "protocol validation (where the candidate was chosen)"
THREADS = 2
CANDIDATE_COMMAND = "python manage.py train_checkworthiness --candidate"


def candidate_package(
    *, data_dir: Path, cache_dir: Path, artifact_dir: Path, log: Callable[[str], None] = print
) -> dict:
    record_path = cache_dir / CANDIDATE_RECORD_FILE
    if not record_path.is_file():
        raise DataFormatError(f"{record_path}: no trained candidate; train with --candidate")
    record = json.loads(record_path.read_text())
    fit, validation = candidate_fit_sentences(data_dir)
    texts = [s.text for s in validation]
    labels = [s.label for s in validation]
    backbone = checkworthiness.backbone_dir()
    tokenizer = checkworthiness.tokenizer_load(backbone)

    weights = _weights_choose(cache_dir=cache_dir, texts=texts, labels=labels, log=log)
    fp32_onnx = cache_dir / FP32_ONNX_FILE
    onnx_export(
        backbone_dir=backbone, weights_path=cache_dir / FP32_WEIGHTS_FILE, onnx_path=fp32_onnx
    )
    fp32_scores = _session_scores(fp32_onnx, tokenizer, texts)[0]

    feeds = _calibration_feeds(tokenizer, [s.text for s in fit])
    variants = {
        "dynamic int8, per channel (as shipped before)": lambda path: onnx_quantize(
            fp32_path=fp32_onnx, int8_path=path
        ),
        "dynamic int8, last layer's output projection fp32": lambda path: onnx_quantize(
            fp32_path=fp32_onnx, int8_path=path, nodes_to_exclude=(LAST_LAYER_OUTPUT,)
        ),
        "static int8 (QDQ), ranges from 256 fit sentences": lambda path: onnx_quantize_static(
            fp32_path=fp32_onnx, int8_path=path, feeds=feeds
        ),
    }
    quantisation = {}
    for number, (name, write) in enumerate(variants.items()):
        path = cache_dir / f"variant{number}.onnx"
        write(path)
        scores, seconds = _session_scores(path, tokenizer, texts)
        quantisation[name] = {
            "file": path.name,
            "bytes": path.stat().st_size,
            "seconds": round(seconds, 2),
            "average_precision": round(average_precision(labels, scores), 4),
            "best_f1": round(_best_f1(labels, scores), 4),
            "mean_abs_difference_from_fp32": round(
                float(np.mean(np.abs(np.array(scores) - np.array(fp32_scores)))), 4
            ),
        }
        log(f"quantisation {name}: {quantisation[name]}")
    chosen_variant = _quantisation_choose(quantisation)
    log(f"chosen quantisation: {chosen_variant}")

    model_path = artifact_dir / checkworthiness.MODEL_FILE
    artifact_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(cache_dir / quantisation[chosen_variant]["file"], model_path)
    raw_scores = _session_scores(model_path, tokenizer, texts)[0]
    slope, intercept = platt_fit(raw_scores, labels)
    onnx_calibrate(model_path, slope=slope, intercept=intercept)
    onnx_expose_embedding(model_path)
    scores = _session_scores(model_path, tokenizer, texts)[0]
    threshold = best_f1_threshold(labels=labels, scores=scores)
    calibration = {
        "method": "Platt scaling in the graph: score = sigmoid(slope * logit + intercept)",
        "slope": round(slope, 4),
        "intercept": round(intercept, 4),
        "fitted_on": "protocol validation part of CT24 train",
        "validation_before": calibration_errors(labels, raw_scores),
        "validation_after": calibration_errors(labels, scores),
    }
    log(f"calibration: {calibration}; threshold {threshold:.2f} (validation)")

    # The choices are made; from here on the held-out parts are scored once each.
    session = checkworthiness.session_load(model_path, threads=THREADS)

    def score(batch_texts: list[str]) -> list[float]:
        return checkworthiness.onnx_scores(
            session=session,
            tokenizer=tokenizer,
            texts=batch_texts,
            batch_size=checkworthiness.DEFAULT_BATCH_SIZE,
        )

    protocol = protocol_evaluate(
        data_dir=data_dir, score=score, threshold=threshold, validation_name=VALIDATION_NAME
    )
    data = checkworthiness_data_load(data_dir)
    dev_labels = [s.label for s in data.dev]
    dev_scores = score([s.text for s in data.dev])
    dev_test = protocol["CT24 dev-test"]
    figures = {
        "int8_onnx": {
            "threshold": threshold,
            "dev": positive_class_scores(
                labels=dev_labels, scores=dev_scores, threshold=threshold
            ).as_dict(),
            "dev_test": {key: round(dev_test[key], 4) for key in ("precision", "recall", "f1")}
            | {"support": dev_test["positives"]},
        }
    }
    metadata = {
        **artifact_identity(
            model_path=model_path,
            threshold=threshold,
            architecture="MiniLM-L6 encoder, mean pooling, linear head, Platt-scaled sigmoid; "
            f"{chosen_variant} ONNX",
        ),
        "command": CANDIDATE_COMMAND,
        **record,
        "choices": {
            "weights": weights,
            "quantisation": {"chosen": chosen_variant, "variants": quantisation},
            "threshold": "maximises positive-class F1 on the protocol validation part",
        },
        "calibration": {**calibration, "dev": calibration_errors(dev_labels, dev_scores)},
        "data_files": {name: file_sha256(data_dir / name) for name in data.files},
        "figures": figures,
        "protocol": protocol,
    }
    (artifact_dir / checkworthiness.METADATA_FILE).write_text(
        json.dumps(metadata, indent=2) + "\n", encoding="utf-8"
    )
    candidate_card_write(artifact_dir / "MODEL_CARD.md", metadata=metadata)
    return metadata


def _weights_choose(
    *, cache_dir: Path, texts: list[str], labels: list[int], log: Callable[[str], None]
) -> dict:
    """Epoch 1, epoch 2 or their mean, by fp32 validation AP; copied to FP32_WEIGHTS_FILE.

    A run stopped after epoch 1 (out of time) leaves only that epoch to choose.
    """
    from safetensors.torch import load_file, save_file

    from claims.nlp.training.export import fp32_classifier_load
    from claims.nlp.training.finetune import classifier_scores

    options = {
        f"epoch {n}": epoch_weights_file(n)
        for n in (2, 1)
        if (cache_dir / epoch_weights_file(n)).is_file()
    }
    if not options:
        raise DataFormatError(f"{cache_dir}: no epoch weights; train with --candidate")
    if len(options) == 2:
        first, second = (load_file(cache_dir / epoch_weights_file(n)) for n in (1, 2))
        mean = {
            name: (first[name] + second[name]) / 2
            if first[name].is_floating_point()
            else first[name]
            for name in first
        }
        save_file(mean, cache_dir / "model.mean.fp32.safetensors")
        options["mean of epochs 1 and 2"] = "model.mean.fp32.safetensors"
    backbone = checkworthiness.backbone_dir()
    figures = {}
    for name, file_name in options.items():
        model = fp32_classifier_load(backbone_dir=backbone, weights_path=cache_dir / file_name)
        scores = classifier_scores(model, backbone_dir=backbone, texts=texts)
        figures[name] = {
            "average_precision": round(average_precision(labels, scores), 4),
            "best_f1": round(_best_f1(labels, scores), 4),
        }
        log(f"weights {name}: {figures[name]} (fp32, validation)")
    best = max(figures, key=lambda name: figures[name]["average_precision"])
    last = next(iter(figures))
    chosen = (
        last
        if figures[best]["average_precision"] - figures[last]["average_precision"] <= TIE
        else best
    )
    shutil.copyfile(cache_dir / options[chosen], cache_dir / FP32_WEIGHTS_FILE)
    return {"chosen": chosen, "fp32_validation": figures}


def _quantisation_choose(variants: dict) -> str:
    baseline_name = next(iter(variants))
    baseline = variants[baseline_name]
    slowest = baseline["seconds"] * MAX_SLOWDOWN
    eligible = {
        name: row
        for name, row in variants.items()
        if row["bytes"] <= MAX_ARTIFACT_BYTES and row["seconds"] <= slowest
    }
    best = max(eligible, key=lambda name: eligible[name]["average_precision"])
    if eligible[best]["average_precision"] - baseline["average_precision"] <= TIE:
        return baseline_name
    return best


def _session_scores(path: Path, tokenizer, texts: list[str]) -> tuple[list[float], float]:
    session = checkworthiness.session_load(path, threads=THREADS)
    started = time.perf_counter()
    scores = checkworthiness.onnx_scores(
        session=session,
        tokenizer=tokenizer,
        texts=texts,
        batch_size=checkworthiness.DEFAULT_BATCH_SIZE,
    )
    return scores, time.perf_counter() - started


def _calibration_feeds(tokenizer, texts: list[str]) -> list[dict[str, np.ndarray]]:
    """Batches of 8 from an evenly spaced sample of the fit part, as the worker feeds them."""
    step = max(1, len(texts) // STATIC_CALIBRATION_SENTENCES)
    sample = texts[::step][:STATIC_CALIBRATION_SENTENCES]
    feeds = []
    for start in range(0, len(sample), 8):
        ids = [e.ids for e in tokenizer.encode_batch(sample[start : start + 8])]
        width = max(len(row) for row in ids)
        input_ids = np.zeros((len(ids), width), dtype=np.int64)
        for row, values in enumerate(ids):
            input_ids[row, : len(values)] = values
        feeds.append({"input_ids": input_ids, "attention_mask": (input_ids != 0).astype(np.int64)})
    return feeds


def _best_f1(labels: list[int], scores: list[float]) -> float:
    threshold = best_f1_threshold(labels=labels, scores=scores)
    return positive_class_scores(labels=labels, scores=scores, threshold=threshold).f1


def platt_fit(scores: list[float], labels: list[int]) -> tuple[float, float]:
    """Slope and intercept on the logit that minimise log loss (damped Newton, 2 parameters)."""
    p = np.clip(np.asarray(scores, dtype=np.float64), 1e-7, 1 - 1e-7)
    design = np.stack([np.log(p / (1 - p)), np.ones_like(p)], axis=1)
    y = np.asarray(labels, dtype=np.float64)

    def log_loss(params: np.ndarray) -> float:
        z = design @ params
        return float(np.mean(np.logaddexp(0, z) - y * z))

    params = np.array([1.0, 0.0])
    for _ in range(100):
        predicted = 1 / (1 + np.exp(-(design @ params)))
        gradient = design.T @ (predicted - y)
        hessian = (design * (predicted * (1 - predicted))[:, None]).T @ design
        step = np.linalg.solve(hessian + 1e-9 * np.eye(2), gradient)
        # A full Newton step can overshoot far from the optimum; halve it until the loss falls.
        while log_loss(params - step) > log_loss(params) and np.abs(step).max() > 1e-12:
            step /= 2
        params -= step
        if np.abs(step).max() < 1e-10:
            break
    return float(params[0]), float(params[1])


def calibration_errors(labels: list[int], scores: list[float]) -> dict[str, float]:
    """Brier score, log loss and expected calibration error (10 equal-width bins)."""
    p = np.clip(np.asarray(scores, dtype=np.float64), 1e-7, 1 - 1e-7)
    y = np.asarray(labels, dtype=np.float64)
    bins = np.minimum((p * 10).astype(int), 9)
    ece = sum(
        abs(p[bins == b].mean() - y[bins == b].mean()) * (bins == b).sum() / len(p)
        for b in range(10)
        if (bins == b).any()
    )
    log_loss = -float(np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
    return {
        "brier": round(float(np.mean((p - y) ** 2)), 4),
        "log_loss": round(log_loss, 4),
        "ece": round(float(ece), 4),
    }
