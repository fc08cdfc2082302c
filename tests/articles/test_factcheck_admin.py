"""The imported fact-checks' admin list: its publisher and language filters offer every value
without reading the table, and filter to exactly the rows of the one chosen."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

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
