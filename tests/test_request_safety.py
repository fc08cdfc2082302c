"""Cross-site requests, redirects and sessions: every state-changing page checks the CSRF token,
no `next` sends a person to another site, and logging in never keeps a session planted before."""

import pytest
from django.test import Client
from django.urls import get_resolver, reverse

from claims.models import Claim, ClaimStatus
from tests.factories import (
    ClaimFactory,
    UserFactory,
    fact_checker,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

FOREIGN = ["https://evil.example/", "//evil.example/", "/\\evil.example/", "https:evil.example"]


def _views(patterns, prefix=""):
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            yield from _views(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern.callback


def test_no_page_outside_the_api_skips_the_csrf_check():
    # The API is exempt as DRF makes it: it authenticates by key only, never by the session
    # cookie a browser would send along with a forged request.
    exempt = [
        path
        for path, view in _views(get_resolver().url_patterns)
        if getattr(view, "csrf_exempt", False) and not path.removeprefix("^").startswith("api/")
    ]
    assert exempt == []


def test_a_forged_post_from_another_site_changes_nothing():
    claim = ClaimFactory(status=ClaimStatus.NEW)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(fact_checker())
    response = browser.post(reverse("claims:assign", args=[claim.pk]))
    assert response.status_code == 403
    assert Claim.objects.get(pk=claim.pk).assignee_id is None


@pytest.mark.parametrize("target", FOREIGN)
def test_logging_in_never_redirects_to_another_site(target):
    UserFactory(username="ada", password="correct horse battery")
    response = Client().post(
        reverse("login"), {"username": "ada", "password": "correct horse battery", "next": target}
    )
    assert response.status_code == 302 and response["Location"] == reverse("claims:queue")


def test_a_sign_in_lands_on_the_queue_or_on_the_page_that_asked_for_it():
    fact_checker(username="ada", password="correct horse battery")
    login = {"username": "ada", "password": "correct horse battery"}
    assert Client().post(reverse("login"), login)["Location"] == reverse("claims:queue")
    asked = reverse("claims:review_queue")
    assert Client().post(reverse("login"), {**login, "next": asked})["Location"] == asked


@pytest.mark.parametrize("target", FOREIGN)
def test_the_queues_bulk_action_never_redirects_to_another_site(client, target):
    claim = ClaimFactory(status=ClaimStatus.NEW)
    client.force_login(fact_checker())
    response = client.post(
        reverse("claims:queue_bulk"), {"claims": [claim.pk], "action": "assign", "next": target}
    )
    assert response.status_code == 302 and response["Location"] == reverse("claims:queue")


def test_logging_in_starts_a_new_session_so_a_planted_one_is_worth_nothing():
    UserFactory(username="ada", password="correct horse battery")
    browser = Client()
    session = browser.session
    session["planted"] = True
    session.save()
    planted = session.session_key
    browser.cookies["sessionid"] = planted
    browser.post(reverse("login"), {"username": "ada", "password": "correct horse battery"})
    assert browser.cookies["sessionid"].value != planted
