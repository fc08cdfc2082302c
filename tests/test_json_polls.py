"""The JSON a desk page polls refuses in JSON: a logged-out caller gets a 401 and an account
without the role a 403, in the API's error shape, where the pages themselves keep sending to the
login page and showing the HTML 403 page."""

import pytest
from django.urls import reverse

from config.json_polls import LOGGED_OUT, NO_ROLE, READ_ONLY
from tests.factories import ArticleFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

# (the poll, the page that polls it): every desk poll.
POLLS = [
    ("articles:status", "articles:detail"),
    ("articles:intake_job_status", "articles:intake_job"),
    ("articles:import_status", "articles:import"),
]


@pytest.mark.parametrize(("poll", "page"), POLLS)
def test_a_logged_out_poll_is_a_401_in_json_while_its_page_sends_to_log_in(client, poll, page):
    article = ArticleFactory()
    response = client.get(reverse(poll, args=[article.pk]), headers={"accept": "application/json"})
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"error": "not_authenticated", "detail": LOGGED_OUT}
    # RFC 9110 asks a 401 to name a scheme; not Basic, for which a browser asks for a password.
    assert response["WWW-Authenticate"] == 'Session realm="desk"'
    page_response = client.get(reverse(page, args=[article.pk]))
    assert page_response.status_code == 302
    assert page_response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("poll", "page"),
    [("articles:status", "articles:detail"), ("articles:import_status", "articles:import")],
)
def test_a_poll_without_the_role_is_a_403_in_json_while_its_page_is_the_html_one(
    client, poll, page
):
    client.force_login(UserFactory())
    response = client.get(reverse(poll, args=[99999]), headers={"accept": "application/json"})
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"error": "permission_denied", "detail": NO_ROLE}
    page_response = client.get(reverse(page, args=[99999]))
    assert page_response.status_code == 403
    assert "text/html" in page_response["Content-Type"]
    assert "You cannot open this page" in page_response.text


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "options"])
@pytest.mark.parametrize(("poll", "page"), POLLS)
def test_a_poll_only_reads_any_other_method_is_a_405_in_json_naming_get_and_head(
    client, admin_user, poll, page, method
):
    # With the CSRF token (which the test client does not ask for): the poll's own answer.
    client.force_login(admin_user)
    article = ArticleFactory()
    url = reverse(poll, args=[article.pk])
    response = getattr(client, method)(url, headers={"accept": "application/json"})
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert response.json() == {"error": "method_not_allowed", "detail": READ_ONLY}
    # GET and HEAD read it as before.
    assert client.head(reverse("articles:status", args=[article.pk])).status_code == 200
