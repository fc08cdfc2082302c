"""Other fact-checkers' imported ClaimReview on the desk's "Seen before" panel, and nowhere
that speaks for the desk (the API's verdict search, public pages, the desk's ClaimReview)."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles.intake.claimreview import external_factchecks_store
from articles.models import ExternalFactCheck
from claims import tasks
from claims.matching import embedding
from claims.matching.linking import article_claims_match
from claims.matching.store import EXTERNAL, live_corpus
from claims.models import Claim, ExternalFactCheckEmbedding
from tests.api_clients import key_client
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    published_verdict,
)
from tests.workers import wait_for as _wait_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

REVIEW = {
    "@type": "ClaimReview",
    "url": "https://checkers.example/rail-fares",
    "claimReviewed": "Rail ticket prices rose by 20 percent across the country in 2026.",
    "author": {"@type": "Organization", "name": "Checkers Example"},
    "datePublished": "2026-11-20",
    "reviewRating": {"@type": "Rating", "alternateName": "Mostly false"},
}
PARAPHRASE = "Train ticket prices across the country went up by 20 percent in 2026, he said."
UNRELATED = "The river flooded three villages after a week of heavy rain, the mayor said."


def embedded_claim(text: str) -> Claim:
    article = ArticleFactory(body=f"{text} Report {Claim.objects.count()}.")
    claim = ClaimFactory(article=article, start=0, end=len(text), text=text)
    article_claims_match(article_id=article.pk)
    return claim


def imported(django_capture_on_commit_callbacks) -> ExternalFactCheck:
    with django_capture_on_commit_callbacks(execute=True):
        result = external_factchecks_store([REVIEW], imported_from="https://checkers.example/")
    return result.items[0]


def external_list(page: str) -> str:
    found = re.search(r"<ul[^>]*data-external-checks>(.*?)</ul>", page, re.DOTALL)
    assert found, "the page has no external fact-check list"
    return found.group(1)


def test_an_import_queues_the_task_that_stores_the_fact_checks_vector(
    django_capture_on_commit_callbacks,
):
    factcheck = imported(django_capture_on_commit_callbacks)
    stored = ExternalFactCheckEmbedding.objects.get(factcheck=factcheck)
    assert len(embedding.vector_from_bytes(stored.vector)) == embedding.DIMENSIONS
    assert stored.model_version == embedding.model_info().version
    assert tasks.embed_external_factchecks.delay([factcheck.pk]).get() == 0  # idempotent


def test_rebuild_match_index_embeds_fact_checks_whose_job_was_lost(tmp_path, settings):
    settings.MATCHING_INDEX_DIR = str(tmp_path)
    factcheck = ExternalFactCheck.objects.create(
        claim_reviewed=REVIEW["claimReviewed"],
        publisher_name="Checkers Example",
        url=REVIEW["url"],
        identity="x" * 64,
    )
    call_command("rebuild_match_index")
    assert ExternalFactCheckEmbedding.objects.filter(factcheck=factcheck).exists()
    assert (tmp_path / "external.faiss").is_file()


def test_a_paraphrased_claim_shows_the_fact_check_under_other_fact_checkers(
    client, checker, django_capture_on_commit_callbacks
):
    factcheck = imported(django_capture_on_commit_callbacks)
    claim = embedded_claim(PARAPHRASE)
    page = client.get(reverse("claims:detail", args=[claim.pk])).content.decode()
    listed = external_list(page)
    assert "Checked by other fact-checkers" in page
    assert f'data-external="{factcheck.pk}"' in listed
    assert "Checkers Example" in listed and "Mostly false" in listed and "20 Nov 2026" in listed
    assert (
        '<a href="https://checkers.example/rail-fares" rel="noopener noreferrer nofollow">'
        in listed
    )
    assert re.search(r'<span class="badge">0\.\d\d</span>', listed)
    # Never offered as the desk's own verdict.
    assert "Already checked." not in page and "Apply the published verdict" not in page


def test_the_publishers_text_is_escaped(client, checker):
    factcheck = ExternalFactCheck.objects.create(
        claim_reviewed=REVIEW["claimReviewed"],
        publisher_name="Checkers <script>alert(1)</script>",
        rating_text="<b>False</b>",
        url=REVIEW["url"],
        identity="y" * 64,
    )
    tasks.embed_external_factchecks.delay([factcheck.pk])
    claim = embedded_claim(PARAPHRASE)
    listed = external_list(client.get(reverse("claims:detail", args=[claim.pk])).content.decode())
    assert "Checkers &lt;script&gt;alert(1)&lt;/script&gt;" in listed
    assert "<script>" not in listed and "<b>False</b>" not in listed


def test_an_unrelated_claim_does_not_show_it(client, checker, django_capture_on_commit_callbacks):
    factcheck = imported(django_capture_on_commit_callbacks)
    claim = embedded_claim(UNRELATED)
    page = client.get(reverse("claims:detail", args=[claim.pk])).content.decode()
    assert f'data-external="{factcheck.pk}"' not in page
    assert "Checkers Example" not in page
    assert "No other fact-checker's review found." in external_list(page)


def test_the_public_verdict_search_pages_and_claimreview_never_show_it(
    client, django_capture_on_commit_callbacks
):
    imported(django_capture_on_commit_callbacks)
    response = key_client().get("/api/v1/verdicts/search/", {"q": PARAPHRASE})
    assert response.status_code == 200
    assert response.json()["results"] == []
    verdict = published_verdict(claim=embedded_claim(PARAPHRASE))
    client.logout()
    public_page = client.get(reverse("claims:public", args=[verdict.pk])).content.decode()
    assert public_page and "Checkers Example" not in public_page
    assert "checkers.example" not in public_page and "Mostly false" not in public_page
    claimreview = key_client().get(f"/api/v1/verdicts/{verdict.pk}/claimreview/")
    assert claimreview.status_code == 200 and "Checkers Example" not in claimreview.content.decode()
    found = key_client().get("/api/v1/verdicts/search/", {"q": PARAPHRASE}).json()["results"]
    assert [match["verdict"]["id"] for match in found] == [verdict.pk]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_embeds_an_import_and_this_process_then_finds_it(
    celery_worker_process,  # noqa: F811
):
    factcheck = external_factchecks_store([REVIEW]).items[0]
    _wait_for(
        lambda: ExternalFactCheckEmbedding.objects.filter(factcheck=factcheck).exists(),
        timeout=180,
        what="the imported fact-check's vector",
        log=celery_worker_process,
    )
    assert len(live_corpus(EXTERNAL).documents) == 1
