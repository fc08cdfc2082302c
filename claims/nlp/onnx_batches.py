"""Run a tokenised transformer graph over many texts: length-sorted batches, each padded to its
own longest text, one `session.run` per batch. Shared by the check-worthiness model and the
matching embeddings, so both (and their training and evaluation) use one batch loop.

Plain numpy over an onnxruntime session and a `tokenizers` tokenizer; no Django.
"""

from collections.abc import Sequence

import numpy as np


def onnx_outputs(
    *, session, tokenizer, texts: Sequence[str], batch_size: int, outputs: tuple[str, ...]
) -> list[list]:
    """One list per requested output, each in input order; one session.run per batch."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    token_ids = [encoding.ids for encoding in tokenizer.encode_batch(list(texts))]
    order = sorted(range(len(token_ids)), key=lambda i: len(token_ids[i]))
    results = [[None] * len(token_ids) for _ in outputs]
    for start in range(0, len(order), batch_size):
        batch = order[start : start + batch_size]
        width = max(len(token_ids[i]) for i in batch)
        input_ids = np.zeros((len(batch), width), dtype=np.int64)
        attention_mask = np.zeros((len(batch), width), dtype=np.int64)
        for row, index in enumerate(batch):
            ids = token_ids[index]
            input_ids[row, : len(ids)] = ids
            attention_mask[row, : len(ids)] = 1
        batch_outputs = session.run(
            list(outputs), {"input_ids": input_ids, "attention_mask": attention_mask}
        )
        for result, values in zip(results, batch_outputs, strict=True):
            for index, value in zip(batch, values, strict=True):
                result[index] = value
    return results
