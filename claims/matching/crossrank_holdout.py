"""Is a cross-encoder re-ranker (claims.matching.crossrank) worth shipping? Train-A -> train-B,
then dev read once.

Protocol, fixed and committed on 2026-12-02 before any train-B figure was read (issue #12):
1. CheckThat! 2020 train split once by tweet (`checkthat.split_by_query`, seed 0): train-A 640
   tweets, train-B 160. M_A is the shipped bi-encoder recipe (one mined hard negative per pair)
   fine-tuned on train-A only: the same file `--train-holdout` and `--train-crossfit` build and
   reuse. Its hybrid candidates for train-A and train-B, fusion weights fitted on train-A
   (`weights_fit`, as `--train-holdout` fits them).
2. The cross-encoder is trained on train-A's candidate lists only (the hybrid's best `DEPTH`,
   recipe in claims.matching.crossrank) and exported to int8 as it would ship. It re-ranks the
   hybrid's best `DEPTH` by reciprocal rank fusion with the hybrid's ranking (k = 60): no fusion
   weight, so nothing is fitted on train-B.
3. Judged on train-B, MAP@5: the hybrid against the hybrid + cross-encoder (RRF). The
   cross-encoder's ranking alone is printed beside, not used to decide. Rule: the cross-encoder
   goes forward only if the hybrid + cross-encoder scores at least `FORWARD_MARGIN` (0.01) above
   the hybrid on train-B.
4. Only then: the same recipe trained on all train's candidate lists from the shipped model
   with the shipped weights (match_settings.json); dev read once in one run, beside plain
   MiniLM and the shipped hybrid (`cross_encoder_dev`). It ships only if the dev hybrid +
   cross-encoder scores at least `SHIP_MARGIN` (0.01) above the shipped hybrid's 0.8755.

Second candidate, declared on 2026-12-02 after the first was judged (one epoch: train-B hybrid
0.8924, hybrid + cross-encoder 0.8749, cross-encoder alone 0.6942, so it did not go forward;
its training loss was still falling): the same recipe, split, depth, fusion and rule with 3
epochs (`--cross-encoder-epochs 3`), fixed before its run. Two candidates judged on the same
160 tweets: the better of them is the more optimistic figure. Its dev read (step 4) does not fit
in the time left today; if it goes forward, that is the next step, by the same rule.
Result: 3 epochs scored hybrid 0.8924, hybrid + cross-encoder 0.8819, cross-encoder alone 0.8290;
it did not go forward either, and dev was not read (README "Matching figures").
Third candidate, declared after the second was judged and before its run: the same with 6
epochs (`--cross-encoder-epochs 6`), same rule; the cross-encoder alone was still improving
(0.694 after one epoch, 0.829 after three). A third look at the same 160 tweets; its dev read
does not fit in the time left today either.
Result: 6 epochs scored hybrid + cross-encoder 0.8828, cross-encoder alone 0.8459 (hybrid
0.8924); it did not go forward, and dev was not read.

Models are kept under `work_dir` (outside the repository) and reused when found, so a stopped
run resumes where it was.
"""

import functools
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .checkthat import Split, checkthat_load, exact_rankings, map_at_5, split_by_query
from .corpus import corpus_matcher, embed_cached
from .crossrank import (
    DEPTH,
    EPOCHS,
    candidate_text,
    cross_encoder_export,
    cross_encoder_train,
    cross_scores,
    pair_tokenizer,
    query_groups,
    rrf_order,
    top_candidates,
)
from .retrieval import Candidates, Matcher, MatchSettings
from .settings_fit import weights_fit
from .text import embedding_text

FORWARD_MARGIN = 0.01
SHIPPED_DEV_MAP = 0.8755
SHIP_MARGIN = 0.01


@dataclass(frozen=True)
class Reranked:
    """MAP@5 of one split's tweets: the hybrid, the cross-encoder alone, and the two fused."""

    hybrid: float
    cross_alone: float
    fused: float
    gold_in_depth: float
    latency_p50_ms: float
    latency_p95_ms: float


def candidate_lists(matcher: Matcher, split: Split, vectors, settings: MatchSettings):
    found = [
        matcher.candidates(text, vector) for text, vector in zip(split.texts, vectors, strict=True)
    ]
    return found, [top_candidates(candidates, settings) for candidates in found]


def groups_for(split: Split, top: list[Candidates], documents):
    return query_groups(
        texts=split.texts,
        relevant=[split.relevant.get(query_id, set()) for query_id in split.query_ids],
        top=top,
        documents=documents,
    )


def reranked_judge(*, split: Split, top: list[Candidates], documents, session, tokenizer):
    hybrid, alone, fused, seconds = [], [], [], []
    for text, found in zip(split.texts, top, strict=True):
        started = time.perf_counter()
        scores = cross_scores(
            session=session,
            tokenizer=tokenizer,
            query=text,
            candidates=[candidate_text(documents[key]) for key in found.keys],
        )
        order = rrf_order(scores)
        seconds.append(time.perf_counter() - started)
        hybrid.append(found.keys[:5])
        alone.append([found.keys[i] for i in np.argsort(-scores, kind="stable")[:5]])
        fused.append([found.keys[i] for i in order[:5]])
    in_depth = [
        bool(split.relevant.get(query_id, set()) & set(found.keys))
        for query_id, found in zip(split.query_ids, top, strict=True)
    ]
    milliseconds = 1000 * np.array(seconds)
    return Reranked(
        hybrid=map_at_5(hybrid, split),
        cross_alone=map_at_5(alone, split),
        fused=map_at_5(fused, split),
        gold_in_depth=float(np.mean(in_depth)),
        latency_p50_ms=float(np.percentile(milliseconds, 50)),
        latency_p95_ms=float(np.percentile(milliseconds, 95)),
    )


def cross_encoder_model(*, path: Path, groups, source_dir: Path, epochs: int, log) -> Path:
    if path.is_file():
        log(f"cross-encoder: reusing {path}")
        return path
    started = time.monotonic()
    log(f"cross-encoder: training on {len(groups)} tweets' candidate lists, {epochs} epoch(s)")
    model = cross_encoder_train(source_dir=source_dir, groups=groups, epochs=epochs, log=log)
    cross_encoder_export(model=model, int8_path=path)
    log(f"cross-encoder: trained and exported in {time.monotonic() - started:.0f} s")
    return path


@dataclass(frozen=True)
class HoldoutResult:
    settings: MatchSettings
    train_b: Reranked
    goes_forward: bool


def cross_encoder_holdout(
    *, data_dir: Path, work_dir: Path, cache_dir: Path | None, epochs: int = EPOCHS, log=print
):
    """Steps 1 to 3 of the protocol (module docstring); dev is not read."""
    from claims.nlp.checkworthiness import session_load

    from .crossfit import FoldModels

    documents, _, splits = checkthat_load(data_dir)
    train_a, train_b = split_by_query(splits["train"])
    log(f"train-A {len(train_a.query_ids)} tweets, train-B {len(train_b.query_ids)} tweets")
    models = FoldModels(documents=documents, work_dir=work_dir, cache_dir=cache_dir, log=log)
    matcher, embed, tag = models.matcher(models.model("train-a-hard-negatives", train_a))
    vectors = {
        name: embed_cached(
            [embedding_text(text) for text in split.texts],
            embed=embed,
            cache_dir=cache_dir,
            tag=tag,
        )
        for name, split in (("a", train_a), ("b", train_b))
    }
    found_a = [
        matcher.candidates(text, vector)
        for text, vector in zip(train_a.texts, vectors["a"], strict=True)
    ]
    settings = weights_fit(found_a, train_a, MatchSettings())
    log(
        f"fusion weights fitted on train-A: {settings.claim_weight} / {settings.title_weight} "
        f"/ {settings.lexical_weight}"
    )
    top_a = [top_candidates(found, settings) for found in found_a]
    _, top_b = candidate_lists(matcher, train_b, vectors["b"], settings)
    path = cross_encoder_model(
        path=work_dir / f"cross-encoder-train-a-d{DEPTH}-e{epochs}.onnx",
        groups=groups_for(train_a, top_a, documents),
        source_dir=models.source_dir,
        epochs=epochs,
        log=log,
    )
    judged = reranked_judge(
        split=train_b,
        top=top_b,
        documents=documents,
        session=session_load(path),
        tokenizer=pair_tokenizer(models.source_dir),
    )
    return HoldoutResult(settings, judged, judged.fused >= judged.hybrid + FORWARD_MARGIN)


@dataclass(frozen=True)
class DevResult:
    plain_dev: float
    dev: Reranked
    ships: bool
    model_path: Path


def cross_encoder_dev(
    *,
    data_dir: Path,
    work_dir: Path,
    cache_dir: Path | None,
    embed,
    tag: str,
    settings: MatchSettings,
    epochs: int = EPOCHS,
    log=print,
) -> DevResult:
    """Step 4: trained on all train's candidate lists from the shipped model (`embed`, `tag`)
    and settings; dev read once, with plain MiniLM and the shipped hybrid beside."""
    from claims.nlp.checkworthiness import backbone_dir, session_load

    from .embedding import MAX_TOKENS, matching_tokenizer, onnx_embed
    from .export import onnx_export_pooled

    documents, _, splits = checkthat_load(data_dir)
    source_dir = backbone_dir()
    matcher = corpus_matcher(documents, embed=embed, cache_dir=cache_dir, tag=tag)
    tops = {}
    for name in ("train", "dev"):
        split = splits[name]
        vectors = embed_cached(
            [embedding_text(text) for text in split.texts],
            embed=embed,
            cache_dir=cache_dir,
            tag=tag,
        )
        tops[name] = candidate_lists(matcher, split, vectors, settings)[1]
    path = cross_encoder_model(
        path=work_dir / f"cross-encoder-train-d{DEPTH}-e{epochs}.onnx",
        groups=groups_for(splits["train"], tops["train"], documents),
        source_dir=source_dir,
        epochs=epochs,
        log=log,
    )
    session, tokenizer = session_load(path), pair_tokenizer(source_dir)
    dev = reranked_judge(
        split=splits["dev"],
        top=tops["dev"],
        documents=documents,
        session=session,
        tokenizer=tokenizer,
    )
    plain_path = work_dir / "plain-fp32.onnx"
    if not plain_path.is_file():
        onnx_export_pooled(source_dir=source_dir, onnx_path=plain_path)
    plain_embed = functools.partial(
        onnx_embed, session=session_load(plain_path), tokenizer=matching_tokenizer(), batch_size=16
    )

    def plain(texts):
        return plain_embed(texts=texts)

    plain_tag = f"fp32-plain-t{MAX_TOKENS}"
    document_vectors = embed_cached(
        [document.text for document in documents], embed=plain, cache_dir=cache_dir, tag=plain_tag
    )
    dev_vectors = embed_cached(splits["dev"].texts, embed=plain, cache_dir=cache_dir, tag=plain_tag)
    plain_dev = map_at_5(exact_rankings(dev_vectors, document_vectors), splits["dev"])
    return DevResult(plain_dev, dev, dev.fused >= SHIPPED_DEV_MAP + SHIP_MARGIN, path)


def _reranked_lines(name: str, figures: Reranked) -> list[str]:
    return [
        f"{'MAP@5':<28} {'hybrid':>8} {'hybrid + cross':>16} {'cross alone':>14} "
        f"{'gold@' + str(DEPTH):>9}  cross-encoder p50 / p95 a query",
        f"{name:<28} {figures.hybrid:>8.4f} {figures.fused:>16.4f} "
        f"{figures.cross_alone:>14.4f} "
        f"{figures.gold_in_depth:>9.4f}  {figures.latency_p50_ms:.0f} / "
        f"{figures.latency_p95_ms:.0f} ms",
    ]


def holdout_lines(result: HoldoutResult, *, epochs: int) -> list[str]:
    """The train-B judgement as `evaluate_matching --train-cross-encoder` prints it."""
    chosen = result.settings
    gain = result.train_b.fused - result.train_b.hybrid
    verdict = "goes forward" if result.goes_forward else "does not go forward"
    return [
        f"fusion weights fitted on train-A: {chosen.claim_weight} / {chosen.title_weight} / "
        f"{chosen.lexical_weight}; cross-encoder trained on train-A, {epochs} epoch(s)",
        *_reranked_lines("train-B", result.train_b),
        f"train-B gain of hybrid + cross-encoder: {gain:+.4f} (rule: >= {FORWARD_MARGIN}): "
        f"the cross-encoder {verdict}",
    ]


def dev_lines(result: DevResult) -> list[str]:
    """The dev read as `evaluate_matching --cross-encoder-dev` prints it."""
    verdict = "ships" if result.ships else "does not ship"
    return [
        f"plain MiniLM fp32 (raw text, exact cosine), dev {result.plain_dev:.4f}",
        *_reranked_lines("dev", result.dev),
        f"dev hybrid + cross-encoder {result.dev.fused:.4f} against the shipped hybrid's "
        f"{SHIPPED_DEV_MAP} (rule: >= +{SHIP_MARGIN}): the cross-encoder {verdict} "
        f"(model {result.model_path})",
    ]
