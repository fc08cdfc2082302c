"""A form from a stale tab gets the desk's own 403 page, which says nothing was saved."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from articles.models import Article
from tests.api_clients import make_key
from tests.factories import fact_checker

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"
ARTICLE = {"title": "Budget", "body": "The mayor said prices rose 5 percent."}


def sign_in(client, user):
    page = client.get(reverse("login")).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(
        reverse("login"),
        {"username": user.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302


def form_token(client, path) -> str:
    page = client.get(path).content.decode()
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def test_a_form_from_before_signing_in_again_gets_the_desks_page_and_nothing_is_saved():
    user = fact_checker()
    browser = Client(enforce_csrf_checks=True)
    sign_in(browser, user)
    stale = form_token(browser, reverse("articles:submit"))
    sign_in(browser, user)  # in another tab: a new sign-in, a new token

    response = browser.post(reverse("articles:submit"), {**ARTICLE, "csrfmiddlewaretoken": stale})

    assert response.status_code == 403
    page = response.content.decode()
    assert "<h1>This form had expired</h1>" in page
    assert "Nothing was saved." in page
    assert "Go back, reload the page, and send the form again." in page
    assert f'<span class="who">{user.username}</span>' in page  # the desk's layout, signed in
    assert not Article.objects.exists()

    fresh = form_token(browser, reverse("articles:submit"))
    response = browser.post(reverse("articles:submit"), {**ARTICLE, "csrfmiddlewaretoken": fresh})
    assert response.status_code == 302 and Article.objects.count() == 1


def test_the_page_links_back_to_the_form_only_on_this_site():
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(fact_checker())
    submit = reverse("articles:submit")

    ours = browser.post(submit, ARTICLE, HTTP_REFERER=f"http://testserver{submit}")
    assert ours.status_code == 403
    link = f'<a href="http://testserver{submit}">Open the form\'s page again</a>'
    assert link in ours.content.decode()
    theirs = browser.post(submit, ARTICLE, HTTP_REFERER="https://elsewhere.example/")
    assert theirs.status_code == 403
    assert "elsewhere.example" not in theirs.content.decode()


def test_a_reader_who_never_logged_in_is_not_told_of_a_log_in():
    browser = Client(enforce_csrf_checks=True)
    browser.get("/fact-checks/")  # the cookie, but no token sent with the form
    response = browser.post("/fact-checks/", {"q": "budget"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "<h1>This form could not be accepted</h1>" in page
    assert "<title>This form could not be accepted · Fact-check desk</title>" in page
    assert "Nothing was saved." in page
    assert "logged in" not in page and "expired" not in page


def test_a_browser_without_the_cookie_is_told_to_allow_cookies():
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(reverse("login"), {"username": "someone", "password": "x"})
    assert response.status_code == 403
    assert "allow cookies for this site" in response.content.decode()


def test_the_api_is_not_concerned():
    _, key = make_key(read=False, submit=True)
    api = APIClient(enforce_csrf_checks=True)
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    response = api.post("/api/v1/articles/", ARTICLE, format="json")
    assert response.status_code == 202
