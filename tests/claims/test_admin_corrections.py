"""Corrections in the admin as the desk's roles use it: the requests are read-only rows an editor
publishes through the desk's service (the four-eyes rule, a selection done whole or not at all),
and a verdict's page lists its published corrections with who wrote and who published each."""

import pytest
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import escape

from claims.models import ApplicationStatus, Correction, CorrectionRequest, Verdict
from tests.claims.test_admin_actions import act, refused
from tests.factories import (
    correction_sent,
    drafted_verdict,
    editor,
    fact_checker,
    published_verdict,
    verdict_corrected,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]
CORRECTIONS = reverse("admin:claims_correctionrequest_changelist")


def sent(conclusion="Corrected.", **kwargs) -> CorrectionRequest:
    return correction_sent(published_verdict(), conclusion=conclusion, **kwargs)


def statuses(rows):
    return [CorrectionRequest.objects.get(pk=row.pk).status for row in rows]


def test_an_editor_publishes_a_selection_of_corrections_through_the_desk_s_service(client):
    writer, publisher = fact_checker(), editor()
    selection = [sent(writer=writer), sent(writer=writer, conclusion="Also corrected.")]
    client.force_login(publisher)
    assert act(client, CORRECTIONS, "publish", selection) == ["Published 2 correction(s)."]
    assert statuses(selection) == [ApplicationStatus.APPROVED] * 2
    published = Correction.objects.get(request=selection[0])
    assert (published.created_by, published.approved_by) == (writer, publisher)
    assert Verdict.objects.get(pk=selection[0].verdict_id).conclusion == "Corrected."


def test_a_selection_with_a_correction_the_editor_wrote_publishes_none_and_says_why(client):
    me = editor()
    theirs, mine = sent(), sent(writer=me)
    client.force_login(me)
    shown = act(client, CORRECTIONS, "publish", [theirs, mine])
    assert shown[0].startswith("Nothing was published: 1 of the 2 selected were refused")
    assert shown[1] == (
        f"“{mine.verdict.claim}”: You wrote this correction: another editor publishes it."
    )
    assert statuses([theirs, mine]) == [ApplicationStatus.PENDING] * 2
    assert not Correction.objects.exists()


def test_an_editor_who_wrote_the_verdict_cannot_publish_its_correction_from_the_admin(client):
    author = editor()
    correction = correction_sent(
        published_verdict(author=author), writer=fact_checker(), conclusion="Corrected."
    )
    client.force_login(author)
    shown = act(client, CORRECTIONS, "publish", [correction])
    assert shown[1].endswith(
        "You wrote or changed this verdict before it was published: another editor decides "
        "on its corrections."
    )
    assert statuses([correction]) == [ApplicationStatus.PENDING]


def test_a_correction_published_already_is_said_so_and_not_counted(client):
    publisher = editor()
    correction = sent()
    client.force_login(publisher)
    act(client, CORRECTIONS, "publish", [correction])
    shown = act(client, CORRECTIONS, "publish", [correction])
    assert len(shown) == 1
    assert shown[0].startswith(
        f"“{correction.verdict.claim}”: Already done: you published this correction"
    )
    assert Correction.objects.count() == 1


def test_a_fact_checker_reads_the_corrections_but_is_offered_no_publishing(client):
    correction = sent()
    client.force_login(fact_checker())
    page = client.get(CORRECTIONS).content.decode()
    assert escape(correction.verdict.claim.text[:40]) in page
    assert 'value="publish"' not in page
    forged = refused(client, CORRECTIONS, "publish", [correction])
    assert forged == "Only editors publish corrections: nothing was published."
    assert statuses([correction]) == [ApplicationStatus.PENDING]


def test_the_list_links_each_correction_to_its_claim_page_and_filters_and_searches(client):
    waiting = sent()
    published = verdict_corrected(published_verdict(), conclusion="Fixed.")
    client.force_login(editor())
    page = client.get(CORRECTIONS).content.decode()
    assert reverse("claims:detail", args=[waiting.verdict.claim_id]) in page
    assert "Publish selected corrections" in page
    pending_only = client.get(CORRECTIONS, {"status__exact": "pending"}).content.decode()
    assert reverse("admin:claims_correctionrequest_change", args=[waiting.pk]) in pending_only
    assert (
        reverse("admin:claims_correctionrequest_change", args=[published.request.pk])
        not in pending_only
    )
    found = client.get(CORRECTIONS, {"q": published.verdict.claim.text}).content.decode()
    assert reverse("admin:claims_correctionrequest_change", args=[published.request.pk]) in found
    assert reverse("admin:claims_correctionrequest_change", args=[waiting.pk]) not in found


def test_a_correction_is_read_only_in_the_admin_for_every_role(client):
    correction = sent()
    change = reverse("admin:claims_correctionrequest_change", args=[correction.pk])
    client.force_login(editor())
    page = client.get(change).content.decode()
    assert reverse("claims:detail", args=[correction.verdict.claim_id]) in page
    assert escape(correction.note) in page
    assert 'name="_save"' not in page
    assert client.get(reverse("admin:claims_correctionrequest_add")).status_code == 403
    delete = reverse("admin:claims_correctionrequest_delete", args=[correction.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert client.post(change, {"status": ApplicationStatus.APPROVED}).status_code == 403
    assert statuses([correction]) == [ApplicationStatus.PENDING]


@pytest.mark.parametrize("role", [fact_checker, editor])
def test_a_verdict_s_page_lists_its_corrections_with_who_wrote_and_published_each(client, role):
    writer, publisher = fact_checker(), editor()
    correction = verdict_corrected(
        published_verdict(), writer=writer, publisher=publisher, conclusion="Fixed."
    )
    client.force_login(role())
    page = client.get(reverse("admin:claims_verdict_change", args=[correction.verdict_id]))
    text = page.content.decode()
    assert escape(correction.note) in text
    assert "Written by" in text and "Published by" in text
    assert writer.get_username() in text and publisher.get_username() in text
    assert 'name="corrections-0-note"' not in text  # shown, never edited


def change_page(client, correction) -> str:
    url = reverse("admin:claims_correctionrequest_change", args=[correction.pk])
    return client.get(url).content.decode()


def test_a_correction_s_sources_read_as_linked_titles_not_as_json(client):
    source = {"url": "https://stats.example.org/t?year=2024&id=7", "title": "<b>Table 4</b>"}
    correction = sent(sources=[{**source, "note": "Row 12 & below"}])
    client.force_login(editor())
    page = change_page(client, correction)
    assert (
        '<a href="https://stats.example.org/t?year=2024&amp;id=7" rel="noopener noreferrer">'
        "&lt;b&gt;Table 4&lt;/b&gt;</a> <small>https://stats.example.org/t?year=2024&amp;id=7"
        "</small> · Row 12 &amp; below"
    ) in page
    assert "<b>Table 4</b>" not in page
    assert "&quot;url&quot;" not in page and '"url":' not in page


def test_a_source_address_that_is_not_http_is_shown_as_text_never_as_a_link(client):
    correction = sent()
    CorrectionRequest.objects.filter(pk=correction.pk).update(
        sources=[{"url": "javascript:alert(1)", "title": "Click", "note": ""}]
    )
    client.force_login(editor())
    page = change_page(client, correction)
    assert "Click <small>javascript:alert(1)</small>" in page
    assert 'href="javascript:' not in page


def test_a_pending_correction_s_page_shows_its_wording_beside_the_published_one(client):
    verdict = published_verdict(conclusion="The figure is wrong.")
    correction = correction_sent(verdict, conclusion="The figure is <em>right</em>.")
    accessed = verdict.sources.get().accessed_on
    client.force_login(editor())
    page = change_page(client, correction)
    assert "Published now" in page and "Proposed by the correction" in page
    assert (
        '<tr><th scope="row">Conclusion</th><td>The figure is wrong.</td>'
        "<td>The figure is &lt;em&gt;right&lt;/em&gt;.</td><td>Changed</td></tr>"
    ) in page
    assert f"accessed {date_format(accessed)}" in page  # the published source's day
    assert '<tr><th scope="row">Rating</th><td>False</td><td>False</td><td>Unchanged</td></tr>' in (
        page
    )


def test_a_decided_correction_is_compared_with_the_wording_it_corrected(client):
    published = verdict_corrected(
        published_verdict(conclusion="The figure is wrong."), conclusion="Fixed."
    )
    client.force_login(editor())
    page = change_page(client, published.request)
    assert "Published when it was written" in page
    assert (
        '<tr><th scope="row">Conclusion</th><td>The figure is wrong.</td><td>Fixed.</td>'
        "<td>Changed</td></tr>"
    ) in page


@pytest.mark.parametrize("role", [fact_checker, editor])
def test_a_verdict_s_page_shows_the_correction_waiting_beside_its_published_wording(client, role):
    verdict = published_verdict(conclusion="The figure is wrong.")
    verdict_url = reverse("admin:claims_verdict_change", args=[verdict.pk])
    client.force_login(role())
    assert "None waiting." in client.get(verdict_url).content.decode()
    correction = correction_sent(verdict, conclusion="The figure is right.", note="Misread it.")
    page = client.get(verdict_url).content.decode()
    assert "Correction waiting" in page
    assert reverse("admin:claims_correctionrequest_change", args=[correction.pk]) in page
    assert "Public note: Misread it." in page
    assert (
        '<tr><th scope="row">Conclusion</th><td>The figure is wrong.</td>'
        "<td>The figure is right.</td><td>Changed</td></tr>"
    ) in page


def test_a_draft_verdict_s_page_shows_no_correction_field(client):
    draft = drafted_verdict()
    client.force_login(editor())
    page = client.get(reverse("admin:claims_verdict_change", args=[draft.pk])).content.decode()
    assert "Correction waiting" not in page


def test_the_status_filter_and_the_note_s_help_call_a_correction_published(client):
    correction = sent()
    client.force_login(editor())
    page = client.get(CORRECTIONS).content.decode()
    approved_filter = page.split("?status__exact=approved")[1].split("</a>")[0]
    assert approved_filter.endswith(">Published")
    help_text = "Public once the correction is published: what changed and why."
    assert help_text in change_page(client, correction)
    # A request to apply a published verdict to a repeat stays "approved".
    assert ApplicationStatus.APPROVED.label == "Approved"
