"""Sentences per second of the check-worthiness runtime next to plain PyTorch inference.

Compares, in one run on this machine:
- shipped: `claims.nlp.checkworthiness.score_and_embed_sentences`, what an analysis runs: int8
  ONNX by onnxruntime, length-sorted batches of 8, one `session.run` per batch giving both the
  score and the sentence vector the stance model reads;
- plain: the same fine-tuned model in fp32 PyTorch (transformers AutoModel + the same head),
  padded batches of 32 in input order, loaded from the fp32 weights that
  `manage.py train_checkworthiness` leaves in var/checkworthiness/. Without those weights it
  falls back to the base MiniLM with a random head of the same shape, and says so.

Run: .venv/bin/python bench/checkworthiness_speed.py  (no Django, no network)
"""

import argparse
import json
import os
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ["HF_HUB_OFFLINE"] = "1"
PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))

from claims.nlp import checkworthiness  # noqa: E402
from claims.nlp.training.data import CT24_DEV, CT24_DEV_TEST, checkthat_tsv_read  # noqa: E402

RERUN = ".venv/bin/python bench/checkworthiness_speed.py"
FP32_WEIGHTS = PROJECT_ROOT / "var" / "checkworthiness" / "model.fp32.safetensors"
PLAIN_BATCH_SIZE = 32


def article_sentences() -> tuple[str, list[str]]:
    """Sentences of the seed article: its lines, split further after . ! or ? and a space."""
    seeds = sorted((PROJECT_ROOT / "seeds").glob("*.txt"))
    path = (
        seeds[0] if seeds else PROJECT_ROOT.parent / "shared" / "seeds" / "000_ab3642ed052a6c28.txt"
    )
    sentences = []
    for line in path.read_text(encoding="utf-8").splitlines():
        sentences += [part for part in re.split(r"(?<=[.!?])\s+", line.strip()) if part]
    return path.name, sentences


def checkthat_sentences(data_dir: Path, *, count: int) -> list[str]:
    texts = []
    for name in (CT24_DEV, CT24_DEV_TEST):
        texts += [sentence.text for sentence in checkthat_tsv_read(data_dir / name)]
    return texts[:count]


def plain_pytorch_scorer() -> tuple[str, Callable[[list[str]], list[float]]]:
    import torch
    from transformers import AutoTokenizer

    from claims.nlp.training.export import fp32_classifier_load
    from claims.nlp.training.finetune import classifier_build

    backbone = checkworthiness.backbone_dir()
    if FP32_WEIGHTS.is_file():
        model = fp32_classifier_load(backbone_dir=backbone, weights_path=FP32_WEIGHTS)
        description = (
            f"the same fine-tuned model, fp32 weights from {FP32_WEIGHTS.relative_to(PROJECT_ROOT)}"
        )
    else:
        torch.manual_seed(0)
        model = classifier_build(backbone).eval()
        description = (
            f"{FP32_WEIGHTS.relative_to(PROJECT_ROOT)} missing (run manage.py "
            "train_checkworthiness): base MiniLM + random head of the same shape, so only the "
            "speeds are comparable, not the scores"
        )
    tokenizer = AutoTokenizer.from_pretrained(str(backbone), local_files_only=True)
    # A model calibrated in its graph (metadata "calibration") gets the same Platt scaling here,
    # so both sides give comparable scores; the extra multiply-add costs nothing measurable.
    calibration = shipped_metadata().get("calibration", {})
    slope, intercept = calibration.get("slope", 1.0), calibration.get("intercept", 0.0)

    def score(texts: list[str]) -> list[float]:
        scores = []
        with torch.inference_mode():
            for start in range(0, len(texts), PLAIN_BATCH_SIZE):
                batch = tokenizer(
                    texts[start : start + PLAIN_BATCH_SIZE],
                    padding=True,
                    truncation=True,
                    max_length=checkworthiness.MAX_LENGTH,
                    return_tensors="pt",
                )
                logits = model(batch["input_ids"], batch["attention_mask"])
                scores += torch.sigmoid(logits * slope + intercept).tolist()
        return scores

    return description, score


def shipped_metadata() -> dict:
    path = checkworthiness.MODEL_DIR / checkworthiness.METADATA_FILE
    return json.loads(path.read_text(encoding="utf-8"))


def shipped_score(texts: list[str]) -> list[float]:
    return checkworthiness.score_and_embed_sentences(texts).scores


def cpu_description() -> str:
    """Model name and the vector instructions int8 inference leans on (VNNI above all)."""
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8")
    except OSError:
        return "unknown CPU"
    model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.MULTILINE)
    flags = re.search(r"^flags\s*:\s*(.+)$", cpuinfo, re.MULTILINE)
    present = set(flags.group(1).split()) if flags else set()
    wanted = ("avx2", "fma", "avx512f", "avx512bw", "avx512_vnni", "avx_vnni", "amx_int8")
    return f"{model.group(1) if model else 'unknown CPU'}; " + ", ".join(
        f"{flag} {'yes' if flag in present else 'no'}" for flag in wanted
    )


def sentences_per_second(
    score: Callable[[list[str]], list[float]], texts: list[str], *, repeats: int
) -> float:
    """Median over repeats, after one warm-up call (first-call allocations are not throughput)."""
    score(texts)
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        score(texts)
        timings.append(time.perf_counter() - started)
    return len(texts) / statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=Path(os.environ.get("SHARED_DATA_DIR", PROJECT_ROOT.parent / "shared" / "data")),
    )
    arguments = parser.parse_args()

    import torch

    started = time.perf_counter()
    shipped_score(["Warm-up sentence."])
    shipped_load_seconds = time.perf_counter() - started
    description, plain_score = plain_pytorch_scorer()
    article_name, article = article_sentences()
    workloads = {
        f"article {article_name} ({len(article)} sentences)": article,
        "1,000 CT24 dev + dev-test sentences": checkthat_sentences(arguments.data_dir, count=1000),
    }
    info = checkworthiness.model_info()
    print(
        f"check-worthiness speed, {os.cpu_count()} CPUs, onnxruntime threads "
        f"{os.environ.get(checkworthiness.THREADS_ENV, checkworthiness.DEFAULT_THREADS)}, "
        f"torch threads {torch.get_num_threads()}, load average {os.getloadavg()[0]:.1f} "
        "(other work on the machine slows both sides)"
    )
    print(f"CPU: {cpu_description()}")
    print(
        f"shipped: {info.version}, int8 ONNX via score_and_embed_sentences (first call incl. load "
        f"{shipped_load_seconds:.2f}s)"
    )
    print(
        f"plain:   fp32 PyTorch, padded batches of {PLAIN_BATCH_SIZE} in input order; {description}"
    )
    for name, texts in workloads.items():
        shipped = sentences_per_second(shipped_score, texts, repeats=arguments.repeats)
        plain = sentences_per_second(plain_score, texts, repeats=arguments.repeats)
        print(
            f"{name}: shipped {shipped:.0f} sentences/s, plain {plain:.0f} sentences/s, "
            f"ratio {shipped / plain:.1f}x"
        )
    texts = workloads["1,000 CT24 dev + dev-test sentences"]
    shipped_scores = shipped_score(texts)
    plain_scores = plain_score(texts)
    differences = [abs(a - b) for a, b in zip(shipped_scores, plain_scores, strict=True)]
    agreement = sum(
        (a >= info.threshold) == (b >= info.threshold)
        for a, b in zip(shipped_scores, plain_scores, strict=True)
    ) / len(texts)
    print(
        f"int8 vs fp32 on those 1,000: mean |score difference| "
        f"{statistics.mean(differences):.4f}, max {max(differences):.4f}, "
        f"same Yes/No at threshold {info.threshold:.2f}: {agreement:.1%}"
    )
    print(f"rerun: {RERUN}")


if __name__ == "__main__":
    main()
