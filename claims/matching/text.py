"""The words of a claim as retrieval sees them: links removed, tokens without stopwords, and the
two checks for texts that read alike but say something else (their numbers, a negation).

Shared by retrieval (BM25, the levels' guards), the corpora, the store and the re-ranker. Plain
Python: no Django, no numpy.
"""

import re
import unicodedata

_URL = re.compile(r"(?:https?://|pic\.twitter\.com/|www\.)\S*", re.IGNORECASE)
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
# Typographic apostrophes (what phones and word processors type) read as the straight one.
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_NEGATIONS = frozenset({"not", "no", "never", "none", "nobody", "nothing", "neither", "nor"})
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "from",
        "by",
        "with",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "he",
        "she",
        "they",
        "we",
        "you",
        "i",
        "his",
        "her",
        "their",
        "our",
        "your",
        "my",
        "me",
        "him",
        "them",
        "us",
        "do",
        "does",
        "did",
        "has",
        "have",
        "had",
        "will",
        "would",
        "can",
        "could",
        "should",
        "may",
        "might",
        "shall",
        "so",
        "than",
        "then",
        "there",
        "here",
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "when",
        "where",
        "why",
        "how",
        "all",
        "any",
        "each",
        "some",
        "such",
        "very",
        "just",
        "about",
        "into",
        "over",
        "after",
        "before",
        "up",
        "down",
        "out",
        "off",
        "s",
        "t",
        "rt",
        "via",
        "amp",
    ]
)


def text_clean(text: str) -> str:
    """The words that carry the claim: links removed. A pasted tweet's author line ("— Name
    (@handle) May 1, 2020") stays: dropping it cost 0.019 MAP@5 on CheckThat! 2020 train."""
    text = _URL.sub(" ", text)
    return " ".join(text.replace("#", " ").split())


def embedding_text(text: str) -> str:
    """What gets embedded: the cleaned text, or the text itself when cleaning leaves nothing."""
    return text_clean(text) or text


def _folded(text: str) -> str:
    """Lower case, accents dropped (NFKD, combining marks removed), curly apostrophes straight,
    "n't" -> " not": so that "doesn’t" with a typographic apostrophe is a negation too."""
    folded = text.lower()
    # Most texts are plain ASCII; skip the Unicode pass for them.
    if not folded.isascii():
        decomposed = unicodedata.normalize("NFKD", folded)
        folded = "".join(char for char in decomposed if not unicodedata.combining(char))
        folded = folded.translate(_APOSTROPHES)
    return folded.replace("n't", " not")


def tokens(text: str) -> list[str]:
    """BM25's words (and the lexical candidates'). Not folded like `_folded`, nor a possessive
    "'s" dropped: with that reading the held-out hybrid lost 0.0083 MAP@5 on CheckThat! 2020
    train-B (issue #12 round 11; its rule allowed 0.005), so "Biden's" is still "biden's"."""
    words = _TOKEN.findall(text.lower().replace("n't", " not"))
    return [word for word in words if word not in STOPWORDS]


def word_count(text: str) -> int:
    return len(text_clean(text).split())


def numbers_in(text: str) -> frozenset[str]:
    """Each number once, without thousands commas, in ASCII digits: `\\d` also matches other
    scripts' digits ("２０" full width, "٢٠" Arabic-Indic), which must agree with "20"."""
    return frozenset(
        "".join(str(unicodedata.decimal(char, char)) for char in number.replace(",", ""))
        for number in _NUMBER.findall(text)
    )


def numbers_agree(first: str, second: str) -> bool:
    """The numbers of the text that has fewer all appear in the other ("rose 20 percent" is
    not "rose 2 percent"; a longer text may add a date)."""
    first_numbers, second_numbers = numbers_in(first), numbers_in(second)
    return first_numbers <= second_numbers or second_numbers <= first_numbers


def is_negated(text: str) -> bool:
    # Folded, unlike `tokens`: a guard on "same claim" only, it moves no ranking.
    return sum(word in _NEGATIONS for word in _TOKEN.findall(_folded(text))) % 2 == 1
