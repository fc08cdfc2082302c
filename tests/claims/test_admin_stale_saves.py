"""The admin's verdict form refuses a stale save in the desk's words: it names "you" when the
newer save was the same person's, and a form sent twice says nothing changed instead of an
error."""

import pytest
from django.urls import reverse

from claims.models import Verdict
from tests.claims.admin_forms import change_form_fields
from tests.factories import drafted_verdict, editor

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


def _two_tabs(client):
    draft = drafted_verdict(conclusion="First wording.")
    user = editor()
    client.force_login(user)
    url = reverse("admin:claims_verdict_change", args=[draft.pk])
    return draft, url, change_form_fields(client, url), change_form_fields(client, url)


def _send(client, url, fields, **changes):
    return client.post(url, fields | changes | {"_save": "Save"}, follow=True)


def test_a_form_sent_twice_says_nothing_changed_and_keeps_one_version(client):
    draft, url, first, second = _two_tabs(client)
    _send(client, url, first, conclusion="Second wording.")
    response = _send(client, url, second, conclusion="Second wording.")
    html = response.content.decode()
    assert "Nothing changed: the verdict already holds what you sent (you saved this at" in html
    assert "Nothing was saved" not in html
    assert "was changed successfully" not in html
    draft.refresh_from_db()
    assert (draft.version, draft.conclusion) == (2, "Second wording.")


def test_an_older_tab_with_other_text_names_you_and_keeps_what_was_typed(client):
    draft, url, first, second = _two_tabs(client)
    _send(client, url, first, conclusion="Second wording.")
    response = _send(client, url, second, conclusion="Third wording.")
    html = response.content.decode()
    assert response.status_code == 200
    assert "You saved this verdict again at" in html
    assert "changed by" not in html
    assert "Third wording." in html  # the form is shown again with the typed text
    assert Verdict.objects.get(pk=draft.pk).conclusion == "Second wording."
