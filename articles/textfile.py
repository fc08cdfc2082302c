"""A whole text file read as UTF-8, and a TSV read from one, refused with a message a person
can act on.

The commands that take a file (analyze_text, import_claimreviews, match_claims,
score_sentences, the evaluations' data files) name the file and, for bytes that are not UTF-8,
the byte where decoding stopped: the wording import_articles and the paste form use for the same
problem. Pure Python, no Django: claims/nlp reads its data sets through it.
"""

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from articles.delimited import DelimitedError, Record, delimited_records, header_check

# The csv module's own default, under which these files were always read: a sentence, a claim
# or a query is far shorter, and a longer field is a file that is not what it should be.
TSV_MAX_FIELD_CHARS = 131_072
# One short text a row (the longest in the shared data sets spans 2 lines): a field over this
# many is a quote left open that took in the rows after it.
TSV_MAX_FIELD_LINES = 20


class TextFileError(ValueError):
    """The file is missing, a folder, unreadable, or not UTF-8 text."""


def utf8_file_read(path: Path) -> str:
    """The text of `path`, decoded as strict UTF-8 (a leading byte-order mark dropped);
    TextFileError naming the file otherwise."""
    data = file_bytes_read(path)
    try:
        # Without the byte-order mark Windows editors put first: it is no text, and it would
        # be part of a TSV's first column name.
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        raise not_utf8(path, error) from None


def file_bytes_read(path: Path) -> bytes:
    """The bytes of `path`; TextFileError naming the file when it is missing, a folder or
    unreadable."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise TextFileError(f"{path}: no such file.") from None
    except IsADirectoryError:
        raise TextFileError(f"{path} is a folder, not a text file.") from None
    except OSError as error:
        raise TextFileError(f"{path}: {error.strerror}.") from None


def not_utf8(path: Path, error: UnicodeDecodeError) -> TextFileError:
    """The refusal of `path`, for an error raised decoding the whole file at once (so that
    `error.start` is the byte's offset in the file, not in a piece of it)."""
    return TextFileError(f"{path} is not valid UTF-8 (byte {error.start}): save it as UTF-8.")


class TsvFormatError(TextFileError):
    """The file is text but not the TSV expected; the message names the file and the line."""


def tsv_records(
    path: Path,
    *,
    quoting: int = csv.QUOTE_MINIMAL,
    max_field_lines: int | None = TSV_MAX_FIELD_LINES,
) -> Iterator[Record]:
    """The rows of the TSV at `path`, its header first; TsvFormatError naming the file, and the
    line, for the first that cannot be read."""
    try:
        text = utf8_file_read(path)
    except TextFileError as error:
        raise TsvFormatError(str(error)) from None
    for record in delimited_records(
        io.StringIO(text, newline=""),
        delimiter="\t",
        max_field_chars=TSV_MAX_FIELD_CHARS,
        max_field_lines=max_field_lines,
        quoting=quoting,
    ):
        if record.error:
            raise TsvFormatError(f"{path}, line {record.line}: {record.error}")
        yield record


def tsv_read(
    path: Path, columns: list[str], *, optional: frozenset[str] = frozenset()
) -> list[dict[str, str]]:
    """Rows of a TSV with a header row and csv's default quoting, as dicts of `columns`; an
    `optional` column the header lacks is left out of every row."""
    return [row for _, row in tsv_numbered_rows(path, columns, optional=optional)]


def tsv_numbered_rows(
    path: Path, columns: list[str], *, optional: frozenset[str] = frozenset()
) -> list[tuple[int, dict[str, str]]]:
    """tsv_read's rows, each with the line of the file it starts on, for a caller that checks
    the values and names the line: a quoted field over several lines, or an empty line, puts a
    row's line past its position among the rows."""
    records = tsv_records(path)
    header = next(records, None)
    if header is None:
        raise TsvFormatError(f"{path}: the file is empty (expected a header row)")
    names = header.values
    missing = [name for name in columns if name not in names and name not in optional]
    if missing:
        raise TsvFormatError(
            f"{path}: header {names} lacks column(s) {', '.join(missing)}; "
            f"expected {', '.join(columns)}"
        )
    try:
        header_check(names, columns=columns)
    except DelimitedError as error:
        raise TsvFormatError(f"{path}: {error.reason}") from None
    positions = {name: names.index(name) for name in columns if name in names}
    rows = []
    for record in records:
        if not record.values:
            continue  # an empty line, most often the last: csv reads it as a row of no fields
        if len(record.values) != len(names):
            raise TsvFormatError(
                f"{path}, line {record.line}: {len(record.values)} fields, "
                f"the header has {len(names)}"
            )
        row = {name: record.values[position] for name, position in positions.items()}
        rows.append((record.line, row))
    return rows
