"""The imported fact-checks' admin list: its publisher and language filters offer every value
without reading the table, and filter to exactly the rows of the one chosen; its search, and
the intake jobs', reach every row, each field through its own index."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import ExternalFactCheck, IntakeJob
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


def test_the_search_finds_every_matching_fact_check_however_old_word_by_word(client, factchecks):
    page, queries = _page(client, q="reviewed elsewhere")
    assert [f.url for f in factchecks if f.claim_reviewed in page] == [f.url for f in factchecks]
    # No window of the newest rows: the first imported is found as the last.
    assert not any('"id" >=' in sql for sql in queries if "LIKE" in sql)
    page, _ = _page(client, q="number 1 ")
    assert factchecks[0].claim_reviewed in page and factchecks[1].claim_reviewed not in page
    page, _ = _page(client, q="check.example/4")  # the address is searched too
    assert [f.url for f in factchecks if f.claim_reviewed in page] == [factchecks[3].url]
    # Every word must appear, each in any of the fields: "Full Fact" is the publisher.
    page, _ = _page(client, q='"full fact" "number 2"')
    assert [f.url for f in factchecks if f.claim_reviewed in page] == [factchecks[1].url]
    page, _ = _page(client, q="reviewed elsewhere", publisher_name="Maldita")
    assert [f.url for f in factchecks if f.claim_reviewed in page] == [factchecks[3].url]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigram indexes are PostgreSQL's"
)
@pytest.mark.parametrize(
    ("model", "fields", "index_prefix"),
    [
        (ExternalFactCheck, ["claim_reviewed", "claimant", "publisher_name", "url"], "factcheck"),
        (IntakeJob, ["url", "reason", "outlet_name"], "intakejob"),
    ],
)
def test_each_searched_field_is_read_through_its_trigram_index(model, fields, index_prefix):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone() is None:
            pytest.skip("this database has no pg_trgm")
        # A few rows are cheapest read whole, or along the list's order: price both out to see
        # what the trigram indexes serve (at 200,000 rows the planner picks them by itself for
        # rare words, bench/admin_pages.py).
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
    model_admin = admin.site._registry[model]
    assert list(model_admin.search_fields) == fields
    request = RequestFactory().get("/", {"q": "unemployment"})
    found, _ = model_admin.get_search_results(request, model.objects.all(), "unemployment")
    plan = found.order_by().explain()
    assert f"Seq Scan on {model._meta.db_table}" not in plan, plan
    used = {word for word in plan.split() if word.startswith(f"{index_prefix}_")}
    assert len(used) == len(fields), plan


def test_the_intake_jobs_search_finds_a_job_by_any_of_its_fields(client):
    for n, (url, reason) in enumerate(
        [("https://news.example/1", ""), ("https://news.example/2", "the page answered 404.")]
    ):
        IntakeJob.objects.create(url=url, reason=reason, outlet_name=f"Outlet {n}")
    client.force_login(admin_user())
    changelist = reverse("admin:articles_intakejob_changelist")
    found = client.get(changelist, {"q": "answered 404"}).context["cl"].result_list
    assert [job.url for job in found] == ["https://news.example/2"]
    found = client.get(changelist, {"q": "outlet news.example/1"}).context["cl"].result_list
    assert [job.url for job in found] == ["https://news.example/1"]


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
