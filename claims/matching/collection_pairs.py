"""Training pairs drawn from the fact-check collection (round 10 of issue #12): each
fact-check's title and claim are two phrasings of one claim, pairs that need no labelled tweet.
`collection_holdout` judges the recipe on train; `export` builds a model with it."""

import functools
import random
from pathlib import Path

import numpy as np

from .checkthat import Split
from .embedding import MAX_TOKENS, onnx_embed
from .finetune import TrainingPair, hybrid_fitted_on
from .retrieval import Document, title_vector_id

COLLECTION_PAIRS = 640
DRAW_SEED = 0


def collection_draw(documents: list[Document], count: int, seed: int = DRAW_SEED) -> list[int]:
    """Keys of `count` fact-checks drawn uniformly among those whose title is not their claim
    (no labels read), sorted."""
    eligible = [
        document.key
        for document in documents
        if document.title.strip()
        and document.title.strip().lower() != document.text.strip().lower()
    ]
    return sorted(random.Random(seed).sample(eligible, min(count, len(eligible))))


def collection_pairs_mine(
    *,
    documents: list[Document],
    split: Split,
    embed,
    cache_dir: Path | None,
    tag: str,
    count: int = COLLECTION_PAIRS,
) -> list[TrainingPair]:
    """Title -> claim pairs of the draw, each with one hard negative: the best-ranked other
    fact-check when its title is searched by the hybrid over `embed`'s vectors and BM25, with
    the fusion weights fitted on `split` (the tweets being trained on), as the tweets' own
    negatives are mined."""
    matcher, _, settings = hybrid_fitted_on(
        split, documents=documents, embed=embed, cache_dir=cache_dir, tag=tag
    )
    pairs = []
    for key in collection_draw(documents, count):
        document = documents[key]
        # The title's vector is already in the index, embedded as the corpus embeds it.
        (vector,) = matcher.index.vectors([title_vector_id(key)])
        candidates = matcher.candidates(document.title, vector, exclude=(key,))
        if not candidates.keys:
            continue
        negative = documents[candidates.keys[int(np.argmax(candidates.fused(settings)))]]
        pairs.append(
            TrainingPair(
                query=document.title,
                positive=document.text,
                negative=negative.text,
                relevant=frozenset({key}),
                negative_key=negative.key,
            )
        )
    return pairs


def plain_collection_pairs(
    *,
    documents: list[Document],
    split: Split,
    plain_model_path: Path,
    cache_dir: Path | None,
    count: int = COLLECTION_PAIRS,
) -> list[TrainingPair]:
    """`collection_pairs_mine` with the plain fp32 export that mines the tweets' negatives."""
    from claims.nlp.checkworthiness import session_load

    from .embedding import matching_tokenizer

    embed = functools.partial(
        onnx_embed,
        session=session_load(plain_model_path),
        tokenizer=matching_tokenizer(),
        batch_size=16,
    )
    return collection_pairs_mine(
        documents=documents,
        split=split,
        embed=lambda texts: embed(texts=texts),
        cache_dir=cache_dir,
        tag=f"fp32-plain-t{MAX_TOKENS}",
        count=count,
    )
