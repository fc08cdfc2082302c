"""Round 10 of issue #12 on train only: training pairs drawn from the fact-check collection.

Each fact-check has a claim and a title written apart: two phrasings of one claim, pairs that
need no labelled tweet. The candidate M_C is the shipped recipe (`finetune`, one mined hard
negative per pair) fine-tuned on train-A's tweet pairs plus `COLLECTION_PAIRS` title -> claim
pairs from a fixed draw of the collection; the baseline M_A is the same recipe on train-A's
tweet pairs alone. Both are judged on train-B; dev is not opened.

Protocol and rule, committed before the first run: docs/issue-12-matching-rounds.md, "Round 10".
M_C goes forward only with a train-B hybrid MAP@5 at least `FORWARD_MARGIN` above M_A's.
"""

import time
from dataclasses import dataclass
from pathlib import Path

from .checkthat import Split, checkthat_load, split_by_query
from .collection_pairs import COLLECTION_PAIRS, collection_draw, plain_collection_pairs
from .embedding import file_sha256
from .holdout import HoldoutRow, holdout_score
from .retrieval import Document

FORWARD_MARGIN = 0.01
M_A_NAME = "train-a-hard-negatives"


@dataclass(frozen=True)
class CollectionResult:
    baseline: HoldoutRow
    candidate: HoldoutRow
    drawn: int
    train_b_targets_drawn: int
    train_b_targets: int

    @property
    def gain(self) -> float:
        return self.candidate.hybrid_b - self.baseline.hybrid_b

    @property
    def goes_forward(self) -> bool:
        return self.gain >= FORWARD_MARGIN


def collection_model(
    *, models, documents: list[Document], split: Split, name: str, count: int = COLLECTION_PAIRS
) -> Path:
    """The shipped recipe on `split`'s tweet pairs plus the draw's collection pairs (negatives
    mined with weights fitted on `split`), int8 under `models.work_dir` (reused when found)."""
    from .export import int8_export
    from .finetune import encoder_finetune, recipe_pairs

    path = models.work_dir / f"{name}.onnx"
    if path.is_file():
        models.log(f"{name}: reusing {path}")
        return path
    started = time.monotonic()
    tweet_pairs = recipe_pairs(
        documents=documents,
        split=split,
        hard_negatives=True,
        plain_model_path=models.plain_path,
        cache_dir=models.cache_dir,
        log=models.log,
    )
    drawn = plain_collection_pairs(
        documents=documents,
        split=split,
        plain_model_path=models.plain_path,
        cache_dir=models.cache_dir,
        count=count,
    )
    models.log(f"{name}: {len(tweet_pairs)} tweet pairs + {len(drawn)} collection pairs")
    encoder = encoder_finetune(
        source_dir=models.source_dir, pairs=tweet_pairs + drawn, log=models.log
    )
    int8_export(source_dir=models.source_dir, encoder=encoder, int8_path=path)
    models.log(f"{name}: fine-tuned and exported in {time.monotonic() - started:.0f} s")
    return path


def candidate_model(
    *, models, documents: list[Document], train_a: Split, count: int = COLLECTION_PAIRS
) -> Path:
    """M_C: `collection_model` on train-A."""
    return collection_model(
        models=models,
        documents=documents,
        split=train_a,
        name=f"{M_A_NAME}-collection-{count}",
        count=count,
    )


def collection_compare(
    *,
    data_dir: Path,
    work_dir: Path,
    cache_dir: Path | None,
    count: int = COLLECTION_PAIRS,
    log=print,
) -> CollectionResult:
    """M_A and M_C fine-tuned on train-A (or reused from `work_dir`), scored on train-B."""
    from .crossfit import FoldModels

    documents, _, splits = checkthat_load(data_dir, splits=("train",))
    train_a, train_b = split_by_query(splits["train"])
    models = FoldModels(documents=documents, work_dir=work_dir, cache_dir=cache_dir, log=log)
    paths = {
        "M_A: shipped recipe on train-A (baseline)": models.model(M_A_NAME, train_a),
        f"M_C: + {count} collection pairs": candidate_model(
            models=models, documents=documents, train_a=train_a, count=count
        ),
    }
    rows = []
    for name, path in paths.items():
        _, embed, tag = models.matcher(path)
        rows.append(
            holdout_score(
                name=name,
                documents=documents,
                train_a=train_a,
                train_b=train_b,
                embed=embed,
                cache_dir=cache_dir,
                tag=tag,
            )
        )
        log(f"{rows[-1]} ({path.name}, sha256 {file_sha256(path)[:8]})")
    drawn = set(collection_draw(documents, count))
    targets = set().union(*train_b.relevant.values())
    return CollectionResult(
        baseline=rows[0],
        candidate=rows[1],
        drawn=len(drawn),
        train_b_targets_drawn=len(targets & drawn),
        train_b_targets=len(targets),
    )


def round_lines(result: CollectionResult) -> list[str]:
    lines = [
        f"{'system (fine-tuned on train-A)':<44} {'hybrid A':>8} {'hybrid B':>8} "
        f"{'claim A':>8} {'claim B':>8}  weights fitted on train-A"
    ]
    for row in (result.baseline, result.candidate):
        chosen = row.settings
        lines.append(
            f"{row.system:<44} {row.hybrid_a:>8.4f} {row.hybrid_b:>8.4f} {row.claim_a:>8.4f} "
            f"{row.claim_b:>8.4f}  {chosen.claim_weight} / {chosen.title_weight} / "
            f"{chosen.lexical_weight}"
        )
    verdict = "goes forward" if result.goes_forward else "does not go forward"
    lines.append(
        f"train-B hybrid gain of the collection pairs: {result.gain:+.4f} "
        f"(rule: >= {FORWARD_MARGIN}): M_C {verdict}"
    )
    lines.append(
        f"for the record: {result.train_b_targets_drawn} of the {result.train_b_targets} "
        f"train-B target fact-checks are among the {result.drawn} drawn"
    )
    return lines


def collection_out_of_fold_settings(
    *,
    data_dir: Path,
    work_dir: Path,
    cache_dir: Path | None,
    count: int = COLLECTION_PAIRS,
    log=print,
):
    """Weights and thresholds for a model of this recipe on all train, fitted on out-of-fold
    cosines as the shipped ones were (`crossfit`): the same two halves of train, each scored
    by the recipe fine-tuned on the other half (with its own collection pairs' negatives)."""
    from .crossfit import FoldModels, folds_split, settings_fit

    documents, _, splits = checkthat_load(data_dir, splits=("train",))
    models = FoldModels(documents=documents, work_dir=work_dir, cache_dir=cache_dir, log=log)
    first, second = folds_split(splits["train"])
    fold_models = [
        collection_model(
            models=models,
            documents=documents,
            split=fold,
            name=f"train-fold{number}-collection-{count}",
            count=count,
        )
        for number, fold in ((1, first), (2, second))
    ]
    parts = [models.scored(fold_models[1], first), models.scored(fold_models[0], second)]
    return settings_fit(parts, documents)
