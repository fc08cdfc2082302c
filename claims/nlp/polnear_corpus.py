"""Reading the PolNeAR corpus (political news attribution relations): its splits, each article's
text and its brat annotations, as GoldAttribution rows (a Source, its Content spans, the Cue).

The corpus lives outside the repository (see shared/data/attribution-polnear/PROVENANCE.md) and
is read at run time; nothing from it is copied here. One annotator file per article: the first
in sorted order. Scoring against it is claims.nlp.polnear. No Django here."""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from articles.textfile import not_utf8

SPLITS = ("train", "dev", "annotator-training")


@dataclass(frozen=True)
class GoldAttribution:
    source: str
    source_start: int
    content: tuple[tuple[int, int], ...]
    cue: str


@dataclass(frozen=True)
class PolnearArticle:
    name: str
    text: str
    attributions: tuple[GoldAttribution, ...]


def polnear_split_dir(data_dir: Path, split: str) -> Path:
    """The folder of one split; data_dir is the shared data folder that holds the corpus."""
    if split not in SPLITS:
        raise ValueError(f"unknown PolNeAR split {split!r}; choose one of {', '.join(SPLITS)}")
    split_dir = Path(data_dir) / "attribution-polnear" / "data" / split
    if not (split_dir / "text").is_dir() or not (split_dir / "attributions").is_dir():
        raise FileNotFoundError(f"no PolNeAR {split} split under {split_dir}")
    return split_dir


def read_polnear(data_dir: Path, split: str, limit: int | None = None) -> Iterator[PolnearArticle]:
    """Articles of a split in name order, each with the first annotator file in sorted order."""
    split_dir = polnear_split_dir(data_dir, split)
    annotation_files: dict[str, Path] = {}
    for path in sorted((split_dir / "attributions").glob("*.ann")):
        annotation_files.setdefault(path.stem.rsplit("_", 1)[0], path)
    names = sorted(annotation_files)[:limit] if limit is not None else sorted(annotation_files)
    for name in names:
        text = _polnear_read(split_dir / "text" / f"{name}.txt")
        attributions = parse_brat(_polnear_read(annotation_files[name]), text)
        yield PolnearArticle(name=name, text=text, attributions=attributions)


def _polnear_read(path: Path) -> str:
    # read_text, not utf8_file_read: the brat offsets count the text with its line ends
    # translated, as read_text has always given it.
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise not_utf8(path, error) from None


def parse_brat(annotation: str, text: str) -> tuple[GoldAttribution, ...]:
    """Attributions with a Source from brat standoff; span texts are taken from the article."""
    spans: dict[str, tuple[tuple[int, int], ...]] = {}
    events: list[dict[str, str]] = []
    for line in annotation.splitlines():
        fields = line.split("\t")
        if line.startswith("T") and len(fields) >= 2:
            _, _, offsets = fields[1].partition(" ")
            parts = []
            for fragment in offsets.split(";"):
                start, end = fragment.split()
                parts.append((int(start), int(end)))
            spans[fields[0]] = tuple(parts)
        elif line.startswith("E") and len(fields) >= 2:
            roles = dict(part.split(":", 1) for part in fields[1].split() if ":" in part)
            events.append(roles)
    attributions = []
    for roles in events:
        if "Source" not in roles or "Content" not in roles:
            continue
        source_parts = spans[roles["Source"]]
        source = " ".join(text[start:end] for start, end in source_parts)
        attributions.append(
            GoldAttribution(
                source=re.sub(r"\s+", " ", source).strip(),
                source_start=source_parts[0][0],
                content=spans[roles["Content"]],
                cue=" ".join(text[start:end] for start, end in spans.get(roles.get("Cue", ""), ())),
            )
        )
    return tuple(sorted(attributions, key=lambda attribution: attribution.source_start))
