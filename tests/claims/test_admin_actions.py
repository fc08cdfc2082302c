"""The verdict and claim admin actions as the desk's roles use them: the same services as the
desk, the four-eyes rule, and a selection done whole or not at all, with messages that say so."""

import pytest
from django.urls import reverse

from claims import services, verdicts
from claims.models import ClaimEventKind, ClaimStatus, Verdict, VerdictStatus
from tests.claims.admin_forms import admin_save
from tests.factories import (
    ClaimFactory,
    UserFactory,
    drafted_verdict,
    editor,
    fact_checker,
    submitted_verdict,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]
VERDICTS = reverse("admin:claims_verdict_changelist")
CLAIMS = reverse("admin:claims_claim_changelist")


def act(client, url, action, rows):
    response = client.post(
        url, {"action": action, "_selected_action": [row.pk for row in rows]}, follow=True
    )
    assert response.redirect_chain[-1][1] == 302
    return [str(message) for message in response.context["messages"]]


def statuses(rows):
    return [Verdict.objects.get(pk=row.pk).status for row in rows]


def test_an_editor_publishes_a_selection_of_other_people_s_verdicts_with_one_message(client):
    selection = [submitted_verdict(), submitted_verdict()]
    client.force_login(editor())
    assert act(client, VERDICTS, "publish", selection) == ["Published 2 verdict(s)."]
    assert statuses(selection) == [VerdictStatus.PUBLISHED] * 2


def test_a_selection_with_a_verdict_the_editor_wrote_publishes_none_and_names_it(client):
    writer = editor()
    theirs = submitted_verdict()
    own = submitted_verdict(author=writer)
    client.force_login(writer)
    shown = act(client, VERDICTS, "publish", [theirs, own])
    assert shown[0].startswith("Nothing was published: 1 of the 2 selected were refused")
    assert shown[1] == f"“{own.claim}”: " + (
        "You wrote or changed this verdict's content: another editor must approve and publish it."
    )
    assert statuses([theirs, own]) == [VerdictStatus.SUBMITTED] * 2
    assert not theirs.claim.events.filter(kind=ClaimEventKind.PUBLISHED).exists()


def test_an_editor_who_rewrote_a_returned_draft_in_the_admin_cannot_publish_it(client):
    author, writer = fact_checker(), editor()
    verdict = submitted_verdict(author=author)
    verdicts.verdict_return(verdict=verdict, actor=editor(), comment="Add the 2019 figure.")
    client.force_login(writer)
    page = reverse("admin:claims_verdict_change", args=[verdict.pk])
    assert admin_save(client, page, conclusion="The 2019 figure is wrong too.").status_code == 302
    client.get(VERDICTS)  # reads the save's message
    verdicts.verdict_submit(verdict=Verdict.objects.get(pk=verdict.pk), actor=author)
    shown = act(client, VERDICTS, "publish", [verdict])
    assert shown[0].startswith("Nothing was published")
    assert statuses([verdict]) == [VerdictStatus.SUBMITTED]


def test_publishing_a_draft_from_the_admin_is_refused_by_the_workflow(client):
    draft = drafted_verdict()
    client.force_login(editor())
    shown = act(client, VERDICTS, "publish", [draft])
    assert "Nothing was published" in shown[0]
    assert "draft" in shown[1]
    assert statuses([draft]) == [VerdictStatus.DRAFT]


def test_submitting_a_selection_with_a_draft_that_has_no_source_submits_none(client):
    author = fact_checker()
    ready = drafted_verdict(author=author)
    bare = drafted_verdict(author=author, sources=0)
    client.force_login(author)
    shown = act(client, VERDICTS, "submit_for_review", [ready, bare])
    assert shown[0].startswith("Nothing was submitted: 1 of the 2 selected were refused")
    assert "at least one evidence source" in shown[1]
    assert statuses([ready, bare]) == [VerdictStatus.DRAFT] * 2
    assert act(client, VERDICTS, "submit_for_review", [ready]) == [
        "Submitted 1 verdict(s) for review."
    ]


def refused(client, url, action, rows, **fields) -> str:
    """A forged action's answer: a 403 (the desk's page), its reason the one returned."""
    selected = {"action": action, "_selected_action": [row.pk for row in rows]}
    response = client.post(url, selected | fields)
    assert response.status_code == 403
    assert "You cannot open this page" in response.text
    return response.context["exception"]


def test_a_fact_checker_posting_the_publish_action_anyway_is_a_403_that_changes_nothing(client):
    verdict = submitted_verdict()
    client.force_login(fact_checker())
    assert refused(client, VERDICTS, "publish", [verdict]) == (
        "Only editors approve and publish verdicts: nothing was published."
    )
    assert statuses([verdict]) == [VerdictStatus.SUBMITTED]
    assert not verdict.claim.events.filter(kind=ClaimEventKind.PUBLISHED).exists()


@pytest.mark.parametrize("role", [fact_checker, editor])
def test_a_role_that_may_not_delete_verdicts_posting_delete_selected_is_a_403(client, role):
    verdict = submitted_verdict()
    client.force_login(role())
    assert refused(client, VERDICTS, "delete_selected", [verdict]) == (
        "You may not “Delete selected verdicts”: it needs the permission to delete verdicts, "
        "which your account does not have. Nothing changed."
    )
    assert Verdict.objects.filter(pk=verdict.pk).exists()


def test_staff_without_a_role_posting_an_action_get_a_403_not_the_actions_names(client):
    verdict = submitted_verdict()
    client.force_login(UserFactory(is_staff=True))
    selected = {"action": "publish", "_selected_action": [verdict.pk]}
    response = client.post(VERDICTS, selected)
    assert response.status_code == 403
    assert statuses([verdict]) == [VerdictStatus.SUBMITTED]


def test_every_admin_refuses_an_action_by_name():
    from django.contrib import admin

    from config.admin_actions import RefusedActionMixin

    # The desk's own admins; auth's and axes' are Django's and the package's, for admins only.
    without = [
        type(model_admin).__name__
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in ("articles", "claims")
        and model_admin.actions is not None
        and not isinstance(model_admin, RefusedActionMixin)
    ]
    assert without == []


def test_an_action_nobody_declared_still_gets_django_s_answer(client):
    verdict = submitted_verdict()
    client.force_login(fact_checker())
    assert act(client, VERDICTS, "delete_view", [verdict]) == ["No action selected."]


def test_assign_to_me_on_a_selection_with_a_dismissed_claim_assigns_none(client):
    checker = fact_checker()
    open_claim, dismissed = ClaimFactory(), ClaimFactory()
    services.claim_dismiss(claim=dismissed, actor=checker, reason="An opinion.")
    client.force_login(checker)
    shown = act(client, CLAIMS, "assign_to_me", [open_claim, dismissed])
    assert shown[0].startswith("Nothing was assigned")
    assert "dismissed" in shown[1]
    open_claim.refresh_from_db()
    assert open_claim.assignee is None and open_claim.status == ClaimStatus.NEW
    assert act(client, CLAIMS, "assign_to_me", [open_claim]) == ["Assigned 1 claim(s) to you."]
