from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "claims"

    def ready(self):
        from articles.services import analysis_sender_register

        analysis_sender_register(_queue_analysis)


def _queue_analysis(article_id: int) -> None:
    # Imported on first use: the tasks module pulls in the NLP code, which a web process or a
    # management command should not load just to start.
    from .tasks import analyze_article

    analyze_article.delay(article_id)
