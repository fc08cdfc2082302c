"""The feed and import forms sent with a required box empty, or a feed URL past its length: the
message says what to fix, not Django's bare "This field is required." or "Ensure this value
has at most ..."."""

import pytest
from django.urls import reverse

from articles.forms import FeedForm, ImportUploadForm
from articles.models import Feed, ImportBatch
from tests.factories import editor

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


def test_a_feed_sent_without_its_url_is_told_to_enter_the_feed_s_url(client):
    client.force_login(editor())
    response = client.post(reverse("articles:feeds"), {"url": "", "poll_interval_minutes": "30"})
    assert response.status_code == 400
    assert response.context["form"].errors == {"url": ["Enter the feed's URL."]}
    assert "This field is required." not in response.content.decode()
    assert not Feed.objects.exists()


def test_an_over_long_feed_url_is_told_its_length_alone():
    url = "https://news.example/" + "a" * 9979
    form = FeedForm({"url": url, "poll_interval_minutes": "30"})
    assert form.errors == {
        "url": ["The feed URL is too long: keep it to 2,000 characters (it has 10,000)."]
    }
    form = FeedForm({"url": "https://news.example/feed", "outlet": "a" * 300})
    assert form.errors["outlet"] == [
        "The outlet domain is too long: keep it to 253 characters (it has 300)."
    ]


def test_a_feed_without_a_poll_interval_is_told_to_say_how_often_to_poll():
    form = FeedForm({"url": "https://news.example/feed", "poll_interval_minutes": ""})
    assert form.errors == {
        "poll_interval_minutes": ["Enter how often to poll the feed, in minutes."]
    }


def test_an_import_sent_without_a_file_is_told_to_choose_the_file(client):
    client.force_login(editor())
    response = client.post(reverse("articles:imports"), {})
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "file": ["Choose the CSV or JSON Lines file to import."]
    }
    assert "This field is required." not in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_the_import_form_names_the_missing_file_when_built_alone():
    assert ImportUploadForm({}, {}).errors == {
        "file": ["Choose the CSV or JSON Lines file to import."]
    }
