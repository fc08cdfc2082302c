"""Fine-tuning all-MiniLM-L6-v2 + a mean-pooled linear head for check-worthiness (PyTorch).

torch and transformers are imported inside functions: the worker runtime only needs onnxruntime.
"""

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from claims.nlp import checkworthiness

if TYPE_CHECKING:
    import torch


@dataclass(frozen=True)
class TrainingSettings:
    seed: int = 13
    epochs: int = 2
    batch_size: int = 32
    learning_rate: float = 5e-5
    head_learning_rate: float = 1e-3
    weight_decay: float = 0.01
    warmup_fraction: float = 0.06
    # Word embeddings stay frozen: they are 52% of the parameters, fine-tuning them barely helps
    # on 22k sentences, and skipping their optimiser updates makes each step noticeably cheaper.
    freeze_word_embeddings: bool = True
    # Two threads on a quiet 2-core machine (about 6 minutes an epoch). On a CPU shared with other
    # work two OpenMP threads spin-wait on each other and ran 10x slower per step here; one
    # thread then is faster, and also makes runs reproducible across machines.
    threads: int = 2
    # Training on a subsample is only for quick experiments; the shipped model uses everything.
    max_train_sentences: int | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def seed_everything(seed: int) -> None:
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def classifier_build(
    backbone_dir: Path, *, attn_implementation: str | None = None
) -> "torch.nn.Module":
    """MiniLM encoder + mean pooling over real tokens + one linear unit (a logit).

    The ONNX export asks for "eager" attention: it builds the padding mask from tensors alone,
    where the default path may take Python shortcuts that tracing would bake into the graph.
    """
    import torch
    from transformers import AutoModel

    class CheckworthinessClassifier(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = AutoModel.from_pretrained(
                str(backbone_dir), local_files_only=True, attn_implementation=attn_implementation
            )
            self.dropout = torch.nn.Dropout(0.1)
            self.head = torch.nn.Linear(self.encoder.config.hidden_size, 1)

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask)[0]
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
            return self.head(self.dropout(pooled)).squeeze(-1)

    return CheckworthinessClassifier()


def length_bucketed_batches(
    lengths: Sequence[int], *, batch_size: int, rng: random.Random
) -> list[list[int]]:
    """Shuffled batches of similar-length sentences, so dynamic padding wastes little work.

    Sort by length with a random tie-break inside chunks of 50 batches, then shuffle the batches.
    """
    order = list(range(len(lengths)))
    rng.shuffle(order)
    chunk = batch_size * 50
    batches = []
    for start in range(0, len(order), chunk):
        part = sorted(order[start : start + chunk], key=lambda i: lengths[i])
        batches += [part[i : i + batch_size] for i in range(0, len(part), batch_size)]
    rng.shuffle(batches)
    return batches


def padded_batch(token_ids: Sequence[Sequence[int]]) -> tuple[np.ndarray, np.ndarray]:
    width = max(len(ids) for ids in token_ids)
    input_ids = np.zeros((len(token_ids), width), dtype=np.int64)
    attention_mask = np.zeros((len(token_ids), width), dtype=np.int64)
    for row, ids in enumerate(token_ids):
        input_ids[row, : len(ids)] = ids
        attention_mask[row, : len(ids)] = 1
    return input_ids, attention_mask


def classifier_train(
    *,
    backbone_dir: Path,
    texts: Sequence[str],
    labels: Sequence[int],
    settings: TrainingSettings,
    log: Callable[[str], None] = print,
    on_epoch_end: Callable[[int, "torch.nn.Module"], None] | None = None,
) -> "torch.nn.Module":
    """Fine-tune and return the model in eval mode; on_epoch_end(epoch, model) gets each epoch's
    weights (epochs counted from 1), for checkpoints chosen later on a validation part."""
    import torch

    torch.set_num_threads(settings.threads)
    seed_everything(settings.seed)
    rng = random.Random(settings.seed)
    if settings.max_train_sentences is not None and settings.max_train_sentences < len(texts):
        keep = sorted(rng.sample(range(len(texts)), settings.max_train_sentences))
        texts = [texts[i] for i in keep]
        labels = [labels[i] for i in keep]

    tokenizer = checkworthiness.tokenizer_load(backbone_dir)
    token_ids = [encoding.ids for encoding in tokenizer.encode_batch(list(texts))]
    model = classifier_build(backbone_dir)
    if settings.freeze_word_embeddings:
        model.encoder.embeddings.word_embeddings.weight.requires_grad_(False)

    head_params = list(model.head.parameters())
    head_ids = {id(p) for p in head_params}
    no_decay = [p for n, p in model.named_parameters() if "bias" in n or "LayerNorm" in n]
    no_decay_ids = {id(p) for p in no_decay}
    encoder_params = [
        p
        for p in model.parameters()
        if p.requires_grad and id(p) not in head_ids and id(p) not in no_decay_ids
    ]
    optimizer = torch.optim.AdamW(
        [
            {"params": encoder_params, "weight_decay": settings.weight_decay},
            {
                "params": [p for p in no_decay if p.requires_grad and id(p) not in head_ids],
                "weight_decay": 0.0,
            },
            {"params": head_params, "lr": settings.head_learning_rate, "weight_decay": 0.0},
        ],
        lr=settings.learning_rate,
    )
    steps_per_epoch = -(-len(texts) // settings.batch_size)
    total_steps = steps_per_epoch * settings.epochs
    warmup_steps = max(1, int(total_steps * settings.warmup_fraction))

    def linear_warmup_decay(step: int) -> float:
        if step < warmup_steps:
            return (step + 1) / warmup_steps
        return max(0.0, (total_steps - step) / max(1, total_steps - warmup_steps))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, linear_warmup_decay)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    label_array = np.asarray(labels, dtype=np.float32)
    lengths = [len(ids) for ids in token_ids]

    model.train()
    started = time.monotonic()
    step = 0
    for epoch in range(settings.epochs):
        running_loss = 0.0
        for batch_number, batch in enumerate(
            length_bucketed_batches(lengths, batch_size=settings.batch_size, rng=rng), start=1
        ):
            input_ids, attention_mask = padded_batch([token_ids[i] for i in batch])
            logits = model(torch.from_numpy(input_ids), torch.from_numpy(attention_mask))
            loss = loss_fn(logits, torch.from_numpy(label_array[batch]))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad(set_to_none=True)
            running_loss += loss.item()
            step += 1
            if batch_number % 100 == 0:
                log(
                    f"epoch {epoch + 1} step {batch_number}/{steps_per_epoch} "
                    f"loss {running_loss / 100:.4f} elapsed {time.monotonic() - started:.0f}s"
                )
                running_loss = 0.0
        if on_epoch_end is not None:
            model.eval()
            on_epoch_end(epoch + 1, model)
            model.train()
    model.eval()
    return model


def classifier_scores(
    model: "torch.nn.Module", *, backbone_dir: Path, texts: Sequence[str], batch_size: int = 64
) -> list[float]:
    """Scores from the PyTorch model (length-sorted batches), for checks during training."""
    import torch

    tokenizer = checkworthiness.tokenizer_load(backbone_dir)
    token_ids = [encoding.ids for encoding in tokenizer.encode_batch(list(texts))]
    order = sorted(range(len(texts)), key=lambda i: len(token_ids[i]))
    scores = [0.0] * len(texts)
    with torch.inference_mode():
        for start in range(0, len(order), batch_size):
            batch = order[start : start + batch_size]
            input_ids, attention_mask = padded_batch([token_ids[i] for i in batch])
            logits = model(torch.from_numpy(input_ids), torch.from_numpy(attention_mask))
            for index, value in zip(batch, torch.sigmoid(logits).tolist(), strict=True):
                scores[index] = float(value)
    return scores
