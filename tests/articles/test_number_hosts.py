"""A URL whose host is an address given as a bare number (http://2130706433/ is 127.0.0.1) is
refused saying why, in the same sentence by the paste form and the API."""

import pytest
from django.urls import reverse

from articles.models import Article, IntakeJob
from articles.services import url_number_host_refusal
from tests.api_clients import client_with, make_key
from tests.factories import fact_checker

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

REFUSAL = (
    "The URL's host, {host}, is an address given as a bare number, which is not accepted: give "
    "the site's name, such as https://example.org/story."
)


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("http://2130706433/", "2130706433"),
        ("http://0x7f000001/admin", "0x7f000001"),
        ("https://127.1/", "127.1"),
        ("http://0177.0.0.1/", "0177.0.0.1"),
    ],
)
def test_the_api_says_a_bare_number_is_no_host(url, host):
    client = client_with(make_key(read=False, submit=True)[1])
    response = client.post("/api/v1/articles/", {"url": url}, format="json")
    assert response.status_code == 400
    assert response.json()["fields"] == {"url": [REFUSAL.format(host=host)]}
    assert not IntakeJob.objects.exists()


def test_the_paste_form_says_the_same(client):
    client.force_login(fact_checker(username="fc"))
    response = client.post(
        reverse("articles:submit"),
        {"url": "http://2130706433/", "title": "", "outlet": "", "published_on": "", "body": ""},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["url"] == [REFUSAL.format(host="2130706433")]
    assert not Article.objects.exists() and not IntakeJob.objects.exists()


@pytest.mark.parametrize("url", ["http://93.184.216.34/", "https://example.org/", "not a url"])
def test_an_address_with_a_name_or_four_numbers_is_no_bare_number(url):
    assert url_number_host_refusal(url) is None
