"""One rule for the ratings the public may filter published fact-checks by (the active scale's,
and an older scale's that published verdicts still carry): the public index and the API's
`rating` filter give the same value the same answer, and the schema lists what the filter takes."""

import pytest
from django.urls import reverse

from claims.models import Rating, RatingScale, Verdict
from tests.api_clients import claim_with_text, client_with, ids, openapi_document, published_verdict
from tests.factories import drafted_verdict

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("fast_password_hashing", "fresh_cache"),
]

ACTIVE = "true, mostly-true, half-true, mostly-false, false, pants-on-fire"


@pytest.fixture
def retired():
    """Two ratings of a retired scale: one a published verdict still carries, one only a draft."""
    old = RatingScale.objects.create(name="Old scale")
    kept, unused = (
        Rating.objects.create(scale=old, label=label, slug=slug, value=value, colour="#777777")
        for label, slug, value in [("Misleading", "misleading", -8), ("Bogus", "bogus", -9)]
    )
    # Written before their scale was retired: the verdict form offers only the active scale's.
    carried = published_verdict("The budget grew by 40 percent.")
    Verdict.objects.filter(pk=carried.pk).update(rating=kept)
    draft = drafted_verdict(claim=claim_with_text("A draft on the old scale."))
    Verdict.objects.filter(pk=draft.pk).update(rating=unused)
    return {"carried": carried}


@pytest.mark.parametrize(
    ("slug", "taken"),
    [
        ("misleading", True),  # retired, but a published verdict carries it
        ("pants-on-fire", True),  # the active scale's, on no published verdict yet
        ("bogus", False),  # retired, and only a draft has it
        ("made-up", False),
    ],
)
def test_the_index_and_the_api_take_the_same_ratings(client, retired, slug, taken):
    page = client.get(reverse("claims:public_index"), {"rating": slug})
    api = client_with().get("/api/v1/verdicts/", {"rating": slug})
    assert page.status_code == api.status_code == (200 if taken else 400)
    if not taken:
        assert api.json()["fields"] == {
            "rating": [f"Unknown rating; use one of: {ACTIVE}, misleading."]
        }


def test_a_retired_rating_a_published_verdict_carries_finds_it_on_both(client, retired):
    assert ids(client_with().get("/api/v1/verdicts/", {"rating": "Misleading"})) == [
        retired["carried"].pk
    ]
    page = client.get(reverse("claims:public_index"), {"rating": "misleading"}).text
    assert reverse("claims:public", args=[retired["carried"].pk]) in page


def test_the_schema_lists_the_ratings_the_filter_takes(retired):
    document = openapi_document()
    slugs = document["components"]["schemas"]["RatingSlugEnum"]["enum"]
    assert "misleading" in slugs and "bogus" not in slugs
    for slug in slugs:
        assert client_with().get("/api/v1/verdicts/", {"rating": slug}).status_code == 200, slug
