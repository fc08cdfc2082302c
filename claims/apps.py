from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "claims"

    def ready(self):
        from articles.queueing import analysis_sender_register, factchecks_sender_register
        from articles.records import article_record_changed_register, article_record_check_register

        from .matching.models import appearing_claims_register

        analysis_sender_register(_queue_analysis)
        factchecks_sender_register(_queue_factcheck_vectors)
        article_record_check_register(_article_on_published_record)
        article_record_changed_register(_article_record_changed)
        appearing_claims_register(_appearing_claims)


def _queue_analysis(article_id: int, task_id: str) -> None:
    # Imported on first use: the tasks module pulls in the NLP code, which a web process or a
    # management command should not load just to start.
    from .tasks import analyze_article

    analyze_article.apply_async(args=[article_id], task_id=task_id)


def _queue_factcheck_vectors(factcheck_ids: list[int]) -> bool:
    from config.celery import task_send

    from .tasks import embed_external_factchecks

    return task_send(embed_external_factchecks.name, factcheck_ids)


def _article_on_published_record(articles) -> bool:
    """One of the articles' claims is a public appearance of a published fact-check: it has a
    published verdict, or an editor applied one to it (ClaimReview lists that article too)."""
    from .appearances import public_member_q
    from .models import Claim

    return Claim.objects.filter(article__in=articles).filter(public_member_q()).exists()


def _article_record_changed(articles, actor) -> None:
    """Where the articles' claims were made is published with their verdicts (the page's link,
    each ClaimReview appearance): changed under a draft or a review, the editor is a
    contributor, as for a claim's speaker, and another editor publishes it. The claims' locks
    are publishing's: none is published in between unrecorded."""
    from .models import Claim
    from .services import attribution_contributions_record

    claims = Claim.objects.select_for_update().filter(article__in=articles).order_by("pk")
    attribution_contributions_record(
        claim_ids=list(claims.values_list("pk", flat=True)), actor=actor
    )


def _appearing_claims(claim_ids) -> set[int]:
    """Which of `claim_ids` are public appearances (claims.matching.models guards their delete)."""
    from .appearances import public_member_q
    from .models import Claim

    return set(
        Claim.objects.filter(public_member_q(), pk__in=claim_ids).values_list("pk", flat=True)
    )
