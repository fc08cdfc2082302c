"""The API's JSON parser: DRF's, with deep nesting answered as a parse error."""

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class StrictJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            # The json module recurses once per level of nesting; DRF only turns ValueError
            # into a 400, so "[[[[..." deep enough was a 500.
            raise ParseError("JSON parse error - the document is nested too deeply.") from None
