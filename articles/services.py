"""Writes to articles and outlets: every edge (admin, forms, API, commands) comes through here.

Submitting an article stores it and queues its analysis. The analysis belongs to claims/, which
articles/ never imports: claims registers how to queue it (`analysis_sender_register`, called
from ClaimsConfig.ready()).
"""

import hashlib
import logging
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import AnalysisStatus, Article, Outlet, SourceKind

logger = logging.getLogger(__name__)

_TRACKING_PARAMS = re.compile(r"^(utm_\w+|fbclid|gclid|mc_cid|mc_eid|ocid|cmpid)$", re.IGNORECASE)
_WHITESPACE = re.compile(r"\s+")


class DuplicateArticle(ValidationError):
    """The same text (or the same URL) is already stored; `existing` is that article."""

    def __init__(self, message: str, *, existing: Article):
        super().__init__(message, code="duplicate")
        self.existing = existing


def body_normalize(body: str | bytes) -> str:
    """The text as stored: valid UTF-8, NFC, Unix line endings, no surrounding blank space."""
    if isinstance(body, bytes):
        try:
            body = body.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ValidationError(
                f"The article text is not valid UTF-8 (byte {error.start}): "
                "save it as UTF-8 and try again.",
                code="encoding",
            ) from None
    if "\x00" in body:
        raise ValidationError("The article text contains NUL characters.", code="encoding")
    body = unicodedata.normalize("NFC", body)
    return body.replace("\r\n", "\n").replace("\r", "\n").strip()


def body_content_hash(body: str) -> str:
    """Hash that ignores differences in spacing, so a re-pasted copy is recognised."""
    collapsed = _WHITESPACE.sub(" ", body).strip()
    return hashlib.sha256(collapsed.encode("utf-8")).hexdigest()


def url_normalize(url: str) -> str:
    url = (url or "").strip()
    if not url:
        return ""
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ValidationError(f"{url!r} is not a valid http(s) URL.", code="url") from None
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host.startswith("www."):
        host = host[4:]
    default_port = {"http": 80, "https": 443}[parts.scheme.lower()]
    netloc = host if parts.port in (None, default_port) else f"{host}:{parts.port}"
    query = urlencode(
        sorted(
            (key, value)
            for key, value in parse_qsl(parts.query, keep_blank_values=True)
            if not _TRACKING_PARAMS.match(key)
        )
    )
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower(), netloc, path, query, ""))


def domain_from_url(url: str) -> str:
    return (urlsplit(url).hostname or "").lower().removeprefix("www.")


def outlet_get_or_create(*, name: str = "", domain: str = "") -> Outlet | None:
    name, domain = name.strip(), domain.strip().lower().removeprefix("www.")
    if not domain and not name:
        return None
    if domain:
        outlet, _ = Outlet.objects.get_or_create(domain=domain, defaults={"name": name or domain})
        return outlet
    existing = Outlet.objects.filter(name__iexact=name).first()
    if existing:
        return existing
    # An outlet named without a domain gets a stable placeholder so the unique key still holds.
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "outlet"
    outlet, _ = Outlet.objects.get_or_create(domain=f"{slug}.unknown", defaults={"name": name})
    return outlet


@dataclass(frozen=True)
class CleanArticle:
    title: str
    body: str
    content_hash: str
    url: str


def article_clean(
    *, title: str, body: str | bytes, source_kind: str, url: str = ""
) -> CleanArticle:
    """Validate an article before it is stored. Raises ValidationError with per-field messages,
    or DuplicateArticle when the same text or URL is already stored."""
    errors: dict[str, list[str]] = {}
    title = (title or "").strip()
    if not title:
        errors.setdefault("title", []).append("A title is required.")
    elif len(title) > Article._meta.get_field("title").max_length:
        errors.setdefault("title", []).append("The title is longer than 500 characters.")
    if source_kind not in SourceKind.values:
        errors.setdefault("source_kind", []).append(f"Unknown source kind {source_kind!r}.")

    try:
        body = body_normalize(body)
    except ValidationError as error:
        errors.setdefault("body", []).extend(error.messages)
        body = ""
    else:
        if not body:
            errors.setdefault("body", []).append("The article text is empty.")
        elif len(body) > settings.ARTICLE_MAX_CHARS:
            errors.setdefault("body", []).append(
                f"The article text has {len(body):,} characters; the maximum is "
                f"{settings.ARTICLE_MAX_CHARS:,}."
            )
    try:
        url = url_normalize(url)
    except ValidationError as error:
        errors.setdefault("url", []).extend(error.messages)
    if errors:
        raise ValidationError(errors)

    content_hash = body_content_hash(body)
    existing = Article.objects.filter(content_hash=content_hash).first()
    if existing:
        raise DuplicateArticle(
            f"This text is already stored as article #{existing.pk} ({existing.title}).",
            existing=existing,
        )
    if url:
        existing = Article.objects.filter(url=url).first()
        if existing:
            raise DuplicateArticle(
                f"An article with this URL is already stored as #{existing.pk} ({existing.title}).",
                existing=existing,
            )
    return CleanArticle(title=title, body=body, content_hash=content_hash, url=url)


def article_create(
    *,
    title: str,
    body: str | bytes,
    source_kind: str,
    outlet_name: str = "",
    outlet_domain: str = "",
    url: str = "",
    byline: str = "",
    published_at: datetime | None = None,
    language: str = "en",
    created_by=None,
) -> Article:
    """Validate and store one article. Raises ValidationError (DuplicateArticle for a repeat).

    It does not queue the analysis; `article_submit` does both.
    """
    clean = article_clean(title=title, body=body, source_kind=source_kind, url=url)
    try:
        with transaction.atomic():
            outlet = outlet_get_or_create(
                name=outlet_name,
                domain=outlet_domain or (domain_from_url(clean.url) if clean.url else ""),
            )
            return Article.objects.create(
                title=clean.title,
                body=clean.body,
                content_hash=clean.content_hash,
                source_kind=source_kind,
                outlet=outlet,
                url=clean.url,
                byline=byline.strip(),
                published_at=published_at,
                language=(language or "en").strip().lower(),
                created_by=created_by,
            )
    except IntegrityError:
        # Lost a race with an identical submission: report the winner, keep nothing of ours.
        existing = Article.objects.filter(content_hash=clean.content_hash).first() or (
            Article.objects.filter(url=clean.url).first() if clean.url else None
        )
        if existing is None:
            raise
        raise DuplicateArticle(
            f"This article is already stored as #{existing.pk} ({existing.title}).",
            existing=existing,
        ) from None


# --- Articles in, analysis queued --------------------------------------------------------------

BROKER_DOWN_MESSAGE = (
    "The task queue could not be reached; the article stays queued and will be sent again "
    "by `manage.py requeue_analysis`."
)
NO_ANALYSIS_MESSAGE = "No analysis is installed (the claims app registers it); nothing was queued."

_analysis_sender: Callable[[int], None] | None = None


def analysis_sender_register(sender: Callable[[int], None]) -> None:
    """Set how an article's analysis is queued: `sender(article_id)` sends it to the worker."""
    global _analysis_sender
    _analysis_sender = sender


def article_submit(*, queue: bool = True, **fields) -> Article:
    """Store a new article and queue its analysis once the row is committed."""
    with transaction.atomic():
        article = article_create(**fields)
        if queue:
            article_queue_analysis(article=article)
    return article


def article_queue_analysis(*, article: Article) -> None:
    Article.objects.filter(pk=article.pk).update(
        analysis_status=AnalysisStatus.QUEUED,
        analysis_queued_at=timezone.now(),
        analysis_error="",
    )
    article.analysis_status = AnalysisStatus.QUEUED
    article_id = article.pk
    transaction.on_commit(lambda: _send_analysis(article_id))


def _send_analysis(article_id: int) -> None:
    if _analysis_sender is None:
        logger.error("Could not queue analysis of article %s: no sender registered", article_id)
        Article.objects.filter(pk=article_id).update(analysis_error=NO_ANALYSIS_MESSAGE)
        return
    try:
        _analysis_sender(article_id)
    except Exception as error:  # kombu raises several types when the broker is away
        logger.error("Could not queue analysis of article %s: %s", article_id, error)
        Article.objects.filter(pk=article_id, analysis_status=AnalysisStatus.QUEUED).update(
            analysis_error=BROKER_DOWN_MESSAGE
        )


def articles_requeue_stale(*, queued_for: timedelta, running_for: timedelta) -> list[int]:
    """Send again the analyses that never reached a worker or whose worker vanished."""
    now = timezone.now()
    stale = Article.objects.filter(
        analysis_status=AnalysisStatus.QUEUED, analysis_queued_at__lt=now - queued_for
    ) | Article.objects.filter(
        analysis_status=AnalysisStatus.RUNNING, analysis_started_at__lt=now - running_for
    )
    ids = list(stale.values_list("pk", flat=True))
    for article in Article.objects.filter(pk__in=ids):
        with transaction.atomic():
            article_queue_analysis(article=article)
    return ids
