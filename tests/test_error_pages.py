"""The desk's error pages: the 404 names no model, whatever the view looked up; the 400 and
500 are the site's own pages with a way back, not Django's bare one-liners (DEBUG off)."""

import pytest

from claims.api.errors import server_error
from tests.factories import fact_checker

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "model", "heading"),
    [
        # Told in the desk's words (tests/claims/test_desk_not_found), naming no model either.
        ("/intake/jobs/999999/", "IntakeJob", "Not on the desk"),
        ("/articles/999999/", "Article", "Not on the desk"),
        ("/claims/999999/", "Claim", "Not on the desk"),
    ],
)
def test_a_missing_desk_page_is_the_sites_404_without_the_lookups_words(
    client, path, model, heading
):
    client.force_login(fact_checker())
    response = client.get(path)
    assert response.status_code == 404
    page = response.content.decode()
    assert f"<h1>{heading}</h1>" in page
    assert "matches the given query" not in page and f"No {model}" not in page


def test_a_host_the_site_does_not_serve_gets_the_sites_400_with_a_way_back(client, settings):
    settings.ALLOWED_HOSTS = ["desk.example"]
    response = client.get("/fact-checks/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    page = response.content.decode()
    assert "<h1>This request could not be read</h1>" in page
    assert "<title>Bad request · Fact-check desk</title>" in page
    assert 'href="/fact-checks/"' in page and "Bad Request (400)" not in page


@pytest.mark.django_db(databases=[])
def test_a_server_error_gets_the_sites_500_with_a_way_back_even_with_the_database_down(rf):
    """No database here: any query the page made would fail the test."""
    response = server_error(rf.get("/claims/1/"))
    assert response.status_code == 500
    page = response.content.decode()
    assert "<h1>Something went wrong on our side</h1>" in page
    assert "<title>Server error · Fact-check desk</title>" in page and "factcheck/app.css" in page
    assert 'href="/fact-checks/"' in page and "Server Error (500)" not in page


@pytest.mark.parametrize("debug", [False, True])
def test_a_query_with_more_parameters_than_django_reads_gets_the_sites_400(client, settings, debug):
    # With DEBUG on (the demo) Django's debug page failed on the same parameters: a 500.
    settings.DEBUG = debug
    query = "&".join(f"p{n}=1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    anonymous = client.get(f"/fact-checks/?{query}")
    assert anonymous.status_code == 400
    assert "<h1>This request could not be read</h1>" in anonymous.content.decode()
    assert "Log in to the desk" in anonymous.content.decode()
    client.force_login(fact_checker())
    signed_in = client.get(f"/claims/?{query}").content.decode()
    assert "<h1>This request could not be read</h1>" in signed_in
    assert 'href="/claims/">Claim queue</a>' in signed_in and "Log in" not in signed_in


@pytest.mark.parametrize("debug", [False, True])
def test_a_form_too_large_to_read_gets_the_sites_413_saying_nothing_was_saved(
    client, settings, debug
):
    settings.DEBUG = debug
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    anonymous = client.post("/fact-checks/", {"q": "x" * 20_000})
    assert anonymous.status_code == 413
    page = anonymous.content.decode()
    assert "<h1>This form was too large to read</h1>" in page
    assert "Nothing was saved or changed." in page and "at most 10,000 bytes" in page
    assert "Log in to the desk" in page
    client.force_login(fact_checker())
    signed_in = client.post("/claims/bulk/", {"claims": "1", "note": "x" * 20_000})
    assert signed_in.status_code == 413
    assert "Log in" not in signed_in.content.decode()
