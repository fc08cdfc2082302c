"""The imported fact-checks' admin list: its publisher and language filters offer every value
without reading the table, and filter to exactly the rows of the one chosen."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.admin import ExternalFactCheckAdmin
from articles.models import ExternalFactCheck
from tests.factories import admin_user

pytestmark = pytest.mark.django_db


def _factcheck(n: int, publisher: str, language: str) -> ExternalFactCheck:
    return ExternalFactCheck.objects.create(
        claim_reviewed=f"Claim number {n} reviewed elsewhere",
        publisher_name=publisher,
        url=f"https://check.example/{n}",
        language=language,
        identity=f"{n:064d}",
    )


@pytest.fixture
def factchecks():
    return [
        _factcheck(1, "Aos Fatos", "pt"),
        _factcheck(2, "Full Fact", "en"),
        _factcheck(3, "Full Fact", ""),
        _factcheck(4, "Maldita", "es"),
    ]


def _page(client, **params):
    client.force_login(admin_user())
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("admin:articles_externalfactcheck_changelist"), params)
    assert page.status_code == 200
    return page.content.decode(), [query["sql"] for query in queries]


def test_the_fact_check_filters_offer_every_publisher_and_language_once(client, factchecks):
    page, queries = _page(client)
    for publisher in ["Aos+Fatos", "Full+Fact", "Maldita"]:
        assert page.count(f"?publisher_name={publisher}") == 1
    for language in ["en", "es", "pt", ""]:
        assert page.count(f'?language={language}"') == 1
    assert [sql for sql in queries if sql.startswith("SELECT DISTINCT")] == []


@pytest.mark.parametrize(
    ("params", "listed"),
    [
        ({"publisher_name": "Full Fact"}, [2, 3]),
        ({"language": "es"}, [4]),
        ({"language": ""}, [3]),
        ({"publisher_name": "Full Fact", "language": "en"}, [2]),
    ],
)
def test_a_fact_check_filter_lists_only_the_rows_of_the_value_chosen(
    client, factchecks, params, listed
):
    page, _ = _page(client, **params)
    for factcheck in factchecks:
        number = int(factcheck.url.rsplit("/", 1)[1])
        assert (factcheck.claim_reviewed in page) == (number in listed)


def test_the_search_reads_the_fact_checks_imported_last_and_says_so(
    client, factchecks, monkeypatch
):
    monkeypatch.setattr(ExternalFactCheckAdmin, "search_window", 2)
    page, queries = _page(client, q="reviewed elsewhere")
    # Every fact-check matches; only the two imported last are searched.
    listed = [f.url for f in factchecks if f.claim_reviewed in page]
    assert listed == [factchecks[2].url, factchecks[3].url]
    searched = [sql for sql in queries if "LIKE" in sql]
    assert searched and all(f'"id" >= {factchecks[2].pk}' in sql for sql in searched)
    # Said under the search box, so nobody takes "no match" for "not imported".
    assert "fact-checks imported last (of the publisher or language chosen" in page
    # Filtered, the window is the publisher's own: its older fact-check is found again.
    page, _ = _page(client, q="reviewed elsewhere", publisher_name="Full Fact")
    assert factchecks[1].claim_reviewed in page and factchecks[2].claim_reviewed in page
    assert factchecks[3].claim_reviewed not in page


def test_a_search_of_fewer_fact_checks_than_the_window_reads_them_all(client, factchecks):
    page, _ = _page(client, q="number 1 ")
    assert factchecks[0].claim_reviewed in page and factchecks[1].claim_reviewed not in page
    page, _ = _page(client, q="check.example/4")  # the address is searched too
    assert [f.url for f in factchecks if f.claim_reviewed in page] == [factchecks[3].url]


def test_an_imported_fact_check_is_viewed_and_deleted_in_the_admin_never_added_or_edited(
    client, factchecks
):
    client.force_login(admin_user())
    assert client.get(reverse("admin:articles_externalfactcheck_add")).status_code == 403
    posted = client.post(
        reverse("admin:articles_externalfactcheck_add"),
        {"claim_reviewed": "Typed in", "publisher_name": "Us", "url": "https://us.example/1"},
    )
    assert posted.status_code == 403 and ExternalFactCheck.objects.count() == 4
    change = reverse("admin:articles_externalfactcheck_change", args=[factchecks[0].pk])
    page = client.get(change)
    assert page.status_code == 200 and 'name="claim_reviewed"' not in page.content.decode()
    edited = client.post(change, {"claim_reviewed": "Changed", "publisher_name": "Us"})
    assert edited.status_code == 403
    factchecks[0].refresh_from_db()
    assert factchecks[0].claim_reviewed == "Claim number 1 reviewed elsewhere"
    delete = reverse("admin:articles_externalfactcheck_delete", args=[factchecks[0].pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not ExternalFactCheck.objects.filter(pk=factchecks[0].pk).exists()
