"""The articles app's admin pages: outlets keep the one rule for a domain."""

import pytest
from django.urls import reverse

from articles.models import Outlet
from tests.factories import OutletFactory, editor

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


def _add(client, name: str, domain: str):
    return client.post(reverse("admin:articles_outlet_add"), {"name": name, "domain": domain})


def test_an_outlet_added_in_the_admin_gets_its_domain_as_every_other_path_stores_it(client):
    client.force_login(editor())
    assert _add(client, "Ex News", " WWW.Ex-News.Example ").status_code == 302
    assert Outlet.objects.get(name="Ex News").domain == "ex-news.example"


def test_a_second_spelling_of_a_known_domain_is_not_a_second_outlet(client):
    OutletFactory(name="Reuters", domain="reuters.com")
    client.force_login(editor())
    response = _add(client, "Reuters again", "www.Reuters.COM")
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert Outlet.objects.filter(domain__iexact="reuters.com").count() == 1


@pytest.mark.parametrize("domain", ["a b", "<b>x</b>", "localhost", "https://ex.example/"])
def test_what_is_no_domain_is_refused_with_the_rule(client, domain):
    client.force_login(editor())
    response = _add(client, "Odd", domain)
    assert response.status_code == 200
    assert "Give the outlet&#x27;s domain, such as reuters.com." in response.content.decode()
    assert not Outlet.objects.filter(name="Odd").exists()


def _published_under(outlet):
    from tests.factories import ArticleFactory, ClaimFactory, published_verdict

    return published_verdict(claim=ClaimFactory(article=ArticleFactory(outlet=outlet)))


def test_an_outlet_a_published_fact_check_names_keeps_its_name_and_domain(client):
    outlet = OutletFactory(name="Ex News", domain="ex-news.example")
    verdict = _published_under(outlet)
    client.force_login(editor())
    url = reverse("admin:articles_outlet_change", args=[outlet.pk])
    response = client.post(url, {"name": "Someone Else", "domain": "else.example"})
    assert response.status_code == 200
    assert "published" in response.content.decode()
    outlet.refresh_from_db()
    assert (outlet.name, outlet.domain) == ("Ex News", "ex-news.example")
    page = client.get(reverse("claims:public", args=[verdict.pk])).content.decode()
    assert "Someone Else" not in page and "Ex News" in page


def test_an_outlet_no_published_fact_check_names_can_still_be_renamed(client):
    outlet = OutletFactory(name="Ex Nwes", domain="ex-news.example")
    client.force_login(editor())
    url = reverse("admin:articles_outlet_change", args=[outlet.pk])
    assert client.post(url, {"name": "Ex News", "domain": "ex-news.example"}).status_code == 302
    outlet.refresh_from_db()
    assert outlet.name == "Ex News"


def test_the_feed_form_asks_for_an_outlet_by_id_instead_of_listing_every_outlet(client):
    from tests.factories import admin_user

    OutletFactory(name="Listed Nowhere Gazette", domain="gazette.example")
    client.force_login(admin_user())
    page = client.get(reverse("admin:articles_feed_add")).content.decode()
    assert 'name="outlet"' in page and "vForeignKeyRawIdAdminField" in page
    assert "Listed Nowhere Gazette" not in page
    response = client.post(
        reverse("admin:articles_feed_add"),
        {"url": "https://gazette.example/feed", "outlet": "not-an-id", "poll_interval_minutes": 60},
    )
    assert response.status_code == 200
    assert "outlet" in response.context["adminform"].form.errors


def test_an_outlet_name_typed_in_the_admin_is_stored_as_it_reads(client):
    # A U+202E in an outlet's name turned the rest of the published fact-check's line around;
    # every other way in drops it (storable_line) and reads the name without its tags.
    client.force_login(editor())
    assert _add(client, "\u202eCity <i>Gazette</i>\x07", "").status_code == 302
    assert Outlet.objects.get().name == "City Gazette"


def test_an_outlet_name_with_tags_is_the_outlet_its_plain_spelling_already_is(client):
    OutletFactory(name="City Gazette", domain=None)
    client.force_login(editor())
    response = _add(client, "<b>City</b> Gazette", "")
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert Outlet.objects.count() == 1


def test_an_outlet_name_of_tags_alone_is_refused_in_the_admin(client):
    client.force_login(editor())
    response = _add(client, "<b></b>", "")
    assert response.status_code == 200
    assert "HTML tags with no text" in response.content.decode()
    assert not Outlet.objects.exists()


def test_renaming_an_outlet_in_the_admin_drops_its_bidi_controls(client):
    outlet = OutletFactory(name="Ex News", domain="ex-news.example")
    client.force_login(editor())
    url = reverse("admin:articles_outlet_change", args=[outlet.pk])
    response = client.post(url, {"name": "Ex \u202eNews\u2066", "domain": "ex-news.example"})
    assert response.status_code == 302
    outlet.refresh_from_db()
    assert outlet.name == "Ex News"
