"""Fine-tune all-MiniLM-L6-v2 for claim retrieval on CheckThat! 2020 Task 2 train (PyTorch).

Multiple-negatives ranking loss (the loss all-MiniLM-L6-v2 itself was trained with): each
tweet should be nearer its own fact-check (the claim, and separately the title) than every
other fact-check in the batch. Hyperparameters are the usual ones for this loss, fixed before
any run (no search): 2 epochs, batch 32, learning rate 3e-5, 10% warm-up, scale 20.
Dev is not read here.
"""

import random
from pathlib import Path

from .evaluation import checkthat_load

EPOCHS = 2
BATCH_SIZE = 32
LEARNING_RATE = 3e-5
WARMUP_SHARE = 0.1
SCALE = 20.0
MAX_TOKENS = 128
SEED = 13


def training_pairs(data_dir: Path) -> list[tuple[str, str]]:
    documents, _, splits = checkthat_load(data_dir)
    train = splits["train"]
    pairs = []
    for query_id, text in zip(train.query_ids, train.texts, strict=True):
        for key in sorted(train.relevant.get(query_id, ())):
            pairs.append((text, documents[key].text))
            if documents[key].title.strip():
                pairs.append((text, documents[key].title))
    return pairs


def encoder_finetune(*, source_dir: Path, data_dir: Path, log=print):
    """The backbone's encoder after fine-tuning, in eval mode (fp32, on the CPU)."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    random.seed(SEED)
    torch.manual_seed(SEED)
    tokenizer = AutoTokenizer.from_pretrained(str(source_dir))
    encoder = AutoModel.from_pretrained(str(source_dir))
    pairs = training_pairs(data_dir)
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
            queries = embed([query for query, _ in batch])
            positives = embed([positive for _, positive in batch])
            scores = SCALE * queries @ positives.T
            # A batch can hold a tweet twice (claim and title): both are its positives.
            same = torch.tensor([[q == q2 for q2, _ in batch] for q, _ in batch])
            scores = scores.masked_fill(same & ~torch.eye(len(batch), dtype=torch.bool), -1e4)
            loss = torch.nn.functional.cross_entropy(scores, torch.arange(len(batch)))
            loss.backward()
            optimizer.step()
            schedule.step()
            optimizer.zero_grad()
            step += 1
            if step % 10 == 0:
                log(f"epoch {epoch + 1} step {step}/{steps} loss {loss.item():.4f}")
    return encoder.eval()
