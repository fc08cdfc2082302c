"""The speaker-attribution evaluation on PolNeAR (political news attribution relations): which
sentences have a gold speaker, which predicted speakers match it, and the scores. The corpus is
read by claims.nlp.polnear_corpus.

Gold: every sentence that overlaps the Content span of an attribution with a Source. A sentence
that overlaps several Contents accepts any of their Sources.

Match (lenient): the predicted speaker and the Source have the same normalised name, or one
contains the other and the last words agree (speakers.names_match); both are first cut to their
head phrase (before a comma or a relative pronoun). A prediction also matches any comma-separated
part of the Source ('Carter's press secretary, Peter Cook,') and a Source that starts with it
('early results of exit polls conducted by ...').

Pronouns: PolNeAR Sources are surface spans with no coreference, so many are pronouns ('he',
'who'). The headline figures skip sentences whose gold Sources are all pronouns (counted as
pronoun_skipped).

Resolved: a second set of figures keeps every sourced sentence and accepts, besides the Source
itself, the name it refers to, found on the gold side only (from the annotations and the text,
never from the attribution code): for a pronoun, the nearest earlier non-pronoun Source in the
article ('he', 'she', 'they', ...) or the words just before a relative pronoun ('Trump, who
said'); for a description ('the mayor', 'the campaign'), the nearest earlier named Source with the
description's head word in it ('Mayor Maria Lopez', 'the Clinton campaign'); for a document by
someone ('a statement e-mailed by X', 'a study by Y'), that someone; for a description of a
document ('the report', 'the statement'), who the text before it says issued it ("X's report",
'a report by X', 'X released a report'). An acronym and the name it
abbreviates ('EPA', 'Environmental Protection Agency') match each other.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

from claims.nlp.attribution import Attribution, attribute_sentences
from claims.nlp.polnear_corpus import GoldAttribution, PolnearArticle, read_polnear
from claims.nlp.sentences import SentenceSpan, split_sentences
from claims.nlp.speakers import DOCUMENT_NOUNS, names_match, speaker_key

PERSONAL_PRONOUNS = frozenset(
    ("he", "she", "they", "it", "i", "we", "you", "him", "her", "them", "us", "me", "his", "its")
    + ("their", "our", "one")
)
RELATIVE_PRONOUNS = frozenset(("who", "which", "that", "whom", "whose"))
# A pronoun Source with its verb contracted onto it ("she's", "they're", "I'm"), PolNeAR's span
# for 'Why she's protesting: "..."': still a pronoun, with a straight or a curly apostrophe.
CONTRACTION = re.compile(r"^(?P<pronoun>[a-z]+)'(?:s|re|m|ve|d|ll)$")
# How many words before a relative pronoun stand in for its antecedent ('..., Donald Trump, who').
RELATIVE_ANTECEDENT_WORDS = 6


@dataclass
class AttributionScores:
    articles: int = 0
    sentences: int = 0
    gold_sentences: int = 0
    pronoun_skipped: int = 0
    predicted: int = 0
    correct: int = 0
    # The headline sentences, a speaker right when it is the Source or the name it stands for.
    named_resolved_correct: int = 0
    # The same, with pronoun Sources resolved on the gold side and kept.
    resolved_gold_sentences: int = 0
    resolved_predicted: int = 0
    resolved_correct: int = 0
    # Non-gold sentences (narration, or attributions without a Source) that still get a speaker.
    predicted_outside_gold: int = 0
    errors: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.correct / self.predicted if self.predicted else 0.0

    @property
    def coverage(self) -> float:
        return self.predicted / self.gold_sentences if self.gold_sentences else 0.0

    @property
    def named_resolved_accuracy(self) -> float:
        return self.named_resolved_correct / self.predicted if self.predicted else 0.0

    @property
    def resolved_accuracy(self) -> float:
        return self.resolved_correct / self.resolved_predicted if self.resolved_predicted else 0.0

    @property
    def resolved_coverage(self) -> float:
        if not self.resolved_gold_sentences:
            return 0.0
        return self.resolved_predicted / self.resolved_gold_sentences


def is_pronoun(source: str) -> bool:
    word = source.lower().strip().replace("’", "'")
    contracted = CONTRACTION.match(word)
    if contracted is not None:
        word = contracted.group("pronoun")
    return word in PERSONAL_PRONOUNS | RELATIVE_PRONOUNS


def resolve_gold_source(
    attribution: GoldAttribution, article: PolnearArticle, others: tuple[GoldAttribution, ...]
) -> str | None:
    """A stand-in name for a pronoun Source, taken from gold annotations and the text only."""
    if attribution.source.lower() in RELATIVE_PRONOUNS:
        before = article.text[: attribution.source_start].rstrip(" ,—–-")
        words = before.split()[-RELATIVE_ANTECEDENT_WORDS:]
        return " ".join(words) or None
    earlier = [
        other
        for other in others
        if other.source_start < attribution.source_start and not is_pronoun(other.source)
    ]
    return earlier[-1].source if earlier else None


# Words after which a document Source names who issued it: 'a study by Y', 'a statement from X'.
ISSUED_BY = re.compile(r"\b(?:by|from)\s+(?P<issuer>(?:the\s+)?[A-Z][\w.'’&-]*(?:\s+\S+){0,5})")
DETERMINERS = frozenset(("the", "a", "an", "this", "that", "these", "those"))
# Words that end a description's head phrase: 'the retired teacher from Leeds' -> 'teacher'.
HEAD_ENDS = frozenset(("of", "from", "in", "at", "for", "with", "who", "which", "that", "on"))


def is_description(source: str) -> bool:
    """'the mayor', 'the retired teacher from Leeds': a determiner and no capitalised word."""
    words = source.split()
    return (
        len(words) >= 2
        and words[0].lower() in DETERMINERS
        and not any(word[:1].isupper() for word in words[1:])
    )


def description_head(source: str) -> str:
    words = [word.strip(",.;:").lower() for word in source.split()[1:]]
    for index, word in enumerate(words):
        if word in HEAD_ENDS:
            words = words[:index]
            break
    return words[-1] if words else ""


def resolved_names(
    attribution: GoldAttribution, article: PolnearArticle, others: tuple[GoldAttribution, ...]
) -> list[str]:
    """The Source and the names it stands for, as described in the module docstring."""
    names = [] if is_pronoun(attribution.source) else [attribution.source]
    if is_pronoun(attribution.source):
        name = resolve_gold_source(attribution, article, others)
        if name is not None:
            names.append(name)
    elif is_description(attribution.source):
        head = description_head(attribution.source)
        earlier = [
            other.source
            for other in others
            if other.source_start < attribution.source_start
            and not is_pronoun(other.source)
            and not is_description(other.source)
            and head
            and head in other.source.lower().replace(",", " ").split()
        ]
        if earlier:
            names.append(earlier[-1])
        named_in_text = _name_for_description(attribution, article)
        if named_in_text:
            names.append(named_in_text)
        issuer = _issuer_of_document(head, attribution, article)
        if issuer:
            names.append(issuer)
    issued = ISSUED_BY.search(attribution.source)
    if issued is not None:
        names.append(issued.group("issuer"))
    return names


NAME = r"(?P<name>[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3})"


def _name_for_description(attribution: GoldAttribution, article: PolnearArticle) -> str | None:
    """The name the text gives a description before it: 'former Secretary of State Hillary
    Clinton' or 'Hillary Clinton, the former secretary of state' for 'the former secretary of
    state'."""
    words = attribution.source.split()[1:]
    cut = next((i for i, word in enumerate(words) if word.lower() in HEAD_ENDS), len(words))
    description = r"\s+".join(re.escape(word) for word in words[:cut])
    if not description:
        return None
    before = article.text[: attribution.source_start]
    patterns = (
        rf"(?i:{description})\s+{NAME}",
        rf"{NAME},\s+(?i:the|a|an)\s+(?i:{description})\b",
    )
    found = [m for pattern in patterns for m in re.finditer(pattern, before)]
    return max(found, key=lambda m: m.start()).group("name") if found else None


def _issuer_of_document(head: str, attribution: GoldAttribution, article: PolnearArticle):
    """Who issued the document a description names ('the report', 'the statement'), from the
    text before it: "X's report", 'a report by X', 'X released a report'."""
    if head not in DOCUMENT_NOUNS:
        return None
    noun = rf"{re.escape(head)}s?"
    patterns = (
        rf"{NAME}['’]s?\s+(?:[\w-]+\s+){{0,2}}{noun}\b",
        rf"\b{noun}\s+(?:[\w-]+\s+)?(?:by|from)\s+(?:the\s+)?{NAME}",
        rf"{NAME}\s+(?:released|issued|published|sent|posted|put out|wrote)\s+"
        rf"(?:a|an|the|its|his|her|their)\s+(?:[\w-]+\s+){{0,2}}{noun}\b",
    )
    before = article.text[: attribution.source_start]
    found = [m for pattern in patterns for m in re.finditer(pattern, before)]
    return max(found, key=lambda m: m.start()).group("name") if found else None


def named_resolved(gold_attributions: list[GoldAttribution], article: PolnearArticle) -> list[str]:
    """The named (non-pronoun) Sources of a sentence with the names they stand for."""
    return [
        name
        for a in gold_attributions
        if not is_pronoun(a.source)
        for name in resolved_names(a, article, article.attributions)
    ]


def acronym_of(name: str) -> str:
    """'Environmental Protection Agency' -> 'epa' (initials of its capitalised words)."""
    words = [word for word in re.findall(r"[A-Za-z][\w'’-]*", name) if word[0].isupper()]
    return "".join(word[0] for word in words).lower() if len(words) >= 2 else ""


def matches_resolved(predicted: str, names: list[str]) -> bool:
    for name in names:
        if matches_gold(predicted, name):
            return True
        predicted_key, name_key = speaker_key(predicted).replace(" ", ""), speaker_key(name)
        if (predicted_key and predicted_key == acronym_of(name)) or (
            name_key.replace(" ", "") == acronym_of(predicted) and acronym_of(predicted)
        ):
            return True
    return False


def gold_sources_by_sentence(
    article: PolnearArticle, sentences: list[SentenceSpan]
) -> list[list[GoldAttribution]]:
    gold: list[list[GoldAttribution]] = [[] for _ in sentences]
    for attribution in article.attributions:
        for start, end in attribution.content:
            for index, sentence in enumerate(sentences):
                overlaps = start < sentence.end and end > sentence.start
                if overlaps and attribution not in gold[index]:
                    gold[index].append(attribution)
    return gold


def evaluate_attribution(
    data_dir: Path,
    *,
    split: str = "dev",
    limit: int | None = None,
    keep_errors: int = 0,
    stance_threshold: float | None = None,
) -> AttributionScores:
    """Speaker accuracy and coverage of attribute_sentences on a PolNeAR split."""
    scores = AttributionScores()
    for article in read_polnear(data_dir, split, limit):
        sentences = split_sentences(article.text)
        predictions = attribute_sentences(
            article.text, sentences, stance_threshold=stance_threshold
        )
        gold = gold_sources_by_sentence(article, sentences)
        scores.articles += 1
        scores.sentences += len(sentences)
        for sentence, predicted, gold_attributions in zip(
            sentences, predictions, gold, strict=True
        ):
            _score_sentence(scores, article, sentence, predicted, gold_attributions, keep_errors)
    return scores


def _score_sentence(
    scores: AttributionScores,
    article: PolnearArticle,
    sentence: SentenceSpan,
    predicted: Attribution | None,
    gold_attributions: list[GoldAttribution],
    keep_errors: int,
) -> None:
    if not gold_attributions:
        scores.predicted_outside_gold += predicted is not None
        return
    named = [a.source for a in gold_attributions if not is_pronoun(a.source)]
    resolved = [
        name for a in gold_attributions for name in resolved_names(a, article, article.attributions)
    ]
    if resolved:
        scores.resolved_gold_sentences += 1
        if predicted is not None:
            scores.resolved_predicted += 1
            scores.resolved_correct += matches_resolved(predicted.speaker, resolved)
    if not named:
        scores.pronoun_skipped += 1
        return
    scores.gold_sentences += 1
    if predicted is None:
        if len(scores.errors) < keep_errors:
            scores.errors.append((sentence.text, "-", _describe_gold(gold_attributions)))
        return
    scores.predicted += 1
    scores.named_resolved_correct += matches_resolved(
        predicted.speaker, named_resolved(gold_attributions, article)
    )
    if any(matches_gold(predicted.speaker, name) for name in named):
        scores.correct += 1
    elif len(scores.errors) < keep_errors:
        scores.errors.append((sentence.text, predicted.speaker, _describe_gold(gold_attributions)))


def matches_gold(predicted: str, gold: str) -> bool:
    """Lenient match against the Source or any part of its apposition.

    'Carter's press secretary, Peter Cook,' names one speaker twice; either name counts. A
    prediction that is the Source without its trailing modifier also counts: 'early results of
    exit polls' for 'early results of exit polls conducted by Edison Research'.
    """
    parts = [gold, *(part for part in gold.split(",") if part.strip())]
    if any(names_match(predicted, part) for part in parts):
        return True
    predicted_key, gold_key = speaker_key(predicted), speaker_key(gold)
    return bool(predicted_key) and gold_key.startswith(predicted_key + " ")


def _describe_gold(gold_attributions: list[GoldAttribution]) -> str:
    return " | ".join(f"{a.source} [{a.cue}]" for a in gold_attributions)
