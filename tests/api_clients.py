"""Helpers shared by the API tests (no tests here): keys, clients and published verdicts."""

from datetime import timedelta

from django.utils import timezone
from rest_framework.test import APIClient

from claims.api.auth import token_create
from claims.matching.store import claim_embeddings_compute
from claims.models import ClaimStatus, VerdictStatus
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    EvidenceSourceFactory,
    OutletFactory,
    UserFactory,
    VerdictFactory,
    active_rating,
)


def make_key(*, read=True, submit=False, staff=False, name="Partner", user=None):
    """`staff`: the key has the desk scope (can_read_unpublished); its account is not staff."""
    user = user or UserFactory(is_staff=False, password=None)
    token, key = token_create(
        name=name, user=user, can_read=read, can_submit=submit, can_read_unpublished=staff
    )
    return token, key


def client_with(key: str | None = None) -> APIClient:
    client = APIClient()
    if key:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def openapi_document() -> dict:
    """The API's OpenAPI document as a client without a key reads it, as JSON."""
    response = client_with().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def schema_resolve(document: dict, node: dict) -> dict:
    """`node` with its $ref (or first allOf part) followed to the schema it stands for."""
    while "$ref" in node or "allOf" in node:
        if "allOf" in node:
            node = node["allOf"][0]
        else:
            node = document["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def key_client(**scopes) -> APIClient:
    return client_with(make_key(**scopes)[1])


def claim_with_text(text: str, *, speaker=None, outlet=None, language="en", **fields):
    body = f"{text} Residents were not surprised by any of it."
    article = ArticleFactory(body=body, outlet=outlet or OutletFactory(), language=language)
    return ClaimFactory(article=article, speaker=speaker, end=len(text), **fields)


def published_verdict(
    text: str | None = None,
    *,
    speaker=None,
    outlet=None,
    rating: str = "false",
    published_at=None,
    language: str = "en",
):
    """A published verdict written straight to the rows (the workflow has its own tests)."""
    if text is None:
        claim = ClaimFactory(speaker=speaker, status=ClaimStatus.PUBLISHED)
    else:
        claim = claim_with_text(
            text, speaker=speaker, outlet=outlet, language=language, status=ClaimStatus.PUBLISHED
        )
    if outlet is not None and text is None:
        claim.article.outlet = outlet
        claim.article.save()
    verdict = VerdictFactory(
        claim=claim, rating=active_rating(rating), status=VerdictStatus.SUBMITTED, author=_user()
    )
    EvidenceSourceFactory(verdict=verdict)  # before publication: then only a correction may
    verdict.status, verdict.editor = VerdictStatus.PUBLISHED, _user()
    verdict.published_at = published_at or timezone.now()
    verdict.modified_at = verdict.published_at  # what verdict_publish stamps (claims.modified)
    verdict.save()
    # What the worker does once analysis has made the claim: its vector, for the search.
    claim_embeddings_compute(claim_ids=[claim.pk])
    return verdict


def draft_verdict(text: str | None = None, *, status=VerdictStatus.SUBMITTED, **claim_fields):
    claim = (
        claim_with_text(text, status=ClaimStatus.IN_REVIEW, **claim_fields)
        if text
        else ClaimFactory(status=ClaimStatus.IN_REVIEW, **claim_fields)
    )
    return VerdictFactory(claim=claim, status=status, author=_user())


def _user():
    # No password: hashing one costs a noticeable slice of a test on a busy machine.
    return UserFactory(password=None)


def days_ago(days: float):
    return timezone.now() - timedelta(days=days)


def ids(response) -> list[int]:
    """The ids of a list response's results, in order (asserting the response is a 200)."""
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]
