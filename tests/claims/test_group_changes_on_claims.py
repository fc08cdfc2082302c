"""Undoing a group change, seen from the pages it is undone from."""

import pytest
from django.urls import reverse

from claims.matching import groups
from claims.models import Claim
from tests.factories import (  # noqa: F401 (fast_password_hashing is a fixture)
    ArticleFactory,
    ClaimFactory,
    editor,
    fact_checker,
    fast_password_hashing,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


def claim(text):
    return ClaimFactory(article=ArticleFactory(body=text), text=text)


@pytest.fixture
def checker(client):
    user = fact_checker(username="fc")
    client.force_login(user)
    return user


def merged(actor):
    """Two groups of two claims, the first merged into the second: (merge event, claims)."""
    a, b = claim("Taxes rose by 3 percent."), claim("Taxes went up 3 percent.")
    c, d = claim("Taxes climbed 3 percent."), claim("A 3 percent tax rise.")
    groups.claim_group_link(claim=b, earlier=a)
    groups.claim_group_link(claim=d, earlier=c)
    group_of = lambda row: Claim.objects.get(pk=row.pk).group  # noqa: E731
    merge = groups.group_merge(source=group_of(a), target=group_of(c), actor=actor)
    return merge, (a, b, c, d)


def test_an_editor_undoing_a_merge_on_the_group_page_goes_back_to_it_not_to_an_error(client):
    user = editor(username="ed")
    client.force_login(user)
    merge, (a, b, c, _) = merged(user)
    # The group page's Undo sends no claim to go back to, and a merge names none of its own.
    response = client.post(reverse("claims:group_event_undo", args=[merge.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("claims:group_history", args=[merge.group_id])
    assert Claim.objects.get(pk=a.pk).group_id != Claim.objects.get(pk=c.pk).group_id


def test_a_fact_checker_undoing_a_merge_without_a_page_lands_on_a_claim_it_moved(client, checker):
    merge, (a, *_) = merged(checker)
    response = client.post(reverse("claims:group_event_undo", args=[merge.pk]))
    assert response["Location"] == reverse("claims:detail", args=[a.pk])
