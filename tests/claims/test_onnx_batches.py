"""The one batch loop that the check-worthiness model and the matching embeddings share."""

from types import SimpleNamespace

import numpy as np
import pytest

from claims.matching import embedding
from claims.nlp.onnx_batches import onnx_outputs


class WordTokenizer:
    """One id per word: the word's length (so ids and widths are easy to predict)."""

    def encode_batch(self, texts):
        return [SimpleNamespace(ids=[len(word) for word in text.split()]) for text in texts]


class RecordingSession:
    """Answers `tokens` (the mask's row sums) and `first` (each row's first id), and records the
    width of every batch it was given."""

    def __init__(self):
        self.widths: list[int] = []

    def run(self, output_names, feeds):
        ids, mask = feeds["input_ids"], feeds["attention_mask"]
        self.widths.append(ids.shape[1])
        answers = {"tokens": mask.sum(axis=1), "first": ids[:, 0]}
        return [answers[name] for name in output_names]


TEXTS = ["a bb ccc dddd", "eeeee", "ff gg", "h i j k l m"]


def test_outputs_come_back_in_input_order_from_length_sorted_batches():
    session = RecordingSession()
    tokens, first = onnx_outputs(
        session=session,
        tokenizer=WordTokenizer(),
        texts=TEXTS,
        batch_size=2,
        outputs=("tokens", "first"),
    )
    assert [int(n) for n in tokens] == [4, 1, 2, 6]
    assert [int(n) for n in first] == [1, 5, 2, 1]
    # Sorted by length, each batch pads only to its own longest text: (1, 2) then (4, 6).
    assert session.widths == [2, 6]


def test_a_batch_size_below_one_is_refused():
    with pytest.raises(ValueError, match="at least 1"):
        onnx_outputs(
            session=RecordingSession(),
            tokenizer=WordTokenizer(),
            texts=TEXTS,
            batch_size=0,
            outputs=("tokens",),
        )


def test_the_matching_embeddings_run_through_the_same_loop():
    class VectorSession(RecordingSession):
        def run(self, output_names, feeds):
            assert output_names == [embedding.OUTPUT]
            self.widths.append(feeds["input_ids"].shape[1])
            rows = feeds["attention_mask"].sum(axis=1).astype(np.float32)
            return [np.repeat(rows[:, None], embedding.DIMENSIONS, axis=1)]

    session = VectorSession()
    vectors = embedding.onnx_embed(
        session=session, tokenizer=WordTokenizer(), texts=TEXTS, batch_size=2
    )
    assert vectors.shape == (4, embedding.DIMENSIONS) and vectors.dtype == np.float32
    assert vectors[:, 0].tolist() == [4, 1, 2, 6] and session.widths == [2, 6]
    empty = embedding.onnx_embed(session=session, tokenizer=WordTokenizer(), texts=[], batch_size=2)
    assert empty.shape == (0, embedding.DIMENSIONS)
