"""The schema lists the ratings a verdict can carry, as the rating filter accepts them."""

import pytest

from claims.models import Rating, RatingScale, Verdict
from claims.record import published_changed
from tests.api_clients import client_with, openapi_document, published_verdict, schema_resolve

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


def verdict_rating_slugs(document: dict) -> list[str]:
    rating = schema_resolve(
        document, document["components"]["schemas"]["Verdict"]["properties"]["rating"]
    )
    return schema_resolve(document, rating["properties"]["slug"])["enum"]


def rating_parameter_slugs(document: dict) -> list[str]:
    parameters = document["paths"]["/api/v1/verdicts/"]["get"]["parameters"]
    (rating,) = [parameter for parameter in parameters if parameter["name"] == "rating"]
    return schema_resolve(document, rating["schema"])["enum"]


def test_the_verdict_rating_is_an_enum_of_the_desks_rating_slugs():
    slugs = verdict_rating_slugs(openapi_document())
    assert slugs == sorted(Rating.objects.values_list("slug", flat=True).distinct())
    assert {"true", "false", "pants-on-fire"} <= set(slugs)


def test_the_rating_filter_lists_the_same_slugs_as_the_verdicts_carry():
    document = openapi_document()
    assert rating_parameter_slugs(document) == verdict_rating_slugs(document)


def test_a_rating_of_a_retired_scale_is_listed_because_old_verdicts_keep_it():
    scale = RatingScale.objects.create(name="Old scale", is_active=False)
    rating = Rating.objects.create(
        scale=scale, label="Misleading", slug="misleading", value=99, colour="#777777"
    )
    # No published verdict keeps it: the filter refuses it (tests/claims/test_rating_filters.py).
    assert "misleading" not in verdict_rating_slugs(openapi_document())
    verdict = published_verdict("The budget grew by 40 percent.")
    Verdict.objects.filter(pk=verdict.pk).update(rating=rating)
    # A write past the services, which move the published generation on once they commit:
    # the slugs are cached under it (claims.selectors.public.published_rating_choices).
    published_changed()
    assert "misleading" in verdict_rating_slugs(openapi_document())


def test_every_listed_rating_is_accepted_by_the_filter_and_an_unlisted_one_is_not():
    slugs = rating_parameter_slugs(openapi_document())
    for slug in slugs:
        assert client_with().get("/api/v1/verdicts/", {"rating": slug}).status_code == 200, slug
    unlisted = client_with().get("/api/v1/verdicts/", {"rating": "not-a-rating"})
    assert "not-a-rating" not in slugs
    assert unlisted.status_code == 400
