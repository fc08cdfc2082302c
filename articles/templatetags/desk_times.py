"""{{ job.finished_at|desk_time_seconds }}: a time to the second in articles.times.desk_time's
shape, so a job's page and the requeue reasons a task writes show the same instant alike."""

from django import template

from articles.times import desk_time

register = template.Library()


@register.filter
def desk_time_seconds(value) -> str:
    """'2 Dec 2026 20:05:09 CET'; '' for no time, so |default can stand in."""
    return desk_time(value, seconds=True) if value else ""
