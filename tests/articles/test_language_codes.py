"""An article's language is a real language's code (CLDR's list: ISO 639-1, and ISO 639-2/3
for languages without a two-letter code), not any two letters: one rule, one sentence, for
the API, the admin's forms, bulk rows and the API's language filter."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from articles.intake.claimreview import claimreviews_from_json, external_factchecks_store
from articles.intake.jobs import intake_job_submit
from articles.models import Article, ExternalFactCheck, IntakeStatus
from articles.services import language_cased, language_normalize, language_refusal
from tests.api_clients import client_with, make_key
from tests.articles.conftest import article_page, story
from tests.articles.test_intake_bulk import run_import
from tests.articles.test_intake_claimreview import RAIL_REVIEW
from tests.claims.admin_forms import admin_save
from tests.claims.test_api_articles import BODY
from tests.factories import ArticleFactory, admin_user, fact_checker

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

UNKNOWN = "No language has the code 'xx': use an ISO 639 code such as 'en' or 'pt-br'."


@pytest.mark.parametrize("code", ["en", "pt-br", "zh-hant", "fil", "yue", "de"])
def test_real_language_codes_are_taken(code):
    assert language_refusal(code) is None


@pytest.mark.parametrize("code", ["xx", "xx-br", "zz", "qqq"])
def test_a_well_formed_code_of_no_language_is_refused(code):
    assert language_refusal(code) == UNKNOWN.replace("xx", code.split("-")[0])


def test_the_api_refuses_a_code_of_no_language_and_stores_nothing():
    client = client_with(make_key(read=False, submit=True)[1])
    payload = {"title": "T", "body": BODY, "language": "XX"}
    response = client.post("/api/v1/articles/", payload, format="json")
    assert response.status_code == 400
    assert response.json()["fields"] == {"language": [UNKNOWN]}
    assert not Article.objects.exists()


def test_the_admins_add_form_refuses_it_in_the_same_words(client):
    client.force_login(fact_checker())
    data = {"title": "Budget", "body": "The city budget grew 4 percent.", "language": "xx"}
    response = client.post(reverse("admin:articles_article_add"), data)
    assert response.context["adminform"].form.errors["language"] == [UNKNOWN]
    assert not Article.objects.exists()


def test_the_api_language_filter_says_the_same():
    response = client_with().get("/api/v1/verdicts/", {"language": "xx"})
    assert response.status_code == 400
    assert response.json()["fields"] == {"language": [UNKNOWN]}


@pytest.mark.parametrize(
    ("lang", "stored"),
    [
        ("xx", "en"),  # no language: read as a page without a lang, as one without is
        ("iw", "he"),  # a withdrawn code (WITHDRAWN below): today's
    ],
)
def test_a_fetched_page_s_lang_is_stored_as_today_s_code_and_one_of_no_language_as_none(
    intake_server, django_capture_on_commit_callbacks, lang, stored
):
    # Nobody at the desk typed the page's lang attribute: it is not a reason to drop the page.
    page = article_page(intake_server.base, "Council budget", story("budget"), "/news/lang")
    intake_server.set("/news/lang", page.replace('lang="en"', f'lang="{lang}"'))
    with django_capture_on_commit_callbacks(execute=True):
        job = intake_job_submit(url=intake_server.url("/news/lang"))
    job.refresh_from_db()
    assert job.status == IntakeStatus.STORED, job.reason
    assert job.article.language == stored


# ISO 639-1 codes withdrawn in favour of others: older systems, ClaimReview and pages' lang
# attributes still send them.
WITHDRAWN = [("iw", "he"), ("in", "id"), ("ji", "yi"), ("jw", "jv"), ("mo", "ro")]


@pytest.mark.parametrize(("old", "modern"), WITHDRAWN)
def test_the_api_takes_a_withdrawn_code_and_stores_today_s(old, modern):
    client = client_with(make_key(read=False, submit=True)[1])
    payload = {"title": "T", "body": BODY, "language": old.upper() + "-IL"}
    response = client.post("/api/v1/articles/", payload, format="json")
    assert response.status_code == 202, response.json()
    assert Article.objects.get().language == f"{modern}-il"


def test_the_admins_add_form_takes_a_withdrawn_code_and_stores_today_s(client):
    client.force_login(fact_checker())
    data = {"title": "Budget", "body": "The city budget grew 4 percent.", "language": "iw"}
    assert client.post(reverse("admin:articles_article_add"), data).status_code == 302
    assert Article.objects.get().language == "he"


def test_the_admins_change_form_takes_a_withdrawn_code_and_stores_today_s(client):
    article = ArticleFactory(language="en")
    client.force_login(fact_checker())
    page = reverse("admin:articles_article_change", args=[article.pk])
    assert admin_save(client, page, language="JW").status_code == 302
    article.refresh_from_db()
    assert article.language == "jv"


def test_a_bulk_row_with_a_withdrawn_code_is_stored_with_today_s(
    django_capture_on_commit_callbacks,
):
    rows = b"title,body,language\nA,Prices in the shops rose 6 percent.,mo\n"
    batch = run_import("lang.csv", rows, django_capture_on_commit_callbacks)
    assert batch.errors == []
    assert Article.objects.get().language == "ro"


def test_a_claimreview_in_a_withdrawn_code_is_stored_with_today_s():
    review = {**RAIL_REVIEW, "inLanguage": "in"}
    assert external_factchecks_store(claimreviews_from_json(review)).created == 1
    assert ExternalFactCheck.objects.get().language == "id"


@pytest.mark.parametrize("asked", ["iw", "IW", "He"])
def test_the_admins_article_list_filters_a_withdrawn_or_capitalised_code_as_today_s(client, asked):
    ArticleFactory(language="he", title="Budget in Hebrew")
    ArticleFactory(language="en", title="Budget in English")
    client.force_login(admin_user())
    response = client.get(reverse("admin:articles_article_changelist"), {"language": asked})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Budget in Hebrew" in page and "Budget in English" not in page
    # The sidebar marks today's code chosen, not a second entry for the code as typed.
    sidebar = BeautifulSoup(page, "html.parser").select_one('[data-filter-title="language"]')
    assert [link.text.strip() for link in sidebar.select("a")] == ["All", "en", "he"]
    assert sidebar.select_one("li.selected a").text.strip() == "he"


def test_the_admins_fact_check_list_filters_a_withdrawn_code_as_today_s(client):
    for n, language in enumerate(["he", "en"]):
        ExternalFactCheck.objects.create(
            claim_reviewed=f"Claim {language} reviewed elsewhere",
            publisher_name="Full Fact",
            url=f"https://check.example/{n}",
            language=language,
            identity=f"{n:064d}",
        )
    client.force_login(admin_user())
    response = client.get(
        reverse("admin:articles_externalfactcheck_changelist"), {"language": "iw"}
    )
    page = response.content.decode()
    assert "Claim he reviewed" in page and "Claim en reviewed" not in page


@pytest.mark.parametrize(
    ("given", "stored"),
    [("zh-Hant-TW", "zh-hant-tw"), ("sr-Latn-RS", "sr-latn-rs"), ("es-419", "es-419")],
)
def test_a_code_with_a_script_and_a_region_is_taken(given, stored):
    assert language_refusal(language_normalize(given)) is None
    assert language_normalize(given) == stored


def test_the_api_refuses_an_empty_language_as_it_refuses_any_empty_field():
    client = client_with(make_key(read=False, submit=True)[1])
    payload = {"title": "T", "body": BODY, "language": ""}
    response = client.post("/api/v1/articles/", payload, format="json")
    assert response.status_code == 400
    assert response.json()["fields"] == {"language": ["Give a value, or leave the field out."]}


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("en", "en"),
        ("en-gb", "en-GB"),
        ("zh-hant", "zh-Hant"),
        ("zh-hant-tw", "zh-Hant-TW"),
        ("es-419", "es-419"),
        ("de-1996", "de-1996"),
    ],
)
def test_a_stored_code_is_shown_in_bcp_47_s_case(stored, shown):
    assert language_cased(stored) == shown


def test_the_admins_fact_check_list_and_its_filter_show_codes_in_bcp_47_s_case(client):
    ExternalFactCheck.objects.create(
        claim_reviewed="Claim reviewed in Taiwan",
        publisher_name="Taiwan FactCheck Center",
        url="https://check.example/tw",
        language="zh-hant-tw",
        identity=f"{1:064d}",
    )
    client.force_login(admin_user())
    page = client.get(reverse("admin:articles_externalfactcheck_changelist")).content.decode()
    soup = BeautifulSoup(page, "html.parser")
    assert soup.select_one("td.field-language_shown").text == "zh-Hant-TW"
    sidebar = soup.select_one('[data-filter-title="language"]')
    assert [link.text.strip() for link in sidebar.select("a")] == ["All", "zh-Hant-TW"]
    # The link filters by the code as stored.
    assert sidebar.select("a")[1]["href"] == "?language=zh-hant-tw"


def test_the_admins_article_form_shows_the_code_in_bcp_47_s_case_and_stores_it_lower(client):
    article = ArticleFactory(language="pt-br")
    client.force_login(fact_checker())
    page = reverse("admin:articles_article_change", args=[article.pk])
    form = BeautifulSoup(client.get(page).content.decode(), "html.parser")
    assert form.select_one('input[name="language"]')["value"] == "pt-BR"
    assert admin_save(client, page).status_code == 302
    article.refresh_from_db()
    assert article.language == "pt-br"


def test_claimreview_names_each_appearance_s_language_in_bcp_47_s_case(client):
    from claims.claimreview import claimreview_for
    from tests.factories import ClaimFactory, published_verdict

    claim = ClaimFactory(article=ArticleFactory(language="pt-br"))
    review = claimreview_for(published_verdict(claim=claim), request_or_base_url="https://x.test")
    assert [a["inLanguage"] for a in review["itemReviewed"]["appearance"]] == ["pt-BR"]


def test_the_api_returns_codes_as_stored_and_filters_by_either_case():
    from tests.factories import ClaimFactory, published_verdict

    published_verdict(claim=ClaimFactory(article=ArticleFactory(language="pt-br")))
    client = client_with(make_key()[1])
    for asked in ("pt-br", "pt-BR"):
        rows = client.get("/api/v1/verdicts/", {"language": asked}).json()["results"]
        assert [row["claim"]["article"]["language"] for row in rows] == ["pt-br"]
