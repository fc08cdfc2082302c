"""Train-only figures that a change to the lexical tokeniser (claims.matching.text.tokens) moves:
CheckThat! 2020 train only, dev never opened (issue #12, the tokeniser round).

    .venv/bin/python bench/matching_tokens_train.py

Run it once on the code before the change and once after (same cache, same machine); it fits
nothing that ships. Printed, over the same candidates the app's retrieval gives:

- BM25 alone, all 800 train tweets (no weight, no fitting: the tokeniser's own figure);
- the shipped model with the shipped `match_settings.json` (weights and thresholds fitted out of
  fold on train; the model's cosines are in-sample): claim vector alone and hybrid, all train
  and train-B;
- the held-out hybrid: plain MiniLM fp32 (not fine-tuned, so nothing in-sample), fusion weights
  fitted on train-A by `weights_fit`, scored on train-B (the fixed split of
  claims.matching.holdout; its "plain" reference row).

Embeddings are cached under var/matching-cache/ with the tags `evaluate_matching` uses, so they
are shared with it; the plain fp32 export is var/matching-minilm-fp32.onnx, made when missing.
"""

import argparse
import functools
import os
import platform
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["HF_HUB_OFFLINE"] = "1"

import django  # noqa: E402

django.setup()

from claims.matching import embedding  # noqa: E402
from claims.matching.checkthat import (  # noqa: E402
    checkthat_load,
    fused_ranking,
    map_at_5,
    split_by_query,
)
from claims.matching.corpus import corpus_matcher, embed_cached  # noqa: E402
from claims.matching.holdout import holdout_score  # noqa: E402
from claims.matching.retrieval import MatchSettings  # noqa: E402
from claims.matching.store import match_settings  # noqa: E402
from claims.matching.text import embedding_text, tokens  # noqa: E402
from claims.nlp.checkworthiness import session_load  # noqa: E402


def cpu_name() -> str:
    try:
        lines = subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines()
    except OSError:
        return platform.processor()
    return next((line.split(":", 1)[1].strip() for line in lines if "Model name" in line), "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--data-dir", type=Path, default=Path("/work/shared/data/checkthat2020-task2-en")
    )
    parser.add_argument("--cache-dir", type=Path, default=ROOT / "var" / "matching-cache")
    parser.add_argument("--fp32", type=Path, default=ROOT / "var" / embedding.FP32_LOCAL_NAME)
    options = parser.parse_args()
    started = time.monotonic()
    documents, _, splits = checkthat_load(options.data_dir, splits=("train",))
    train = splits["train"]
    train_a, train_b = split_by_query(train)
    vocabulary = set()
    for document in documents:
        vocabulary.update(tokens(f"{document.text} {document.title}"))
    print(f"code {ROOT}; CPU {cpu_name()}; dev not read")
    print(f"collection vocabulary {len(vocabulary)} distinct tokens")

    tag = f"{embedding.model_info().version}-t{embedding.MAX_TOKENS}"
    matcher = corpus_matcher(
        documents, embed=embedding.embed_texts, cache_dir=options.cache_dir, tag=tag
    )
    candidates = {}
    for name, split in (("train", train), ("train-B", train_b)):
        vectors = embed_cached(
            [embedding_text(text) for text in split.texts],
            embed=embedding.embed_texts,
            cache_dir=options.cache_dir,
            tag=tag,
        )
        candidates[name] = [
            matcher.candidates(text, vector)
            for text, vector in zip(split.texts, vectors, strict=True)
        ]
    shipped = match_settings()
    systems = {
        "BM25 alone (same candidates)": replace(
            MatchSettings(), claim_weight=0, title_weight=0, lexical_weight=1
        ),
        f"shipped {embedding.model_info().version}, claim vector alone": replace(
            MatchSettings(), claim_weight=1, title_weight=0, lexical_weight=0
        ),
        "shipped hybrid (match_settings.json as it is)": shipped,
    }
    print(f"{'system':<56} {'train':>7} {'train-B':>7}")
    for name, chosen in systems.items():
        figures = [
            map_at_5([fused_ranking(found, chosen) for found in candidates[part]], split)
            for part, split in (("train", train), ("train-B", train_b))
        ]
        print(f"{name:<56} {figures[0]:>7.4f} {figures[1]:>7.4f}")

    if not options.fp32.is_file():
        from claims.matching.export import plain_fp32_export

        print(f"exporting the plain fp32 model to {options.fp32}")
        plain_fp32_export(onnx_path=options.fp32)
    plain = functools.partial(
        embedding.onnx_embed,
        session=session_load(options.fp32),
        tokenizer=embedding.matching_tokenizer(),
        batch_size=16,
    )
    row = holdout_score(
        name="plain MiniLM fp32",
        documents=documents,
        train_a=train_a,
        train_b=train_b,
        embed=lambda texts: plain(texts=texts),
        cache_dir=options.cache_dir,
        tag=f"fp32-plain-t{embedding.MAX_TOKENS}",
    )
    chosen = row.settings
    print(
        f"held-out hybrid, plain MiniLM fp32, weights fitted on train-A "
        f"({chosen.claim_weight} / {chosen.title_weight} / {chosen.lexical_weight}): "
        f"train-A {row.hybrid_a:.4f}, train-B {row.hybrid_b:.4f} "
        f"(claim vector alone train-A {row.claim_a:.4f}, train-B {row.claim_b:.4f})"
    )
    print(f"took {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
