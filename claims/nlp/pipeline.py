"""The whole analysis of one text, as plain data: sentences, who said them, how check-worthy.

No Django here, so the benchmark, the evaluation commands and the worker share one path.
"""

from dataclasses import dataclass

from . import checkworthiness
from .attribution import Attribution, attribute_sentences
from .sentences import split_sentences


@dataclass(frozen=True)
class AnalyzedSentence:
    start: int
    end: int
    text: str
    attribution: Attribution | None
    check_worthiness: float

    @property
    def speaker(self) -> str | None:
        return self.attribution.speaker if self.attribution else None


def analyze_text(text: str) -> list[AnalyzedSentence]:
    return analyze_texts([text])[0]


def analyze_texts(texts: list[str]) -> list[list[AnalyzedSentence]]:
    """Several texts with one batched model pass, so the model sees full batches.

    Each sentence goes through the transformer once: the same call gives its check-worthiness
    and the sentence vector the stance model reads.
    """
    split = [split_sentences(text) for text in texts]
    outputs = checkworthiness.score_and_embed_sentences([s.text for sents in split for s in sents])
    results, offset = [], 0
    for text, sents in zip(texts, split, strict=True):
        scores = outputs.scores[offset : offset + len(sents)]
        vectors = outputs.vectors[offset : offset + len(sents)]
        offset += len(sents)
        attributions = attribute_sentences(text, sents, vectors=vectors)
        results.append(
            [
                AnalyzedSentence(s.start, s.end, s.text, a, score)
                for s, a, score in zip(sents, attributions, scores, strict=True)
            ]
        )
    return results
