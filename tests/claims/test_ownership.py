"""A claim assigned to someone is their work: a colleague does not dismiss it, change or submit
its draft, take it over or unassign them; an editor may, and the history says so
(claims.ownership). Through the services, the claim page, the queue's bulk actions and the
admin alike."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from articles.times import desk_time
from claims import attribution, bulk, ownership, services, timeline, verdicts
from claims.admin.verdicts import VerdictAdminForm
from claims.models import ClaimEventKind, ClaimStatus, Speaker, Verdict, VerdictStatus
from tests.claims.admin_forms import admin_save, change_form_fields
from tests.factories import (
    ClaimFactory,
    active_rating,
    draft_resaved,
    drafted_verdict,
    editor,
    fact_checker,
    kept_sources,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

HELD = (
    "colleague is working on this claim: only they or an editor can {work}. Ask colleague to "
    "unassign themselves, or an editor to reassign it."
)


@pytest.fixture
def colleague():
    return fact_checker(username="colleague")


@pytest.fixture
def held(colleague):
    """A claim assigned to a colleague, with the draft verdict they wrote."""
    claim = ClaimFactory()
    services.claim_assign(claim=claim, actor=colleague)
    drafted_verdict(claim=claim, author=colleague, conclusion="The colleague's wording.")
    claim.refresh_from_db()
    return claim


def verdict_post(verdict, **fields):
    data = {
        "version": verdict.version,
        "rating": active_rating("false").pk,
        "conclusion": fields.get("conclusion", "Someone else's wording."),
        "explanation": "",
        "sources-TOTAL_FORMS": "1",
        "sources-INITIAL_FORMS": "0",
        "sources-MIN_NUM_FORMS": "1",
        "sources-MAX_NUM_FORMS": "20",
        "sources-0-url": "https://other.example.org/x",
        "sources-0-title": "Another report",
        "sources-0-note": "",
    }
    if fields.get("submit"):
        data["submit"] = "1"
    return data


# --- The services ------------------------------------------------------------------------------


def test_a_fact_checker_cannot_dismiss_a_colleague_s_claim(held):
    with pytest.raises(PermissionDenied, match=HELD.format(work="dismiss it")):
        services.claim_dismiss(claim=held, actor=fact_checker(), reason="Opinion.")
    held.refresh_from_db()
    assert held.status == ClaimStatus.IN_PROGRESS and held.dismissal_reason == ""
    assert not held.events.filter(kind=ClaimEventKind.DISMISSED).exists()


def test_a_fact_checker_cannot_save_over_a_colleague_s_draft(held):
    verdict = held.verdict
    taken = held.events.get(kind=ClaimEventKind.ASSIGNED)
    with pytest.raises(
        PermissionDenied,
        match=f"colleague took this claim at {desk_time(taken.created_at)}; it is now assigned to "
        "colleague. Your text is kept below so you can copy it.",
    ):
        verdicts.verdict_save(
            claim=held,
            actor=fact_checker(),
            expected_version=verdict.version,
            rating=verdict.rating,
            conclusion="Overwritten.",
            sources=kept_sources(verdict),
        )
    verdict.refresh_from_db()
    assert verdict.conclusion == "The colleague's wording." and verdict.version == 1


def test_a_fact_checker_cannot_submit_a_colleague_s_draft(held):
    with pytest.raises(PermissionDenied, match="only they or an editor can submit its verdict"):
        verdicts.verdict_submit(verdict=held.verdict, actor=fact_checker())
    assert Verdict.objects.get(pk=held.verdict.pk).status == VerdictStatus.DRAFT


def test_a_fact_checker_cannot_unassign_a_colleague_but_may_let_go_of_their_own(held, colleague):
    with pytest.raises(PermissionDenied, match=HELD.format(work="unassign them")):
        services.claim_unassign(claim=held, actor=fact_checker())
    held.refresh_from_db()
    assert held.assignee == colleague
    services.claim_unassign(claim=held, actor=colleague)
    held.refresh_from_db()
    assert held.assignee is None


def test_the_assignee_dismisses_their_own_claim(held, colleague):
    services.claim_dismiss(claim=held, actor=colleague, reason="Opinion.")
    held.refresh_from_db()
    assert held.status == ClaimStatus.DISMISSED
    assert held.events.get(kind=ClaimEventKind.DISMISSED).data == {}


def client_page_of(claim) -> str:
    from django.test import Client

    client = Client()
    client.force_login(editor())
    return client.get(reverse("claims:detail", args=[claim.pk])).content.decode()


def test_an_editor_who_dismisses_a_colleague_s_claim_is_recorded_as_overriding_them(held):
    services.claim_dismiss(claim=held, actor=editor(username="boss"), reason="Opinion.")
    held.refresh_from_db()
    assert held.status == ClaimStatus.DISMISSED
    event = held.events.get(kind=ClaimEventKind.DISMISSED)
    assert event.data == {"overrode_assignee": "colleague"}
    entries = timeline.claim_timeline_page(held, notes=False).object_list
    label = ClaimEventKind.DISMISSED.label
    dismissed = [entry for entry in entries if entry.title == label]
    assert dismissed[0].details == [("editor's override of the claim assigned to", "colleague")]
    html = client_page_of(held)
    assert "editor&#x27;s override of the claim assigned to: colleague" in html


def test_an_editor_who_rewrites_a_colleague_s_draft_is_recorded_as_overriding_them(held):
    verdict = held.verdict
    verdicts.verdict_save(
        claim=held,
        actor=editor(username="boss"),
        expected_version=verdict.version,
        rating=verdict.rating,
        conclusion="The editor's wording.",
        sources=kept_sources(verdict),
    )
    verdict.refresh_from_db()
    assert verdict.conclusion == "The editor's wording."
    drafted = held.events.filter(kind=ClaimEventKind.DRAFTED).latest("id")
    assert drafted.actor.username == "boss"
    assert drafted.data["overrode_assignee"] == "colleague"


def test_an_unassigned_claim_s_draft_is_anyone_s_and_saving_it_takes_the_claim(held, colleague):
    services.claim_unassign(claim=held, actor=colleague)
    verdict = Verdict.objects.get(claim=held)
    taker = fact_checker(username="taker")
    verdicts.verdict_save(
        claim=held,
        actor=taker,
        expected_version=verdict.version,
        rating=verdict.rating,
        conclusion="Picked up.",
        sources=kept_sources(verdict),
    )
    held.refresh_from_db()
    assert held.assignee == taker and held.verdict.conclusion == "Picked up."
    # Now the taker's: the colleague who let it go does not save over it either.
    with pytest.raises(PermissionDenied, match="taker saved this verdict at .*, which assigned"):
        verdicts.verdict_save(
            claim=held,
            actor=colleague,
            expected_version=held.verdict.version,
            rating=verdict.rating,
            conclusion="Back to mine.",
            sources=kept_sources(verdict),
        )


# --- The claim page ----------------------------------------------------------------------------


def test_the_claim_page_shows_a_colleague_s_claim_without_its_forms_and_says_why(client, held):
    client.force_login(fact_checker())
    html = client.get(reverse("claims:detail", args=[held.pk])).content.decode()
    assert HELD.format(work="change its verdict") in html  # where the draft's form would be
    assert HELD.format(work="dismiss it or take it over") in html  # where its actions would be
    assert 'name="conclusion"' not in html and "Save draft" not in html
    assert reverse("claims:dismiss", args=[held.pk]) not in html
    assert "Take over from" not in html
    assert "The colleague&#x27;s wording." in html  # the draft is shown, read-only


def test_the_claim_page_offers_an_editor_the_forms_and_says_they_override(client, held):
    client.force_login(editor())
    html = client.get(reverse("claims:detail", args=[held.pk])).content.decode()
    assert 'name="conclusion"' in html and reverse("claims:dismiss", args=[held.pk]) in html
    assert (
        "colleague is working on this claim. As an editor you can still change its verdict or "
        "its speaker, dismiss it, unassign them or take it over; the history records that you "
        "overrode their assignment."
    ) in html
    assert "only they or an editor can" not in html


def test_the_assignee_s_own_page_has_the_forms_and_no_warning(client, held, colleague):
    client.force_login(colleague)
    html = client.get(reverse("claims:detail", args=[held.pk])).content.decode()
    assert 'name="conclusion"' in html and reverse("claims:dismiss", args=[held.pk]) in html
    assert "is working on this claim" not in html


def test_dismissing_a_colleague_s_claim_from_an_old_page_is_refused_with_why(client, held):
    client.force_login(fact_checker())
    response = client.post(
        reverse("claims:dismiss", args=[held.pk]), {"reason": "Opinion."}, follow=True
    )
    shown = [str(message) for message in response.context["messages"]]
    assert shown == [HELD.format(work="dismiss it")]
    held.refresh_from_db()
    assert held.status == ClaimStatus.IN_PROGRESS


def test_saving_over_a_colleague_s_draft_from_an_old_page_is_refused_and_keeps_the_text(
    client, held
):
    client.force_login(fact_checker())
    response = client.post(
        reverse("claims:verdict_save", args=[held.pk]),
        verdict_post(held.verdict, conclusion="Typed meanwhile.", submit=True),
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "colleague took this claim at " in html
    assert HELD.format(work="change its verdict").replace("'", "&#x27;") in html
    assert 'name="conclusion"' not in html  # no form to send again
    assert "Typed meanwhile." in html  # shown back, so the typing is not lost
    verdict = Verdict.objects.get(claim=held)
    assert verdict.conclusion == "The colleague's wording."
    assert verdict.status == VerdictStatus.DRAFT


def _taken_over_by_boss(held, colleague):
    """The colleague's claim, taken over by an editor while the colleague had its page open."""
    services.claim_assign(claim=held, actor=editor(username="boss"), replacing=colleague.pk)
    return held.events.filter(kind=ClaimEventKind.ASSIGNED).latest("id")


def _refused_save(client, held, loaded, user) -> str:
    """`user` saves "Typed meanwhile." from the page drawn at `loaded`: refused, the page."""
    client.force_login(user)
    response = client.post(
        reverse("claims:verdict_save", args=[held.pk]),
        verdict_post(loaded, conclusion="Typed meanwhile."),
    )
    assert response.status_code == 403
    return response.content.decode()


def test_saving_a_draft_after_an_editor_took_the_claim_over_says_so_and_keeps_the_text(
    client, held, colleague
):
    loaded = Verdict.objects.get(claim=held)
    taken = _taken_over_by_boss(held, colleague)
    html = _refused_save(client, held, loaded, colleague)
    assert (
        f"boss took this claim over from you at {desk_time(taken.created_at)}; it is now "
        "assigned to boss. Your text is kept below so you can copy it."
    ) in html
    assert "was changed by" not in html and "their changes" not in html
    # Everything typed is shown back: the rating, the wording and the sources.
    kept = html[html.index("data-unsaved-text") :]
    assert "Typed meanwhile." in kept
    assert f"Rating: {active_rating('false').label}" in kept
    assert "https://other.example.org/x" in kept and "Another report" in kept
    assert Verdict.objects.get(claim=held).conclusion == "The colleague's wording."


def test_a_draft_refused_after_the_claim_went_to_review_meanwhile_still_shows_the_text(
    client, held, colleague
):
    loaded = Verdict.objects.get(claim=held)
    _taken_over_by_boss(held, colleague)
    held.refresh_from_db()
    verdicts.verdict_submit(verdict=held.verdict, actor=held.assignee)
    html = _refused_save(client, held, loaded, colleague)
    assert "Your text is kept below so you can copy it." in html
    kept = html[html.index("data-unsaved-text") :]
    assert "Typed meanwhile." in kept and "https://other.example.org/x" in kept


def test_saving_a_draft_after_a_colleague_took_the_unassigned_claim_says_so(
    client, held, colleague
):
    services.claim_unassign(claim=held, actor=colleague)
    loaded = Verdict.objects.get(claim=held)
    services.claim_assign(claim=held, actor=fact_checker(username="taker"))
    taken = held.events.filter(kind=ClaimEventKind.ASSIGNED).latest("id")
    html = _refused_save(client, held, loaded, fact_checker())
    assert (
        f"taker took this claim at {desk_time(taken.created_at)}; it is now assigned to taker. "
        "Your text is kept below so you can copy it."
    ) in html


def test_saving_a_draft_the_editor_took_over_and_rewrote_says_both(client, held, colleague):
    loaded = Verdict.objects.get(claim=held)
    taken = _taken_over_by_boss(held, colleague)
    held.refresh_from_db()
    draft_resaved(
        claim=held, actor=held.assignee, expected_version=loaded.version, conclusion="Boss's."
    )
    html = _refused_save(client, held, loaded, colleague)
    assert (
        f"boss took this claim over from you at {desk_time(taken.created_at)}; it is now "
        "assigned to boss, and its verdict has changed since you opened the page. Your text is "
        "kept below so you can copy it."
    ) in html
    assert "reload to see their changes before saving yours" not in html
    assert "Typed meanwhile." in html


def test_an_unassigned_claim_s_page_says_whose_draft_it_is_and_that_saving_takes_it(
    client, held, colleague
):
    services.claim_unassign(claim=held, actor=colleague)
    client.force_login(fact_checker())
    html = client.get(reverse("claims:detail", args=[held.pk])).content.decode()
    assert "colleague last saved this draft (" in html
    assert "nobody is assigned to the claim: saving your changes assigns it to you." in html
    assert 'name="conclusion"' in html


def test_a_stale_save_of_an_unassigned_claim_s_draft_names_who_saved_it_meanwhile(
    client, held, colleague
):
    services.claim_unassign(claim=held, actor=colleague)
    loaded = Verdict.objects.get(claim=held)
    first, second = fact_checker(username="first"), fact_checker(username="second")
    client.force_login(first)
    client.post(reverse("claims:verdict_save", args=[held.pk]), verdict_post(loaded))
    client.force_login(second)
    response = client.post(
        reverse("claims:verdict_save", args=[held.pk]),
        verdict_post(loaded, conclusion="Second's wording."),
    )
    assert response.status_code == 403
    taken = held.events.filter(kind=ClaimEventKind.DRAFTED).latest("id")
    assert (
        f"first saved this verdict at {desk_time(taken.created_at)}, which assigned the claim to "
        "them. Your text is kept below so you can copy it."
    ) in response.content.decode()
    assert Verdict.objects.get(claim=held).conclusion == "Someone else's wording."


# --- The queue's bulk actions and the admin ----------------------------------------------------


def test_the_queue_s_bulk_dismissal_leaves_a_colleague_s_claim_and_says_why(client, held):
    free = ClaimFactory()
    client.force_login(fact_checker())
    response = client.post(
        reverse("claims:queue_bulk"),
        {"claims": [str(held.pk), str(free.pk)], "action": "dismiss", "reason": "Opinion."},
        follow=True,
    )
    shown = [str(message) for message in response.context["messages"]]
    assert shown == [
        "1 claim dismissed as not check-worthy.",
        f"Claim #{held.pk}: " + HELD.format(work="dismiss it"),
    ]
    held.refresh_from_db()
    free.refresh_from_db()
    assert (held.status, free.status) == (ClaimStatus.IN_PROGRESS, ClaimStatus.DISMISSED)


def test_the_queue_s_bulk_unassign_leaves_a_colleague_assigned(held, colleague):
    outcome = bulk.claims_bulk_act(claim_ids=[held.pk], action="unassign", actor=fact_checker())
    assert outcome.refused == {held.pk: HELD.format(work="unassign them")}
    held.refresh_from_db()
    assert held.assignee == colleague


def test_an_editor_s_bulk_dismissal_of_a_colleague_s_claim_is_recorded_as_an_override(held):
    outcome = bulk.claims_bulk_act(
        claim_ids=[held.pk], action="dismiss", actor=editor(), reason="Opinion."
    )
    assert outcome.done == [held.pk]
    assert held.events.get(kind=ClaimEventKind.DISMISSED).data == {"overrode_assignee": "colleague"}


def test_the_admin_shows_a_colleague_s_draft_read_only_with_why_and_refuses_a_save(client, held):
    client.force_login(fact_checker())
    url = reverse("admin:claims_verdict_change", args=[held.verdict.pk])
    page = client.get(url)
    assert page.status_code == 200
    shown = [str(message) for message in page.context["messages"]]
    assert shown == [HELD.format(work="change its verdict")]
    assert 'name="conclusion"' not in page.content.decode()
    sent = {"conclusion": "Admin overwrite.", "expected_version": held.verdict.version}
    response = client.post(url, sent | {"_save": "Save"})
    taken = held.events.filter(kind=ClaimEventKind.ASSIGNED).latest("id")
    assert response.context["adminform"].form.non_field_errors() == [
        f"colleague took this claim at {desk_time(taken.created_at)}; it is now assigned to "
        "colleague. Your text is kept below so you can copy it."
    ]
    assert Verdict.objects.get(claim=held).conclusion == "The colleague's wording."


def test_saving_in_the_admin_after_an_editor_took_the_claim_over_says_so_and_keeps_the_text(
    client, held, colleague
):
    client.force_login(colleague)
    url = reverse("admin:claims_verdict_change", args=[held.verdict.pk])
    fields = change_form_fields(client, url)  # the colleague's page, still editable
    taken = _taken_over_by_boss(held, colleague)
    response = client.post(url, fields | {"conclusion": "Typed meanwhile.", "_save": "Save"})
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        f"boss took this claim over from you at {desk_time(taken.created_at)}; it is now "
        "assigned to boss. Your text is kept below so you can copy it."
    ]
    assert 'name="conclusion" value="Typed meanwhile."' in response.content.decode()
    assert Verdict.objects.get(claim=held).conclusion == "The colleague's wording."


def test_a_take_over_between_the_admin_form_s_check_and_the_save_says_the_text_is_not_kept(
    client, held, colleague, monkeypatch
):
    # The service refuses what the form let through; the admin then draws the page afresh, so
    # "kept below" would point at text that is gone.
    client.force_login(colleague)
    url = reverse("admin:claims_verdict_change", args=[held.verdict.pk])
    fields = change_form_fields(client, url)
    checked = VerdictAdminForm.clean
    taken = []

    def clean_then_taken_over(form):
        cleaned = checked(form)
        taken.append(_taken_over_by_boss(held, colleague))
        return cleaned

    monkeypatch.setattr(VerdictAdminForm, "clean", clean_then_taken_over)
    response = client.post(url, fields | {"conclusion": "Typed meanwhile.", "_save": "Save"})
    assert response.status_code == 302 and response["Location"] == url
    page = client.get(url)
    assert [str(message) for message in page.context["messages"]] == [
        f"Nothing was saved: boss took this claim over from you at "
        f"{desk_time(taken[0].created_at)}; it is now assigned to boss. What you typed could "
        "not be kept: this page shows the verdict as it is now."
    ]
    assert "Typed meanwhile." not in page.content.decode()
    assert Verdict.objects.get(claim=held).conclusion == "The colleague's wording."


def test_a_change_of_sources_alone_after_a_take_over_is_refused_with_the_rows_kept(
    client, held, colleague
):
    client.force_login(colleague)
    url = reverse("admin:claims_verdict_change", args=[held.verdict.pk])
    fields = change_form_fields(client, url)
    taken = _taken_over_by_boss(held, colleague)
    fields |= {"sources-0-url": "https://mine.example/", "_save": "Save"}
    response = client.post(url, fields)
    assert response.context["adminform"].form.non_field_errors() == [
        f"boss took this claim over from you at {desk_time(taken.created_at)}; it is now "
        "assigned to boss. Your text is kept below so you can copy it."
    ]
    assert 'value="https://mine.example/"' in response.content.decode()
    assert kept_sources(Verdict.objects.get(claim=held))[0]["url"] != "https://mine.example/"


def test_an_editor_saves_a_colleague_s_draft_in_the_admin(client, held):
    client.force_login(editor(username="boss"))
    url = reverse("admin:claims_verdict_change", args=[held.verdict.pk])
    admin_save(client, url, conclusion="Admin rewrite.")
    verdict = Verdict.objects.get(claim=held)
    assert verdict.conclusion == "Admin rewrite."
    drafted = held.events.filter(kind=ClaimEventKind.DRAFTED).latest("id")
    assert drafted.data["overrode_assignee"] == "colleague"


def test_the_admin_s_submit_action_leaves_a_colleague_s_draft_and_says_why(client, held):
    client.force_login(fact_checker())
    response = client.post(
        reverse("admin:claims_verdict_changelist"),
        {"action": "submit_for_review", "_selected_action": [held.verdict.pk]},
        follow=True,
    )
    shown = " ".join(str(message) for message in response.context["messages"])
    assert "only they or an editor can submit its verdict for review" in shown
    assert Verdict.objects.get(claim=held).status == VerdictStatus.DRAFT


def test_the_queue_offers_no_box_to_tick_for_a_colleague_s_claim_and_says_why(client, held):
    free = ClaimFactory()
    client.force_login(fact_checker())
    html = client.get(reverse("claims:queue")).content.decode()
    assert f'value="{free.pk}" data-claim-box' in html
    assert f'value="{held.pk}" data-claim-box' not in html
    why = ownership.claims_held_from([held, free], fact_checker())
    assert why == {
        held.pk: f"Claim #{held.pk} is assigned to colleague: only they or an editor can act on it"
    }
    # The page shows the rule's words, as a label and as the box's tooltip.
    assert f'data-held-box title="{why[held.pk]}" aria-label="{why[held.pk]}"' in html


def test_the_queue_offers_an_editor_every_claim_s_box(client, held):
    client.force_login(editor())
    html = client.get(reverse("claims:queue")).content.decode()
    assert f'value="{held.pk}" data-claim-box' in html and "data-held-box" not in html


# --- The speaker, reopening, and the editor's unassign on the claim page -----------------------


def test_a_fact_checker_cannot_correct_the_speaker_of_a_colleague_s_claim(held):
    before = held.speaker_id
    with pytest.raises(PermissionDenied, match=HELD.format(work="correct its speaker")):
        attribution.claim_speaker_correct(claim=held, actor=fact_checker(), name="Someone Else")
    held.refresh_from_db()
    assert held.speaker_id == before
    assert not held.events.filter(kind=ClaimEventKind.SPEAKER_CORRECTED).exists()
    assert not Speaker.objects.filter(name="Someone Else").exists()  # rolled back with it


def test_an_editor_who_corrects_a_colleague_s_speaker_is_recorded_as_overriding_them(held):
    attribution.claim_speaker_correct(claim=held, actor=editor(), name="Someone Else")
    held.refresh_from_db()
    assert held.speaker.name == "Someone Else"
    event = held.events.get(kind=ClaimEventKind.SPEAKER_CORRECTED)
    assert event.data["overrode_assignee"] == "colleague"


def test_the_assignee_corrects_their_own_claim_s_speaker(held, colleague):
    attribution.claim_speaker_correct(claim=held, actor=colleague, name="Someone Else")
    event = held.events.get(kind=ClaimEventKind.SPEAKER_CORRECTED)
    assert "overrode_assignee" not in event.data


def test_the_claim_page_leaves_out_a_colleague_s_speaker_correction_and_says_why(client, held):
    client.force_login(fact_checker())
    html = client.get(reverse("claims:detail", args=[held.pk])).content.decode()
    assert reverse("claims:speaker", args=[held.pk]) not in html
    assert HELD.format(work="correct its speaker") in html
    client.force_login(editor())
    html = client.get(reverse("claims:detail", args=[held.pk])).content.decode()
    assert reverse("claims:speaker", args=[held.pk]) in html


def test_correcting_a_colleague_s_speaker_from_an_old_page_is_refused_with_why(client, held):
    client.force_login(fact_checker())
    response = client.post(
        reverse("claims:speaker", args=[held.pk]),
        {"name": "Someone Else", "loaded_speaker": held.speaker_id or ""},
        follow=True,
    )
    shown = [str(message) for message in response.context["messages"]]
    assert shown == [HELD.format(work="correct its speaker")]
    held.refresh_from_db()
    assert held.speaker is None or held.speaker.name != "Someone Else"


def test_the_admin_refuses_a_colleague_s_attribution_change_in_the_same_words(client, held):
    client.force_login(fact_checker())
    page = reverse("admin:claims_claim_change", args=[held.pk])
    # Posted as from a page drawn before the colleague took the claim, which had the field.
    response = admin_save(client, page, attribution_cue="claimed")
    shown = [str(message) for message in response.wsgi_request._messages]
    assert shown == ["Nothing was saved: " + HELD.format(work="correct its speaker")]
    held.refresh_from_db()
    assert held.attribution_cue != "claimed"


def test_the_admin_shows_a_colleague_s_speaker_fields_read_only_saying_whose_claim_it_is(
    client, held
):
    client.force_login(fact_checker())
    page = reverse("admin:claims_claim_change", args=[held.pk])
    response = client.get(page)
    html = response.content.decode()
    for name in ("speaker", "attribution_cue", "is_direct_quote"):
        assert f'name="{name}"' not in html
    assert 'name="priority"' in html  # not the assignee's work: still editable
    shown = [str(message) for message in response.context["messages"]]
    assert shown == [HELD.format(work="correct its speaker")]
    # Saved from that page, the rest goes through and the attribution stays as it was.
    cue = held.attribution_cue
    response = admin_save(client, page, priority="3")
    assert response.status_code == 302
    held.refresh_from_db()
    assert (held.priority, held.attribution_cue) == (3, cue)


def test_the_admin_offers_an_editor_and_the_assignee_the_speaker_fields(client, held, colleague):
    page = reverse("admin:claims_claim_change", args=[held.pk])
    for user in (editor(), colleague):
        client.force_login(user)
        response = client.get(page)
        assert 'name="attribution_cue"' in response.content.decode()
        assert not list(response.context["messages"])


@pytest.fixture
def dismissed(held, colleague):
    """The colleague's claim, dismissed by them and still assigned to them."""
    services.claim_dismiss(claim=held, actor=colleague, reason="Opinion.")
    held.refresh_from_db()
    return held


def test_a_fact_checker_cannot_reopen_a_colleague_s_dismissed_claim(dismissed, colleague):
    with pytest.raises(PermissionDenied, match=HELD.format(work="reopen it")):
        services.claim_reopen(claim=dismissed, actor=fact_checker())
    dismissed.refresh_from_db()
    assert dismissed.status == ClaimStatus.DISMISSED and dismissed.dismissal_reason == "Opinion."
    services.claim_reopen(claim=dismissed, actor=colleague)
    dismissed.refresh_from_db()
    assert dismissed.status == ClaimStatus.IN_PROGRESS


def test_an_editor_who_reopens_a_colleague_s_dismissed_claim_is_recorded_as_overriding_them(
    dismissed,
):
    services.claim_reopen(claim=dismissed, actor=editor())
    dismissed.refresh_from_db()
    assert dismissed.status == ClaimStatus.IN_PROGRESS
    event = dismissed.events.get(kind=ClaimEventKind.REOPENED)
    assert event.data == {"overrode_assignee": "colleague"}


REOPEN_OVERRIDE = (
    "colleague holds this claim. Reopening it as an editor brings it back in progress, still "
    "assigned to colleague; the history records that you overrode their assignment."
)


def test_an_editor_is_told_before_reopening_a_colleague_s_claim_and_the_history_says_so(
    client, dismissed
):
    client.force_login(editor(username="boss"))
    page = reverse("claims:detail", args=[dismissed.pk])
    html = client.get(page).content.decode()
    reopen = html[html.index(f'action="{reverse("claims:reopen", args=[dismissed.pk])}"') :]
    reopen = reopen[: reopen.index("</form>")]
    assert REOPEN_OVERRIDE in reopen  # on the form, before the button is pressed
    assert 'aria-describedby="reopen-override"' in reopen
    response = client.post(reverse("claims:reopen", args=[dismissed.pk]), follow=True)
    assert [str(message) for message in response.context["messages"]] == [
        "The claim is back in the queue."
    ]
    dismissed.refresh_from_db()
    assert (dismissed.status, dismissed.assignee.username) == (ClaimStatus.IN_PROGRESS, "colleague")
    assert "editor&#x27;s override of the claim assigned to: colleague" in response.content.decode()


def test_the_assignee_reopening_their_own_claim_is_told_of_no_override(
    client, dismissed, colleague
):
    client.force_login(colleague)
    html = client.get(reverse("claims:detail", args=[dismissed.pk])).content.decode()
    assert reverse("claims:reopen", args=[dismissed.pk]) in html
    assert "overrode their assignment" not in html


def test_an_unassigned_dismissed_claim_is_anyone_s_to_reopen(held, colleague):
    services.claim_unassign(claim=held, actor=colleague)
    services.claim_dismiss(claim=held, actor=colleague, reason="Opinion.")
    services.claim_reopen(claim=held, actor=fact_checker())
    held.refresh_from_db()
    assert held.status == ClaimStatus.IN_PROGRESS  # its draft is kept


def test_the_claim_page_leaves_out_reopen_on_a_colleague_s_dismissed_claim_and_says_why(
    client, dismissed
):
    client.force_login(fact_checker())
    html = client.get(reverse("claims:detail", args=[dismissed.pk])).content.decode()
    assert reverse("claims:reopen", args=[dismissed.pk]) not in html
    assert HELD.format(work="reopen it") in html
    response = client.post(reverse("claims:reopen", args=[dismissed.pk]), follow=True)
    shown = [str(message) for message in response.context["messages"]]
    assert shown == [HELD.format(work="reopen it")]
    client.force_login(editor())
    html = client.get(reverse("claims:detail", args=[dismissed.pk])).content.decode()
    assert reverse("claims:reopen", args=[dismissed.pk]) in html


def test_an_editor_unassigns_a_colleague_from_the_claim_page_as_an_override(client, held):
    client.force_login(editor(username="boss"))
    html = client.get(reverse("claims:detail", args=[held.pk])).content.decode()
    assert "Unassign colleague</button>" in html
    response = client.post(
        reverse("claims:unassign", args=[held.pk]),
        {"unassigning": str(held.assignee_id)},
        follow=True,
    )
    assert [str(message) for message in response.context["messages"]] == [
        "The claim is unassigned."
    ]
    held.refresh_from_db()
    assert held.assignee is None
    event = held.events.get(kind=ClaimEventKind.UNASSIGNED)
    assert event.actor.username == "boss"
    assert event.data == {"previous_assignee": "colleague", "overrode_assignee": "colleague"}


def test_a_fact_checker_gets_no_unassign_button_on_a_colleague_s_claim(client, held):
    client.force_login(fact_checker())
    html = client.get(reverse("claims:detail", args=[held.pk])).content.decode()
    assert "Unassign colleague" not in html
    assert reverse("claims:unassign", args=[held.pk]) not in html


def test_an_editor_s_unassign_from_a_page_drawn_before_someone_else_took_the_claim_is_refused(
    client, held
):
    client.force_login(editor(username="boss"))
    drawn_for = held.assignee_id
    services.claim_assign(
        claim=held, actor=editor(), assignee=fact_checker(username="newcomer"), replacing=drawn_for
    )
    response = client.post(
        reverse("claims:unassign", args=[held.pk]), {"unassigning": str(drawn_for)}, follow=True
    )
    shown = [str(message) for message in response.context["messages"]]
    assert shown == ["newcomer is working on this claim now: open it again to unassign them."]
    held.refresh_from_db()
    assert held.assignee.username == "newcomer"
