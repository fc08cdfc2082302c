"""Training a check-worthiness candidate under the frozen protocol (protocol.py).

The recipe was fixed on 2026-12-02, before the candidate was trained (issue 11):

- Fit on CT24 train without the protocol's validation part, and without sentences whose text
  also occurs in that part, dev or dev-test. ClaimBuster's 'unimportant factual sentences'
  (Verdict 0) stay No: a TF-IDF + LR proxy fitted on the same rows lost validation average
  precision without them (0.724 against 0.748; 0.745 at half weight). The crowd file has no
  agreement score, and only 3 texts repeat with both labels, so nothing else is cleaned.
- A fixed, seeded 15% of the fit sentences are rewritten as a quotation (TRAINING_QUOTATION_FORMS,
  label unchanged): the shipped model scores the same words lower inside quotation marks and
  higher after 'X said', and news text is full of both. The protocol's own quotation forms use
  'the senator', which the training forms never do.
- Fine-tuning as for the shipped model (finetune.TrainingSettings), with the weights saved after
  each epoch; the weights, quantisation, calibration and threshold are then chosen on the
  validation part only (package.py).
"""

import json
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from claims.nlp import checkworthiness
from claims.nlp.training.data import Sentence, checkworthiness_data_load, text_key
from claims.nlp.training.protocol import protocol_split

if TYPE_CHECKING:
    from claims.nlp.training.finetune import TrainingSettings

QUOTATION_FRACTION = 0.15
TRAINING_QUOTATION_FORMS = (
    '"{body}," {speaker} said.',
    "{Speaker} said {lowered}",
    '"{body}"',
    "According to {speaker}, {lowered}",
)
TRAINING_SPEAKERS = (
    "the minister",
    "a spokeswoman",
    "the governor",
    "Ms. Rivera",
    "the mayor",
    "officials",
    "the candidate",
    "Mr. Okafor",
)
CANDIDATE_RECORD_FILE = "candidate.json"


def epoch_weights_file(epoch: int) -> str:
    return f"model.epoch{epoch}.fp32.safetensors"


def candidate_fit_sentences(data_dir: Path) -> tuple[list[Sentence], list[Sentence]]:
    """(fit, validation): the protocol's split, with validation texts removed from fit."""
    data = checkworthiness_data_load(data_dir)
    fit, validation = protocol_split(data.train)
    validation_texts = {text_key(s.text) for s in validation}
    return [s for s in fit if text_key(s.text) not in validation_texts], validation


def quotation_rewrite(text: str, *, rng: random.Random) -> str:
    body = text.strip()
    lowered = body[:1].lower() + body[1:] if body[:2] != "I " else body
    speaker = rng.choice(TRAINING_SPEAKERS)
    return rng.choice(TRAINING_QUOTATION_FORMS).format(
        body=body.rstrip("."),
        lowered=lowered,
        speaker=speaker,
        Speaker=speaker[:1].upper() + speaker[1:],
    )


def quotation_augment(
    sentences: list[Sentence], *, fraction: float, seed: int
) -> tuple[list[str], int]:
    """The fit texts with a seeded `fraction` of them rewritten as quotations, and how many."""
    rng = random.Random(seed)
    chosen = set(rng.sample(range(len(sentences)), round(len(sentences) * fraction)))
    texts = [
        quotation_rewrite(s.text, rng=rng) if index in chosen else s.text
        for index, s in enumerate(sentences)
    ]
    return texts, len(chosen)


def candidate_train(
    *,
    data_dir: Path,
    cache_dir: Path,
    settings: "TrainingSettings",
    log: Callable[[str], None] = print,
) -> dict:
    """Fine-tune on the fit part; save the fp32 weights of every epoch and a record to cache_dir."""
    from claims.nlp.training.export import fp32_weights_save
    from claims.nlp.training.finetune import classifier_train

    started = time.monotonic()
    fit, validation = candidate_fit_sentences(data_dir)
    texts, rewritten = quotation_augment(fit, fraction=QUOTATION_FRACTION, seed=settings.seed)
    log(
        f"fit part: {len(fit)} sentences ({sum(s.label for s in fit)} Yes), {rewritten} "
        f"rewritten as quotations; validation part: {len(validation)} (kept out)"
    )
    cache_dir.mkdir(parents=True, exist_ok=True)

    def checkpoint(epoch: int, model) -> None:
        fp32_weights_save(model, cache_dir / epoch_weights_file(epoch))
        log(f"epoch {epoch}: weights saved ({time.monotonic() - started:.0f}s)")

    classifier_train(
        backbone_dir=checkworthiness.backbone_dir(),
        texts=texts,
        labels=[s.label for s in fit],
        settings=settings,
        log=log,
        on_epoch_end=checkpoint,
    )
    record = {
        "settings": settings.as_dict(),
        "training_seconds": round(time.monotonic() - started),
        "train_sentences": len(fit),
        "validation_sentences": len(validation),
        "quotation_rewrites": rewritten,
    }
    (cache_dir / CANDIDATE_RECORD_FILE).write_text(json.dumps(record, indent=2) + "\n")
    return record
