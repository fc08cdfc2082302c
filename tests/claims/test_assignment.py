"""Taking a claim: nobody takes over a colleague's claim without seeing whose it is."""

import pytest
from django.urls import reverse

from claims import services
from claims.models import ClaimEventKind
from tests.factories import (
    ClaimFactory,
    fact_checker,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


@pytest.fixture
def held(client):
    """A claim a colleague is working on, and a fact-checker logged in who is not them."""
    colleague = fact_checker(username="colleague")
    claim = ClaimFactory()
    services.claim_assign(claim=claim, actor=colleague)
    client.force_login(fact_checker(username="fc"))
    claim.refresh_from_db()
    return claim


def test_the_claim_page_offers_to_take_over_a_colleague_s_claim_by_name(client, held):
    html = client.get(reverse("claims:detail", args=[held.pk])).content.decode()
    assert "Take over from colleague" in html and ">Assign to me<" not in html
    response = client.post(
        reverse("claims:assign", args=[held.pk]), {"replacing": held.assignee_id}, follow=True
    )
    assert "The claim is assigned to you." in response.content.decode()
    held.refresh_from_db()
    assert held.assignee.username == "fc"
    event = held.events.filter(kind=ClaimEventKind.ASSIGNED).latest("id")
    assert event.data == {"assignee": "fc", "previous_assignee": "colleague"}


def test_assign_to_me_from_a_page_drawn_before_a_colleague_took_it_is_refused(client, held):
    response = client.post(reverse("claims:assign", args=[held.pk]), follow=True)
    assert "colleague is working on this claim: open it to take it over." in (
        response.content.decode()
    )
    held.refresh_from_db()
    assert held.assignee.username == "colleague"


def test_the_queue_s_assign_to_me_leaves_a_colleague_s_claims_with_them(client, held):
    free = ClaimFactory()
    response = client.post(
        reverse("claims:queue_bulk"),
        {"claims": [str(held.pk), str(free.pk)], "action": "assign"},
        follow=True,
    )
    page = response.content.decode()
    assert "1 claim assigned to you." in page and "colleague is working on this claim" in page
    held.refresh_from_db()
    free.refresh_from_db()
    assert (held.assignee.username, free.assignee.username) == ("colleague", "fc")
