import logging
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# The worker scores text with a model that ships inside a package; it must never reach a hub.
os.environ.setdefault("HF_HUB_OFFLINE", "1")

app = Celery("factcheck")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger(__name__)


def task_send(name: str, *args) -> bool:
    """Send the task named `name`; False (logged with the error) when the broker cannot be
    reached. The one rule for "send it; if the broker is away, leave it to recovery": every
    job sent this way has a row or a sweeper that sends it again, so the caller goes on.
    Looked up by name so articles/ can send without importing any tasks module (claims/
    registers its tasks; articles.apps imports its own)."""
    try:
        app.tasks[name].delay(*args)
    except Exception:  # kombu raises several types when the broker is away
        logger.exception("Could not queue %s%r", name, args)
        return False
    return True


def tasks_run_in_process() -> bool:
    """Whether task_send runs the task here and now, inside its caller (CELERY_TASK_ALWAYS_EAGER,
    the zero-config start), instead of handing it to a worker."""
    return bool(app.conf.task_always_eager)


def drop_broken_database_connection() -> None:
    """Call before a task records a failure after a database error: PostgreSQL may have closed
    the connection (a restart, a failover), and Django would otherwise send the failure down
    the dead connection and lose it. A usable connection is kept; inside a transaction nothing
    is done (the transaction's end deals with it)."""
    from django.db import connection

    if not connection.in_atomic_block:
        connection.close_if_unusable_or_obsolete()
