"""A key without a scope, or with the desk scope but not read: refused with a reason the client
can act on, and not made in the admin at all."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from claims.api.auth import (
    DESK_NEEDS_READ_MESSAGE,
    NO_SCOPE_MESSAGE,
    SCOPE_REQUIRED_MESSAGE,
    token_create,
)
from claims.models import ApiToken
from tests.api_clients import client_with, make_key, published_verdict
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


def key_without_a_scope() -> str:
    # Made as a token saved before the admin refused them was: straight to the row.
    token, key = make_key()
    ApiToken.objects.filter(pk=token.pk).update(can_read=False, can_submit=False)
    return key


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/verdicts/"),
        ("get", "/api/v1/claims/"),
        ("get", "/api/v1/speakers/"),
        ("post", "/api/v1/articles/"),
        ("get", "/api/v1/articles/1/"),
    ],
)
def test_a_key_without_a_scope_is_told_it_has_none_and_who_grants_one(method, path):
    key = key_without_a_scope()
    response = getattr(client_with(key), method)(path, {}, format="json")
    assert response.status_code == 403
    body = response.json()
    assert body == {"error": "permission_denied", "detail": NO_SCOPE_MESSAGE}
    assert "has no scopes" in body["detail"] and "An admin must grant it one" in body["detail"]


def test_a_key_lacking_only_this_endpoints_scope_is_still_told_which_one():
    published_verdict("The budget grew by 40 percent.")
    _, key = make_key(read=False, submit=True)
    response = client_with(key).get("/api/v1/verdicts/")
    assert response.status_code == 403
    assert response.json()["detail"] == "This API key does not have the read scope."


def test_the_service_makes_no_key_without_a_scope():
    with pytest.raises(ValueError, match="Give the key a scope"):
        token_create(name="Nothing", user=UserFactory(), can_read=False, can_submit=False)
    assert not ApiToken.objects.exists()


def test_the_service_makes_no_desk_scope_key_without_read():
    with pytest.raises(ValueError) as refused:
        token_create(
            name="Plugin",
            user=UserFactory(),
            can_read=False,
            can_submit=True,
            can_read_unpublished=True,
        )
    assert str(refused.value) == DESK_NEEDS_READ_MESSAGE
    assert "tick read too" in str(refused.value)
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("submit", [False, True])
def test_the_database_refuses_a_desk_scope_key_without_read_written_around_the_service(submit):
    token, _ = make_key(read=True, submit=submit, staff=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        ApiToken.objects.filter(pk=token.pk).update(can_read=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        ApiToken.objects.create(
            name="Raw",
            user=token.user,
            prefix="0" * 8,
            key_hash="0" * 64,
            can_read=False,
            can_submit=submit,
            can_read_unpublished=True,
        )
    token.refresh_from_db()
    assert token.can_read and token.can_read_unpublished
    assert ApiToken.objects.count() == 1


def test_the_admin_refuses_to_save_a_desk_scope_token_without_read(client):
    client.force_login(UserFactory(is_superuser=True))
    partner = UserFactory(is_staff=False)
    response = client.post(
        reverse("admin:claims_apitoken_add"),
        {"name": "Plugin", "user": partner.pk, "can_submit": "on", "can_read_unpublished": "on"},
    )
    assert response.status_code == 200
    # Said once: not again in the words of the constraint behind the rule.
    assert response.context["adminform"].form.non_field_errors() == [DESK_NEEDS_READ_MESSAGE]
    assert not ApiToken.objects.exists()


def test_the_admin_refuses_to_take_read_off_a_desk_scope_token(client):
    client.force_login(UserFactory(is_superuser=True))
    token, _ = make_key(read=True, submit=True, staff=True)
    response = client.post(
        reverse("admin:claims_apitoken_change", args=[token.pk]),
        {"name": token.name, "can_submit": "on", "can_read_unpublished": "on"},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [DESK_NEEDS_READ_MESSAGE]
    token.refresh_from_db()
    assert token.can_read


def test_the_admin_refuses_to_save_a_token_without_a_scope(client):
    client.force_login(UserFactory(is_superuser=True))
    partner = UserFactory(is_staff=False)
    response = client.post(
        reverse("admin:claims_apitoken_add"),
        {"name": "Partner site", "user": partner.pk, "can_read_unpublished": "on"},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [SCOPE_REQUIRED_MESSAGE]
    assert SCOPE_REQUIRED_MESSAGE in response.content.decode()
    assert not ApiToken.objects.exists()


def test_the_admin_refuses_to_take_the_last_scope_off_a_token(client):
    client.force_login(UserFactory(is_superuser=True))
    token, _ = make_key(read=True)
    response = client.post(
        reverse("admin:claims_apitoken_change", args=[token.pk]), {"name": token.name}
    )
    assert response.status_code == 200
    assert SCOPE_REQUIRED_MESSAGE in response.content.decode()
    token.refresh_from_db()
    assert token.can_read
