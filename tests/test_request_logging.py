"""What a refused request leaves in the log: one warning with who and where, no traceback (a
403 is expected traffic, not a fault); a real server error keeps its traceback."""

import logging

import pytest
from django.urls import path, reverse

from config import urls as site_urls
from tests.api_clients import client_with as api_client
from tests.api_clients import make_key
from tests.factories import (
    fact_checker,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


def broken_view(request):
    raise RuntimeError("the view is broken")


# This module is also the URLconf of the 500 test: the site's pages plus one that fails.
urlpatterns = [path("broken/", broken_view), *site_urls.urlpatterns]
handler500 = site_urls.handler500


def request_records(caplog):
    return [record for record in caplog.records if record.name == "django.request"]


def test_a_desk_page_refused_for_lack_of_permission_logs_one_warning_without_a_traceback(
    client, caplog
):
    user = fact_checker()  # may not see the desk's history: editors only
    client.force_login(user)
    url = reverse("claims:desk_history")
    with caplog.at_level(logging.INFO):
        assert client.get(url).status_code == 403
    [record] = request_records(caplog)
    assert record.levelno == logging.WARNING
    assert record.exc_info is None and record.exc_text is None
    assert record.getMessage() == f"Forbidden (Permission denied): {url} (user {user.pk})"
    assert "Traceback" not in caplog.text


def test_an_admin_page_refused_logs_the_user_without_a_traceback(client, caplog):
    user = fact_checker()  # no delete permission on claims
    client.force_login(user)
    url = reverse("admin:auth_user_changelist")
    with caplog.at_level(logging.INFO):
        assert client.get(url).status_code == 403
    [record] = request_records(caplog)
    assert record.levelno == logging.WARNING and record.exc_info is None
    assert record.getMessage().endswith(f"{url} (user {user.pk})")


def test_an_api_key_without_the_scope_is_logged_once_with_its_user(caplog):
    token, key = make_key(read=False, submit=True)
    with caplog.at_level(logging.INFO):
        response = api_client(key).get("/api/v1/claims/")
    assert response.status_code == 403
    [record] = request_records(caplog)
    assert record.levelno == logging.WARNING and record.exc_info is None
    assert record.getMessage() == f"Forbidden: /api/v1/claims/ (user {token.user_id})"


def test_an_anonymous_refusal_says_anonymous(caplog):
    with caplog.at_level(logging.INFO):
        assert api_client().get("/api/v1/claims/").status_code == 401
    [record] = request_records(caplog)
    assert record.getMessage() == "Unauthorized: /api/v1/claims/ (user anonymous)"


def test_a_filter_that_sits_on_the_logger_twice_names_the_user_once():
    # logging.config.dictConfig never removes a logger's filters: run again (as some tests and
    # tools do), it leaves this filter on django.request twice, and each one saw the record.
    from config.request_logging import ClientErrorsWithoutTraceback

    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Forbidden: %s", ("/history/",), None
    )
    record.status_code = 403
    for each in (ClientErrorsWithoutTraceback(), ClientErrorsWithoutTraceback()):
        assert each.filter(record)
    assert record.getMessage() == "Forbidden: /history/ (user unknown)"


@pytest.mark.urls(__name__)
def test_a_server_error_still_logs_its_traceback(client, caplog):
    client.raise_request_exception = False
    with caplog.at_level(logging.INFO):
        assert client.get("/broken/").status_code == 500
    [record] = request_records(caplog)
    assert record.levelno == logging.ERROR
    assert record.exc_info is not None and record.exc_info[0] is RuntimeError
    assert "Traceback" in caplog.text and "the view is broken" in caplog.text
