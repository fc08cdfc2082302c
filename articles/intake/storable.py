"""Whether text decoded from JSON can be stored: JSON's "\\u0000" gives a NUL, which PostgreSQL
refuses in text and jsonb alike, and "\\ud800" half a surrogate pair, which is not UTF-8. The
one rule for bulk rows and ClaimReview; no Django, no database."""

import re

_SURROGATE = re.compile("[\ud800-\udfff]")


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
    surrogate = _SURROGATE.search(text)
    if surrogate:
        return f"holds a lone surrogate (U+{ord(surrogate.group()):04X}), which is not text"
    return None


def _printable(name: str) -> str:
    return name if name.isprintable() and not _SURROGATE.search(name) else ascii(name)
