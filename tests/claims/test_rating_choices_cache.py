"""The ratings the public index and the API offer (selectors.published_rating_choices) are
read once and kept under the published generation: no query for them on each request, and
still what a publication, a correction or a rating scale saved in the admin just made them."""

import pytest
from django.urls import reverse

from claims import verdicts
from claims.models import Rating, RatingScale
from tests.claims.admin_forms import admin_rating_add
from tests.factories import (
    active_rating,
    admin_user,
    correction_published,
    editor,
    published_verdict,
    submitted_verdict,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

INDEX = reverse("claims:public_index")


def offered(client) -> set[str]:
    """The rating slugs the public index's filter lists."""
    return set(client.get(INDEX).context["form"].fields["rating"].choices) - {("", "Any rating")}


def offered_slugs(client) -> set[str]:
    return {slug for slug, _ in offered(client)}


@pytest.fixture
def retired_rating_in_review():
    """A verdict in review rated on the scale that was active when it was drafted, since
    retired: its rating is offered once the verdict is published, and not before."""
    verdict = submitted_verdict(rating=active_rating("pants-on-fire"))
    old = verdict.rating.scale
    RatingScale.objects.filter(pk=old.pk).update(is_active=False)
    new = RatingScale.objects.create(name="Two-point scale", is_active=True)
    Rating.objects.create(scale=new, label="Accurate", slug="accurate", value=1, colour="#2e7d32")
    Rating.objects.create(
        scale=new, label="Inaccurate", slug="inaccurate", value=0, colour="#d32f2f"
    )
    return verdict


def test_the_index_reads_the_rating_choices_once_not_on_every_request(
    client, django_assert_num_queries
):
    published_verdict()
    client.get(INDEX)
    # The page's count and its rows; the choices come from the cache.
    with django_assert_num_queries(2):
        response = client.get(INDEX)
    assert ("false", "False") in response.context["form"].fields["rating"].choices


def test_the_api_rating_filter_reads_the_rating_choices_once(
    client, django_assert_num_queries, settings
):
    settings.API_LIST_CACHE_SECONDS = 0  # count the list's own queries, not a cached page
    published_verdict()
    client.get("/api/v1/verdicts/", {"rating": "false"})
    # The page's rows, their sources and their corrections (a cursor page: no count).
    with django_assert_num_queries(3):
        response = client.get("/api/v1/verdicts/", {"rating": "FALSE"})
    assert response.status_code == 200
    assert client.get("/api/v1/verdicts/", {"rating": "nope"}).status_code == 400


def test_a_retired_rating_is_offered_as_soon_as_a_verdict_with_it_is_published(
    client, retired_rating_in_review, django_capture_on_commit_callbacks
):
    verdict = retired_rating_in_review
    assert offered_slugs(client) == {"accurate", "inaccurate"}  # read, and kept

    with django_capture_on_commit_callbacks(execute=True):
        verdicts.verdict_publish(verdict=verdict, editor=editor(username="publisher"))

    assert offered_slugs(client) == {"accurate", "inaccurate", "pants-on-fire"}
    listed = client.get(INDEX, {"rating": "pants-on-fire"}).context["page"].object_list
    assert [shown.pk for shown in listed] == [verdict.pk]
    api = client.get("/api/v1/verdicts/", {"rating": "pants-on-fire"})
    assert [row["id"] for row in api.json()["results"]] == [verdict.pk]


def test_a_correction_off_the_last_retired_rating_stops_offering_it_at_once(
    client, retired_rating_in_review, django_capture_on_commit_callbacks
):
    verdict = retired_rating_in_review
    with django_capture_on_commit_callbacks(execute=True):
        verdict = verdicts.verdict_publish(verdict=verdict, editor=editor(username="publisher"))
    assert "pants-on-fire" in offered_slugs(client)

    with django_capture_on_commit_callbacks(execute=True):
        correction_published(
            verdict=verdict,
            editor=editor(username="corrector"),
            expected_version=verdict.version,
            note="The scale changed.",
            rating=Rating.objects.get(slug="inaccurate"),
            conclusion=verdict.conclusion,
            explanation=verdict.explanation,
            sources=[{"url": "https://stats.example.org/budget", "title": "Budget", "note": ""}],
        )

    assert offered_slugs(client) == {"accurate", "inaccurate"}
    assert client.get("/api/v1/verdicts/", {"rating": "pants-on-fire"}).status_code == 400


def test_a_rating_added_to_the_active_scale_in_the_admin_is_offered_at_once(
    client, django_capture_on_commit_callbacks
):
    assert "mostly-false" in offered_slugs(client)
    assert "unproven" not in offered_slugs(client)
    client.force_login(admin_user())

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_rating_add(
            client, active_rating().scale, label="Unproven", slug="unproven", value=0
        )

    assert response.status_code == 302
    client.logout()
    assert ("unproven", "Unproven") in offered(client)
