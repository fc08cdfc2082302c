"""Queue this app's Celery tasks by name.

The services that queue work never import articles/tasks.py, which imports them: that would be
an import cycle. ArticlesConfig.ready() imports the tasks module so the names are registered.
"""

import logging

from config.celery import app

logger = logging.getLogger(__name__)


def task_send(name: str, *args) -> bool:
    """Send the task; False (logged) when the broker cannot be reached."""
    try:
        app.tasks[name].delay(*args)
    except Exception as error:  # kombu raises several types when the broker is away
        logger.error("Could not queue %s%r: %s", name, args, error)
        return False
    return True
