"""Queue this app's Celery tasks by name (config.celery.task_send, the one definition both apps
use, re-exported here with tasks_run_in_process: whether it runs them here and now), the one
rule for when a job the broker took is presumed lost, and the one rule for trying a job again
after a database error, which the tasks and, without a worker, inprocess.py (jobs) and
bulk.import_batch_run_in_process (an import) follow.

The services that queue work never import articles/tasks.py, which imports them: that would be
an import cycle. ArticlesConfig.ready() imports the tasks module so the names are registered.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.db.models import Q

from config.celery import task_send, tasks_run_in_process

__all__ = [
    "DATABASE_ERRORS",
    "DATABASE_RETRIES",
    "in_process_retry_wait",
    "not_in_broker",
    "presumed_lost_after",
    "retry_countdown",
    "task_send",
    "tasks_run_in_process",
]

# An error of the database itself (it restarted, the network blinked), over in seconds: the
# job waits retry_countdown(1), (2), ... and tries again, this many times, before it fails.
DATABASE_ERRORS = (OperationalError, InterfaceError)
DATABASE_RETRIES = 3

# A message waits in Redis until a worker takes it, however long the backlog; one a worker took
# and lost (the worker died) is back within the visibility timeout. So a job sent this long ago
# and still queued is presumed lost (Redis lost its data, a retry's message went with a dead
# worker) and sent again; one sent more lately is left where it is, so a backlog is not doubled
# every time the recovery runs.
PRESUMED_LOST_AFTER = timedelta(hours=1)


def presumed_lost_after() -> timedelta:
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 3600)
    return max(PRESUMED_LOST_AFTER, timedelta(seconds=2 * visibility))


def not_in_broker(*, now: datetime) -> Q:
    """The queued jobs the recoveries may send again (intake jobs, imports; their `sent_at`):
    never sent (the broker was down), or sent so long ago that the message is presumed lost."""
    return Q(sent_at__isnull=True) | Q(sent_at__lt=now - presumed_lost_after())


def retry_countdown(attempts: int) -> int:
    """Seconds before the next try after `attempts` tries: 30, 60, 120, ... at most 600."""
    return min(600, 30 * 2 ** max(attempts - 1, 0))


def in_process_retry_wait(attempts: int, *, waited: float) -> float:
    """Seconds before the next try after `attempts` tries, where tasks run in-process and this
    run (the jobs run together, or one import) has already waited `waited`: the task's
    countdowns scaled down so that they come to INTAKE_IN_PROCESS_RETRY_SECONDS in all, never
    more for the run. A person waits in the request that runs it, and 3.5 minutes of the
    task's backoff would outlast it; the tries are as many as the task's, the last ones at once
    once the run has spent its waits."""
    total = settings.INTAKE_IN_PROCESS_RETRY_SECONDS
    full = sum(retry_countdown(n) for n in range(1, DATABASE_RETRIES + 1))
    return max(0.0, min(total * retry_countdown(attempts) / full, total - waited))
