"""Embeddings computed by a real Celery worker process, stored in PostgreSQL."""

import pytest

from articles.services import article_submit
from claims.matching.store import CLAIMS, live_corpus
from claims.models import Claim, ClaimEmbedding, GroupLink
from tests.workers import wait_for as _wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

STATEMENT = "The mayor said the city budget grew 12 percent in 2024 while taxes stayed flat."


def test_the_worker_embeds_new_claims_and_links_a_repeat_that_this_process_then_sees(
    celery_worker_process,  # noqa: F811
):
    first = article_submit(title="Budget", body=f"{STATEMENT}\nFiled on Monday.", source_kind="api")
    _wait_for(
        lambda: ClaimEmbedding.objects.filter(claim__article=first).exists(),
        timeout=180,
        what="the first article's embeddings",
        log=celery_worker_process,
    )
    repeat = article_submit(
        title="Budget again", body=f"{STATEMENT}\nFiled on Tuesday.", source_kind="api"
    )
    _wait_for(
        lambda: Claim.objects.filter(article=repeat, group_link=GroupLink.AUTO).exists(),
        timeout=180,
        what="the repeat to be linked",
        log=celery_worker_process,
    )
    original = Claim.objects.get(article=first, text=STATEMENT)
    assert Claim.objects.get(article=repeat, text=STATEMENT).group_id == original.group_id
    # This (web) process finds both vectors the worker stored, without a rebuild.
    assert len(live_corpus(CLAIMS).documents) == ClaimEmbedding.objects.count() >= 2
