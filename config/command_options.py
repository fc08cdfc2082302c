"""The range check of management commands' numeric options: a value out of range is one
CommandError line naming the option, never an OverflowError from timedelta or a traceback
from deeper down."""

from django.core.management.base import CommandError

# Longer than any wait a recovery command is asked for; timedelta overflows far past it.
YEAR_MINUTES = 365 * 24 * 60
YEAR_SECONDS = YEAR_MINUTES * 60


def option_range_check(
    name: str, value: int | None, *, minimum: int, maximum: int | None = None
) -> None:
    """CommandError unless `value` (None: the option was not given) is minimum to maximum."""
    if value is None or (minimum <= value and (maximum is None or value <= maximum)):
        return
    if maximum is None:
        raise CommandError(f"{name} must be at least {minimum:,}, not {value:,}.")
    raise CommandError(f"{name} must be from {minimum:,} to {maximum:,}, not {value:,}.")
