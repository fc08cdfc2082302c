"""Periodic jobs on articles, run by Celery beat (CELERY_BEAT_SCHEDULE in config/settings.py)."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings

from .services import articles_recover


@shared_task(ignore_result=True)
def recover_analyses() -> dict:
    recovery = articles_recover(
        stalled_after=timedelta(seconds=settings.ANALYSIS_STALLED_SECONDS),
        unsent_after=timedelta(seconds=settings.ANALYSIS_UNSENT_SECONDS),
    )
    return recovery.__dict__
