"""The desk's 404 page names no model, whatever the view looked up (DEBUG off)."""

import pytest

from tests.factories import fact_checker

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "model"),
    [
        ("/intake/jobs/999999/", "IntakeJob"),
        ("/articles/999999/", "Article"),
        ("/claims/999999/", "Claim"),
    ],
)
def test_a_missing_desk_page_is_the_sites_404_without_the_lookups_words(client, path, model):
    client.force_login(fact_checker())
    response = client.get(path)
    assert response.status_code == 404
    page = response.content.decode()
    assert "<h1>Page not found</h1>" in page
    assert "matches the given query" not in page and f"No {model}" not in page
