"""The admin's "Reject selected corrections": a page asks for the reason first, then the
selection is rejected through the desk's service (claims.correction_requests.correction_reject)
with the desk's refusals, a selection done whole or not at all."""

import pytest
from django.urls import reverse

from claims.admin import corrections as corrections_admin
from claims.models import ApplicationStatus, ClaimEvent, ClaimEventKind, CorrectionRequest
from tests.claims.test_admin_actions import act, refused
from tests.factories import (
    UserFactory,
    correction_sent,
    editor,
    fact_checker,
    published_verdict,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]
CORRECTIONS = reverse("admin:claims_correctionrequest_changelist")


def sent(**kwargs) -> CorrectionRequest:
    return correction_sent(published_verdict(), conclusion="Corrected.", **kwargs)


def asked(client, rows):
    """The action chosen on the list: the page that asks for the reason."""
    return client.post(CORRECTIONS, {"action": "reject", "_selected_action": [r.pk for r in rows]})


def rejected_with(client, rows, note):
    """The reason page sent back, as its form posts it."""
    return client.post(
        CORRECTIONS,
        {"action": "reject", "_selected_action": [r.pk for r in rows], "post": "yes", "note": note},
        follow=True,
    )


def shown(response):
    return [str(message) for message in response.context["messages"]]


def rows_now(rows):
    return [CorrectionRequest.objects.get(pk=row.pk) for row in rows]


def test_the_action_first_asks_for_a_reason_on_a_page_that_posts_the_selection_back(client):
    selection = [sent(), sent()]
    client.force_login(editor())
    response = asked(client, selection)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="csrfmiddlewaretoken"' in page
    for row in selection:
        assert f'<input type="hidden" name="_selected_action" value="{row.pk}">' in page
    assert '<input type="hidden" name="action" value="reject">' in page
    assert '<input type="hidden" name="post" value="yes">' in page
    assert '<textarea name="note"' in page and 'maxlength="2000"' in page
    # The editor sees what the reason rejects: each correction, linked, with its writer.
    for row in selection:
        change = reverse("admin:claims_correctionrequest_change", args=[row.pk])
        assert f'<li><a href="{change}">' in page
        assert f"written by {row.proposed_by.get_username()}" in page
    assert [row.status for row in rows_now(selection)] == [ApplicationStatus.PENDING] * 2


def test_an_editor_rejects_a_selection_with_the_reason_each_writer_reads(client):
    writer, decider = fact_checker(), editor()
    selection = [sent(writer=writer), sent(writer=writer)]
    client.force_login(decider)
    response = rejected_with(client, selection, "  The table was right.  ")
    assert response.redirect_chain[-1] == (CORRECTIONS, 302)
    assert shown(response) == ["Rejected 2 correction(s): each verdict stays as published."]
    for row in rows_now(selection):
        assert (row.status, row.decision_note, row.decided_by) == (
            ApplicationStatus.REJECTED,
            "The table was right.",
            decider,
        )
    events = ClaimEvent.objects.filter(kind=ClaimEventKind.CORRECTION_REJECTED)
    assert sorted(event.data["request"] for event in events) == sorted(r.pk for r in selection)
    assert {event.note for event in events} == {"The table was right."}


@pytest.mark.parametrize("blank", ["", "   ", "\u200b"])
def test_a_blank_reason_is_asked_for_again_and_nothing_is_rejected(client, blank):
    correction = sent()
    client.force_login(editor())
    response = rejected_with(client, [correction], blank)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Say why the corrections are not published." in page
    assert f'<input type="hidden" name="_selected_action" value="{correction.pk}">' in page
    assert rows_now([correction])[0].status == ApplicationStatus.PENDING
    assert not ClaimEvent.objects.filter(kind=ClaimEventKind.CORRECTION_REJECTED).exists()


def test_a_reason_past_its_limit_is_refused_on_the_page(client):
    correction = sent()
    client.force_login(editor())
    response = rejected_with(client, [correction], "x" * 2_001)
    assert response.status_code == 400
    assert rows_now([correction])[0].status == ApplicationStatus.PENDING


def test_a_selection_with_a_correction_the_editor_wrote_rejects_none_and_says_why(client):
    me = editor()
    theirs, mine = sent(), sent(writer=me)
    client.force_login(me)
    messages = shown(rejected_with(client, [theirs, mine], "Not needed."))
    assert messages[0].startswith("Nothing was rejected: 1 of the 2 selected were refused")
    assert messages[1] == f"“{mine.verdict.claim}”: You wrote this correction: withdraw it instead."
    assert [row.status for row in rows_now([theirs, mine])] == [ApplicationStatus.PENDING] * 2
    assert not ClaimEvent.objects.filter(kind=ClaimEventKind.CORRECTION_REJECTED).exists()


def test_an_editor_who_wrote_the_verdict_cannot_reject_its_correction_from_the_admin(client):
    author = editor()
    correction = correction_sent(
        published_verdict(author=author), writer=fact_checker(), conclusion="Corrected."
    )
    client.force_login(author)
    messages = shown(rejected_with(client, [correction], "Not needed."))
    assert messages[1].endswith(
        "You wrote or changed this verdict before it was published: another editor decides "
        "on its corrections."
    )
    assert rows_now([correction])[0].status == ApplicationStatus.PENDING


def test_a_correction_rejected_already_is_said_so_and_not_counted(client):
    correction = sent()
    client.force_login(editor())
    rejected_with(client, [correction], "Not needed.")
    messages = shown(rejected_with(client, [correction], "Not needed."))
    assert len(messages) == 1
    assert messages[0].startswith(
        f"“{correction.verdict.claim}”: Already done: you rejected this correction"
    )
    assert ClaimEvent.objects.filter(kind=ClaimEventKind.CORRECTION_REJECTED).count() == 1


def test_a_fact_checker_is_offered_no_rejecting_and_a_forged_one_rejects_nothing(client):
    correction = sent()
    client.force_login(fact_checker())
    assert 'value="reject"' not in client.get(CORRECTIONS).content.decode()
    refusal = "Only editors reject corrections: nothing was rejected."
    assert refused(client, CORRECTIONS, "reject", [correction]) == refusal
    # The reason page's form, forged too.
    assert refused(client, CORRECTIONS, "reject", [correction], post="yes", note="x") == refusal
    assert rows_now([correction])[0].status == ApplicationStatus.PENDING


def test_staff_without_a_role_posting_the_rejection_get_a_403(client):
    correction = sent()
    client.force_login(UserFactory(is_staff=True))
    assert asked(client, [correction]).status_code == 403
    assert rejected_with(client, [correction], "Forged.").status_code == 403
    assert rows_now([correction])[0].status == ApplicationStatus.PENDING


def test_a_selection_past_what_one_reason_covers_is_refused_before_the_reason(client, monkeypatch):
    monkeypatch.setattr(corrections_admin, "REJECT_AT_ONCE", 1)
    selection = [sent(), sent()]
    client.force_login(editor())
    assert act(client, CORRECTIONS, "reject", selection) == [
        "Select at most 1 corrections to reject at once: nothing was rejected."
    ]
    assert [row.status for row in rows_now(selection)] == [ApplicationStatus.PENDING] * 2
