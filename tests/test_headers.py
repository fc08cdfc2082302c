"""The Content-Security-Policy every response carries, and the pages that must keep working
under it: none runs an inline script, so an injected one would not run either. And no cache
keeps a page answered to a signed-in person."""

import re

import pytest
from django.urls import reverse

from tests.factories import (
    admin_user,
    fact_checker,
    published_verdict,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

# A <script> element that runs what it holds: no src, and not a data block such as JSON-LD.
_INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc=)(?![^>]*application/ld\+json)[^>]*>", re.I)


def _script_sources(policy: str) -> list[str]:
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    return directives["script-src"].split()


def test_every_response_forbids_inline_and_foreign_scripts(client):
    verdict = published_verdict()
    for path in [
        reverse("claims:public", args=[verdict.pk]),
        reverse("claims:public_index"),
        reverse("login"),
        "/admin/login/",
        "/api/docs/",
        "/api/v1/verdicts/",
        "/no-such-page/",
    ]:
        policy = client.get(path)["Content-Security-Policy"]
        assert _script_sources(policy) == ["'self'"], path
        assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy, path


def test_no_page_runs_an_inline_script(client):
    verdict = published_verdict()
    client.force_login(admin_user())
    pages = [
        reverse("claims:public", args=[verdict.pk]),  # with its JSON-LD block
        reverse("claims:detail", args=[verdict.claim_id]),
        reverse("claims:queue"),
        reverse("admin:claims_verdict_change", args=[verdict.pk]),
        reverse("admin:claims_apitoken_add"),
        "/api/docs/",
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        assert not _INLINE_SCRIPT.search(response.content), path


def test_the_api_docs_load_their_start_up_script_as_a_file(client):
    page = client.get("/api/docs/").content.decode()
    own = [src for src in re.findall(r'src="([^"]+)"', page) if not src.startswith("/static/")]
    assert len(own) == 1 and own[0].startswith("/api/docs/")
    script = client.get(own[0].replace("&amp;", "&"))
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in script.content


def test_no_cache_keeps_a_page_shown_to_someone_signed_in(client):
    verdict = published_verdict()
    public = reverse("claims:public", args=[verdict.pk])
    assert "no-store" not in client.get(public).get("Cache-Control", "")
    client.force_login(fact_checker())
    for path in [
        reverse("claims:detail", args=[verdict.claim_id]),
        reverse("claims:queue"),
        public,
    ]:
        cache_control = client.get(path)["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control, path


def test_an_answer_given_before_the_views_carries_the_policy_too(client):
    # The admin's input guard answers a NUL in a query string itself, before any view runs.
    response = client.get("/admin/claims/claim/", {"q": "a\x00b"})
    assert response.status_code == 400
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_pages_name_an_empty_icon_so_browsers_do_not_ask_for_favicon_ico(client):
    page = client.get(reverse("claims:public_index")).content.decode()
    assert '<link rel="icon" href="data:,">' in page


def test_a_browser_that_asks_for_favicon_ico_anyway_gets_an_empty_answer_not_a_404(client):
    # Chromium asks for it on the admin's pages and beside the Atom feed.
    client.force_login(fact_checker())
    response = client.get("/favicon.ico")
    assert response.status_code == 204 and response.content == b""
    assert "max-age=86400" in response["Cache-Control"]
