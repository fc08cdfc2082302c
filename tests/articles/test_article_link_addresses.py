"""A URL given with an article's text (the paste form, the API, a bulk row, the admin) or named
by another fact-checker's ClaimReview meets the fetch's rule for an address written in it: one
inside the desk's network is refused, not made an outlet and published as the fact-check's link."""

import copy

import pytest
from django.urls import reverse

from articles.intake.bulk import import_batch_create
from articles.intake.claimreview import external_factchecks_store
from articles.models import Article, ExternalFactCheck, Outlet
from articles.services import article_url_refusal
from tests.api_clients import client_with, make_key
from tests.articles.test_intake_claimreview import RAIL_REVIEW
from tests.claims.admin_forms import admin_save
from tests.factories import ArticleFactory, fact_checker

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

BODY = "The mayor said the budget grew by 40 percent last year."


def refusal(host: str) -> str:
    return (
        f"Refused: the address of {host} is not allowed; only public internet addresses are "
        "kept as an article's link. Leave the URL out: the text can be stored without one."
    )


@pytest.fixture
def private_networks_refused(settings):
    settings.INTAKE_ALLOW_PRIVATE_NETWORKS = False


@pytest.mark.usefixtures("private_networks_refused")
@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("http://10.0.0.5/story", "10.0.0.5"),
        ("https://192.168.1.20/a", "192.168.1.20"),
        ("http://127.0.0.1:8000/x", "127.0.0.1"),
        ("http://localhost/x", "localhost"),
        ("http://[::1]/x", "::1"),
        ("http://[::ffff:10.0.0.1]/x", "::ffff:10.0.0.1"),
        ("http://169.254.169.254/latest", "169.254.169.254"),
    ],
)
def test_an_address_inside_the_network_is_refused_as_an_articles_link(url, host):
    assert article_url_refusal(url) == refusal(host)


@pytest.mark.usefixtures("private_networks_refused")
@pytest.mark.parametrize("url", ["https://news.example/story", "http://8.8.8.8/story"])
def test_a_public_address_or_any_host_name_is_an_articles_link(url):
    assert article_url_refusal(url) is None


def test_private_networks_allowed_to_fetch_are_allowed_as_a_link_but_link_local_never(settings):
    settings.INTAKE_ALLOW_PRIVATE_NETWORKS = True
    assert article_url_refusal("http://10.0.0.5/story") is None
    # The cloud metadata service is never fetched, whatever the setting: nor linked.
    assert article_url_refusal("http://169.254.169.254/x") == refusal("169.254.169.254")


@pytest.mark.usefixtures("private_networks_refused")
def test_the_paste_form_refuses_pasted_text_with_a_private_url_beside_the_url(client):
    client.force_login(fact_checker())
    response = client.post(
        reverse("articles:submit"),
        {"url": "http://10.0.0.5/story", "title": "Budget", "body": BODY},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["url"] == [refusal("10.0.0.5")]
    assert not Article.objects.exists()
    assert not Outlet.objects.filter(name="10.0.0.5").exists()
    # Without the URL the same text is taken, as the message says.
    response = client.post(reverse("articles:submit"), {"title": "Budget", "body": BODY})
    assert response.status_code == 302
    assert Article.objects.get().url == ""


def test_the_paste_form_takes_a_private_url_where_the_desk_may_fetch_private_networks(
    client, settings
):
    settings.INTAKE_ALLOW_PRIVATE_NETWORKS = True
    client.force_login(fact_checker())
    response = client.post(
        reverse("articles:submit"),
        {"url": "http://10.0.0.5/story", "title": "Budget", "body": BODY},
    )
    assert response.status_code == 302
    assert Article.objects.get().url == "http://10.0.0.5/story"


@pytest.mark.usefixtures("private_networks_refused")
def test_the_api_refuses_an_article_with_a_private_url():
    client = client_with(make_key(read=False, submit=True)[1])
    payload = {"url": "http://10.1.1.1/x", "title": "Budget", "body": BODY}
    response = client.post("/api/v1/articles/", payload, format="json")
    assert response.status_code == 400
    assert response.json()["fields"] == {"url": [refusal("10.1.1.1")]}
    assert not Article.objects.exists()
    assert not Outlet.objects.exists()


@pytest.mark.usefixtures("private_networks_refused")
def test_a_bulk_row_with_a_body_and_a_private_url_is_refused_by_line(
    django_capture_on_commit_callbacks,
):
    rows = (
        "title,body,url\n"
        f"Budget,{BODY},http://10.0.0.5/story\n"
        "Rail,Rail fares rose 20 percent in 2026.,https://news.example/rail\n"
        "Fetched,,http://10.0.0.6/story\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        batch = import_batch_create(file_name="rows.csv", data=rows.encode(), created_by=None)
    batch.refresh_from_db()
    assert batch.errors == [
        {"line": 2, "reason": f"url: {refusal('10.0.0.5')}"},
        {
            "line": 4,
            "reason": "url: Refused: the address of 10.0.0.6 is not allowed; only public internet "
            "addresses are fetched.",
        },
    ]
    assert list(Article.objects.values_list("title", flat=True)) == ["Rail"]


@pytest.mark.usefixtures("private_networks_refused")
def test_the_admin_refuses_a_private_url_added_or_edited_but_keeps_one_stored_before(client):
    client.force_login(fact_checker())
    response = client.post(
        reverse("admin:articles_article_add"),
        {"title": "Budget", "body": BODY, "language": "en", "url": "http://10.0.0.5/a"},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["url"] == [refusal("10.0.0.5")]
    assert not Article.objects.exists()

    article = ArticleFactory(url="https://news.example/budget")
    page = reverse("admin:articles_article_change", args=[article.pk])
    response = admin_save(client, page, url="http://10.0.0.5/a")
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["url"] == [refusal("10.0.0.5")]
    article.refresh_from_db()
    assert article.url == "https://news.example/budget"

    stored_before = ArticleFactory(url="http://10.0.0.7/old", title="Old")
    page = reverse("admin:articles_article_change", args=[stored_before.pk])
    assert admin_save(client, page, title="Old, retitled").status_code == 302
    stored_before.refresh_from_db()
    assert stored_before.title == "Old, retitled"


@pytest.mark.usefixtures("private_networks_refused")
def test_a_claimreview_at_a_private_address_is_refused_and_a_private_publisher_link_dropped():
    inside = {**copy.deepcopy(RAIL_REVIEW), "url": "http://10.0.0.5/rail-fares"}
    publisher_inside = copy.deepcopy(RAIL_REVIEW)
    publisher_inside["author"]["url"] = "http://192.168.0.9/"
    result = external_factchecks_store([inside, publisher_inside])
    assert result.errors == [
        "ClaimReview 1: the ClaimReview's url 'http://10.0.0.5/rail-fares' is at an address "
        "that is not allowed; only public internet addresses are kept"
    ]
    stored = ExternalFactCheck.objects.get()
    assert (stored.url, stored.publisher_url) == ("https://checkers.example/rail-fares", "")
