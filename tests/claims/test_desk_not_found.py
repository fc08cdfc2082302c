"""A missing desk row is told in the desk's words, with the way back; public 404s keep the
public page's words, the same for an unpublished fact-check as for a missing one."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory, drafted_verdict, editor, fact_checker

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

PUBLIC_WORDS = "Nothing is published at this address"


def test_a_missing_claim_says_so_in_the_desk_s_words(client):
    client.force_login(fact_checker())
    response = client.get(reverse("claims:detail", args=[99999]))
    assert response.status_code == 404
    assert PUBLIC_WORDS not in response.text
    assert "No claim #99999 on the desk: it may have been removed" in response.text
    assert f'<a href="{reverse("claims:queue")}">Back to the queue</a>' in response.text
    history = client.get(reverse("claims:history", args=[99999]))
    assert history.status_code == 404 and "No claim #99999 on the desk" in history.text


def test_a_missing_article_says_so_in_the_desk_s_words(client):
    client.force_login(fact_checker())
    response = client.get(reverse("articles:detail", args=[99999]))
    assert response.status_code == 404
    assert "No article #99999 on the desk: it may have been deleted." in response.text
    assert f'<a href="{reverse("articles:list")}">Back to the articles</a>' in response.text


def test_the_desk_s_words_need_the_desk_s_permission(client):
    client.force_login(UserFactory())
    assert client.get(reverse("claims:detail", args=[99999])).status_code == 403


@pytest.mark.parametrize("user", [None, editor])
def test_an_unpublished_fact_check_is_the_same_public_404_as_a_missing_one(client, user):
    if user is not None:
        client.force_login(user())
    draft = drafted_verdict()
    unpublished = client.get(reverse("claims:public", args=[draft.pk]))
    missing = client.get(reverse("claims:public", args=[draft.pk + 1000]))
    assert unpublished.status_code == missing.status_code == 404
    assert PUBLIC_WORDS in unpublished.text
    assert unpublished.text.split("<main")[1] == missing.text.split("<main")[1]
