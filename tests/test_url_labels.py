"""A URL column is labelled "URL" wherever Django names it from the model (the admin's column
headers, form labels and messages): Django's default, the column's name capitalised, read "Url"
and "Publisher url"."""

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse

from articles.models import ExternalFactCheck, IntakeJob, IntakeStatus
from tests.factories import EvidenceSourceFactory, admin_user, drafted_verdict

pytestmark = pytest.mark.django_db


def _fields():
    for app in ("articles", "claims"):
        for model in apps.get_app_config(app).get_models():
            yield from model._meta.fields


def test_every_url_column_is_labelled_url_in_capitals():
    assert [
        f"{field.model.__name__}.{field.name}: {field.verbose_name}"
        for field in _fields()
        if "url" in str(field.verbose_name)
    ] == []


def test_there_are_url_columns_to_label():
    assert sum(isinstance(field, models.URLField) for field in _fields()) >= 9


def test_the_intake_job_list_heads_its_column_url(client):
    IntakeJob.objects.create(
        url="https://news.example/story",
        fetch_url="https://news.example/story",
        status=IntakeStatus.QUEUED,
    )
    client.force_login(admin_user())
    page = client.get(reverse("admin:articles_intakejob_changelist")).content.decode()
    assert '<a href="?o=2.-1">URL</a>' in page
    assert ">Url<" not in page


def test_an_imported_fact_check_s_page_labels_its_urls(client):
    factcheck = ExternalFactCheck.objects.create(
        claim_reviewed="The bridge cost twice the estimate.",
        publisher_name="Full Fact",
        publisher_url="https://fullfact.example/",
        url="https://fullfact.example/check/1",
        identity="1" * 64,
    )
    client.force_login(admin_user())
    page = client.get(
        reverse("admin:articles_externalfactcheck_change", args=[factcheck.pk])
    ).content.decode()
    assert "<label>Publisher URL:</label>" in page
    assert "<label>URL:</label>" in page
    assert "Publisher url" not in page


def test_a_verdict_s_evidence_sources_are_headed_url(client):
    verdict = drafted_verdict(sources=0)
    EvidenceSourceFactory(verdict=verdict)
    client.force_login(admin_user())
    page = client.get(reverse("admin:claims_verdict_change", args=[verdict.pk])).content.decode()
    assert "Url" not in page
    assert '<th class="column-url required">URL\n' in page
