"""A cross-encoder re-ranker over the hybrid's best candidates: training, int8 export, scoring.

The cross-encoder reads the query and one candidate together (all-MiniLM-L6-v2's encoder over
"[CLS] query [SEP] claim — title [SEP]", mean pooling, one linear output) and scores how well
they match. It re-orders the hybrid's best `DEPTH` candidates by reciprocal rank fusion of the
hybrid's ranking and its own (`rrf_order`; no weight to fit, so nothing is chosen on held-out
tweets). Whether it is worth it is measured by `claims.matching.crossrank_holdout`: on
2026-12-02 it lost MAP@5 on train-B (README "Matching figures"), so the app's matcher does not
use it.

Recipe, fixed on 2026-12-02 before any run (no search): each training query's group is its
right fact-check(s) and `NEGATIVES` wrong ones drawn afresh each epoch from the hybrid's best
`DEPTH` candidates for it; listwise loss (softmax cross-entropy over the group); `EPOCHS`
epochs, `QUERIES_PER_BATCH` queries a step, AdamW, learning rate 5e-5 for the encoder and 1e-3
for the new output layer, 10% warm-up then linear decay, at most `MAX_TOKENS` word pieces a pair;
the word embeddings and the lowest `FROZEN_LAYERS` of the 6 layers are not trained.
Sized for the shared 2-core CPU: a first try of 3 steps of 32 pairs (up to 125 word pieces)
took 96 s beside two other trainings, so one epoch of 3 negatives a query (640 queries, 2,560
pairs) with the lower half frozen (no backward pass through it) is what fits in about 15 to 25
minutes.

Training needs PyTorch and transformers (training requirements), imported in the functions
that use them; scoring needs onnxruntime, tokenizers and numpy only. No Django here.
"""

import random
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .retrieval import Candidates, Document, MatchSettings
from .text import embedding_text

DEPTH = 20
NEGATIVES = 3
EPOCHS = 1
QUERIES_PER_BATCH = 8
ENCODER_LEARNING_RATE = 5e-5
HEAD_LEARNING_RATE = 1e-3
WARMUP_SHARE = 0.1
MAX_TOKENS = 128
FROZEN_LAYERS = 3
SEED = 13
# Cormack, Clarke and Buettcher (SIGIR 2009): the constant of reciprocal rank fusion.
RRF_K = 60
OUTPUT = "score"
INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def candidate_text(document: Document) -> str:
    title = document.title.strip()
    if not title or title == document.text.strip():
        return document.text
    return f"{document.text} — {title}"


def top_candidates(found: Candidates, settings: MatchSettings, depth: int = DEPTH) -> Candidates:
    """The hybrid's best `depth` candidates, best first (the order rrf_order reads)."""
    return found.subset(np.argsort(-found.fused(settings), kind="stable")[:depth])


def pair_tokenizer(source_dir: Path):
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(source_dir / "tokenizer.json"))
    tokenizer.enable_truncation(max_length=MAX_TOKENS, strategy="longest_first")
    tokenizer.no_padding()
    return tokenizer


def pairs_encode(tokenizer, queries: Sequence[str], candidates: Sequence[str]):
    """(input_ids, attention_mask, token_type_ids) int64 arrays, padded to the longest pair.
    Training and scoring both tokenise here, so they see the same word pieces."""
    encodings = tokenizer.encode_batch(
        [
            (embedding_text(query), candidate)
            for query, candidate in zip(queries, candidates, strict=True)
        ]
    )
    width = max((len(encoding.ids) for encoding in encodings), default=1)
    arrays = [np.zeros((len(encodings), width), dtype=np.int64) for _ in INPUTS]
    for row, encoding in enumerate(encodings):
        length = len(encoding.ids)
        arrays[0][row, :length] = encoding.ids
        arrays[1][row, :length] = 1
        arrays[2][row, :length] = encoding.type_ids
    return tuple(arrays)


def rrf_order(cross_scores: np.ndarray) -> np.ndarray:
    """Positions of candidates (given best first by the hybrid) re-ordered by reciprocal rank
    fusion of the hybrid's rank and the cross-encoder's; a tie keeps the hybrid's order."""
    count = len(cross_scores)
    cross_rank = np.empty(count, dtype=np.int64)
    cross_rank[np.argsort(-np.asarray(cross_scores), kind="stable")] = np.arange(count)
    fused = 1.0 / (RRF_K + 1 + np.arange(count)) + 1.0 / (RRF_K + 1 + cross_rank)
    return np.argsort(-fused, kind="stable")


@dataclass(frozen=True)
class QueryGroup:
    """One training query: its text, its right candidates' texts and the wrong ones to draw."""

    query: str
    positives: tuple[str, ...]
    negatives: tuple[str, ...]


def query_groups(
    *,
    texts: Sequence[str],
    relevant: Sequence[set[int]],
    top: Sequence[Candidates],
    documents: Sequence[Document],
) -> list[QueryGroup]:
    """A group per query with a right fact-check; the right ones are in it whether or not the
    hybrid ranked them among its best, the wrong ones are the hybrid's best wrong ones."""
    groups = []
    for text, right, found in zip(texts, relevant, top, strict=True):
        if not right:
            continue
        negatives = tuple(candidate_text(documents[key]) for key in found.keys if key not in right)
        if not negatives:
            continue
        positives = tuple(candidate_text(documents[key]) for key in sorted(right))
        groups.append(QueryGroup(text, positives, negatives))
    return groups


def cross_encoder_new(source_dir: Path):
    """The backbone's encoder plus mean pooling and one new linear output (a torch module):
    one score per (query, candidate) pair."""
    import torch
    from transformers import AutoModel

    class CrossEncoder(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = AutoModel.from_pretrained(str(source_dir), attn_implementation="eager")
            self.head = torch.nn.Linear(self.encoder.config.hidden_size, 1)

        def forward(self, input_ids, attention_mask, token_type_ids):
            hidden = self.encoder(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            )[0]
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return self.head(pooled).squeeze(-1)

    return CrossEncoder()


def cross_encoder_train(
    *, source_dir: Path, groups: list[QueryGroup], epochs: int = EPOCHS, log=print
):
    """The cross-encoder trained on `groups` by the recipe in the module docstring (eval mode)."""
    import torch

    random.seed(SEED)
    torch.manual_seed(SEED)
    tokenizer = pair_tokenizer(source_dir)
    model = cross_encoder_new(source_dir)
    frozen = [model.encoder.embeddings, *model.encoder.encoder.layer[:FROZEN_LAYERS]]
    for parameter in (p for module in frozen for p in module.parameters()):
        parameter.requires_grad_(False)
    optimizer = torch.optim.AdamW(
        [
            {
                "params": [p for p in model.encoder.parameters() if p.requires_grad],
                "lr": ENCODER_LEARNING_RATE,
            },
            {"params": model.head.parameters(), "lr": HEAD_LEARNING_RATE},
        ]
    )
    steps = epochs * ((len(groups) + QUERIES_PER_BATCH - 1) // QUERIES_PER_BATCH)
    warmup = max(1, int(steps * WARMUP_SHARE))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer,
        lambda step: min((step + 1) / warmup, max(0.0, (steps - step) / max(1, steps - warmup))),
    )
    model.train()
    step = 0
    for epoch in range(epochs):
        order = list(range(len(groups)))
        random.shuffle(order)
        for start in range(0, len(order), QUERIES_PER_BATCH):
            queries, candidates, spans = [], [], []
            for i in order[start : start + QUERIES_PER_BATCH]:
                group = groups[i]
                drawn = random.sample(group.negatives, min(NEGATIVES, len(group.negatives)))
                texts = [*group.positives, *drawn]
                spans.append((len(candidates), len(group.positives), len(texts)))
                queries += [group.query] * len(texts)
                candidates += texts
            arrays = pairs_encode(tokenizer, queries, candidates)
            scores = model(*(torch.from_numpy(array) for array in arrays))
            losses = []
            for begin, positives, size in spans:
                logits = scores[begin : begin + size]
                # Listwise: each right candidate against every wrong one of its query.
                for p in range(positives):
                    keep = torch.ones(size, dtype=torch.bool)
                    keep[:positives] = False
                    keep[p] = True
                    row = logits[keep]
                    target = int(keep[:p].sum())
                    losses.append(
                        torch.nn.functional.cross_entropy(row[None, :], torch.tensor([target]))
                    )
            loss = torch.stack(losses).mean()
            loss.backward()
            optimizer.step()
            schedule.step()
            optimizer.zero_grad()
            step += 1
            if step % 10 == 0:
                log(f"cross-encoder epoch {epoch + 1} step {step}/{steps} loss {loss.item():.4f}")
    return model.eval()


def cross_encoder_export(*, model, int8_path: Path) -> None:
    """`model` to ONNX, then dynamic int8 (as the matching embeddings are quantised), written
    whole or not at all."""
    import torch

    from claims.nlp.training.export import ONNX_OPSET

    from .export import onnx_quantize_full_range

    input_ids = torch.tensor([[101, 2023, 2003, 102, 3231, 102], [101, 7592, 102, 2088, 102, 0]])
    attention_mask = (input_ids != 0).long()
    token_type_ids = torch.tensor([[0, 0, 0, 0, 1, 1], [0, 0, 0, 1, 1, 0]])
    with tempfile.TemporaryDirectory() as scratch:
        fp32_path = Path(scratch) / "cross.fp32.onnx"
        with torch.inference_mode():
            torch.onnx.export(
                model,
                (input_ids, attention_mask, token_type_ids),
                str(fp32_path),
                input_names=list(INPUTS),
                output_names=[OUTPUT],
                dynamic_axes={
                    **{name: {0: "batch", 1: "sequence"} for name in INPUTS},
                    OUTPUT: {0: "batch"},
                },
                opset_version=ONNX_OPSET,
                dynamo=False,
            )
        partial = Path(scratch) / "cross.int8.onnx"
        onnx_quantize_full_range(fp32_path=fp32_path, int8_path=partial)
        int8_path.parent.mkdir(parents=True, exist_ok=True)
        int8_path.write_bytes(partial.read_bytes())


def cross_scores(
    *, session, tokenizer, query: str, candidates: Sequence[str], batch_size: int = 32
) -> np.ndarray:
    """The cross-encoder's score of each candidate for `query` (higher is a better match)."""
    scores = np.zeros(len(candidates), dtype=np.float32)
    for start in range(0, len(candidates), batch_size):
        chunk = list(candidates[start : start + batch_size])
        arrays = pairs_encode(tokenizer, [query] * len(chunk), chunk)
        (values,) = session.run([OUTPUT], dict(zip(INPUTS, arrays, strict=True)))
        scores[start : start + len(chunk)] = values
    return scores
