"""What a published verdict shows of an article and its outlet, and the two hooks through which
claims says whether an article is on the published record and what follows an edit of it
(articles never imports claims)."""

from collections.abc import Callable

from django.db.models import QuerySet

from .models import Article, Outlet

# What a published verdict shows of its article (its page, the API, ClaimReview).
ARTICLE_RECORD_FIELDS = ("title", "url", "outlet", "published_at", "language")

# What a published verdict shows of its article's outlet (the page, the API, ClaimReview's
# publisher): editing the outlet row would change every such verdict without a correction.
OUTLET_RECORD_FIELDS = ("name", "domain")

_record_check: Callable[[QuerySet[Article]], bool] | None = None


def article_record_check_register(check: Callable[[QuerySet[Article]], bool]) -> None:
    """Set how to tell that one of these articles is part of the published record: claims
    registers it (a claim of one of them has a published verdict), as it registers the
    analysis."""
    global _record_check
    _record_check = check


def article_is_record_locked(article: Article) -> bool:
    """Its ARTICLE_RECORD_FIELDS are part of a published verdict and no longer change."""
    return _record_check is not None and _record_check(Article.objects.filter(pk=article.pk))


def outlet_is_record_locked(outlet: Outlet) -> bool:
    """Its OUTLET_RECORD_FIELDS are part of a published verdict and no longer change."""
    return _record_check is not None and _record_check(Article.objects.filter(outlet=outlet))


_record_changed: Callable[[QuerySet[Article], object], None] | None = None


def article_record_changed_register(changed: Callable[[QuerySet[Article], object], None]) -> None:
    """Set what follows an edit of what a verdict not yet published would show of these
    articles (their ARTICLE_RECORD_FIELDS, their outlet's OUTLET_RECORD_FIELDS): claims
    registers it, and makes the editor a contributor of those verdicts (the four-eyes rule)."""
    global _record_changed
    _record_changed = changed


def article_record_changed(*, articles: QuerySet[Article], actor) -> None:
    """`actor` changed what these articles' verdicts would publish of them (the admin's edit
    of an article or an outlet), inside the edit's transaction."""
    if _record_changed is not None:
        _record_changed(articles, actor)
