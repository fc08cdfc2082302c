"""The desk's intake forms tell every field's refusal on one try: the form's own checks (a URL's
shape, a number's range) and the service's (a private address, a date in the future), not one
more on each try."""

import pytest
from django.urls import reverse

from articles.intake.feeds import FEED_INTERVAL_RULE
from articles.models import Article, Feed
from tests.factories import editor

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


def _field_errors(response) -> dict[str, list[str]]:
    return {name: list(errors) for name, errors in response.context["form"].errors.items()}


def test_the_feed_form_tells_the_address_the_outlet_and_the_interval_at_once(client, settings):
    settings.INTAKE_ALLOW_PRIVATE_NETWORKS = False
    client.force_login(editor())
    response = client.post(
        reverse("articles:feeds"),
        {"url": "http://127.0.0.1/x", "outlet": "not a domain!", "poll_interval_minutes": "0"},
    )
    assert response.status_code == 400
    errors = _field_errors(response)
    assert set(errors) == {"url", "outlet", "poll_interval_minutes"}
    assert errors["poll_interval_minutes"] == [FEED_INTERVAL_RULE]
    assert not Feed.objects.exists()


def test_a_feed_address_the_form_refuses_is_told_once_in_the_form_s_words(client):
    client.force_login(editor())
    response = client.post(
        reverse("articles:feeds"), {"url": "not a url", "poll_interval_minutes": "30"}
    )
    assert response.status_code == 400
    assert _field_errors(response) == {
        "url": [
            "The feed URL is not a web address: give it in full, such as https://example.org/story."
        ]
    }


def test_the_paste_form_tells_the_url_title_date_and_short_text_at_once(client):
    client.force_login(editor())
    response = client.post(
        reverse("articles:submit"),
        {"url": "ftp://bad", "title": "", "published_on": "2030-01-01", "body": "too short"},
    )
    assert response.status_code == 400
    errors = _field_errors(response)
    assert set(errors) == {"url", "title", "published_on", "body"}
    assert "in the future" in errors["published_on"][0]
    assert len(errors["title"]) == 1  # the form's sentence, not the service's as well
    assert not Article.objects.exists()
