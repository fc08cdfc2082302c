from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"

    def ready(self):
        # Registers the task names that articles.intake.queue.task_send looks up.
        from . import tasks  # noqa: F401
