"""Compare fine-tuning recipes without reading dev: fine-tune on train-A, judge on train-B.

CheckThat! 2020 train is split once by query (`checkthat.split_by_query`, seed 0, 640 / 160
tweets). Each recipe fine-tunes on train-A only and is exported to int8 exactly as the shipped
model is; on train-B it is scored by the hybrid with fusion weights fitted on train-A (as
`evaluate_matching` fits them on train) and by its claim vector alone. The plain fp32 model is
scored beside them for reference. The rule that decides, fixed before the first run: the
hard-negative recipe goes forward only if its train-B hybrid MAP@5 beats the recipe shipped then
(in-batch negatives) by 0.01 or more. It did, and has been the shipped recipe since.

The same split judges fusion weights and thresholds fitted on out-of-fold cosines against
in-sample ones (`claims.matching.crossfit`, `evaluate_matching --train-crossfit`; protocol and
rule there). Its train-A model is this module's hard-negative model, under the same file name.

Fine-tuned models are kept under `work_dir` (outside the repository) and reused when found, so
a stopped run resumes where it was.
"""

import functools
import time
from dataclasses import dataclass, replace
from pathlib import Path

from .checkthat import Split, checkthat_load, fused_ranking, map_at_5, split_by_query
from .corpus import corpus_matcher, embed_cached
from .embedding import MAX_TOKENS, file_sha256, matching_tokenizer, onnx_embed
from .retrieval import MatchSettings
from .settings_fit import weights_fit
from .text import embedding_text

# Recipe name -> whether it adds the mined hard negative.
RECIPES = {
    "in-batch negatives (the recipe shipped before round 3)": False,
    "+ one mined hard negative per pair (shipped since round 3)": True,
}
SHIP_MARGIN = 0.01


@dataclass(frozen=True)
class HoldoutRow:
    system: str
    settings: MatchSettings
    hybrid_a: float
    hybrid_b: float
    claim_a: float
    claim_b: float
    seconds: float


def holdout_score(
    *, name: str, documents, train_a: Split, train_b: Split, embed, cache_dir, tag
) -> HoldoutRow:
    started = time.monotonic()
    matcher = corpus_matcher(documents, embed=embed, cache_dir=cache_dir, tag=tag)
    candidates = {}
    for part, split in (("a", train_a), ("b", train_b)):
        vectors = embed_cached(
            [embedding_text(text) for text in split.texts],
            embed=embed,
            cache_dir=cache_dir,
            tag=tag,
        )
        candidates[part] = [
            matcher.candidates(text, vector)
            for text, vector in zip(split.texts, vectors, strict=True)
        ]
    fitted = weights_fit(candidates["a"], train_a, MatchSettings())
    claim_only = replace(MatchSettings(), claim_weight=1, title_weight=0, lexical_weight=0)

    def score(settings, part, split):
        return map_at_5([fused_ranking(found, settings) for found in candidates[part]], split)

    return HoldoutRow(
        system=name,
        settings=fitted,
        hybrid_a=score(fitted, "a", train_a),
        hybrid_b=score(fitted, "b", train_b),
        claim_a=score(claim_only, "a", train_a),
        claim_b=score(claim_only, "b", train_b),
        seconds=time.monotonic() - started,
    )


def recipes_compare(*, data_dir: Path, work_dir: Path, cache_dir: Path | None, log=print):
    """One row for the plain model, then one per recipe (fine-tuned on train-A)."""
    from claims.nlp.checkworthiness import backbone_dir, session_load

    from .export import int8_export, onnx_export_pooled
    from .finetune import encoder_finetune, recipe_pairs

    documents, _, splits = checkthat_load(data_dir)
    train_a, train_b = split_by_query(splits["train"])
    log(f"train-A {len(train_a.query_ids)} tweets, train-B {len(train_b.query_ids)} tweets")
    source_dir = backbone_dir()
    tokenizer = matching_tokenizer()
    work_dir.mkdir(parents=True, exist_ok=True)
    plain_path = work_dir / "plain-fp32.onnx"
    if not plain_path.is_file():
        onnx_export_pooled(source_dir=source_dir, onnx_path=plain_path)

    def embedder(path):
        return functools.partial(
            onnx_embed, session=session_load(path), tokenizer=tokenizer, batch_size=16
        )

    def texts_embed(path):
        embed = embedder(path)
        return lambda texts: embed(texts=texts)

    score = functools.partial(
        holdout_score, documents=documents, train_a=train_a, train_b=train_b, cache_dir=cache_dir
    )
    rows = [
        score(
            name="plain MiniLM fp32 (not fine-tuned)",
            embed=texts_embed(plain_path),
            tag=f"fp32-plain-t{MAX_TOKENS}",
        )
    ]
    log(f"{rows[-1]}")
    for name, hard_negatives in RECIPES.items():
        model_path = work_dir / (
            "train-a-hard-negatives.onnx" if hard_negatives else "train-a.onnx"
        )
        if model_path.is_file():
            log(f"{name}: reusing {model_path}")
        else:
            started = time.monotonic()
            pairs = recipe_pairs(
                documents=documents,
                split=train_a,
                hard_negatives=hard_negatives,
                plain_model_path=plain_path,
                cache_dir=cache_dir,
                log=log,
            )
            encoder = encoder_finetune(source_dir=source_dir, pairs=pairs, log=log)
            int8_export(source_dir=source_dir, encoder=encoder, int8_path=model_path)
            log(f"{name}: fine-tuned and exported in {time.monotonic() - started:.0f} s")
        tag = f"holdout-{file_sha256(model_path)[:8]}-t{MAX_TOKENS}"
        rows.append(score(name=name, embed=texts_embed(model_path), tag=tag))
        log(f"{rows[-1]}")
    return rows


def round_lines(rows: list[HoldoutRow]) -> list[str]:
    """The comparison's table and its verdict, as `evaluate_matching --train-holdout` prints it."""
    lines = [
        f"{'system':<40} {'hybrid A':>8} {'hybrid B':>8} {'claim A':>8} {'claim B':>8}  "
        "weights fitted on train-A"
    ]
    for row in rows:
        chosen = row.settings
        lines.append(
            f"{row.system:<40} {row.hybrid_a:>8.4f} {row.hybrid_b:>8.4f} {row.claim_a:>8.4f} "
            f"{row.claim_b:>8.4f}  {chosen.claim_weight} / {chosen.title_weight} / "
            f"{chosen.lexical_weight}"
        )
    baseline, candidate = rows[1], rows[2]
    gain = candidate.hybrid_b - baseline.hybrid_b
    verdict = "goes forward" if gain >= SHIP_MARGIN else "does not go forward"
    lines.append(
        f"train-B hybrid gain of the hard negatives: {gain:+.4f} (rule: >= {SHIP_MARGIN}): "
        f"the candidate {verdict}"
    )
    return lines
