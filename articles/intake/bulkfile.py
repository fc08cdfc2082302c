"""A bulk file as the desk keeps and reads it: its format (from the name), its size cap, its
check (UTF-8, no NUL) while it is stored in pieces (ImportChunk), and its rows read back a piece
at a time, CSV or JSON Lines, each with its line number. bulk.py cleans and stores the rows.
"""

import codecs
import io
import json
import re
from collections.abc import Iterator
from pathlib import PurePath
from typing import BinaryIO, TextIO

from django.conf import settings
from django.core.exceptions import ValidationError

from ..delimited import DelimitedError, delimited_records, header_check
from ..models import ImportBatch, ImportChunk, ImportStatus
from .storable import (
    RepeatedKey,
    json_error_reason,
    json_object_without_repeated_keys,
    json_unstorable,
)

COLUMNS = ("title", "body", "url", "published_at", "outlet", "byline", "language")
FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
# The file is stored and read in pieces of this size: what one import holds of it in memory,
# whatever the file's size (up to INTAKE_IMPORT_MAX_BYTES), and the largest row it writes.
CHUNK_BYTES = 256 * 1024
_READ_BYTES = 64 * 1024


def file_format_for(file_name: str) -> str:
    suffix = PurePath(file_name).suffix.lower()
    if suffix not in FORMATS:
        raise ValidationError(
            f"{file_name!r} is neither CSV (.csv) nor JSON Lines (.jsonl, .ndjson)."
        )
    return FORMATS[suffix]


def import_size_check(size: int) -> None:
    """Raises ValidationError for a file over INTAKE_IMPORT_MAX_BYTES. The page and the command
    ask before reading the file, so a huge one is never held in memory."""
    if size > settings.INTAKE_IMPORT_MAX_BYTES:
        raise ValidationError(
            f"The file has {size:,} bytes; the maximum is {settings.INTAKE_IMPORT_MAX_BYTES:,}."
        )


def store_chunks(batch: ImportBatch, source: BinaryIO) -> None:
    """Check the file is UTF-8 text without a NUL and within the cap, as it is stored in pieces
    of CHUNK_BYTES: never the whole file in memory."""
    decoder = codecs.getincrementaldecoder("utf-8")()  # strict
    offset, lines, number = 0, 1, 0
    while block := source.read(CHUNK_BYTES):
        if offset + len(block) > settings.INTAKE_IMPORT_MAX_BYTES:
            import_size_check(offset + len(block))  # a file that grew after it was measured
        # The byte-order mark is kept in the piece and skipped by the reader (utf-8-sig).
        bom = len(codecs.BOM_UTF8) if offset == 0 and block.startswith(codecs.BOM_UTF8) else 0
        pending = len(decoder.getstate()[0])  # bytes of a character the last piece cut
        try:
            text = decoder.decode(block[bom:])
        except UnicodeDecodeError as error:
            where = offset + bom - pending + error.start
            raise ValidationError(
                f"The file is not valid UTF-8 (byte {where}): save it as UTF-8."
            ) from None
        if "\x00" in text:
            line = lines + text.count("\n", 0, text.index("\x00"))
            raise ValidationError(
                f"Line {line} holds a null character, which no text can store: the file may be "
                "UTF-16 or not text at all. Save it as UTF-8 text."
            )
        lines += text.count("\n")
        ImportChunk.objects.create(batch=batch, number=number, data=block)
        number += 1
        offset += len(block)
    if decoder.getstate()[0]:
        raise ValidationError(
            f"The file is not valid UTF-8 (byte {offset - len(decoder.getstate()[0])}): the "
            "file ends inside a character. Save it as UTF-8."
        )


class _ChunkReader(io.RawIOBase):
    """The stored pieces of a batch's file, read as one stream, one piece in memory at once."""

    def __init__(self, batch_id: int):
        self._ids = iter(
            ImportChunk.objects.filter(batch_id=batch_id)
            .order_by("number")
            .values_list("pk", flat=True)
        )
        self._piece = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, target) -> int:
        while not self._piece:
            chunk_id = next(self._ids, None)
            if chunk_id is None:
                return 0
            data = ImportChunk.objects.values_list("data", flat=True).get(pk=chunk_id)
            self._piece = memoryview(bytes(data))
        size = min(len(target), len(self._piece))
        target[:size] = self._piece[:size]
        self._piece = self._piece[size:]
        return size


def import_text(batch: ImportBatch) -> TextIO:
    """The batch's file as text, read piece by piece; a batch stored before the pieces were kept
    its content."""
    # csv reads its own line endings ("\r", "\r\n" or "\n"); in JSON Lines "\n" alone ends a
    # line: splitting also at U+2028, U+0085 or a form feed would cut JSON strings that hold one.
    newline = "" if batch.file_format == "csv" else "\n"
    if not ImportChunk.objects.filter(batch_id=batch.pk).exists():
        return io.StringIO(batch.content, newline=newline)
    return io.TextIOWrapper(
        io.BufferedReader(_ChunkReader(batch.pk), buffer_size=_READ_BYTES),
        encoding="utf-8-sig",
        newline=newline,
    )


# An import in one of these states is never run again (a failed one is not resumed: its page
# says to import the file again, which skips the rows stored), so its file has served.
FINISHED = (ImportStatus.DONE, ImportStatus.FAILED)


def import_file_drop(*, batch_id: int) -> None:
    """Delete the batch's file (its pieces, or the content of a batch from before them), once
    its import has finished: call it in the transaction that says so."""
    ImportChunk.objects.filter(batch_id=batch_id).delete()
    ImportBatch.objects.filter(pk=batch_id).exclude(content="").update(content="")


def import_files_drop_finished() -> int:
    """Delete the files finished imports still hold: batches that finished before their file
    was dropped with them, or whose drop failed with the database (on Celery beat, with the
    imports' recovery). Returns how many pieces were deleted."""
    deleted, _ = ImportChunk.objects.filter(batch__status__in=FINISHED).delete()
    ImportBatch.objects.filter(status__in=FINISHED).exclude(content="").update(content="")
    return deleted


def import_rows(text: TextIO, file_format: str) -> Iterator[tuple[int, dict | None, str]]:
    """(line number, row, error) for every row; row is None when the line could not be read."""
    if file_format == "csv":
        yield from _csv_rows(text)
    else:
        yield from _jsonl_rows(text)


def _csv_rows(text: TextIO):
    # No field is longer than the file, which is capped; an article may be longer than the csv
    # module's default limit (ARTICLE_MAX_CHARS). No limit on a field's lines: a body holds
    # paragraphs.
    records = delimited_records(
        text, delimiter=",", max_field_chars=settings.INTAKE_IMPORT_MAX_BYTES
    )
    header = next(records, None)
    if header is None:
        return
    if header.error:
        raise ValidationError(
            f"Line {header.line}: the CSV header cannot be read ({header.error})."
        )
    names = [name.strip().lower() for name in header.values]
    _check_columns(names)
    for record in records:
        if record.error:
            yield record.line, None, record.error
        elif any(value.strip() for value in record.values):
            values = record.values
            if len(values) != len(names):
                fields = f"{len(values):,} field{'' if len(values) == 1 else 's'}"
                reason = f"{fields} where the header names {len(names):,}"
                # A body may span lines, but a row that spans them with the wrong field count
                # is most often a quote left open, which swallowed the rows after it.
                if record.last_line > record.line:
                    reason += (
                        f" (the row runs on to line {record.last_line}: is a quote left open?)"
                    )
                yield record.line, None, reason
            else:
                yield record.line, dict(zip(names, values, strict=True)), ""


def _check_columns(names) -> None:
    try:
        header_check(names)
    except DelimitedError as error:
        raise ValidationError(f"Line 1: {error.reason}.") from None
    unknown = sorted(set(names) - set(COLUMNS))
    separator = _other_separator(names)
    if unknown and separator:
        # A spreadsheet set to a language that writes decimal commas saves CSV with
        # semicolons: the header then reads as one unknown column, which says nothing useful.
        raise ValidationError(
            f"The columns are separated by {separator}, not commas: save the file as CSV "
            "with commas between the columns (or as JSON Lines)."
        )
    if unknown and not set(names) & set(COLUMNS):
        # Not one column named: the first line is a row of data, not a header, and quoting it
        # back as "unknown columns" (lower-cased) says nothing of what is wrong.
        raise ValidationError(
            "Line 1 is not a header: the first line of a CSV file must name its columns, "
            f"among {', '.join(COLUMNS)} (a body or a url column is needed)."
        )
    if unknown:
        raise ValidationError(
            f"Unknown column(s) {', '.join(unknown)}; the columns are {', '.join(COLUMNS)}."
        )
    if "body" not in names and "url" not in names:
        raise ValidationError("The file needs a body or a url column.")


def _other_separator(names) -> str:
    """The separator, in words, of a header that names known columns with something other than
    commas between them; empty when it is not that."""
    if len(names) != 1:
        return ""
    for separator, words in ((";", "semicolons"), ("\t", "tabs"), ("|", "vertical bars")):
        parts = [part.strip().strip('"') for part in names[0].split(separator)]
        if len(parts) > 1 and set(parts) <= set(COLUMNS):
            return words
    return ""


# A JSON document saved as .jsonl: its first line opens an array ("[", "[{...},") or an object
# spread over lines ("{" alone). Each of its lines would be refused with a parser's error.
_NOT_JSON_LINES = re.compile(r"\s*(?:\[|\{\s*$)")


def _jsonl_rows(text: TextIO):
    # Read with newline="\n" (import_text): json.loads ignores the "\r" of a "\r\n".
    first = True
    for number, line in enumerate(text, start=1):
        if not line.strip():
            continue
        if first and _NOT_JSON_LINES.match(line):
            raise ValidationError(
                f"Line {number}: this is not JSON Lines, which has one JSON object per line, "
                "each whole on its line; the file opens a JSON array or an object spread "
                "over several lines. Write each article as one object on one line (.json "
                "files are not accepted)."
            )
        first = False
        try:
            # Without its line break, which json would count as the start of a second line:
            # '{"title": "x"' ends at column 14 of this line, not column 1 of the next.
            row = json.loads(
                line.rstrip("\r\n"), object_pairs_hook=json_object_without_repeated_keys
            )
        except RepeatedKey as error:
            # As a CSV header naming a column twice: which value was meant cannot be told.
            yield number, None, f"{error}; give each key once"
            continue
        except json.JSONDecodeError as error:
            yield number, None, f"not valid JSON ({json_error_reason(error, line=False)})"
            continue
        except RecursionError:  # the json module recurses once per level of nesting
            yield number, None, "not valid JSON (nested too deeply)"
            continue
        if not isinstance(row, dict):
            yield number, None, "each line must be one JSON object"
            continue
        # Before the keys are named in an error: the errors are stored as text too.
        unstorable = json_unstorable(row)
        if unstorable:
            yield number, None, unstorable
            continue
        unknown = sorted(set(row) - set(COLUMNS))
        if unknown:
            yield number, None, f"unknown key(s) {', '.join(unknown)}"
            continue
        not_text = [key for key, value in row.items() if not isinstance(value, str | None)]
        if not_text:
            # Named, so the exporter's fault can be found ("body" a list of paragraphs).
            verb = "is" if len(not_text) == 1 else "are"
            yield number, None, f"every value must be a string: {', '.join(not_text)} {verb} not"
            continue
        yield number, {key: value or "" for key, value in row.items()}, ""
