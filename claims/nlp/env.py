"""Whole numbers read from environment variables, without Django.

The one parsing rule for every integer setting: config/settings.py wraps it in
ImproperlyConfigured, and the NLP and matching runtimes (which must not import Django) use it as
it is. ASCII digits only: str.isdigit() and int() also take '²', '１' or '١', which a person
never means as a thread count or a limit.
"""

import os


def int_parse(name: str, raw: str, *, minimum: int | None = None) -> int:
    """`raw` (the value of the variable `name`) as a whole number: ASCII digits with an optional
    minus sign, surrounding blanks ignored. ValueError naming the variable otherwise."""
    text = raw.strip()
    digits = text.removeprefix("-")
    if not (digits.isascii() and digits.isdigit()):
        raise ValueError(f"{name} must be an integer, got {raw!r}")
    value = int(text)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return value


def env_positive_int(name: str, default: int | None) -> int | None:
    """The variable `name` as a whole number of at least 1; `default` when unset or blank."""
    raw = os.environ.get(name, "")
    if not raw.strip():
        return default
    return int_parse(name, raw, minimum=1)
