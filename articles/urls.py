from django.urls import path

from . import views
from .intake import views as intake

app_name = "articles"

urlpatterns = [
    path("articles/", views.article_list, name="list"),
    path("articles/new/", views.article_submit, name="submit"),
    path("articles/<int:pk>/", views.article_detail, name="detail"),
    path("articles/<int:pk>/status/", views.article_status, name="status"),
    path("articles/<int:pk>/analyse-again/", views.article_analyse_again, name="analyse_again"),
    path("intake/", intake.intake_job_list, name="intake"),
    path("intake/jobs/<int:pk>/", intake.intake_job_detail, name="intake_job"),
    path("intake/jobs/<int:pk>/status/", intake.intake_job_status, name="intake_job_status"),
    path("intake/jobs/<int:pk>/retry/", intake.intake_job_retry_view, name="intake_job_retry"),
    path("intake/feeds/", intake.feed_list, name="feeds"),
    path("intake/feeds/<int:pk>/toggle/", intake.feed_toggle, name="feed_toggle"),
    path("intake/imports/", intake.import_list, name="imports"),
    path("intake/imports/<int:pk>/", intake.import_detail, name="import"),
    path("intake/imports/<int:pk>/status/", intake.import_status, name="import_status"),
    path("intake/fact-checks/", intake.external_factcheck_list, name="external_factchecks"),
]
