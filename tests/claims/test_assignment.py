"""Taking a claim: nobody takes over a colleague's claim without seeing whose it is."""

import pytest
from django.urls import reverse

from claims import services
from claims.models import ClaimEventKind
from tests.factories import (
    ClaimFactory,
    editor,
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


def test_the_claim_page_offers_an_editor_to_take_over_a_colleague_s_claim_by_name(client, held):
    client.force_login(editor(username="boss"))
    html = client.get(reverse("claims:detail", args=[held.pk])).content.decode()
    assert "Take over from colleague" in html and ">Assign to me<" not in html
    response = client.post(
        reverse("claims:assign", args=[held.pk]), {"replacing": held.assignee_id}, follow=True
    )
    assert "The claim is assigned to you." in response.content.decode()
    held.refresh_from_db()
    assert held.assignee.username == "boss"
    event = held.events.filter(kind=ClaimEventKind.ASSIGNED).latest("id")
    assert event.data == {
        "assignee": "boss",
        "previous_assignee": "colleague",
        "overrode_assignee": "colleague",
    }


def test_a_fact_checker_is_not_offered_a_colleague_s_claim_and_cannot_take_it(client, held):
    html = client.get(reverse("claims:detail", args=[held.pk])).content.decode()
    assert "Take over from" not in html and ">Assign to me<" not in html
    assert "colleague is working on this claim: only they or an editor can" in html
    response = client.post(
        reverse("claims:assign", args=[held.pk]), {"replacing": held.assignee_id}, follow=True
    )
    assert (
        "colleague is working on this claim: only they or an editor can take it over. Ask "
        "colleague to unassign themselves, or an editor to reassign it."
    ) in response.content.decode()
    held.refresh_from_db()
    assert held.assignee.username == "colleague"


def test_assign_to_me_from_a_page_drawn_before_a_colleague_took_it_is_refused(client, held):
    client.force_login(editor(username="boss"))
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


def test_assigning_a_claim_to_the_person_it_is_assigned_to_records_nothing(client):
    from claims.workflow import NothingChanged

    checker = fact_checker(username="fc")
    claim = ClaimFactory()
    services.claim_assign(claim=claim, actor=checker)
    with pytest.raises(NothingChanged, match="assigned to you already"):
        services.claim_assign(claim=claim, actor=checker)
    assert claim.events.filter(kind=ClaimEventKind.ASSIGNED).count() == 1


def test_assign_to_me_posted_twice_says_the_claim_is_yours_already(client):
    checker = fact_checker(username="fc")
    claim = ClaimFactory()
    client.force_login(checker)
    client.post(reverse("claims:assign", args=[claim.pk]), follow=True)
    response = client.post(reverse("claims:assign", args=[claim.pk]), follow=True)
    page = response.content.decode()
    assert "Nothing changed: the claim is assigned to you already." in page
    assert "The claim is assigned to you." not in page
    assert claim.events.filter(kind=ClaimEventKind.ASSIGNED).count() == 1


def test_unassigning_a_claim_nobody_holds_records_nothing(client):
    checker = fact_checker(username="fc")
    claim = ClaimFactory()
    services.claim_assign(claim=claim, actor=checker)
    client.force_login(checker)
    client.post(reverse("claims:unassign", args=[claim.pk]), follow=True)
    response = client.post(reverse("claims:unassign", args=[claim.pk]), follow=True)
    page = response.content.decode()
    assert "Nothing changed: the claim is not assigned to anyone." in page
    assert "The claim is unassigned." not in page
    assert claim.events.filter(kind=ClaimEventKind.UNASSIGNED).count() == 1


def test_the_queue_s_assign_to_me_says_which_claims_were_yours_already(client):
    checker = fact_checker(username="fc")
    mine, free = ClaimFactory(), ClaimFactory()
    services.claim_assign(claim=mine, actor=checker)
    client.force_login(checker)
    response = client.post(
        reverse("claims:queue_bulk"),
        {"claims": [str(mine.pk), str(free.pk)], "action": "assign"},
        follow=True,
    )
    shown = [str(message) for message in response.context["messages"]]
    assert shown == [
        "1 claim assigned to you.",
        f"Claim #{mine.pk}: Nothing changed: the claim is assigned to you already.",
    ]
    assert mine.events.filter(kind=ClaimEventKind.ASSIGNED).count() == 1


def test_the_admin_s_assign_to_me_assigns_the_others_and_lists_the_claims_yours_already(client):
    checker = fact_checker(username="fc")
    mine, free = ClaimFactory(), ClaimFactory()
    services.claim_assign(claim=mine, actor=checker)
    client.force_login(checker)
    response = client.post(
        reverse("admin:claims_claim_changelist"),
        {"action": "assign_to_me", "_selected_action": [mine.pk, free.pk]},
        follow=True,
    )
    shown = [str(message) for message in response.context["messages"]]
    assert shown == [
        "Assigned 1 claim(s) to you.",
        f"“{mine}”: Nothing changed: the claim is assigned to you already.",
    ]
    free.refresh_from_db()
    assert free.assignee == checker
    assert mine.events.filter(kind=ClaimEventKind.ASSIGNED).count() == 1
