"""The analysis through a real Celery worker process on Redis, against the test database."""

import pytest

from articles.models import AnalysisStatus, Article
from articles.services import article_submit
from claims.models import Claim, Sentence
from tests.processes import analyses_succeeded
from tests.workers import wait_for as _wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_the_seed_article_is_analysed_end_to_end_by_a_real_worker(celery_worker_process, seed_text):
    article = article_submit(title="Seed", body=seed_text, source_kind="seed")

    def finished():
        article.refresh_from_db()
        return article.analysis_status in (AnalysisStatus.DONE, AnalysisStatus.FAILED)

    _wait_for(finished, timeout=180, what="the analysis", log=celery_worker_process)
    assert article.analysis_status == AnalysisStatus.DONE, article.analysis_error
    assert Sentence.objects.filter(article=article).count() >= 15
    military = Claim.objects.get(article=article, text__startswith="The U.S. military said")
    assert military.speaker.name == "U.S. military"
    assert military.model_version == article.analysis_model_version != ""
    # The worker logs the task's success just after its last write: wait for the line.
    _wait_for(
        lambda: analyses_succeeded(celery_worker_process) == 1,
        timeout=30,
        what="the worker to log the analysis",
        log=celery_worker_process,
    )


def test_queueing_the_same_article_twice_through_the_worker_creates_no_duplicates(
    celery_worker_process,
):
    from claims.tasks import analyze_article

    article = article_submit(
        title="Budget",
        body="The mayor said the budget grew 12 percent in 2024.",
        source_kind="api",
    )
    _wait_for(
        lambda: Article.objects.get(pk=article.pk).analysis_status == "done",
        timeout=120,
        what="the first analysis",
        log=celery_worker_process,
    )
    before = list(Sentence.objects.filter(article=article).values_list("start", "end", "text"))
    claims_before = Claim.objects.filter(article=article).count()
    analyze_article.delay(article.pk)  # queued again, as a redelivery would
    analyze_article.delay(article.pk)
    _wait_for(
        # Count analyses only: each is followed by its matching task, which succeeds too.
        lambda: analyses_succeeded(celery_worker_process) >= 3,
        timeout=120,
        what="the repeated analyses",
        log=celery_worker_process,
    )
    after = list(Sentence.objects.filter(article=article).values_list("start", "end", "text"))
    assert after == before
    assert Claim.objects.filter(article=article).count() == claims_before
