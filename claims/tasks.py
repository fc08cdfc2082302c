import logging
from dataclasses import dataclass

from celery import shared_task
from celery.exceptions import Reject
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from articles.models import Article
from articles.queueing import article_analysis_unsent
from config.celery import drop_broken_database_connection

from . import analysis
from .matching.linking import (
    SWEEP_WINDOW,
    UNEMBEDDED_AFTER,
    article_claims_match,
    articles_of_unembedded,
    articles_with_unembedded_claims,
    factchecks_without_vectors,
)
from .matching.store import external_embeddings_compute

logger = logging.getLogger(__name__)

# Errors worth another try: the database or the network blinked. Anything else (bad text,
# a broken model file) fails the same way every time, so the article is marked failed at once.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError, TimeoutError)
MAX_RETRIES = 4


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=MAX_RETRIES)
def analyze_article(self, article_id: int) -> dict | None:
    try:
        result = analysis.article_analyze(article_id=article_id, task_id=self.request.id)
    except Article.DoesNotExist:
        logger.warning("Article %s vanished before its analysis ran", article_id)
        return None
    except analysis.Superseded as stale:
        # Sent again by the recovery (or finished already): the current job does the work.
        logger.info("Skipping a stale analysis job: %s", stale)
        return None
    except TRANSIENT_ERRORS as error:
        drop_broken_database_connection()
        if self.request.retries < self.max_retries:
            analysis.article_mark_failed(
                article_id=article_id,
                reason=f"Retrying after a temporary error: {error}",
                retrying=True,
            )
            try:
                raise self.retry(exc=error, countdown=min(300, 5 * 2**self.request.retries))
            except Reject:
                # Celery could not send the retry (the broker is away too) and drops the job:
                # without this the article would read 'queued' for ever.
                article_analysis_unsent(article_id=article_id)
                raise
        analysis.article_mark_failed(article_id=article_id, reason=_describe(error))
        raise
    except Exception as error:
        logger.exception("Analysis of article %s failed", article_id)
        drop_broken_database_connection()
        analysis.article_mark_failed(article_id=article_id, reason=_describe(error))
        return None
    matching_send(article_id)
    return result.__dict__


def matching_send(article_id: int) -> bool:
    """Queue the article's matching. The analysis is done and stays done if the broker blinks
    now: match_unembedded_claims (beat) sends the matching later."""
    try:
        match_article_claims.delay(article_id)
    except Exception:  # kombu raises several types when the broker is away
        logger.exception("Could not queue matching for article %s", article_id)
        return False
    return True


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=MAX_RETRIES)
def match_article_claims(self, article_id: int) -> dict:
    """Embed the article's claims and link repeats (claims/matching/linking.py); idempotent."""
    try:
        return article_claims_match(article_id=article_id).__dict__
    except TRANSIENT_ERRORS as error:
        raise self.retry(exc=error, countdown=min(300, 5 * 2**self.request.retries)) from error


@shared_task(ignore_result=True)
def match_unembedded_claims() -> list[int]:
    """Beat: send again the matching of articles whose claims are still without a vector (not
    embedded, or embedded and not linked: the two commit together), and the vectors of
    imported fact-checks still without one. Returns the articles sent."""
    now = timezone.now()
    window = {"since": now - SWEEP_WINDOW}
    factcheck_ids = factchecks_without_vectors(changed_before=now - UNEMBEDDED_AFTER, **window)
    if factcheck_ids:
        try:
            embed_external_factchecks.delay(factcheck_ids)
        except Exception:  # kombu raises several types when the broker is away
            logger.exception("Could not queue the vectors of %s fact-checks", len(factcheck_ids))
    article_ids = articles_with_unembedded_claims(created_before=now - UNEMBEDDED_AFTER, **window)
    return [article_id for article_id in article_ids if matching_send(article_id)]


@dataclass(frozen=True)
class MatchingResent:
    sent: list[int]  # articles whose matching reached the broker
    unsent: list[int]  # not sent, the broker being away: try again once it is back
    left: int  # articles past `limit`, for the next run


# An admin "select all" over a day's outage could be tens of thousands of articles: sent in runs.
RESEND_LIMIT = 500


def matching_resend(*, claims, limit: int = RESEND_LIMIT) -> MatchingResent:
    """Send again the matching of the articles of `claims` (a Claim queryset) that still lack a
    vector, newest first, at most `limit` articles: for claims the sweeper gave up on, from the
    admin's action and `requeue_matching`. Claims with a vector are matched already."""
    article_ids = list(articles_of_unembedded(claims=claims))
    chosen = article_ids[:limit]
    sent: list[int] = []
    for article_id in chosen:
        if not matching_send(article_id):
            break  # the broker is away: the rest would fail the same, one traceback each
        sent.append(article_id)
    return MatchingResent(
        sent=sent, unsent=chosen[len(sent) :], left=len(article_ids) - len(chosen)
    )


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=MAX_RETRIES)
def embed_external_factchecks(self, factcheck_ids: list[int]) -> int:
    """Vectors for imported fact-checks, so the desk's "seen before" finds them; idempotent."""
    try:
        return external_embeddings_compute(factcheck_ids=factcheck_ids)
    except TRANSIENT_ERRORS as error:
        raise self.retry(exc=error, countdown=min(300, 5 * 2**self.request.retries)) from error


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"
