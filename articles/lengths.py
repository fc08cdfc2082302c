"""The length check of a desk text, with the desk's one sentence for it ("The URL is too long:
keep it to 2,000 characters (it has 2,522)."). Here, not in claims/, because claims/ imports
articles/ and never the reverse: claims.limits holds the verdicts' limits built on these, and
the paste form bounds its URL with them.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator


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
    desk's sentence, not Django's "Ensure this value has at most ..."."""
    field.validators.append(validator)
    field.widget.attrs["maxlength"] = str(validator.limit_value)
    return field
