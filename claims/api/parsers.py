"""The API's JSON parser: DRF's, with deep nesting and repeated keys answered as parse errors."""

import codecs

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser, get_encoding
from rest_framework.utils import json

# A key is quoted back to the client; a megabyte-long one is cut.
QUOTED_KEY_MAX = 100


def _quoted(key: str) -> str:
    if len(key) > QUOTED_KEY_MAX:
        key = key[:QUOTED_KEY_MAX] + "…"
    return json.dumps(key)  # escapes quotes and control characters (a NUL included)


def _object_without_repeated_keys(pairs: list[tuple[str, object]]) -> dict:
    data = {}
    for key, value in pairs:
        if key in data:
            # The json module keeps the last value: {"title": "a", "title": "b"} would silently
            # be "b", which a client that sent both cannot tell from the one it meant.
            raise ParseError(
                f"JSON parse error - the key {_quoted(key)} appears more than once in an "
                "object; give each key once."
            )
        data[key] = value
    return data


class StrictJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        # DRF's parse() with a hook added; get_encoding keeps its refusal of non-text codecs.
        encoding = get_encoding(parser_context or {})
        try:
            return json.load(
                codecs.getreader(encoding)(stream),
                parse_constant=json.strict_constant if self.strict else None,
                object_pairs_hook=_object_without_repeated_keys,
            )
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        except RecursionError:
            # The json module recurses once per level of nesting; DRF only turns ValueError
            # into a 400, so "[[[[..." deep enough was a 500.
            raise ParseError("JSON parse error - the document is nested too deeply.") from None
