"""Round 9 of issue #12 on train only: query feedback (a) and the plain model's cosine (b),
fine-tuned model M_A on train-A, judged on train-B; dev is not opened.

Protocol and rule, committed before the first run: docs/issue-12-matching-rounds.md, "Round 9".
Each candidate goes forward only with a train-B hybrid MAP@5 at least `FORWARD_MARGIN` above
the shipped hybrid's on the same M_A (weights fitted on train-A by `weights_fit`).
"""

import functools
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .checkthat import Split, checkthat_load, fused_ranking, map_at_5, split_by_query
from .corpus import corpus_matcher, embed_cached
from .embedding import MAX_TOKENS, onnx_embed
from .feedback import (
    candidate_vectors,
    feedback_rescored,
    signal_columns,
    signals_fit,
    signals_map,
)
from .retrieval import Candidates, MatchSettings, text_vector_id
from .settings_fit import weights_fit
from .text import embedding_text

FEEDBACK_DEPTHS = (1, 2, 3, 5)
FEEDBACK_WEIGHTS = (0.25, 0.5, 1.0)
FORWARD_MARGIN = 0.01
M_A_NAME = "train-a-hard-negatives"


@dataclass(frozen=True)
class FeedbackTrial:
    depth: int
    weight: float
    settings: MatchSettings
    map_a: float


@dataclass(frozen=True)
class RoundResult:
    baseline: MatchSettings
    baseline_a: float
    baseline_b: float
    trials: list[FeedbackTrial]
    feedback: FeedbackTrial
    feedback_b: float
    feedback_ms: tuple[float, float]
    plain_weights: np.ndarray
    plain_a: float
    plain_b: float
    query_ms: dict[str, float]

    @property
    def feedback_goes_forward(self) -> bool:
        return self.feedback_b >= self.baseline_b + FORWARD_MARGIN

    @property
    def plain_goes_forward(self) -> bool:
        return self.plain_b >= self.baseline_b + FORWARD_MARGIN


def hybrid_map(found: list[Candidates], split: Split, settings: MatchSettings) -> float:
    return map_at_5([fused_ranking(candidates, settings) for candidates in found], split)


def feedback_choose(found, vectors, queries, split: Split, first: MatchSettings, log):
    """Every (depth, weight) of the grid refitted on `split`; the best by its MAP@5 there."""
    trials = []
    for depth in FEEDBACK_DEPTHS:
        for weight in FEEDBACK_WEIGHTS:
            moved = [
                feedback_rescored(f, v, q, first=first, depth=depth, weight=weight)
                for f, v, q in zip(found, vectors, queries, strict=True)
            ]
            fitted = weights_fit(moved, split, MatchSettings())
            trials.append(FeedbackTrial(depth, weight, fitted, hybrid_map(moved, split, fitted)))
            log(
                f"feedback k={depth} beta={weight}: weights {fitted.claim_weight} / "
                f"{fitted.title_weight} / {fitted.lexical_weight}, train-A {trials[-1].map_a:.4f}"
            )
    best = trials[0]
    for trial in trials[1:]:
        if trial.map_a > best.map_a + 1e-9:
            best = trial
    return trials, best


def milliseconds(timings: list[float]) -> tuple[float, float]:
    values = 1000 * np.array(timings)
    return float(np.percentile(values, 50)), float(np.percentile(values, 95))


def one_query_ms(embed, texts: list[str]) -> float:
    """Median time to embed one short text alone, as a web request does (after a warm-up)."""
    embed(texts[:1])
    timings = []
    for text in texts[:20]:
        started = time.perf_counter()
        embed([text])
        timings.append(time.perf_counter() - started)
    return 1000 * statistics.median(timings)


def plain_cosines(plain_matcher, found: Candidates, plain_query: np.ndarray) -> np.ndarray:
    claims = plain_matcher.index.vectors([text_vector_id(key) for key in found.keys])
    return np.stack(claims).astype(np.float32) @ plain_query


def signals_compare(*, data_dir: Path, work_dir: Path, cache_dir: Path | None, log=print):
    """Both candidates of round 9 against the shipped hybrid on M_A; train only."""
    from claims.nlp.checkworthiness import session_load

    from .crossfit import FoldModels

    documents, _, splits = checkthat_load(data_dir, splits=("train",))
    parts = dict(zip("ab", split_by_query(splits["train"]), strict=True))
    log(f"train-A {len(parts['a'].query_ids)} tweets, train-B {len(parts['b'].query_ids)} tweets")
    models = FoldModels(documents=documents, work_dir=work_dir, cache_dir=cache_dir, log=log)
    matcher, embed, tag = models.matcher(models.model(M_A_NAME, parts["a"]))
    queries = {
        name: embed_cached(
            [embedding_text(text) for text in split.texts],
            embed=embed,
            cache_dir=cache_dir,
            tag=tag,
        )
        for name, split in parts.items()
    }
    found = {
        name: [
            matcher.candidates(text, vector)
            for text, vector in zip(split.texts, queries[name], strict=True)
        ]
        for name, split in parts.items()
    }
    baseline = weights_fit(found["a"], parts["a"], MatchSettings())
    baseline_a, baseline_b = (hybrid_map(found[n], parts[n], baseline) for n in "ab")
    log(f"shipped hybrid on M_A: train-A {baseline_a:.4f}, train-B {baseline_b:.4f}")

    vectors = {name: [candidate_vectors(matcher, f) for f in found[name]] for name in "ab"}
    trials, chosen = feedback_choose(
        found["a"], vectors["a"], queries["a"], parts["a"], baseline, log
    )
    moved_b, timings = [], []
    for f, q in zip(found["b"], queries["b"], strict=True):
        started = time.perf_counter()
        # The vector look-up is timed with the re-scoring: a query pays for both.
        v = candidate_vectors(matcher, f)
        moved_b.append(
            feedback_rescored(f, v, q, first=baseline, depth=chosen.depth, weight=chosen.weight)
        )
        timings.append(time.perf_counter() - started)
    feedback_b = hybrid_map(moved_b, parts["b"], chosen.settings)

    plain_session = session_load(models.plain_path)
    plain_embed = functools.partial(
        onnx_embed, session=plain_session, tokenizer=models.tokenizer, batch_size=16
    )

    def plain(texts):
        return plain_embed(texts=texts)

    plain_tag = f"fp32-plain-t{MAX_TOKENS}"
    plain_matcher = corpus_matcher(documents, embed=plain, cache_dir=cache_dir, tag=plain_tag)
    signals = {}
    for name, split in parts.items():
        plain_queries = embed_cached(
            [embedding_text(text) for text in split.texts],
            embed=plain,
            cache_dir=cache_dir,
            tag=plain_tag,
        )
        signals[name] = [
            signal_columns(f, plain_cosines(plain_matcher, f, p))
            for f, p in zip(found[name], plain_queries, strict=True)
        ]
    keys = {name: [f.keys for f in found[name]] for name in "ab"}
    # The grid scorer must give the hybrid's figure on its three signals, or (b) is not comparable.
    three = np.array([[baseline.claim_weight, baseline.title_weight, baseline.lexical_weight]])
    columns = [signal_columns(f) for f in found["b"]]
    check = signals_map(columns, keys["b"], parts["b"], three)[0]
    log(f"check, train-B hybrid by the grid scorer: {check:.4f}")
    plain_weights, plain_a = signals_fit(signals["a"], keys["a"], parts["a"])
    plain_b = float(signals_map(signals["b"], keys["b"], parts["b"], plain_weights[None, :])[0])
    texts = [embedding_text(text) for text in parts["b"].texts]
    query_ms = {
        "fine-tuned int8": one_query_ms(embed, texts),
        "plain fp32": one_query_ms(plain, texts),
    }
    return RoundResult(
        baseline=baseline,
        baseline_a=baseline_a,
        baseline_b=baseline_b,
        trials=trials,
        feedback=chosen,
        feedback_b=feedback_b,
        feedback_ms=milliseconds(timings),
        plain_weights=plain_weights,
        plain_a=plain_a,
        plain_b=plain_b,
        query_ms=query_ms,
    )


def round_lines(result: RoundResult) -> list[str]:
    """The round's table as `evaluate_matching --train-query-signals` prints it."""

    def weights(settings: MatchSettings) -> str:
        return f"{settings.claim_weight} / {settings.title_weight} / {settings.lexical_weight}"

    chosen, plain = result.feedback, result.plain_weights
    lines = [f"{'system (M_A, fitted on train-A)':<48} {'train-A':>8} {'train-B':>8}  weights"]
    rows = [
        (
            "shipped hybrid (baseline)",
            result.baseline_a,
            result.baseline_b,
            weights(result.baseline),
        ),
        (
            f"(a) query feedback k={chosen.depth} beta={chosen.weight}",
            chosen.map_a,
            result.feedback_b,
            weights(chosen.settings),
        ),
        (
            "(b) + plain MiniLM cosine (4th signal)",
            result.plain_a,
            result.plain_b,
            " / ".join(f"{value:.1f}" for value in plain),
        ),
    ]
    for name, train_a, train_b, fitted in rows:
        lines.append(f"{name:<48} {train_a:>8.4f} {train_b:>8.4f}  {fitted}")
    lines.append("(a)'s grid on train-A (weights refitted for each):")
    for trial in result.trials:
        lines.append(
            f"  k={trial.depth} beta={trial.weight}: {trial.map_a:.4f} ({weights(trial.settings)})"
        )
    p50, p95 = result.feedback_ms
    lines.append(
        f"(a) re-scoring a query (vector look-up included): p50 {p50:.2f} / p95 {p95:.2f} ms"
    )
    lines.append(
        "one query embedded alone, median of 20: "
        + ", ".join(f"{name} {ms:.1f} ms" for name, ms in result.query_ms.items())
    )
    for name, gain, forward in (
        ("(a)", result.feedback_b - result.baseline_b, result.feedback_goes_forward),
        ("(b)", result.plain_b - result.baseline_b, result.plain_goes_forward),
    ):
        verdict = "goes forward" if forward else "does not go forward"
        lines.append(
            f"{name} train-B gain {gain:+.4f} (rule: >= {FORWARD_MARGIN}): the candidate {verdict}"
        )
    return lines
