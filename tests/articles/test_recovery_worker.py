"""An analysis the broker lost, through a real worker on a throwaway redis-server: the message
is gone (Redis restarted without its data) while the article reads 'queued' and sent."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.intake.queue import presumed_lost_after
from articles.models import AnalysisStatus, Article
from articles.services import article_submit
from articles.tasks import recover_analyses
from claims.models import Claim
from tests.processes import RedisServer, celery_worker, wait_for
from tests.workers import (
    assert_logged_once,
    producers_reset,
    publishing_to,
    status_of,
)

pytestmark = [pytest.mark.worker, pytest.mark.fault, pytest.mark.django_db(transaction=True)]


def test_an_analysis_whose_message_redis_lost_is_sent_again_and_analysed_once(tmp_path, settings):
    queue = f"test-{uuid.uuid4().hex[:10]}"
    with RedisServer(tmp_path) as redis, publishing_to(redis.url, queue, settings):
        article = article_submit(
            title="Budget", body="The mayor said the budget grew 12 percent.", source_kind="api"
        )
        assert Article.objects.get(pk=article.pk).analysis_sent_at is not None
        redis.stop()  # no worker took it yet; Redis keeps nothing on disk
        redis.start()
        producers_reset()
        # As if the recovery ran past the window: the job was sent long ago and never ran.
        long_ago = timezone.now() - presumed_lost_after() - timedelta(minutes=1)
        Article.objects.filter(pk=article.pk).update(
            analysis_sent_at=long_ago, analysis_queued_at=long_ago
        )
        with celery_worker(tmp_path, broker=redis.url, queue=queue) as (_, _, log):
            assert recover_analyses()["lost"] == [article.pk]
            wait_for(lambda: status_of(article) == "done", timeout=180, what="analysis", log=log)
            assert Claim.objects.filter(article=article).count() == 1
            assert_logged_once(log)
    assert status_of(article) == AnalysisStatus.DONE
