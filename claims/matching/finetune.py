"""Fine-tune all-MiniLM-L6-v2 for claim retrieval on CheckThat! 2020 Task 2 train (PyTorch).

Multiple-negatives ranking loss (the loss all-MiniLM-L6-v2 itself was trained with): each
tweet should be nearer its own fact-check (the claim, and separately the title) than every
other fact-check in the batch. Hyperparameters are the usual ones for this loss, fixed before
any run (no search): 2 epochs, batch 32, learning rate 3e-5, 10% warm-up, scale 20.

The hard-negative recipe (`build_matching_model --hard-negatives`) adds one column per pair:
the best-ranked wrong fact-check of the plain (not fine-tuned) model's hybrid for that tweet,
its claim against the claim pair and its title against the title pair. Everything else is the
same, down to the seed and the batch order. Dev is not read here.

The torch thread count is part of the recipe: two rebuilds with the same code and seed, one on
one thread and one on torch's default (every core), gave different models (round 10 of issue
#12); the count changes how the kernels split their floating-point sums. Rebuilds with the same
count have not been measured to be bit-identical. `THREADS` fixes the count so that a rebuild
runs the same recipe, and the build writes it into the artifact's metadata.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .checkthat import Split
from .corpus import corpus_matcher, embed_cached
from .retrieval import Document, MatchSettings
from .settings_fit import weights_fit
from .text import embedding_text

EPOCHS = 2
BATCH_SIZE = 32
LEARNING_RATE = 3e-5
WARMUP_SHARE = 0.1
SCALE = 20.0
MAX_TOKENS = 128
SEED = 13
# One thread: what round 10's fine-tunes ran on, and it copes with a CPU shared with other jobs
# (OpenMP threads spin-wait on each other there; see claims/nlp/training/finetune.py).
THREADS = 1


@dataclass(frozen=True)
class TrainingPair:
    query: str
    positive: str
    negative: str | None = None
    # Fact-checks that are right for this query: never used as its negatives.
    relevant: frozenset[int] = frozenset()
    negative_key: int | None = None


def training_pairs(
    documents: list[Document], split: Split, hard_negatives: dict[str, int] | None = None
) -> list[TrainingPair]:
    """Each tweet with its fact-check's claim and, separately, its title; with
    `hard_negatives` (query id -> fact-check key), that fact-check's claim or title beside."""
    pairs = []
    for query_id, text in zip(split.query_ids, split.texts, strict=True):
        relevant = frozenset(split.relevant.get(query_id, ()))
        negative = documents[hard_negatives[query_id]] if hard_negatives else None
        for key in sorted(relevant):
            fields = [(documents[key].text, negative.text if negative else None)]
            if documents[key].title.strip():
                title = (negative.title.strip() or negative.text) if negative else None
                fields.append((documents[key].title, title))
            for positive, negative_text in fields:
                pairs.append(
                    TrainingPair(
                        query=text,
                        positive=positive,
                        negative=negative_text,
                        relevant=relevant,
                        negative_key=negative.key if negative else None,
                    )
                )
    return pairs


def hybrid_fitted_on(
    split: Split,
    *,
    documents: list[Document],
    embed: Callable[[list[str]], np.ndarray],
    cache_dir: Path | None,
    tag: str,
):
    """The hybrid over `embed`'s vectors and BM25, its candidates for each of `split`'s texts,
    and its fusion weights fitted on `split` itself: what hard negatives are mined with."""
    matcher = corpus_matcher(documents, embed=embed, cache_dir=cache_dir, tag=tag)
    vectors = embed_cached(
        [embedding_text(text) for text in split.texts], embed=embed, cache_dir=cache_dir, tag=tag
    )
    candidates = [
        matcher.candidates(text, vector) for text, vector in zip(split.texts, vectors, strict=True)
    ]
    return matcher, candidates, weights_fit(candidates, split, MatchSettings())


def hard_negatives_mine(
    *,
    documents: list[Document],
    split: Split,
    embed: Callable[[list[str]], np.ndarray],
    cache_dir: Path | None,
    tag: str,
) -> dict[str, int]:
    """Query id -> the best-ranked wrong fact-check of the hybrid over `embed`'s vectors and
    BM25, its fusion weights fitted on `split` itself (the queries being trained on)."""
    _, candidates, settings = hybrid_fitted_on(
        split, documents=documents, embed=embed, cache_dir=cache_dir, tag=tag
    )
    mined = {}
    for query_id, found in zip(split.query_ids, candidates, strict=True):
        relevant = split.relevant.get(query_id, set())
        scores = found.fused(settings)
        order = np.argsort(-scores, kind="stable")
        mined[query_id] = next(found.keys[i] for i in order if found.keys[i] not in relevant)
    return mined


def recipe_pairs(
    *,
    documents: list[Document],
    split: Split,
    hard_negatives: bool,
    plain_model_path: Path,
    cache_dir: Path | None,
    log=print,
) -> list[TrainingPair]:
    """The training pairs of `split` for one recipe; hard negatives come from the plain
    (not fine-tuned) fp32 export at `plain_model_path`."""
    if not hard_negatives:
        return training_pairs(documents, split)
    from claims.nlp.checkworthiness import session_load

    from .embedding import MAX_TOKENS as EMBED_TOKENS
    from .embedding import matching_tokenizer, onnx_embed

    session, tokenizer = session_load(plain_model_path), matching_tokenizer()
    mined = hard_negatives_mine(
        documents=documents,
        split=split,
        embed=lambda texts: onnx_embed(
            session=session, tokenizer=tokenizer, texts=texts, batch_size=16
        ),
        cache_dir=cache_dir,
        tag=f"fp32-plain-t{EMBED_TOKENS}",
    )
    log(f"mined one hard negative for each of {len(mined)} training tweets")
    return training_pairs(documents, split, mined)


def encoder_finetune(
    *, source_dir: Path, pairs: list[TrainingPair], threads: int = THREADS, log=print
):
    """The backbone's encoder after fine-tuning on `pairs` with `threads` torch threads, in eval
    mode (fp32, on the CPU). The process's previous thread count is restored afterwards."""
    import torch

    if threads < 1:
        raise ValueError(f"threads must be at least 1, not {threads}")
    previous = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        return _encoder_finetune(source_dir=source_dir, pairs=pairs, log=log)
    finally:
        torch.set_num_threads(previous)


def _encoder_finetune(*, source_dir: Path, pairs: list[TrainingPair], log):
    import torch
    from transformers import AutoModel, AutoTokenizer

    random.seed(SEED)
    torch.manual_seed(SEED)
    tokenizer = AutoTokenizer.from_pretrained(str(source_dir))
    encoder = AutoModel.from_pretrained(str(source_dir))
    steps = EPOCHS * ((len(pairs) + BATCH_SIZE - 1) // BATCH_SIZE)
    optimizer = torch.optim.AdamW(encoder.parameters(), lr=LEARNING_RATE)
    warmup = max(1, int(steps * WARMUP_SHARE))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer,
        lambda step: min((step + 1) / warmup, max(0.0, (steps - step) / (steps - warmup))),
    )

    def embed(texts):
        batch = tokenizer(
            texts, padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="pt"
        )
        hidden = encoder(**batch)[0]
        mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        return torch.nn.functional.normalize(pooled, p=2, dim=1)

    encoder.train()
    step = 0
    for epoch in range(EPOCHS):
        order = list(range(len(pairs)))
        random.shuffle(order)
        for start in range(0, len(order), BATCH_SIZE):
            batch = [pairs[i] for i in order[start : start + BATCH_SIZE]]
            queries = embed([pair.query for pair in batch])
            positives = embed([pair.positive for pair in batch])
            scores = SCALE * queries @ positives.T
            # A batch can hold a tweet twice (claim and title): both are its positives.
            same = torch.tensor([[p.query == p2.query for p2 in batch] for p in batch])
            scores = scores.masked_fill(same & ~torch.eye(len(batch), dtype=torch.bool), -1e4)
            if batch[0].negative is not None:
                negatives = embed([pair.negative for pair in batch])
                # Another tweet's hard negative may be right for this one.
                right = torch.tensor(
                    [[p2.negative_key in p.relevant for p2 in batch] for p in batch]
                )
                negative_scores = (SCALE * queries @ negatives.T).masked_fill(right, -1e4)
                scores = torch.cat([scores, negative_scores], dim=1)
            loss = torch.nn.functional.cross_entropy(scores, torch.arange(len(batch)))
            loss.backward()
            optimizer.step()
            schedule.step()
            optimizer.zero_grad()
            step += 1
            if step % 10 == 0:
                log(f"epoch {epoch + 1} step {step}/{steps} loss {loss.item():.4f}")
    return encoder.eval()
