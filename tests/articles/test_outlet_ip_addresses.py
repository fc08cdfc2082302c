"""An IP address is no outlet's domain or name: it names a server, not a newsroom. An article
whose URL's host is one (a public address is a link the fetch rules allow) is stored without an
outlet; a domain given as one is refused, naming what is wrong. The outlet list and the
fact-check's "Claimed by ... in" showed 203.0.113.5 as a publisher."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from articles.intake import jobrun
from articles.intake.feeds import feed_add
from articles.models import Article, IntakeJob, IntakeStatus, Outlet, SourceKind
from articles.services import outlet_get_or_create
from tests.api_clients import client_with, make_key
from tests.factories import editor, extracted_page

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

BODY = "The mayor said the budget grew by 40 percent last year."


@pytest.mark.parametrize(
    ("url", "stored"),
    [
        ("http://203.0.113.5/story", "http://203.0.113.5/story"),
        ("https://[2001:db8::5]:8443/story", "https://[2001:db8::5]:8443/story"),
    ],
)
def test_an_article_whose_url_is_an_ip_address_is_stored_without_an_outlet(url, stored):
    _, key = make_key(read=False, submit=True, name="Newsroom plugin")
    response = client_with(key).post(
        "/api/v1/articles/", {"title": "Budget", "body": BODY, "url": url}, format="json"
    )
    assert response.status_code == 202
    article = Article.objects.get()
    assert (article.url, article.outlet) == (stored, None)
    assert not Outlet.objects.exists()


def test_an_article_url_whose_path_holds_an_at_sign_keeps_its_sites_outlet():
    """The URL's host names the outlet, not the rule for a typed name (where "@" is no
    domain): medium.com/@author/story was filed under no outlet, or a name-only one."""
    _, key = make_key(read=False, submit=True, name="Newsroom plugin")
    for url, outlet_name in [
        ("https://medium.com/@author/budget-story", ""),
        ("https://medium.com/@author/other-story", "Medium"),
    ]:
        response = client_with(key).post(
            "/api/v1/articles/",
            {"title": "Budget", "body": BODY + " " + url, "url": url, "outlet_name": outlet_name},
            format="json",
        )
        assert response.status_code == 202, response.json()
    assert {article.outlet.domain for article in Article.objects.all()} == {"medium.com"}


def test_a_page_fetched_from_an_ip_address_is_stored_without_an_outlet():
    # trafilatura names a page's site by its URL's host where the page names none.
    job = IntakeJob.objects.create(url="http://203.0.113.5/story", source_kind=SourceKind.API)
    extracted = extracted_page(title="Budget", body=BODY, site_name="203.0.113.5")
    job = jobrun._store(job, job.url, extracted)
    job.refresh_from_db()
    assert job.status == IntakeStatus.STORED
    assert job.article.outlet is None
    assert not Outlet.objects.exists()


@pytest.mark.parametrize(
    "name", ["203.0.113.5", "http://203.0.113.5:8080/news", "[2001:db8::5]", "2001:db8::5"]
)
def test_an_outlet_named_by_an_ip_address_is_no_outlet(name):
    assert outlet_get_or_create(name=name) is None
    assert not Outlet.objects.exists()
    # Beside a real domain, the address is no name for it either.
    outlet = outlet_get_or_create(name=name, domain="news.example")
    assert (outlet.name, outlet.domain) == ("news.example", "news.example")


@pytest.mark.parametrize(
    ("domain", "shown"), [("203.0.113.5", "203.0.113.5"), ("[2001:db8::5]", "[2001:db8::5]")]
)
def test_a_feeds_outlet_domain_given_as_an_ip_address_is_refused_saying_so(domain, shown):
    with pytest.raises(ValidationError) as error:
        feed_add(url="https://news.example/feed.xml", outlet_domain=domain, check=False)
    assert error.value.message_dict == {
        "outlet": [
            f"{shown} is an IP address, not a domain: give the outlet's domain, such as "
            "reuters.com."
        ]
    }
    assert not Outlet.objects.exists()


def admin_add(client, domain: str) -> str:
    response = client.post(reverse("admin:articles_outlet_add"), {"name": "Odd", "domain": domain})
    assert response.status_code == 200
    return response.content.decode()


def test_the_admin_refuses_an_ip_address_or_its_short_form_as_an_outlets_domain(client):
    client.force_login(editor())
    page = admin_add(client, "203.0.113.5")
    assert "203.0.113.5 is an IP address, not a domain" in page
    # "127.1" is 127.0.0.1 to a resolver: no top-level domain is all digits.
    page = admin_add(client, "127.1")
    assert "Give the outlet&#x27;s domain, such as reuters.com." in page
    assert not Outlet.objects.exists()
