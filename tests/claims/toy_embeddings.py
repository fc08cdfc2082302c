"""Toy sentence embedders for the matching tests: vectors from words, so the tests know which
texts are near without running the model."""

from collections.abc import Sequence

import numpy as np

from claims.matching import embedding


def words_embedder(vocabulary: Sequence[str]):
    """One dimension per word of `vocabulary` (plus a small constant one), so texts sharing
    words are near and a text with none of them is still a unit vector."""

    def embed(texts):
        vectors = np.zeros((len(texts), embedding.DIMENSIONS), dtype=np.float32)
        for row, text in enumerate(texts):
            for column, word in enumerate(vocabulary):
                vectors[row, column] = word in text.lower()
            vectors[row, len(vocabulary)] = 0.1
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)

    return embed


# Every text gets the same vector: the cosines tie and only the words tell texts apart.
same_vector_embed = words_embedder([])
