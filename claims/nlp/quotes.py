"""Quotation marks in news text: which characters lie inside a quotation, over sentence and
paragraph boundaries."""

import re

from claims.nlp.sentences import SentenceSpan

QUOTE_CHARS = '"“”'
# Straight or curly double quotes, and two apostrophes, which some archives (the New York Times
# in PolNeAR among them) use for a double quote.
QUOTE_MARK = re.compile(r"''|[\"“”]")
# A quotation left open for more lines than this is taken as a stray mark, not a long quotation.
MAX_QUOTE_LINES = 8


def quote_regions(text: str) -> list[tuple[int, int]]:
    """Character ranges of quotations, from opening to closing mark, possibly over several lines.

    Straight quotes are told apart by the characters around them. A paragraph that opens with a
    quotation mark while a quotation is open continues it (the newswire convention for quotations
    over several paragraphs); an opening mark mid-line while one is open means the earlier mark
    was stray, so that quotation ends with its line.
    """
    regions: list[tuple[int, int]] = []
    open_at: int | None = None
    for match in QUOTE_MARK.finditer(text):
        position = match.start()
        opening = _is_opening_mark(text, match, currently_open=open_at is not None)
        if open_at is None:
            if opening:
                open_at = position
            continue
        if not opening:
            end = match.end()
            if text.count("\n", open_at, end) > MAX_QUOTE_LINES:
                end = _line_end(text, open_at)
            regions.append((open_at, end))
            open_at = None
        elif not _starts_line(text, position):
            regions.append((open_at, _line_end(text, open_at)))
            open_at = position
    if open_at is not None:
        regions.append((open_at, _line_end(text, open_at)))
    return regions


def _is_opening_mark(text: str, match: re.Match, currently_open: bool) -> bool:
    mark = match.group()
    if mark == "“":
        return True
    if mark == "”":
        return False
    before = text[match.start() - 1] if match.start() > 0 else " "
    after = text[match.end()] if match.end() < len(text) else " "
    if before.isspace() or before in "([{—–-/":
        return not after.isspace() or not currently_open
    if after.isspace() or after in ".,;:?!)]—–-":
        return False
    return not currently_open


def _starts_line(text: str, position: int) -> bool:
    line_start = text.rfind("\n", 0, position) + 1
    return text[line_start:position].strip() == ""


def _line_end(text: str, position: int) -> int:
    end = text.find("\n", position)
    return len(text) if end == -1 else end


def quoted_mask(length: int, regions: list[tuple[int, int]]) -> list[bool]:
    mask = [False] * length
    for start, end in regions:
        mask[start:end] = [True] * (end - start)
    return mask


def quote_share(sentence: SentenceSpan, quoted: list[bool]) -> float:
    positions = [
        sentence.start + offset
        for offset, char in enumerate(sentence.text)
        if not char.isspace() and char not in QUOTE_CHARS and char != "'"
    ]
    if not positions:
        return 0.0
    return sum(quoted[position] for position in positions) / len(positions)
