"""The API's JSON parser: DRF's, with deep nesting, repeated keys and keys that are not text
answered as parse errors, each in the desk's words (DRF's "JSON parse error - Expecting
value: line 1 column 1 (char 0)" says neither what the body should be nor what to do)."""

import codecs
from json import JSONDecodeError

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser, get_encoding
from rest_framework.utils import json

from articles.intake.storable import (
    RepeatedKey,
    json_error_reason,
    json_object_without_repeated_keys,
    key_shown,
    surrogate_problem,
)

NOT_JSON = "The body is not valid JSON"
SEND_JSON = "send the body as JSON, in UTF-8."


class UnstorableKey(ValueError):
    pass


def _object_with_text_keys(pairs: list[tuple[str, object]]) -> dict:
    # A key holding half a surrogate pair cannot be named back: the 400 that names an unknown
    # field failed to encode as UTF-8 and the client got a 500 instead.
    for key, _ in pairs:
        if problem := surrogate_problem(key):
            raise UnstorableKey(f"a key {problem}")
    return json_object_without_repeated_keys(pairs)


class StrictJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        # DRF's parse() with a hook added; get_encoding keeps its refusal of non-text codecs.
        try:
            encoding = get_encoding(parser_context or {})
        except ParseError:
            charset = key_shown((parser_context or {}).get("encoding", ""))
            raise ParseError(
                f'The charset "{charset}" is not a text encoding: {SEND_JSON}'
            ) from None
        try:
            return json.load(
                codecs.getreader(encoding)(stream),
                parse_constant=json.strict_constant if self.strict else None,
                object_pairs_hook=_object_with_text_keys,
            )
        except RepeatedKey as exc:
            raise ParseError(
                f"{NOT_JSON} for this API: {exc} in an object; give each key once."
            ) from None
        except UnstorableKey as exc:
            raise ParseError(f"{NOT_JSON} for this API: {exc}; {SEND_JSON}") from None
        except JSONDecodeError as exc:
            raise ParseError(f"{NOT_JSON} ({json_error_reason(exc)}): {SEND_JSON}") from None
        except UnicodeDecodeError:
            raise ParseError(f"The body is not {encoding} text: {SEND_JSON}") from None
        except ValueError as exc:  # NaN or Infinity, which JSON has no words for
            raise ParseError(f"{NOT_JSON} ({exc}): {SEND_JSON}") from None
        except RecursionError:
            # The json module recurses once per level of nesting; DRF only turns ValueError
            # into a 400, so "[[[[..." deep enough was a 500.
            raise ParseError(f"{NOT_JSON} for this API: it is nested too deeply.") from None
