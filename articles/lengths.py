"""The checks of a desk text before it is stored, each with the desk's one sentence: its
length ("The URL is too long: keep it to 2,000 characters (it has 2,522).") and a character no
text column stores ("The conclusion holds a NUL character (at character 6), which cannot be
saved: remove it."), which every desk form field says in place of Django's "Null characters
are not allowed." (text_limit, storable). Here, not in claims/, because claims/ imports
articles/ and never the reverse: claims.limits holds the verdicts' limits built on these, and
the paste form bounds its URL with them.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator

# PostgreSQL's text holds neither: a NUL fails the INSERT, and a lone surrogate (half of a
# UTF-16 pair, which no UTF-8 text holds) cannot be encoded to send. Either is a 500 otherwise.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def text_check(text: str, what: str, *, done: str = "saved") -> None:
    """Refuse `text` holding a character no text column stores, naming it as `what`: the one
    check of this for every service that writes free text, whatever form it came through, and
    for the forms' fields (storable). `done`: what cannot be done with it (a search box's text
    is "searched for", not saved)."""
    found = _UNSTORABLE.search(text)
    if found is None:
        return
    where = f"character {found.start() + 1:,}"
    if found.group() == "\x00":
        raise ValidationError(
            f"The {what} holds a NUL character (at {where}), which cannot be {done}: remove it.",
            code="null_characters",
        )
    raise ValidationError(
        f"The {what} holds half of a character (a lone surrogate, at {where}), which cannot be "
        f"{done}: type or paste that character again.",
        code="surrogate",
    )


class StorableTextValidator:
    """text_check as a form field's validator, naming the field as `what`."""

    def __init__(self, what: str):
        self.what = what

    def __call__(self, value: str) -> None:
        text_check(value, self.what)


def storable(field, what: str):
    """Refuse in a form's CharField a character no text column stores with text_check's
    sentence, naming the field as `what`, in place of Django's "Null characters are not
    allowed.", which says neither which field nor what to do; the services say the same."""
    field.validators = [
        StorableTextValidator(what) if isinstance(v, ProhibitNullCharactersValidator) else v
        for v in field.validators
    ]
    return field


class TextLengthValidator(MaxLengthValidator):
    """At most `limit_value` characters, a line break counting as one: the browser's maxlength
    counts it so, then sends it as CR LF, which would fail text it let through. The message
    counts what was typed, with thousands separators as the limit has them."""

    def __init__(self, limit_value: int, what: str):
        self.what = what
        super().__init__(
            limit_value,
            message=f"The {what} is too long: keep it to {limit_value:,} characters "
            "(it has %(count)s).",
        )

    def __call__(self, value: str) -> None:
        self.typed_check(value, value)

    def typed_check(self, typed: str, stored: str) -> None:
        """Refuse `stored` past the limit, counting what was `typed`: `stored` is `typed` with
        what its field puts in front (a URL's https://), which the typist did not write."""
        if not self.compare(self.clean(stored), self.limit_value):
            return
        if not stored.endswith(typed):  # rewritten, not only added to: count what is stored
            typed = stored
        count = self.clean(typed)
        if self.compare(count, self.limit_value):
            raise ValidationError(
                self.message, code=self.code, params={"count": f"{count:,}", "value": typed}
            )
        added = stored[: len(stored) - len(typed)]
        raise ValidationError(
            f"The {self.what} is too long with the {added} it is given: keep it to "
            f"{self.limit_value - len(added):,} characters (it has {count:,}).",
            code=self.code,
        )

    def clean(self, x: str) -> int:
        return len(x.replace("\r\n", "\n"))


class ColumnLengthValidator(TextLengthValidator):
    """At most the model field's max_length, every character counted: the column counts a CR
    LF as two, so a line break pasted into a one-line field would pass and fail the INSERT."""

    def __init__(self, model, field: str, what: str):
        super().__init__(model._meta.get_field(field).max_length, what)

    def clean(self, x: str) -> int:
        return len(x)


def text_limit(field, validator):
    """Bound a form's CharField by one of these validators (for a column, its model field's
    length): the browser stops typing at its limit, and text sent past it is refused with the
    desk's sentence, not Django's "Ensure this value has at most ...". A NUL in it is refused
    in the desk's words too, naming the field as the validator does (storable)."""
    storable(field, validator.what)
    field.validators.append(validator)
    field.widget.attrs["maxlength"] = str(validator.limit_value)
    return field
