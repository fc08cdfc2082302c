"""The articles app's models, one module per job (each says what it owns):

- `articles`: Article, Outlet, SourceKind, AnalysisStatus, AnalysisProblem, NullsLastIndex.
- `intake`: IntakeJob (a URL to take in), Feed and FeedEntry (the subscriptions that queue them).
- `imports`: ImportBatch and ImportChunk (a bulk file and its pieces).
- `fact_checks`: ExternalFactCheck (other fact-checkers' ClaimReview).
Dependencies point up this list (`fact_checks` needs none). Everything is imported here, so
Django finds every model and `from articles.models import X` works (migration 0007 names
articles.models.NullsLastIndex).
"""

from .articles import (
    AnalysisProblem,
    AnalysisStatus,
    Article,
    ArticleQuerySet,
    NullsLastIndex,
    Outlet,
    SourceKind,
)
from .fact_checks import ExternalFactCheck
from .imports import ImportBatch, ImportChunk, ImportStatus
from .intake import Feed, FeedEntry, IntakeJob, IntakeJobQuerySet, IntakeStatus

__all__ = [
    "AnalysisProblem",
    "AnalysisStatus",
    "Article",
    "ArticleQuerySet",
    "ExternalFactCheck",
    "Feed",
    "FeedEntry",
    "ImportBatch",
    "ImportChunk",
    "ImportStatus",
    "IntakeJob",
    "IntakeJobQuerySet",
    "IntakeStatus",
    "NullsLastIndex",
    "Outlet",
    "SourceKind",
]
