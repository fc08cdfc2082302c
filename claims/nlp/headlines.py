"""Headline case: 'Carly Fiorina Endorses Ted Cruz' parses as a run of names, so the parser
reads it in sentence case ('Carly Fiorina endorses Ted Cruz').

A word keeps its capital when the article's ordinary sentences write it with one (a name), or
when it is the headline's first word; every other word of a title-case or all-caps sentence is
lowercased. Only the case changes, so character offsets stay valid. A sentence made only of
names and short words ('Donald Trump in Ohio') counts as title case, which changes nothing
there: its names keep their capitals.
"""

import re

# Letters, joined by internal dots, apostrophes or hyphens ('U.N', 'O’Malley', 'Anti-Trump'); a
# final full stop is punctuation, not part of the word.
WORD = re.compile(r"[^\W\d_]+(?:[.'’-][^\W\d_]+)*")
# Title case capitalises every word but the short ones ('in', 'on', 'to', 'a', 'the'); a news
# sentence dense with names still writes its verbs in lower case ('visited', 'said').
SHORT_WORD = 3
MIN_WORDS = 3


def is_headline_case(text: str) -> bool:
    words = WORD.findall(text)
    if len(words) < MIN_WORDS:
        return False
    if all(word.isupper() for word in words if any(char.isalpha() for char in word)):
        return True
    long_words = [word for word in words if len(word) > SHORT_WORD]
    return len(long_words) >= MIN_WORDS and all(word[0].isupper() for word in long_words)


def capitalised_words(texts: list[str]) -> frozenset[str]:
    """Words written with a capital inside ordinary sentences: names, and acronyms as written."""
    words = set()
    for text in texts:
        if is_headline_case(text):
            continue
        for match in list(WORD.finditer(text))[1:]:
            if match.group()[0].isupper():
                words.add(match.group())
    return frozenset(words)


def sentence_case(text: str, names: frozenset[str]) -> str:
    """The text with headline capitals lowered, keeping names; unchanged if not headline case."""
    if not is_headline_case(text):
        return text
    lowered_names = {name.lower(): name for name in names}
    pieces, position = [], 0
    for index, match in enumerate(WORD.finditer(text)):
        word = match.group()
        if index == 0 and not word.isupper() or word in names:
            replacement = word
        else:
            replacement = lowered_names.get(word.lower(), word.lower() if index else word.title())
        pieces.append(text[position : match.start()])
        pieces.append(replacement)
        position = match.end()
    pieces.append(text[position:])
    normalised = "".join(pieces)
    # Some characters change length with their case ('İ'); then the parser reads the original.
    return normalised if len(normalised) == len(text) else text
