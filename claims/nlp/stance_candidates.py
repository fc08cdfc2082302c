"""Rule 5 of attribution.py: the sentences the stance model (stances.py) decides on.

A candidate is a sentence no rule attributed whose subject may hold the stance it reports; it
carries the model's features: those of its parse (stances.stance_features) and where it stands
among the rules' attributions (article_context). Plain data, no Django.
"""

from dataclasses import dataclass

from claims.nlp.coreference import ArticleNames, resolve_attribution
from claims.nlp.cues import verb_lemma
from claims.nlp.speakers import Attribution, describe_subject, speaker_key
from claims.nlp.stances import Holder, stance_features


@dataclass(frozen=True)
class StanceCandidate:
    """A sentence no rule attributed, with its subject as the possible holder of a stance."""

    index: int
    attribution: Attribution
    features: dict[str, float]
    # The attribution with its speaker resolved to a name, which it gets if the model accepts.
    resolved: Attribution


def candidates_of(
    holders: dict[int, tuple[Holder, int, bool]],
    results: list[Attribution | None],
    docs: list,
    history: list[Attribution],
    names: ArticleNames,
) -> list[StanceCandidate]:
    """The stance candidates among the sentences with a possible holder, those the rules left
    without a speaker. holders maps a sentence's index to its holder, how many attributions came
    before it in history, and whether the sentence before it has a speaker of its own."""
    speakers = {speaker_key(result.speaker) for result in results if result is not None}
    candidates = []
    for index, (holder, known, after_attribution) in holders.items():
        if results[index] is not None:
            continue
        cue = f"{holder.root.lower_} (stance)"
        attribution = describe_subject(holder.token, cue, history[:known])
        if attribution is not None:
            features = stance_features(
                docs[index],
                holder,
                verb_lemma(holder.root),
                after_attribution=after_attribution,
                kind=attribution.kind,
                speaks_elsewhere=speaker_key(attribution.speaker) in speakers,
            )
            features.update(
                article_context(index, speaker_key(attribution.speaker), results, names.paragraphs)
            )
            resolved = resolve_attribution(attribution, index, names)
            candidates.append(StanceCandidate(index, attribution, features, resolved))
    return candidates


def article_context(
    index: int, key: str, results: list[Attribution | None], paragraphs: tuple[int, ...]
) -> dict[str, float]:
    """Where a stance candidate stands among the rules' attributions: whether its subject speaks
    just before or after it, in its paragraph, how often in the article; and where it lies."""

    def same(result: Attribution | None) -> bool:
        return result is not None and _same_speaker(speaker_key(result.speaker), key)

    paragraph = paragraphs[index]
    in_paragraph = [i for i, start in enumerate(paragraphs) if start == paragraph and i != index]
    features = {f"position={min(index, 3)}": 1.0}
    if index and same(results[index - 1]):
        features["previous_same"] = 1.0
        if paragraphs[index - 1] == paragraph:
            features["previous_same_paragraph"] = 1.0
    if index + 1 < len(results) and same(results[index + 1]):
        features["next_same"] = 1.0
    if any(same(results[i]) for i in in_paragraph):
        features["paragraph_same"] = 1.0
    if any(results[i] is not None for i in in_paragraph):
        features["paragraph_attributed"] = 1.0
    if not in_paragraph or in_paragraph[0] > index:
        features["paragraph_first"] = 1.0
    if len(in_paragraph) == 0:
        features["paragraph_alone"] = 1.0
    count = sum(same(result) for result in results)
    features[f"speaks={min(count, 3)}"] = 1.0
    return features


def _same_speaker(first: str, second: str) -> bool:
    return bool(first and second) and (first == second or first.split()[-1] == second.split()[-1])
