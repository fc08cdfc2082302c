"""Rule-based sentence splitting for news text, with exact character offsets.

Pure Python on purpose: spaCy's parser-based segmentation is slow and splits badly around
quotations, while news text follows a small number of conventions that rules capture well.
"""

import re
from dataclasses import dataclass


def word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


@dataclass(frozen=True)
class SentenceSpan:
    start: int
    end: int
    text: str


# Abbreviations that precede a name or a number, so a period after them never ends a sentence.
TITLE_ABBREVIATIONS = word_set(
    """mr mrs ms dr gov sen rep reps sens gen lt col sgt capt cmdr adm maj cpl pvt prof rev hon
    pres supt atty insp det st mt ft vs v messrs mmes fr rt"""
)
# Month abbreviations and 'No.' are followed by a number ('Jan. 6', 'No. 10'); before anything
# else they may end a sentence ('No. That is wrong.').
NUMBER_ABBREVIATIONS = word_set("""jan feb mar apr jun jul aug sep sept oct nov dec no nos""")
# Abbreviations that can end a sentence: split after them only when the next word is a typical
# sentence opener ('... in the U.S. The next day ...').
AMBIGUOUS_ABBREVIATIONS = word_set(
    """inc corp co ltd jr sr etc al bros llc plc a.m p.m u.s u.k u.n e.u d.c n.y l.a"""
)
SENTENCE_OPENERS = word_set(
    """the a an he she it they we i you his her its their our this that these those there but and
    or so yet then still however meanwhile in on at for after before when while if as since
    although though some many most both all no not one two three what why how who where mr mrs
    ms dr"""
)
# Reporting verbs that, right after a closing quotation, mark '"..." X said.' as one sentence.
QUOTE_TAG_VERBS = word_set(
    """said says told tells added adds asked asks wrote writes tweeted replied responded
    continued explained noted argued insisted warned recalled joked shouted declared"""
)
WEEKDAYS_AND_TIME_WORDS = word_set(
    """monday tuesday wednesday thursday friday saturday sunday today yesterday tonight earlier
    later recently"""
)

CLOSERS = "\"'”’)]"
OPENING_QUOTES = "\"“‘'"
# A candidate boundary: terminal punctuation, any closing quotes/brackets, then whitespace.
BOUNDARY = re.compile(r"(\.{3}|…|[.?!]+)([" + re.escape(CLOSERS) + r"]*)(?=\s+)")
WORD_BEFORE = re.compile(r"([\w.'’-]+)$")
NEXT_WORDS = re.compile(r"[\w'’.-]+")


def split_sentences(text: str) -> list[SentenceSpan]:
    """Split text into sentences; text[span.start:span.end] == span.text for every span."""
    spans: list[SentenceSpan] = []
    for line_match in re.finditer(r"[^\n]+", text):
        line_start = line_match.start()
        piece_start = 0
        line = line_match.group()
        for end in _line_boundaries(line):
            _append_stripped(spans, text, line_start + piece_start, line_start + end)
            piece_start = end
        _append_stripped(spans, text, line_start + piece_start, line_match.end())
    return spans


def _append_stripped(spans: list[SentenceSpan], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        spans.append(SentenceSpan(start=start, end=end, text=text[start:end]))


def _line_boundaries(line: str) -> list[int]:
    boundaries = []
    for match in BOUNDARY.finditer(line):
        if _ends_sentence(line, match):
            boundaries.append(match.end())
    return boundaries


def _ends_sentence(line: str, match: re.Match) -> bool:
    punctuation, closers = match.group(1), match.group(2)
    rest = line[match.end() :].lstrip()
    if not rest:
        return False
    first = rest[0]
    if first in OPENING_QUOTES and len(rest) > 1:
        first = rest[1]
    # A lowercase continuation ('sovereignty... and the militias', '"Why?" he asked') or a
    # punctuation mark ('U.S.-led', 'Inc., the') is never a new sentence.
    if not (first.isupper() or first.isdigit() or first in OPENING_QUOTES):
        return False
    next_word = _first_word(rest)
    if punctuation == "." and not closers:
        word = WORD_BEFORE.search(line[: match.start()])
        before = (word.group(1) if word else "").lower().rstrip(".")
        if not _period_can_end_sentence(before, next_word, first):
            return False
    return not (closers and closers[-1] in "\"”'’" and _starts_quote_tag(rest))


def _period_can_end_sentence(word_before: str, next_word: str, next_char: str) -> bool:
    if word_before in TITLE_ABBREVIATIONS:
        return False
    if word_before in NUMBER_ABBREVIATIONS:
        return not next_char.isdigit()
    # Initials: 'John F. Kennedy', 'George H.W. Bush'.
    if len(word_before) == 1 and word_before.isalpha():
        return False
    if word_before in AMBIGUOUS_ABBREVIATIONS or "." in word_before:
        return next_word.lower() in SENTENCE_OPENERS
    return True


def _first_word(rest: str) -> str:
    word = NEXT_WORDS.search(rest)
    return word.group() if word else ""


def _starts_quote_tag(rest: str) -> bool:
    """Whether the text after a closing quotation is its tag: '"Why not?" Trump asked.'.

    Only a short tag counts; '"... message." Iraqi militia groups said they ...' starts a new
    sentence, and so does '"..." Biden said the strikes ...', where a clause follows the verb.
    """
    clause = re.split(r"(?<=[.?!])\s", rest, maxsplit=1)[0]
    words = NEXT_WORDS.findall(clause)
    for index, word in enumerate(words[:5]):
        if word.lower().rstrip(".") in QUOTE_TAG_VERBS:
            after = words[index + 1 :]
            if not after:
                return True
            follower = after[0].lower().rstrip(".")
            return follower in WEEKDAYS_AND_TIME_WORDS or (
                len(after) <= 6
                and follower not in SENTENCE_OPENERS
                and not after[0][0].isupper()
                or follower in {"on", "in", "at", "during", "after", "before", "of", "to"}
            )
    return False
