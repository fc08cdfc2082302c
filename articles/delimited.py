"""Rows of a delimited text file (CSV, TSV) as every reader in the project reads them: Python
csv's quoting, each row with the line it starts on, and the checks that turn the csv module's
silences and tracebacks into a line-numbered reason.

The bulk import (articles/intake/bulkfile.py) and the TSV files of the commands and the
evaluations (articles/textfile.py) read through here. Pure Python, no Django.
"""

import csv
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

# csv's own limit (131,072 characters by default) is one setting for the whole process, so one
# reader raising it for long article bodies lifted it for every other. It is set out of the way
# once, and each reader's own `max_field_chars` is checked per row instead. No field is longer
# than the text it came from, which each caller already holds or capped.
_CSV_MODULE_LIMIT = 2**31 - 1
_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # where csv, reading with newline="", ends a line


class DelimitedError(ValueError):
    def __init__(self, line: int, reason: str):
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason


@dataclass(frozen=True)
class Record:
    line: int  # where the row starts, or where `error` is
    values: list[str]  # empty when `error` says why the row could not be read
    last_line: int  # where the row ends
    error: str = ""


def delimited_records(
    lines: Iterable[str],
    *,
    delimiter: str,
    max_field_chars: int,
    max_field_lines: int | None = None,
    quoting: int = csv.QUOTE_MINIMAL,
) -> Iterator[Record]:
    """Every row of `lines` (read with newline=""), the header first. A row that cannot be read
    comes with its reason and the reading goes on after it; the caller decides whether that
    ends the file. `max_field_lines` is for files with one short text a row, where a field
    over that many lines is a quote left open, not a text."""
    csv.field_size_limit(max(csv.field_size_limit(), _CSV_MODULE_LIMIT))
    ended = False
    row_lines = []  # the lines of the row being read

    def source():
        nonlocal ended
        for text in lines:
            row_lines.append(text)
            yield text
        ended = True

    reader = csv.reader(source(), delimiter=delimiter, quoting=quoting)
    kind = "TSV" if delimiter == "\t" else "CSV"
    line = 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            row_lines.clear()
            yield Record(line, [], reader.line_num, f"not valid {kind} ({error})")
            line = reader.line_num + 1
            continue
        problem = _problem(
            values,
            line=line,
            last_line=reader.line_num,
            at_end_of_file=ended,
            max_field_chars=max_field_chars,
            max_field_lines=max_field_lines,
        ) or _closed_inside_text(row_lines, line=line, delimiter=delimiter, quoting=quoting)
        row_lines.clear()
        if problem:
            yield Record(problem[0], [], reader.line_num, problem[1])
        else:
            yield Record(line, values, reader.line_num)
        line = reader.line_num + 1


def _problem(
    values: list[str],
    *,
    line: int,
    last_line: int,
    at_end_of_file: bool,
    max_field_chars: int,
    max_field_lines: int | None,
) -> tuple[int, str] | None:
    """(the line to name, why) for a row read but not to be trusted; None for a good one."""
    opens = line  # the line the field starts on
    for position, value in enumerate(values):
        breaks = len(_LINE_BREAK.findall(value))
        # The reader asks for a line past the last only from inside a quoted field: a row it
        # returns after that ends in a quote that never closed, which took in every line after
        # it as that one field (the csv module says nothing).
        if at_end_of_file and position == len(values) - 1 and breaks:
            return opens, (
                "a quote opened here is never closed; the field takes in every line after it, "
                f"to the end of the file (line {last_line:,}). Close the quote, or write a quote "
                'inside a quoted field as two ("")'
            )
        if max_field_lines is not None and breaks >= max_field_lines:
            return opens, (
                f"a quoted field opened here runs on for {breaks + 1:,} lines, to line "
                f"{opens + breaks:,}: is its quote never closed? (A field here spans at most "
                f"{max_field_lines:,} lines.)"
            )
        if len(value) > max_field_chars:
            return opens, (
                f"a field starting here holds {len(value):,} characters; "
                f"the most is {max_field_chars:,}"
            )
        opens += breaks
    return None


def _closed_inside_text(
    row_lines: list[str], *, line: int, delimiter: str, quoting: int
) -> tuple[int, str] | None:
    """A row over several lines whose quoted field ends, on a later line, with a quote that has
    text after it: csv (not strict) goes on reading the text, and the lines between were read
    into that field in silence. No well-formed file has such a quote (one inside a quoted field
    is doubled); on the row's first line it is left alone, where `"Yes," she said` reads as it
    always did."""
    if len(row_lines) < 2 or quoting == csv.QUOTE_NONE:
        return None
    strict = csv.reader(row_lines, delimiter=delimiter, quoting=quoting, strict=True)
    try:
        for _ in strict:
            pass
    except csv.Error:
        if strict.line_num > 1:
            return line, (
                f"a quote opened here is closed only on line {line + strict.line_num - 1:,}, "
                "with text after it: the lines between were read as one field. Close the "
                'quote, or write a quote inside a quoted field as two ("")'
            )
    return None


def header_check(names: list[str], *, columns: Iterable[str] | None = None) -> None:
    """DelimitedError (line 1) for a header that names one of `columns` (any column, by
    default) more than once: which of the two holds the values cannot be told."""
    counts = Counter(names)
    twice = sorted(name for name in (counts if columns is None else columns) if counts[name] > 1)
    if twice:
        raise DelimitedError(
            1, f"the header names {', '.join(twice)} more than once; name each column once"
        )
