"""The frozen validation protocol for check-worthiness candidates, and two checks on new text.

Frozen on 2026-12-01 (issue 11), before any new candidate was trained:

1. Choosing: a candidate (data, recipe, quantisation, threshold) is chosen on CheckThat! 2024
   train only. The fixed validation part of train is every sentence whose
   sha256("cw-protocol-1:" + Sentence_id) starts with a byte below 26 (about 10%); a candidate
   is fitted on the rest, and its threshold and settings are chosen on that part.
2. Reporting: CT24 dev and dev-test are scored once per candidate, at the end, next to the
   validation figure. Dev chose the shipped model's threshold and dev-test was read while it was
   chosen, so neither is held out for the shipped model.
3. New text: the CheckThat! 2019 debates and speeches from 2017 on (after ClaimBuster's period;
   sentences also in CT24 dropped). Their label is 'was fact-checked by an outlet' (about 2% Yes)
   rather than CT24's 'worth checking', so F1 is not comparable with CT24's; average precision
   (ranking) and F1 at the model's threshold are reported for information.

The shipped model was trained on all of CT24 train, so its figure on the validation part is
in-sample; only a model fitted on the rest can be scored there honestly.
"""

import csv
import hashlib
from collections.abc import Callable
from pathlib import Path

from articles.textfile import TsvFormatError, tsv_records
from claims.nlp.training.data import DataFormatError, Sentence

PROTOCOL_SALT = "cw-protocol-1:"
VALIDATION_BYTE_BELOW = 26  # of 256: about 10%
CT19_DIR = "checkthat2019-task1-en/training"
# ClaimBuster, and so CT24 train and dev, covers US debates up to 2016.
CT19_FIRST_YEAR = 2017


def is_validation(sentence_id: str) -> bool:
    digest = hashlib.sha256(f"{PROTOCOL_SALT}{sentence_id}".encode()).digest()
    return digest[0] < VALIDATION_BYTE_BELOW


def protocol_split(sentences: list[Sentence]) -> tuple[list[Sentence], list[Sentence]]:
    """(fit, validation) parts of CT24 train."""
    fit = [s for s in sentences if not is_validation(s.sentence_id)]
    validation = [s for s in sentences if is_validation(s.sentence_id)]
    return fit, validation


def ct19_new_text(data_dir: Path, *, known_texts: set[str]) -> list[Sentence]:
    """CT19 lines from files dated CT19_FIRST_YEAR or later whose text is not in known_texts."""
    sentences = []
    for path in sorted((Path(data_dir) / CT19_DIR).glob("*.tsv")):
        if int(path.name[:4]) < CT19_FIRST_YEAR:
            continue
        try:
            records = list(tsv_records(path, quoting=csv.QUOTE_NONE, max_field_lines=None))
        except TsvFormatError as error:
            raise DataFormatError(str(error)) from None
        for record in records:
            row = record.values
            if len(row) != 4 or row[2].strip() in known_texts:
                continue
            try:
                label = int(row[3])
            except ValueError:
                raise DataFormatError(
                    f"{path}, line {record.line}: label {row[3]!r} is not a number (0 or 1)"
                ) from None
            sentences.append(Sentence(f"{path.stem}:{row[0]}", row[2].strip(), label))
    return sentences


def average_precision(labels: list[int], scores: list[float]) -> float:
    ranked = sorted(zip(scores, labels, strict=True), key=lambda pair: -pair[0])
    hits, total = 0, 0.0
    for rank, (_, label) in enumerate(ranked, start=1):
        if label:
            hits += 1
            total += hits / rank
    return total / hits if hits else 0.0


# Ways a news article reports a sentence someone said, to test whether the model scores the same
# content lower once it is a quotation.
QUOTATION_FORMS = {
    "direct quote with tag": '"{text}," the senator said.',
    "reported with 'said'": "The senator said {text}",
    "in quotation marks only": '"{text}"',
}


def quotation_variants(text: str) -> dict[str, str]:
    body = text.strip()
    lowered = body[:1].lower() + body[1:] if body[:2] != "I " else body
    return {
        name: form.format(text=(lowered if "said {text}" in form else body.rstrip(".")))
        for name, form in QUOTATION_FORMS.items()
    }


def protocol_evaluate(
    *,
    data_dir: Path,
    score: Callable[[list[str]], list[float]] | None = None,
    threshold: float | None = None,
    validation_name: str = "protocol validation (in-sample for the shipped model)",
) -> dict[str, dict[str, float]]:
    """A model on the protocol's parts, the new text, and quoted forms of CT24 dev-test.

    The shipped model unless score and threshold name another (a candidate's artefact).
    Each figure is positive-class P/R/F1 at the threshold, plus average precision.
    """
    from claims.nlp import checkworthiness
    from claims.nlp.training.data import checkworthiness_data_load

    data = checkworthiness_data_load(data_dir)
    if score is None:
        score = checkworthiness.score_sentences
        threshold = checkworthiness.model_info().threshold
    _, validation = protocol_split(data.train)
    known = {s.text.strip() for s in data.train + data.dev + data.dev_test}
    parts = {
        validation_name: validation,
        "CT24 dev-test": data.dev_test,
        "CT19 2017-2019 speeches (new text)": ct19_new_text(data_dir, known_texts=known),
    }
    figures = {}
    for name, sentences in parts.items():
        labels = [s.label for s in sentences]
        figures[name] = _figures(labels, score([s.text for s in sentences]), threshold)
    # Quotation forms of dev-test: the same content, reported as speech.
    for form in QUOTATION_FORMS:
        texts = [quotation_variants(s.text)[form] for s in data.dev_test]
        figures[f"CT24 dev-test as {form}"] = _figures(
            [s.label for s in data.dev_test], score(texts), threshold
        )
    return figures


def _figures(labels: list[int], scores: list[float], threshold: float) -> dict[str, float]:
    from claims.nlp.training.metrics import positive_class_scores

    result = positive_class_scores(labels=labels, scores=scores, threshold=threshold)
    positives = [score for score, label in zip(scores, labels, strict=True) if label]
    return {
        "sentences": len(labels),
        "positives": sum(labels),
        "precision": result.precision,
        "recall": result.recall,
        "f1": result.f1,
        "average_precision": average_precision(labels, scores),
        "mean_positive_score": sum(positives) / len(positives) if positives else 0.0,
    }
