"""The feed admin's wording: the desk's sentences, not Django's defaults."""

import pytest
from django.urls import reverse

from articles.intake.feeds import feed_add
from articles.models import Feed, FeedEntry
from tests.factories import admin_user

pytestmark = pytest.mark.django_db
FIELDS = {"poll_interval_minutes": 30, "active": "on"}


def test_adding_a_feed_already_subscribed_says_so_in_the_desk_s_words_without_fetching_it(
    client, intake_server
):
    feed = feed_add(url=intake_server.url("/feed.xml"), interval_minutes=30, check=False)
    client.force_login(admin_user())
    response = client.post(reverse("admin:articles_feed_add"), {"url": feed.url, **FIELDS})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["url"] == ["This feed is already subscribed."]
    assert intake_server.requests == []
    assert Feed.objects.count() == 1


def test_changing_a_feed_to_another_feed_s_address_is_refused_the_same_way(client):
    taken = feed_add(url="https://news.example/feed.xml", interval_minutes=30, check=False)
    other = feed_add(url="https://news.example/other.xml", interval_minutes=30, check=False)
    client.force_login(admin_user())
    page = reverse("admin:articles_feed_change", args=[other.pk])
    response = client.post(page, {"url": taken.url, **FIELDS})
    assert response.context["adminform"].form.errors["url"] == ["This feed is already subscribed."]
    other.refresh_from_db()
    assert other.url == "https://news.example/other.xml"


def test_changing_a_feed_to_a_page_that_is_no_feed_says_the_address_was_not_saved(
    client, intake_server
):
    # The feed stays subscribed at its old address: "it was not subscribed" would be wrong.
    feed = feed_add(url=intake_server.url("/feed.xml"), interval_minutes=30, check=False)
    client.force_login(admin_user())
    page = reverse("admin:articles_feed_change", args=[feed.pk])
    response = client.post(page, {"url": intake_server.url("/news/one"), **FIELDS})
    [error] = response.context["adminform"].form.errors["url"]
    assert error.startswith("The feed could not be read, so the new address was not saved: ")
    feed.refresh_from_db()
    assert feed.url == intake_server.url("/feed.xml")


def test_deleting_a_feed_counts_its_entries_in_plain_english(client):
    feed = feed_add(url="https://news.example/feed.xml", interval_minutes=30, check=False)
    FeedEntry.objects.create(feed=feed, key="story-1", url="https://news.example/1")
    client.force_login(admin_user())
    page = client.get(reverse("admin:articles_feed_delete", args=[feed.pk])).content.decode()
    assert "Feed entries: 1" in page
    assert "entrys" not in page


def test_a_feed_title_typed_in_the_admin_is_one_line_without_control_characters(client):
    # The title names the feed on the feeds page and on each of its jobs, as one read from
    # the feed itself is stored (feed_entries.feed_title): no U+202E turning the line around.
    feed = feed_add(url="https://news.example/feed.xml", interval_minutes=30, check=False)
    client.force_login(admin_user())
    page = reverse("admin:articles_feed_change", args=[feed.pk])
    title = "\u202eCity\x07 Gazette\u2066\x0bnews"
    assert client.post(page, {"url": feed.url, "title": title, **FIELDS}).status_code == 302
    feed.refresh_from_db()
    assert feed.title == "City Gazette news"
