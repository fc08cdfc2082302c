"""A repeat an editor applied a published verdict to is one of that fact-check's appearances:
its article's title, URL, outlet and date are in the published ClaimReview (`appearance`,
`firstAppearance`, `itemReviewed.datePublished`), so they are part of the published record as
much as the checked article's own."""

import pytest
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.urls import reverse

from articles.services import article_update
from claims.matching import applications, group_changes
from claims.models import Claim
from tests.claims.admin_forms import change_form_fields
from tests.factories import (
    ClaimFactory,
    editor,
    fact_checker,
    published_verdict,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


def headlines(client, verdict) -> list[str]:
    review = client.get(reverse("api:verdict-claimreview", args=[verdict.pk])).json()
    return [appearance["headline"] for appearance in review["itemReviewed"]["appearance"]]


@pytest.fixture
def applied():
    verdict = published_verdict()
    repeat = ClaimFactory()
    applications.verdict_application_request(
        claim=repeat, checked=Claim.objects.get(pk=verdict.claim_id), actor=editor()
    )
    return verdict, repeat.article


def test_a_fact_checker_cannot_retitle_an_applied_repeats_article_in_the_admin(client, applied):
    verdict, article = applied
    before = headlines(client, verdict)
    assert article.title in before
    client.force_login(fact_checker())
    page = reverse("admin:articles_article_change", args=[article.pk])
    fields = change_form_fields(client, page)
    assert "title" not in fields and "url" not in fields

    client.post(page, {**fields, "title": "Retitled", "url": "https://elsewhere.example/"})

    article.refresh_from_db()
    assert article.title != "Retitled"
    assert headlines(client, verdict) == before


def test_the_article_service_refuses_to_retitle_an_applied_repeats_article(applied):
    _, article = applied
    with pytest.raises(ValidationError, match="part of the published record"):
        article_update(article=article, title="Retitled", url=article.url)


def test_a_repeat_only_proposed_for_the_verdict_leaves_its_article_editable():
    verdict = published_verdict()
    repeat = ClaimFactory()
    applications.verdict_application_request(
        claim=repeat, checked=Claim.objects.get(pk=verdict.claim_id), actor=fact_checker()
    )
    assert article_update(article=repeat.article, title="Retitled").title == "Retitled"


def test_an_editor_cannot_delete_an_applied_repeats_article_in_the_admin(client, applied):
    verdict, article = applied
    before = headlines(client, verdict)
    client.force_login(editor())
    url = reverse("admin:articles_article_delete", args=[article.pk])

    response = client.post(url, {"post": "yes"})

    assert "appearance of a published fact-check" in response.content.decode()
    assert Claim.objects.filter(article=article).exists()
    assert headlines(client, verdict) == before


def test_no_orm_path_deletes_an_applied_repeat_until_an_editor_splits_it_off(applied):
    _, article = applied
    repeat = Claim.objects.get(article=article)
    with pytest.raises(ProtectedError):
        repeat.delete()
    with pytest.raises(ProtectedError):
        article.delete()

    group_changes.claim_split(claim=repeat, actor=editor())
    article.delete()
    assert not Claim.objects.filter(pk=repeat.pk).exists()
