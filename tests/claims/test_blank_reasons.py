"""A dismissal's reason and a return's comment of only invisible characters (a zero-width
space, a bidi override) are blank as an empty one is: the claim page comes back (400) with
the reason beside the field and the text as sent, not a redirect with a message."""

import pytest
from django.urls import reverse

from claims.models import ClaimStatus, VerdictStatus
from tests.factories import claim_alone, submitted_verdict

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

BLANKS = ["", "\u200b", "\u200b \u202e\u200d", "\x07"]


@pytest.mark.parametrize("reason", BLANKS)
def test_a_blank_or_invisible_dismissal_reason_is_the_forms_error(client, checker, reason):
    claim = claim_alone()
    response = client.post(reverse("claims:dismiss", args=[claim.pk]), {"reason": reason})
    assert response.status_code == 400
    form = response.context["dismiss_form"]
    assert form.errors == {"reason": ["Say why the claim is not check-worthy."]}
    assert form["reason"].value() == reason
    assert 'href="#id_reason">Reason: Say why the claim' in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.NEW


@pytest.mark.parametrize("comment", BLANKS)
def test_a_blank_or_invisible_return_comment_is_the_forms_error(client, boss, comment):
    verdict = submitted_verdict()
    response = client.post(
        reverse("claims:return", args=[verdict.claim_id]),
        {"version": verdict.version, "comment": comment},
    )
    assert response.status_code == 400
    form = response.context["return_form"]
    assert form.errors == {"comment": ["Tell the author what to change."]}
    assert form["comment"].value() == comment
    verdict.refresh_from_db()
    assert verdict.status == VerdictStatus.SUBMITTED
