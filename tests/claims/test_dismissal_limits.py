"""A dismissal's reason and a rejected application's note (claims.limits) are refused past
their limit, or holding a character no column stores, by the services, whoever calls them;
the desk's boxes stop typing at the same limits."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from claims import bulk, services
from claims.limits import DISMISSAL_REASON_MAX, REJECTION_NOTE_MAX
from claims.matching import applications, group_changes
from claims.models import ClaimStatus
from tests.factories import (
    claim_alone,
    editor,
    fact_checker,
    published_verdict,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

REFUSED_REASONS = [
    ("x" * 2001, "The reason for the dismissal is too long: keep it to 2,000 characters"),
    ("An\x00opinion.", "The reason for the dismissal holds a NUL character (at character 3)"),
    ("An \ud83d opinion.", "The reason for the dismissal holds half of a character"),
]


@pytest.mark.parametrize("reason, message", REFUSED_REASONS)
def test_dismissing_one_claim_refuses_a_reason_it_could_not_keep(reason, message):
    one = claim_alone()
    with pytest.raises(ValidationError) as refused:
        services.claim_dismiss(claim=one, actor=fact_checker(), reason=reason)
    assert message in refused.value.message_dict["reason"][0]
    one.refresh_from_db()
    assert one.status == ClaimStatus.NEW and one.dismissal_reason == ""


@pytest.mark.parametrize("reason, message", REFUSED_REASONS)
def test_a_bulk_dismissal_refuses_such_a_reason_once_and_dismisses_nothing(reason, message):
    first, second = claim_alone(), claim_alone("Wages rose 9 percent.")
    with pytest.raises(ValidationError) as refused:
        bulk.claims_bulk_act(
            claim_ids=[first.pk, second.pk], action="dismiss", actor=fact_checker(), reason=reason
        )
    assert list(refused.value.message_dict) == ["reason"]
    assert message in refused.value.message_dict["reason"][0]
    for one in (first, second):
        one.refresh_from_db()
        assert one.status == ClaimStatus.NEW


def test_a_reason_at_the_limit_is_kept_a_line_break_counting_as_one_character():
    one = claim_alone()
    reason = "a\r\n" + "b" * (DISMISSAL_REASON_MAX - 2)
    services.claim_dismiss(claim=one, actor=fact_checker(), reason=reason)
    one.refresh_from_db()
    assert one.status == ClaimStatus.DISMISSED and one.dismissal_reason == reason


def test_the_claim_page_refuses_a_long_reason_with_the_service_s_message(client):
    one = claim_alone()
    client.force_login(fact_checker())
    response = client.post(reverse("claims:dismiss", args=[one.pk]), {"reason": "x" * 2001})
    assert response.status_code == 400
    assert "keep it to 2,000 characters (it has 2,001)" in response.content.decode()
    one.refresh_from_db()
    assert one.status == ClaimStatus.NEW


def test_the_desk_s_boxes_stop_typing_at_the_limits_the_services_hold(client):
    verdict = published_verdict()
    repeat = claim_alone("Crime dropped 40 percent in the last year.")
    group_changes.claim_group_link(claim=repeat, earlier=verdict.claim)
    applications.verdict_application_request(
        claim=repeat, checked=verdict.claim, actor=fact_checker(username="fc")
    )
    client.force_login(editor(username="ed"))
    page = client.get(reverse("claims:detail", args=[repeat.pk])).content.decode()
    assert f'name="reason" cols="40" rows="2" maxlength="{DISMISSAL_REASON_MAX}"' in page
    assert f'name="note" required maxlength="{REJECTION_NOTE_MAX}"' in page
    queue = client.get(reverse("claims:queue")).content.decode()
    assert f'name="reason" maxlength="{DISMISSAL_REASON_MAX}"' in queue
