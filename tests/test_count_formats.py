"""A count a person reads has its thousands separator (12,345); an id stays as it is (#1234),
and so do the numbers a machine reads (attributes, JSON)."""

import pytest
from django.contrib import admin
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.templatetags.admin_list import pagination
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.template.loader import render_to_string
from django.urls import reverse

from articles.models import Feed, FeedEntry, ImportBatch, ImportStatus
from claims import selectors
from claims.models import ApiToken
from config import admin_actions, admin_paging
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    admin_user,
    editor,
    fact_checker,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def a_big_article_table(monkeypatch):
    """The statistics say the table holds 1,234,567 articles (three are really there)."""
    ArticleFactory.create_batch(3)
    monkeypatch.setattr(admin_paging, "estimated_rows", lambda queryset: 1_234_567)


def test_the_article_list_writes_its_count_with_separators(client, a_big_article_table):
    client.force_login(fact_checker())
    page = client.get(reverse("articles:list")).content.decode()
    assert "About 1,234,567 articles, most recently added first." in page


def test_the_pager_writes_its_page_numbers_with_separators(client, a_big_article_table):
    client.force_login(fact_checker())
    page = client.get(reverse("articles:list"), {"page": "1000"}).content.decode()
    assert "Page 1,000 of about 24,692</span>" in page
    assert 'href="?page=24692"' in page  # the link is for the machine: no separator


def test_the_dashboard_writes_its_counts_with_separators(client, monkeypatch):
    real = selectors.dashboard_numbers

    def numbers():
        # A thousand claims of each status would be a slow test of one template filter.
        found = real()
        return {**found, "status_counts": [("New", 12_345)], "published_count": 4_321}

    monkeypatch.setattr(selectors, "dashboard_numbers", numbers)
    client.force_login(editor())
    page = client.get(reverse("claims:dashboard")).content.decode()
    assert "<dt>New</dt><dd>12,345</dd>" in page
    assert "(4,321 published)" in page


def test_the_import_page_writes_its_progress_with_separators(client):
    batch = ImportBatch.objects.create(
        file_name="wire.csv",
        file_format="csv",
        content="title,body\n",
        status=ImportStatus.RUNNING,
        total_rows=50_000,
        rows_done=10_234,
        stored=9_876,
        failed=358,
    )
    client.force_login(fact_checker())
    page = client.get(reverse("articles:import", args=[batch.pk])).content.decode()
    assert '<span id="import-done">10,234</span> of <span id="import-total">50,000</span>' in page
    assert '<span id="import-stored">9,876</span> stored' in page
    # The bar's attributes are read by the browser, not by a person.
    assert '<progress id="import-bar" max="50000" value="10234">10,234 of 50,000</progress>' in page
    listed = client.get(reverse("articles:imports")).content.decode()
    assert "10,234 / 50,000" in listed
    status = client.get(reverse("articles:import_status", args=[batch.pk])).json()
    assert (status["done"], status["total"]) == (10_234, 50_000)


def test_the_feed_list_writes_a_week_s_interval_and_the_entries_left_with_separators(client):
    Feed.objects.create(
        url="https://news.example/feed.xml", poll_interval_minutes=10_080, entries_left=1_500
    )
    client.force_login(fact_checker())
    page = client.get(reverse("articles:feeds")).content.decode()
    assert "<td>10,080 min</td>" in page
    assert "1,500 entries left for later polls" in page


def test_an_admin_action_s_message_writes_its_count_with_separators(client):
    owner = admin_user()
    ApiToken.objects.bulk_create(
        ApiToken(name=f"Partner {n}", user=owner, prefix=f"p{n}", key_hash="x")
        for n in range(1_234)
    )
    client.force_login(owner)
    response = client.post(
        reverse("admin:claims_apitoken_changelist"),
        {
            "action": "revoke",
            "select_across": "1",
            "index": "0",
            "_selected_action": [ApiToken.objects.first().pk],
        },
    )
    assert response.status_code == 302
    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert said == ["Revoked 1,234 token(s)."]


def test_a_claim_number_is_an_id_and_keeps_no_separator(client):
    claim = ClaimFactory(pk=1234)
    client.force_login(fact_checker())
    page = client.get(reverse("claims:detail", args=[claim.pk])).content.decode()
    assert "Claim #1234" in page and "#1,234" not in page


def test_the_admin_s_own_delete_writes_its_counts_with_separators(client):
    # Django writes this message itself, with %d: USE_THOUSAND_SEPARATOR would not reach it.
    Feed.objects.bulk_create(Feed(url=f"https://news.example/{n}.xml") for n in range(1_234))
    client.force_login(admin_user())
    chosen = {
        "action": "delete_selected",
        "select_across": "1",
        "index": "0",
        "_selected_action": [Feed.objects.first().pk],
    }
    url = reverse("admin:articles_feed_changelist")
    confirm = client.post(url, chosen).content.decode()
    assert "<li>Feeds: 1,234</li>" in confirm
    response = client.post(url, {**chosen, "post": "yes"})
    assert response.status_code == 302 and not Feed.objects.exists()
    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert said == ["Successfully deleted 1,234 feeds."]


def test_every_desk_model_s_plural_is_spelled_as_english_spells_it():
    # Django appends an "s" where a model sets no verbose_name_plural ("feed entrys"), and every
    # admin count, confirmation and inline names the rows by it.
    from django.apps import apps

    vowels = ("a", "e", "i", "o", "u")
    for config in (apps.get_app_config("articles"), apps.get_app_config("claims")):
        for model in config.get_models():
            singular, plural = str(model._meta.verbose_name), str(model._meta.verbose_name_plural)
            if singular.endswith("y") and singular[-2] not in vowels:
                assert plural == singular[:-1] + "ies", model
            elif singular.endswith(("s", "x", "ch", "sh")):
                assert plural == singular + "es", model


def test_django_s_counted_messages_name_rows_by_their_english_plural(rf):
    # FeedEntry has no admin of its own: the plural is the model's.
    feed = Feed.objects.create(url="https://news.example/feed.xml")
    FeedEntry.objects.bulk_create(
        FeedEntry(feed=feed, key=f"story-{n}", url=f"https://news.example/{n}") for n in range(2)
    )

    class FeedEntryAdmin(admin_actions.SeparatedCountsMixin, admin.ModelAdmin):
        pass

    request = rf.post("/", {"post": "yes"})
    request.user = admin_user()
    request._messages = CookieStorage(request)
    delete_selected(FeedEntryAdmin(FeedEntry, admin.site), request, FeedEntry.objects.all())
    assert [str(message) for message in request._messages] == [
        "Successfully deleted 2 feed entries."
    ]
    assert (
        admin_actions.separated_count("1234 feed entries were changed successfully.")
        == "1,234 feed entries were changed successfully."
    )
    one = "Successfully deleted 1 feed entry."
    assert admin_actions.separated_count(one) == one


def test_the_admin_s_change_list_writes_its_counts_and_page_numbers_with_separators(
    client, monkeypatch
):
    Feed.objects.bulk_create(Feed(url=f"https://news.example/{n}.xml") for n in range(1_234))
    Feed.objects.create(url="https://news.example/off.xml", active=False)
    monkeypatch.setattr(admin.site._registry[Feed], "list_per_page", 1)  # 1,234 pages
    client.force_login(admin_user())
    url = reverse("admin:articles_feed_changelist")
    page = client.get(url, {"active__exact": "1"}).content.decode()
    assert '1,234 results (<a href="?">1,235 total</a>)' in page
    assert "\n1,234 feeds\n" in page  # under the list
    assert "Select all 1,234 feeds" in page and "All 1,234 selected" in page
    # The address is for the machine: no separator.
    assert '<a href="?active__exact=1&amp;p=1234" class="end">1,234</a>' in page
    assert '<span class="this-page">1</span>' in page
    last = client.get(url, {"active__exact": "1", "p": "1000"}).content.decode()
    assert '<span class="this-page">1,000</span>' in last
    assert 'data-actions-icnt="1"' in page


def test_the_admin_s_change_list_names_its_rows_by_their_english_plural(rf):
    feed = Feed.objects.create(url="https://news.example/feed.xml")
    FeedEntry.objects.bulk_create(
        FeedEntry(feed=feed, key=f"story-{n}", url=f"https://news.example/{n}") for n in range(2)
    )
    request = rf.get("/")
    request.user = admin_user()
    # FeedEntry has no admin of its own: the plural is the model's.
    changelist = admin.ModelAdmin(FeedEntry, admin.site).get_changelist_instance(request)
    assert "2 feed entries" in render_to_string("admin/pagination.html", pagination(changelist))


def test_a_list_edit_s_count_takes_separators_and_an_object_s_name_keeps_its_digits():
    assert (
        admin_actions.separated_count("1234 claims were changed successfully.")
        == "1,234 claims were changed successfully."
    )
    named = "The claim “Claim #1234: 5000 jobs” was changed successfully."
    assert admin_actions.separated_count(named) == named


def test_every_desk_admin_writes_django_s_counts_with_separators():
    desk_admins = [
        model_admin
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in ("articles", "claims")
    ]
    assert len(desk_admins) > 10
    assert [
        type(model_admin).__name__
        for model_admin in desk_admins
        if not isinstance(model_admin, admin_actions.SeparatedCountsMixin)
    ] == []


@pytest.fixture
def a_big_unfiltered_article_table(monkeypatch):
    """The statistics say the table holds 1,234,567 articles (three are really there); a
    filtered list is counted, as the paginator counts it."""
    ArticleFactory.create_batch(3)
    monkeypatch.setattr(
        admin_paging,
        "estimated_rows",
        lambda queryset: None if queryset.query.where else 1_234_567,
    )


def test_the_admin_s_estimated_count_says_about_wherever_it_is_written_and_an_exact_one_not(
    client, a_big_unfiltered_article_table
):
    client.force_login(admin_user())
    url = reverse("admin:articles_article_changelist")
    page = client.get(url).content.decode()
    assert "\nabout 1,234,567 articles\n" in page  # under the list
    assert "Select all about 1,234,567 articles" in page
    assert "All about 1,234,567 selected" in page
    assert "about 1,234,567 results" in page  # beside the search box
    assert "\n1,234,567 articles" not in page
    searched = client.get(url, {"q": "Article"}).content.decode()
    assert "\n3 articles\n" in searched and "3 results" in searched
    assert "about 3" not in searched


def test_the_admin_s_filter_counts_are_written_with_separators(client):
    Feed.objects.bulk_create(Feed(url=f"https://news.example/{n}.xml") for n in range(1_234))
    Feed.objects.create(url="https://news.example/off.xml", active=False)
    client.force_login(admin_user())
    url = reverse("admin:articles_feed_changelist")
    page = client.get(url, {"_facets": "1"}).content.decode()
    assert '?_facets=1&amp;active__exact=1">Yes (1,234)</a>' in page
    assert '?_facets=1&amp;active__exact=0">No (1)</a>' in page
    assert "(1234)" not in page
    hidden = client.get(url).content.decode()  # counts not asked for: none written
    assert "Yes (" not in hidden and ">Yes</a>" in hidden
