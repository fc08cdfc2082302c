"""Whether text from outside can be stored. JSON's "\\u0000" gives a NUL, which PostgreSQL
refuses in text and jsonb alike, and "\\ud800" half a surrogate pair, which is not UTF-8: a
document holding either is refused (json_unstorable). Other control characters and the bidi
controls are dropped from a one-line text (a title, a name: storable_line), from the desk's
own text (storable_text, through articles.services.visible_text) and from an article's text
(storable_body, a vertical tab or form feed a line break); the control characters alone
from a document kept whole (json_controls_dropped, for a ClaimReview's raw JSON). The one rule
for bulk rows, feeds, ClaimReview and the desk; no Django, no database. Also how a JSON object
that names a key twice is refused (json_object_without_repeated_keys), for the API's bodies and
bulk rows."""

import json
import re

_SURROGATE = re.compile("[\ud800-\udfff]")
# The control characters but NUL (its own rule) and tab, line feed and carriage return (which
# the callers treat as whitespace): C0, DEL and C1 (U+0080 to U+009F, common in text mis-decoded
# as Latin-1). Those Python counts as whitespace break a line or separate fields (a vertical
# tab is how spreadsheets export a line break inside a cell): a space, so words stay apart.
_SPACING_CONTROLS = re.compile("[ \t]*[\x0b\x0c\x1c-\x1f\x85]+[ \t]*")
_OTHER_CONTROLS = re.compile("[\x01-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")


# The bidi embeddings, overrides and isolates (U+202A to U+202E, U+2066 to U+2069): invisible,
# they reorder the text after them, up to the end of its paragraph on the page, so "\u202eRTL"
# shows as "LTR" (the "Trojan Source" characters). Nobody types them; the marks (U+200E, U+200F,
# U+061C), which only place a neutral character, stay.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def storable_text(text: str) -> str:
    """Text typed on the desk (a conclusion, a source, a note, a reason, a name) as stored: the
    control characters dropped (line breaks and tabs kept), and the bidi controls too, since the
    desk's text is published (the public page, ClaimReview, the API) beside text it would
    reorder. Not trimmed: storable_line is this, trimmed."""
    return _BIDI_CONTROLS.sub("", _controls_dropped(text))


def storable_line(text: str) -> str:
    """A title or a name as stored, without control characters or bidi controls. Dropped rather
    than refused: invisible, they carry nothing a reader sees (refusing would lose the row or
    the review for them), but they would make two spellings of one outlet or title differ, and
    an article's title and outlet are published too (the fact-check's "Claimed by ... in",
    ClaimReview's appearances), where a U+202E reversed the rest of the line."""
    return storable_text(text).strip()


# A vertical tab or a form feed in an article's text is a line or page break copied from a PDF
# or a Word document: it ends the line there, so the sentences either side stay apart.
_BREAK_CONTROLS = re.compile("[ \t]*[\x0b\x0c]+[ \t]*")


def storable_body(text: str) -> str:
    """An article's text as stored, however it came (pasted, the API, a bulk row, the admin, a
    fetched page): a vertical tab or form feed a line break, the other control characters and
    the bidi controls dropped as storable_text drops them (line breaks, tabs and the bidi
    marks kept). They were stored and published raw, in the claims, the public page and
    ClaimReview. A NUL is refused before (articles.services.body_normalize).

    The bidi controls go even from a right-to-left text, which orders itself by its letters
    (the marks place a neutral character where that is not enough): a claim is a slice of
    the text, so an embedding or isolate closed in the next sentence is an unclosed one in the
    claim, and a U+202E in a claim reversed what followed it wherever the claim is shown,
    ClaimReview and the API included, where no template could isolate it. Only rows stored
    from now on: a sentence's offsets point into the body as it was stored."""
    return storable_text(_BREAK_CONTROLS.sub("\n", text))


def _controls_dropped(text: str) -> str:
    return _SPACING_CONTROLS.sub(" ", _OTHER_CONTROLS.sub("", text))


def json_controls_dropped(value):
    """A copy of a JSON document (any depth) with the control characters of every string, keys
    too, dropped by the rule of storable_line (only the trimming is left out: the document is
    kept as it came). For a document kept whole, such as a ClaimReview's `raw`."""
    root = [value]
    stack = [(root, 0)]  # (container, index): not recursive, like json_unstorable
    while stack:
        container, index = stack.pop()
        node = container[index]
        if isinstance(node, dict):
            copy = {
                _controls_dropped(key) if isinstance(key, str) else key: child
                for key, child in node.items()
            }
            container[index] = copy
            stack.extend((copy, key) for key in copy)
        elif isinstance(node, list):
            copy = list(node)
            container[index] = copy
            stack.extend((copy, position) for position in range(len(copy)))
        elif isinstance(node, str):
            container[index] = _controls_dropped(node)
    return root[0]


def json_unstorable(value) -> str | None:
    """Why `value` (a JSON document, any depth) cannot be stored, naming where: a dotted path
    of keys, or "a key" when a key itself is the trouble. None when it can."""
    stack = [("", value)]  # not recursive: json.loads accepts more levels than a recursion
    while stack:
        path, node = stack.pop()
        if isinstance(node, dict):
            children = []
            for key, child in node.items():
                if isinstance(key, str) and _problem(key):
                    return f"a key {_problem(key)}"
                children.append((f"{path}.{key}" if path else str(key), child))
            stack.extend(reversed(children))
        elif isinstance(node, list):
            stack.extend(reversed([(f"{path}[{i}]", child) for i, child in enumerate(node)]))
        elif isinstance(node, str) and _problem(node):
            return f"{_printable(path or 'the value')} {_problem(node)}"
    return None


def _problem(text: str) -> str | None:
    if "\x00" in text:
        return "holds a null character, which no text can store"
    return surrogate_problem(text)


def surrogate_problem(text: str) -> str | None:
    """What is wrong with a text holding half of a surrogate pair, which no UTF-8 can write
    (so no answer can quote it back either), or None."""
    surrogate = _SURROGATE.search(text)
    if surrogate:
        return f"holds a lone surrogate (U+{ord(surrogate.group()):04X}), which is not text"
    return None


def _printable(name: str) -> str:
    return name if name.isprintable() and not _SURROGATE.search(name) else ascii(name)


def json_error_reason(error, *, line: bool = True) -> str:
    """Where a JSON text broke, in words: json's message and its line and column (or the column
    alone, for a text that is one line of a file). Some of json's messages end in "at" already
    ("Unterminated string starting at"): said once."""
    where = f"line {error.lineno} column {error.colno}" if line else f"column {error.colno}"
    return f"{error.msg.removesuffix(' at')} at {where}"


# A key or an address is quoted back in an error (stored with a bulk row's or a job's, sent to
# an API client, shown on a form); a megabyte-long key or a 2,000-character URL is cut.
QUOTED_KEY_MAX = 100


def key_shown(key: str) -> str:
    """A key as an error may name it: cut after QUOTED_KEY_MAX characters."""
    return key[:QUOTED_KEY_MAX] + "…" if len(key) > QUOTED_KEY_MAX else key


def url_shown(url: str) -> str:
    """A URL (or its host) as a message may quote it, cut as a key is: every message that
    names an address says it through this. A 2,000-character address quoted whole buried the
    reason after it, and a job's reason, a form's error or a command's line repeated it."""
    return key_shown(url)


# A URL's scheme and "//", its user name and password ("user:pw@", up to the authority's last
# "@", as a browser reads it), what follows up to a query or fragment, and its query.
_URL_PARTS = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*://)?(?:[^/?#]*@)?([^?#]*)(\?[^#]*)?")
# A URL, or a request's target with a query ("/feed?key=…"), inside an error's text.
_URLS_IN_TEXT = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s'\"<>]+|/[^\s'\"<>?]*\?[^\s'\"<>]*")


def url_redacted(url: str) -> str:
    """A URL as a fetch's reason or a command's output shows it: its host and path, with no
    user name and password and no query string or fragment, which carry a feed's or a page's
    key ("?token=…") to whoever reads the reason, the log, the terminal. A query left out is
    marked "?…", so the address does not read as the whole of it. Cut as url_shown cuts.
    Read as text, never parsed: it must not fail on the address that made a fetch fail."""
    scheme, rest, query = _URL_PARTS.match(url).groups()
    return url_shown(f"{scheme or ''}{rest}{'?…' if query else ''}")


def urls_redacted(text: str) -> str:
    """`text` (an error from a library, which may quote the address it failed on) with every
    URL in it as url_redacted shows it."""
    return _URLS_IN_TEXT.sub(lambda found: url_redacted(found.group()), text)


def json_key_quoted(key: str) -> str:
    return json.dumps(
        key_shown(key)
    )  # escapes quotes, control characters (a NUL) and lone surrogates


class RepeatedKey(ValueError):
    def __init__(self, key: str):
        super().__init__(f"the key {json_key_quoted(key)} appears more than once")
        self.key = key


def json_object_without_repeated_keys(pairs: list[tuple[str, object]]) -> dict:
    """json's object_pairs_hook that raises RepeatedKey for a key named twice in one object.
    The json module keeps the last value: {"title": "a", "title": "b"} would silently be "b",
    which whoever sent both cannot tell from the one they meant."""
    data = {}
    for key, value in pairs:
        if key in data:
            raise RepeatedKey(key)
        data[key] = value
    return data
