"""A whole text file read as UTF-8, refused with a message a person can act on.

The commands that take a file (analyze_text, match_claims, score_sentences, the evaluations'
data files) name the file and, for bytes that are not UTF-8, the byte where decoding stopped:
the wording import_articles and the paste form use for the same problem. Pure Python, no Django.
"""

from pathlib import Path


class TextFileError(ValueError):
    """The file is missing, a folder, unreadable, or not UTF-8 text."""


def utf8_file_read(path: Path) -> str:
    """The text of `path`, decoded as strict UTF-8 (a leading byte-order mark dropped);
    TextFileError naming the file otherwise."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise TextFileError(f"{path}: no such file.") from None
    except IsADirectoryError:
        raise TextFileError(f"{path} is a folder, not a text file.") from None
    except OSError as error:
        raise TextFileError(f"{path}: {error.strerror}.") from None
    try:
        # Without the byte-order mark Windows editors put first: it is no text, and it would
        # be part of a TSV's first column name.
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        raise not_utf8(path, error) from None


def not_utf8(path: Path, error: UnicodeDecodeError) -> TextFileError:
    """The refusal of `path`, for an error raised decoding the whole file at once (so that
    `error.start` is the byte's offset in the file, not in a piece of it)."""
    return TextFileError(f"{path} is not valid UTF-8 (byte {error.start}): save it as UTF-8.")
