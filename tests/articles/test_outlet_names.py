"""An outlet known only by its name (pasted text with no URL) has no domain: none is made up.
"City <i>Gazette</i>" became the outlet "city-i-gazette-i.unknown", shown to API clients as if
it were the outlet's site, and typing "City Gazette" later made a second outlet. A name is
stored and matched as it reads: its tags dropped, its case and spacing aside."""

import importlib
import json
import re

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from articles import services
from articles.intake import jobrun
from articles.intake.feeds import feed_add
from articles.models import Article, Feed, IntakeJob, IntakeStatus, Outlet, SourceKind
from articles.services import outlet_get_or_create
from tests.api_clients import client_with, key_client, make_key, published_verdict
from tests.factories import ArticleFactory, admin_user, editor, extracted_page, fact_checker

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

BODY = "The council said the budget grew by 12 percent. Residents shrugged."
TAGS_ONLY = "The outlet's name is HTML tags with no text: give the outlet's name as plain text."


@pytest.fixture
def checker(client):
    client.force_login(fact_checker())


def pasted(client, outlet: str, body: str = BODY) -> Article:
    fields = {"title": "Council budget", "outlet": outlet, "url": "", "body": body}
    response = client.post(reverse("articles:submit"), fields)
    assert response.status_code == 302, response.content.decode()
    return Article.objects.get(body=body)


def test_a_pasted_articles_outlet_named_without_a_url_shows_no_domain_in_the_api(checker, client):
    article = pasted(client, "City <i>Gazette</i>")
    outlet = key_client(staff=True).get(f"/api/v1/articles/{article.pk}/").json()["outlet"]
    assert outlet == {"id": article.outlet_id, "name": "City Gazette", "domain": None}


def test_a_name_with_tags_its_plain_spelling_and_its_lower_case_are_one_outlet(checker, client):
    first = pasted(client, "City <i>Gazette</i>")
    second = pasted(client, "City Gazette", body=BODY + " Again.")
    third = pasted(client, "city  gazette ", body=BODY + " Once more.")
    assert first.outlet == second.outlet == third.outlet
    assert Outlet.objects.get().name == "City Gazette"


def test_a_name_known_with_a_domain_reaches_that_outlet():
    reuters = Outlet.objects.create(name="Reuters", domain="reuters.com")
    assert outlet_get_or_create(name="<b>reuters</b>") == reuters
    assert Outlet.objects.count() == 1


def test_an_outlet_name_of_tags_alone_is_refused_saying_so(checker, client):
    fields = {"title": "Council budget", "outlet": "<b></b>", "url": "", "body": BODY}
    response = client.post(reverse("articles:submit"), fields)
    assert response.status_code == 400
    assert "give the outlet&#x27;s name as plain text" in response.content.decode()
    assert not Article.objects.exists() and not Outlet.objects.exists()
    _, key = make_key(read=False, submit=True)
    response = client_with(key).post(
        "/api/v1/articles/", {"title": "T", "body": BODY, "outlet_name": "<i> </i>"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["fields"] == {"outlet_name": [TAGS_ONLY]}


def test_two_outlets_without_a_domain_cannot_share_a_name():
    outlet_get_or_create(name="City Gazette")
    Outlet.objects.create(name="Town Crier", domain=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Outlet.objects.create(name="CITY GAZETTE", domain=None)


def test_a_name_created_at_the_same_moment_elsewhere_is_that_outlet(monkeypatch):
    twin = Outlet.objects.create(name="City Gazette", domain=None)
    looked_up = iter([None, twin])  # not there when looked for, there once the insert fails
    monkeypatch.setattr(services, "_outlet_named", lambda name: next(looked_up))
    assert outlet_get_or_create(name="City Gazette") == twin
    assert Outlet.objects.count() == 1


def test_a_feeds_outlet_known_by_name_is_its_articles_outlet():
    outlet = outlet_get_or_create(name="City Gazette")
    feed = Feed.objects.create(url="https://gazette.example/feed.xml", outlet=outlet)
    job = IntakeJob.objects.create(
        url="https://gazette.example/budget", source_kind=SourceKind.FEED, feed=feed
    )
    extracted = extracted_page(title="Budget", body=BODY, site_name="Gazette Online")
    job = jobrun._store(job, job.url, extracted)
    assert job.status == IntakeStatus.STORED
    assert job.article.outlet == outlet
    assert Outlet.objects.count() == 1


def test_a_fetched_pages_site_name_is_read_without_its_tags():
    job = IntakeJob.objects.create(url="https://gazette.example/budget", source_kind=SourceKind.API)
    extracted = extracted_page(title="Budget", body=BODY, site_name="<b></b>")
    job = jobrun._store(job, job.url, extracted)
    assert job.status == IntakeStatus.STORED
    assert (job.article.outlet.name, job.article.outlet.domain) == (
        "gazette.example",
        "gazette.example",
    )


def test_a_feed_added_with_a_name_alone_gets_no_domain():
    feed = feed_add(url="https://gazette.example/feed.xml", outlet_name="City Gazette", check=False)
    assert (feed.outlet.name, feed.outlet.domain) == ("City Gazette", None)


def test_the_admin_keeps_an_outlet_known_by_name_without_a_domain(client):
    client.force_login(editor())
    outlet = outlet_get_or_create(name="City Gazette")
    url = reverse("admin:articles_outlet_change", args=[outlet.pk])
    response = client.post(url, {"name": "City Gazette Weekly", "domain": ""})
    assert response.status_code == 302
    outlet.refresh_from_db()
    assert (outlet.name, outlet.domain) == ("City Gazette Weekly", None)
    response = client.post(
        reverse("admin:articles_outlet_add"), {"name": "city gazette weekly", "domain": ""}
    )
    assert "An outlet with this name and no domain already exists." in response.content.decode()
    assert Outlet.objects.count() == 1


def test_the_public_page_and_claimreview_name_the_outlet_and_no_made_up_domain(client):
    outlet = outlet_get_or_create(name="City <i>Gazette</i>")
    verdict = published_verdict("Crime fell by 40 percent last year.", outlet=outlet)
    html = client.get(reverse("claims:public", args=[verdict.pk])).content.decode()
    assert "published by <bdi>City Gazette</bdi>" in html
    [block] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    publisher = json.loads(block)["itemReviewed"]["appearance"][0]["publisher"]
    assert publisher == {"@type": "Organization", "name": "City Gazette"}
    api = key_client().get(f"/api/v1/verdicts/{verdict.pk}/").json()
    assert api["claim"]["article"]["outlet"] == {
        "id": outlet.pk,
        "name": "City Gazette",
        "domain": None,
    }
    assert ".unknown" not in html + json.dumps(api)


def test_stored_placeholder_domains_are_dropped_and_twins_made_one_outlet():
    # The migration runs before 0024 adds the name's constraint.
    [unique] = [c for c in Outlet._meta.constraints if c.name == "outlet_name_only_unique"]
    with connection.schema_editor() as editor_:
        editor_.remove_constraint(Outlet, unique)
    older = Outlet.objects.create(name="City Gazette", domain="city-gazette.unknown")
    twin = Outlet.objects.create(name="city gazette", domain="city-gazette-2.unknown")
    real = Outlet.objects.create(name="Reuters", domain="reuters.com")
    moved = ArticleFactory(outlet=twin)
    migration = importlib.import_module("articles.migrations.0023_outlet_domain_optional")
    migration.placeholders_dropped(apps, None)
    older.refresh_from_db()
    real.refresh_from_db()
    moved.refresh_from_db()
    assert (older.domain, real.domain) == (None, "reuters.com")
    assert moved.outlet == older
    assert not Outlet.objects.filter(pk=twin.pk).exists()


def test_going_back_before_the_migration_gives_each_name_only_outlet_a_placeholder():
    # Its reverse runs before the column is NOT NULL again: without it the rollback failed.
    first = outlet_get_or_create(name="City Gazette", domain="")
    second = outlet_get_or_create(name="City-Gazette!", domain="")
    Outlet.objects.create(name="Reuters", domain="city-gazette-3.unknown")
    migration = importlib.import_module("articles.migrations.0023_outlet_domain_optional")
    migration.placeholders_restored(apps, None)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.domain, second.domain) == ("city-gazette.unknown", "city-gazette-2.unknown")


def test_a_feed_added_in_the_admin_belongs_to_the_outlet_chosen_there(client, intake_server):
    # Looked up again by name, a name-only outlet was the oldest of that name (one with a
    # domain included): the feed went to another outlet than the one picked.
    older = Outlet.objects.create(name="City Gazette", domain="citygazette.com")
    chosen = outlet_get_or_create(name="city gazette ltd", domain="")
    Outlet.objects.filter(pk=chosen.pk).update(name="city gazette")
    client.force_login(admin_user())
    response = client.post(
        reverse("admin:articles_feed_add"),
        {
            "url": intake_server.url("/feed.xml"),
            "outlet": chosen.pk,
            "poll_interval_minutes": 30,
            "active": "on",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Feed.objects.get().outlet_id == chosen.pk != older.pk
