import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# The worker scores text with a model that ships inside a package; it must never reach a hub.
os.environ.setdefault("HF_HUB_OFFLINE", "1")

app = Celery("factcheck")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
