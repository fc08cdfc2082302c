import pytest
from axes.models import AccessAttempt

from tests.a11y import assert_accessible
from tests.factories import fact_checker

pytestmark = pytest.mark.django_db

LOGINS = ["/accounts/login/", "/admin/login/"]


@pytest.mark.parametrize("path", LOGINS)
def test_a_username_longer_than_any_account_is_refused_before_sign_in_is_tried(client, path):
    response = client.post(path, {"username": "a" * 256, "password": "whatever"})

    assert response.status_code == 400
    assert not response.wsgi_request.user.is_authenticated
    assert response.context["form"].errors["username"] == ["A username has at most 150 characters."]
    # Nothing reached django-axes, whose column holds 255 characters.
    assert not AccessAttempt.objects.exists()


@pytest.mark.parametrize("path", LOGINS)
def test_the_login_page_says_how_long_a_username_may_be(client, path):
    response = client.post(path, {"username": "a" * 300, "password": "whatever"})

    assert "A username has at most 150 characters." in response.content.decode()


def test_a_wrong_password_still_gets_the_usual_answer_as_a_400(client):
    user = fact_checker()
    response = client.post("/accounts/login/", {"username": user.username, "password": "wrong"})

    # 400, not 200: a script or a monitor can tell a refused log-in from the page.
    soup = assert_accessible(response, title="Log in", status=400)
    assert "Your username and password didn't match" in soup.find(id="login-error").get_text()
    assert soup.find(id="id_username")["value"] == user.username
    assert not response.wsgi_request.user.is_authenticated


def test_a_wrong_password_on_the_admin_log_in_is_a_400_too(client):
    user = fact_checker()
    response = client.post("/admin/login/", {"username": user.username, "password": "wrong"})

    assert response.status_code == 400
    assert "Please enter the correct username and password" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated


@pytest.mark.parametrize("path", LOGINS)
def test_the_log_in_page_itself_is_still_a_200(client, path):
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("path", LOGINS)
def test_a_wrong_password_for_a_name_of_the_longest_length_is_still_counted(client, path):
    response = client.post(path, {"username": "a" * 150, "password": "whatever"})

    assert response.status_code == 400
    assert AccessAttempt.objects.get().username == "a" * 150


def test_the_right_password_still_signs_in(client):
    user = fact_checker()
    response = client.post(
        "/accounts/login/", {"username": user.username, "password": "correct horse battery"}
    )
    assert response.status_code == 302


def test_the_logout_address_opened_as_a_page_offers_the_button_and_signs_no_one_out(client):
    client.force_login(fact_checker())
    response = client.get("/accounts/logout/")
    assert_accessible(response, title="Log out")
    page = response.content.decode()
    assert "<h1>Log out</h1>" in page
    assert page.count('action="/accounts/logout/"') == 2  # the header's button and the page's
    assert response.wsgi_request.user.is_authenticated
    assert client.get("/claims/").status_code == 200


def test_the_logout_page_after_signing_out_leads_to_the_login(client):
    client.force_login(fact_checker())
    assert client.post("/accounts/logout/")["Location"] == "/accounts/login/"
    page = client.get("/accounts/logout/").content.decode()
    assert "You are not logged in" in page and 'href="/accounts/login/"' in page


def test_logging_out_says_so_on_the_login_page_it_lands_on(client):
    client.force_login(fact_checker())
    page = client.post("/accounts/logout/", follow=True).content.decode()
    assert "You are logged out." in page and "<h1>Log in</h1>" in page
    # Nor is it said to someone who was not logged in.
    page = client.post("/accounts/logout/", follow=True).content.decode()
    assert "You are logged out." not in page


@pytest.mark.parametrize("path", LOGINS)
def test_an_empty_username_or_password_is_named_not_just_required(client, path):
    response = client.post(path, {"username": "", "password": ""})

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "username": ["Enter your username."],
        "password": ["Enter your password."],
    }
    assert "This field is required." not in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated


def _wrong_password_from(client, *, proxy: str, forwarded_for: str | None = None):
    headers = {"REMOTE_ADDR": proxy}
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client.post(LOGINS[0], {"username": "ada", "password": "wrong"}, **headers)


def test_behind_a_proxy_the_log_in_limit_counts_each_reader_s_address_not_the_proxy_s(
    client, settings
):
    # Read from REMOTE_ADDR alone, every reader came from the proxy: five wrong passwords from
    # anyone locked the name for the whole newsroom (the throttles read X-Forwarded-For).
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    fact_checker(username="ada", password="correct horse battery")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _wrong_password_from(client, proxy="10.0.0.1", forwarded_for="203.0.113.9")
    assert {attempt.ip_address for attempt in AccessAttempt.objects.all()} == {"203.0.113.9"}
    assert (
        _wrong_password_from(client, proxy="10.0.0.1", forwarded_for="203.0.113.9").status_code
        == 429
    )
    signed_in = client.post(
        LOGINS[0],
        {"username": "ada", "password": "correct horse battery"},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert signed_in.status_code == 302


def test_without_a_proxy_a_forged_forwarded_for_does_not_reset_the_log_in_limit(client, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 0}
    fact_checker(username="ada", password="correct horse battery")
    for n in range(settings.AXES_FAILURE_LIMIT):
        _wrong_password_from(client, proxy="192.0.2.1", forwarded_for=f"203.0.113.{n}")
    assert (
        _wrong_password_from(client, proxy="192.0.2.1", forwarded_for="203.0.113.99").status_code
        == 429
    )
