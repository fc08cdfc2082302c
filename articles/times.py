"""How the desk writes a time into a sentence (a requeue reason, a refusal): in the desk's
TIME_ZONE and naming it, in the pages' DATETIME_FORMAT (config/formats/en/formats.py), so
"20:05" is never read in the wrong zone. The shape is written here, not read with get_format(),
because a task or command may run with no language active, where get_format() gives Django's
default instead. No imports from the rest of the project: articles and claims both use it."""

from datetime import datetime

from django.utils import dateformat, timezone


def desk_time(value: datetime, *, seconds: bool = False) -> str:
    """'2 Dec 2026 20:05 CET' (with seconds: '20:05:09'), in settings.TIME_ZONE."""
    shape = "j M Y H:i:s T" if seconds else "j M Y H:i T"
    return dateformat.format(timezone.localtime(value), shape)
