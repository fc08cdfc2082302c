"""A published ClaimReview gives its rating out of its scale's ends (worstRating, bestRating,
read from the scale's ratings when it is served): once published verdicts use a scale, the
admin keeps those ends where they were, whatever rating of it is added, changed or removed."""

import pytest
from django.urls import reverse

from claims.models import Rating
from tests.claims.admin_forms import admin_save, change_form_fields, inline_row
from tests.factories import (
    active_rating,
    admin_user,
    published_verdict,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


def review_rating(client, verdict) -> dict:
    url = reverse("api:verdict-claimreview", args=[verdict.pk])
    return client.get(url).json()["reviewRating"]


@pytest.fixture
def scale_page(client):
    verdict = published_verdict(rating=active_rating("false"))
    client.force_login(admin_user())
    url = reverse("admin:claims_ratingscale_change", args=[verdict.rating.scale_id])
    before = review_rating(client, verdict)
    return verdict, url, before


def test_an_unused_ratings_value_beyond_the_published_ends_is_refused(client, scale_page):
    verdict, url, before = scale_page
    best = active_rating("true")
    row = inline_row(change_form_fields(client, url), best)

    response = admin_save(client, url, **{f"{row}-value": "10"})

    assert response.status_code == 200
    assert "cannot move" in response.content.decode()
    assert Rating.objects.get(pk=best.pk).value == 6
    assert review_rating(client, verdict) == before


def test_removing_the_unused_worst_rating_of_a_published_scale_is_refused(client, scale_page):
    verdict, url, before = scale_page
    worst = active_rating("pants-on-fire")
    row = inline_row(change_form_fields(client, url), worst)

    response = admin_save(client, url, **{f"{row}-DELETE": "on"})

    assert response.status_code == 200
    assert Rating.objects.filter(pk=worst.pk).exists()
    assert review_rating(client, verdict) == before


def test_an_unused_rating_between_the_published_ends_is_still_removed(client, scale_page):
    verdict, url, before = scale_page
    between = active_rating("half-true")
    row = inline_row(change_form_fields(client, url), between)

    response = admin_save(client, url, **{f"{row}-DELETE": "on"})

    assert response.status_code == 302
    assert not Rating.objects.filter(pk=between.pk).exists()
    assert review_rating(client, verdict) == before
