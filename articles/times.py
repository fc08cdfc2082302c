"""How the desk writes a time into a sentence (a requeue reason, a refusal): in the desk's
TIME_ZONE and naming it, as the pages' `date:"j M Y H:i T"` do, so "20:05" is never read in
the wrong zone. No imports from the rest of the project: articles and claims both use it."""

from datetime import datetime

from django.utils import dateformat, timezone


def desk_time(value: datetime, *, seconds: bool = False) -> str:
    """'2 Dec 2026 20:05 CET' (with seconds: '20:05:09'), in settings.TIME_ZONE."""
    shape = "j M Y H:i:s T" if seconds else "j M Y H:i T"
    return dateformat.format(timezone.localtime(value), shape)
