"""A correction of a published verdict is written by one person and published by an editor who
wrote none of the verdict (claims.correction_requests): nothing of it is public before, and each
step is on the claim's timeline."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from claims import correction_requests
from claims.models import (
    ApplicationStatus,
    ClaimEvent,
    ClaimEventKind,
    Correction,
    CorrectionRequest,
    Rating,
    Verdict,
)
from claims.workflow import NothingChanged
from tests.factories import (
    UserFactory,
    active_rating,
    correction_sent,
    editor,
    fact_checker,
    published_verdict,
    verdict_corrected,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


def test_a_sent_correction_changes_nothing_public_until_an_editor_publishes_it():
    verdict = published_verdict()
    writer = fact_checker()
    sent = correction_sent(verdict, writer=writer, rating=active_rating("true"))
    kept = Verdict.objects.get(pk=verdict.pk)
    assert (kept.version, kept.rating_id) == (verdict.version, verdict.rating_id)
    assert not Correction.objects.exists()
    assert sent.status == ApplicationStatus.PENDING
    event = ClaimEvent.objects.get(kind=ClaimEventKind.CORRECTION_REQUESTED)
    assert event.actor == writer
    assert event.data["rating"] == {"from": verdict.rating.label, "to": "True"}
    publisher = editor()
    correction = correction_requests.correction_approve(correction=sent, editor=publisher)
    corrected = Verdict.objects.get(pk=verdict.pk)
    assert corrected.rating.slug == "true"
    assert corrected.version == verdict.version + 1
    assert (correction.created_by, correction.approved_by) == (writer, publisher)
    sent.refresh_from_db()
    assert (sent.status, sent.correction, sent.decided_by) == (
        ApplicationStatus.APPROVED,
        correction,
        publisher,
    )
    published = ClaimEvent.objects.get(kind=ClaimEventKind.CORRECTED)
    assert published.actor == publisher
    assert published.data["proposed_by"] == writer.get_username()


def test_nobody_publishes_a_correction_they_wrote():
    verdict = published_verdict()
    writer = editor()
    sent = correction_sent(verdict, writer=writer, conclusion="Corrected wording.")
    with pytest.raises(PermissionDenied, match="You wrote this correction"):
        correction_requests.correction_approve(correction=sent, editor=writer)
    assert not Correction.objects.exists()


def test_the_verdicts_draft_author_may_write_a_correction_but_not_publish_one():
    verdict = published_verdict()
    author = verdict.author
    sent = correction_sent(verdict, writer=author, conclusion="The author's own fix.")
    assert sent.proposed_by == author
    draft_editor = editor()
    verdict2 = published_verdict(author=draft_editor)
    sent2 = correction_sent(verdict2, conclusion="Someone else's fix.")
    with pytest.raises(PermissionDenied, match="before it was published"):
        correction_requests.correction_approve(correction=sent2, editor=draft_editor)


def test_whoever_wrote_an_earlier_correction_does_not_publish_the_next_one():
    verdict = published_verdict()
    first_writer = editor()
    verdict_corrected(verdict, writer=first_writer, conclusion="First fix.")
    verdict.refresh_from_db()
    sent = correction_sent(verdict, conclusion="Second fix.")
    with pytest.raises(PermissionDenied, match="an earlier correction"):
        correction_requests.correction_approve(correction=sent, editor=first_writer)


def test_one_correction_waits_at_a_time_and_the_same_one_sent_twice_is_said_so():
    verdict = published_verdict()
    writer = fact_checker()
    sent = correction_sent(verdict, writer=writer, conclusion="Fixed.")
    with pytest.raises(NothingChanged, match="Already done: you sent this correction"):
        correction_sent(verdict, writer=writer, conclusion="Fixed.")
    with pytest.raises(ValidationError, match="waits for an editor already"):
        correction_sent(verdict, conclusion="Another fix.")
    assert CorrectionRequest.objects.get() == sent


def test_a_correction_that_changes_nothing_is_refused_when_written():
    verdict = published_verdict()
    with pytest.raises(ValidationError, match="This correction changes nothing"):
        correction_sent(verdict)
    assert not CorrectionRequest.objects.exists()


def test_a_correction_written_on_what_the_verdict_no_longer_says_is_not_published_over_it():
    verdict = published_verdict()
    stale = correction_sent(verdict, writer=fact_checker(), conclusion="A fix of the old text.")
    # Another correction published meanwhile (the first is withdrawn so a second may wait).
    correction_requests.correction_withdraw(correction=stale, actor=stale.proposed_by)
    verdict_corrected(verdict, conclusion="Published in between.")
    CorrectionRequest.objects.filter(pk=stale.pk).update(status=ApplicationStatus.PENDING)
    with pytest.raises(ValidationError, match="changed after this correction was written"):
        correction_requests.correction_approve(correction=stale, editor=editor())
    assert Verdict.objects.get(pk=verdict.pk).conclusion == "Published in between."


def test_rejected_with_a_reason_or_withdrawn_by_its_writer_and_nobody_else():
    verdict = published_verdict()
    writer = fact_checker()
    sent = correction_sent(verdict, writer=writer, conclusion="Fixed.")
    with pytest.raises(PermissionDenied, match="Only whoever wrote a correction withdraws it"):
        correction_requests.correction_withdraw(correction=sent, actor=editor())
    with pytest.raises(ValidationError, match="Say why the correction is not published"):
        correction_requests.correction_reject(correction=sent, editor=editor(), note="  ")
    with pytest.raises(PermissionDenied, match="Only editors reject corrections"):
        correction_requests.correction_reject(correction=sent, editor=writer, note="No.")
    reviewer = editor()
    correction_requests.correction_reject(
        correction=sent, editor=reviewer, note="The table is right."
    )
    sent.refresh_from_db()
    assert (sent.status, sent.decision_note) == (ApplicationStatus.REJECTED, "The table is right.")
    event = ClaimEvent.objects.get(kind=ClaimEventKind.CORRECTION_REJECTED)
    assert (event.actor, event.note) == (reviewer, "The table is right.")
    with pytest.raises(NothingChanged, match="Already done: you rejected this correction"):
        correction_requests.correction_reject(correction=sent, editor=reviewer, note="Again.")
    refused = f"{reviewer.get_username()} rejected this correction at .*: nothing to publish"
    with pytest.raises(ValidationError, match=refused):
        correction_requests.correction_approve(correction=sent, editor=editor())
    # Decided, the verdict takes a new correction.
    again = correction_sent(verdict, writer=writer, conclusion="Fixed, again.")
    correction_requests.correction_withdraw(correction=again, actor=writer)
    assert ClaimEvent.objects.filter(kind=ClaimEventKind.CORRECTION_WITHDRAWN).count() == 1


def test_only_people_who_write_verdicts_write_corrections():
    verdict = published_verdict()
    with pytest.raises(PermissionDenied, match="Only fact-checkers and editors write"):
        correction_sent(verdict, writer=UserFactory(), conclusion="Fixed.")


def login(client, user):
    client.force_login(user)


def correction_post(verdict, **fields) -> dict:
    data = {
        "correct-version": verdict.version,
        "correct-rating": fields.get("rating", verdict.rating_id),
        "correct-conclusion": fields.get("conclusion", verdict.conclusion),
        "correct-explanation": verdict.explanation,
        "correct-note": fields.get("note", "We misread the table."),
        "correct-sources-TOTAL_FORMS": "1",
        "correct-sources-INITIAL_FORMS": "0",
    }
    source = verdict.sources.first()
    data.update({"correct-sources-0-url": source.url, "correct-sources-0-title": source.title})
    return data


def test_the_claim_page_sends_shows_and_publishes_a_correction(client):
    verdict = published_verdict()
    writer = fact_checker()
    login(client, writer)
    url = reverse("claims:correct", args=[verdict.claim_id])
    response = client.post(url, correction_post(verdict, conclusion="Fixed on the desk."))
    assert response.status_code == 302
    page = client.get(reverse("claims:detail", args=[verdict.claim_id]))
    body = page.content.decode()
    assert "A correction awaits an editor" in body
    assert "Fixed on the desk." in body
    assert "Withdraw my correction" in body
    assert 'name="correct-note"' not in body  # one waits: no second form
    public = client.get(reverse("claims:public", args=[verdict.pk])).content.decode()
    assert "Fixed on the desk." not in public
    client.logout()
    publisher = editor()
    login(client, publisher)
    body = client.get(reverse("claims:review_queue")).content.decode()
    sent = CorrectionRequest.objects.get()
    assert f'data-correction="{sent.pk}"' in body
    body = client.get(reverse("claims:detail", args=[verdict.claim_id])).content.decode()
    assert "Publish the correction" in body
    response = client.post(reverse("claims:correction_approve", args=[sent.pk]))
    assert response.status_code == 302
    assert Verdict.objects.get(pk=verdict.pk).conclusion == "Fixed on the desk."
    public = client.get(reverse("claims:public", args=[verdict.pk])).content.decode()
    assert "Fixed on the desk." in public
    body = client.get(reverse("claims:detail", args=[verdict.claim_id])).content.decode()
    assert f"written by {writer.get_username()}, published by {publisher.get_username()}" in body
    history = client.get(reverse("claims:history", args=[verdict.claim_id])).content.decode()
    assert "Correction proposed" in history and "Correction published" in history
    assert "asked by" in history  # who wrote it, on the publication's entry
    assert f">{sent.pk}<" not in history  # the request's row id means nothing to a reader


def test_an_editor_who_may_not_publish_it_is_told_why_instead_of_a_button(client):
    verdict = published_verdict()
    writer = editor()
    correction_sent(verdict, writer=writer, conclusion="Fixed.")
    login(client, verdict.author)
    body = client.get(reverse("claims:detail", args=[verdict.claim_id])).content.decode()
    assert "Publish the correction" not in body
    client.logout()
    login(client, writer)
    body = client.get(reverse("claims:detail", args=[verdict.claim_id])).content.decode()
    assert "Publish the correction" not in body
    assert "Withdraw my correction" in body


def test_a_forged_approval_by_its_writer_publishes_nothing(client):
    verdict = published_verdict()
    writer = editor()
    sent = correction_sent(verdict, writer=writer, conclusion="Fixed.")
    login(client, writer)
    response = client.post(reverse("claims:correction_approve", args=[sent.pk]), follow=True)
    assert "You wrote this correction: another editor publishes it." in response.content.decode()
    assert not Correction.objects.exists()


def test_fact_checkers_may_not_approve_or_reject(client):
    verdict = published_verdict()
    sent = correction_sent(verdict, conclusion="Fixed.")
    login(client, fact_checker())
    for name in ("correction_approve", "correction_reject"):
        response = client.post(reverse(f"claims:{name}", args=[sent.pk]), {"note": "No."})
        assert response.status_code == 403
    assert CorrectionRequest.objects.get().status == ApplicationStatus.PENDING


def test_a_correction_whose_rating_scale_was_retired_since_it_was_written_is_not_published():
    verdict = published_verdict()
    retired = active_rating("true")
    sent = correction_sent(verdict, writer=fact_checker(), rating=retired)
    retired.scale.is_active = False
    retired.scale.save()
    with pytest.raises(ValidationError, match="can no longer be published as written"):
        correction_requests.correction_approve(correction=sent, editor=editor())
    assert Verdict.objects.get(pk=verdict.pk).rating_id == verdict.rating_id
    assert not Correction.objects.exists()
    assert CorrectionRequest.objects.get().status == ApplicationStatus.PENDING


def test_the_admins_verdict_page_names_who_published_each_correction(client):
    verdict = published_verdict()
    verdict_corrected(verdict, publisher=editor(username="first-publisher"), conclusion="One.")
    verdict.refresh_from_db()
    verdict_corrected(verdict, publisher=editor(username="second-publisher"), conclusion="Two.")
    client.force_login(UserFactory(is_superuser=True))  # the one who sees corrections there
    page = client.get(reverse("admin:claims_verdict_change", args=[verdict.pk]))
    assert "first-publisher" in page.content.decode()


def test_whoever_wrote_the_verdict_does_not_reject_its_corrections_either(client):
    draft_editor = editor()
    verdict = published_verdict(author=draft_editor)
    sent = correction_sent(verdict, writer=fact_checker(), conclusion="Someone else's fix.")
    with pytest.raises(PermissionDenied, match="before it was published"):
        correction_requests.correction_reject(
            correction=sent, editor=draft_editor, note="My verdict was right."
        )
    assert CorrectionRequest.objects.get().status == ApplicationStatus.PENDING
    login(client, draft_editor)
    body = client.get(reverse("claims:detail", args=[verdict.claim_id])).content.decode()
    assert "before it was published" in body
    assert 'name="note" required' not in body  # no Reject form to press for nothing


def test_the_claim_page_offers_no_publish_button_for_a_correction_of_a_retired_scale(client):
    verdict = published_verdict()
    retired = active_rating("true")
    correction_sent(verdict, writer=fact_checker(), rating=retired)
    retired.scale.is_active = False
    retired.scale.save()
    login(client, editor())
    body = client.get(reverse("claims:detail", args=[verdict.claim_id])).content.decode()
    assert "Publish the correction" not in body
    assert "This correction can no longer be published as written" in body
    assert "Choose a rating from the active scale." in body
    assert 'name="note" required' in body  # the editor rejects it instead


def test_the_claim_page_offers_no_publish_button_for_a_correction_of_an_older_wording(client):
    verdict = published_verdict()
    stale = correction_sent(verdict, writer=fact_checker(), conclusion="A fix of the old text.")
    correction_requests.correction_withdraw(correction=stale, actor=stale.proposed_by)
    verdict_corrected(verdict, conclusion="Published in between.")
    CorrectionRequest.objects.filter(pk=stale.pk).update(status=ApplicationStatus.PENDING)
    login(client, editor())
    body = client.get(reverse("claims:detail", args=[verdict.claim_id])).content.decode()
    assert "Publish the correction" not in body
    assert "The published verdict changed after this correction was written" in body
    assert 'name="note" required' in body


def test_a_rating_label_renamed_since_the_correction_was_written_does_not_make_it_stale(client):
    verdict = published_verdict()
    sent = correction_sent(verdict, writer=fact_checker(), conclusion="Only the wording.")
    Rating.objects.filter(pk=verdict.rating_id).update(label="Untrue")
    publisher = editor()
    login(client, publisher)
    body = client.get(reverse("claims:detail", args=[verdict.claim_id])).content.decode()
    assert "<dt>Rating</dt>" not in body  # the correction keeps the rating, renamed or not
    assert "Publish the correction" in body
    correction_requests.correction_approve(correction=sent, editor=publisher)
    assert Verdict.objects.get(pk=verdict.pk).conclusion == "Only the wording."


def test_another_rating_of_the_same_label_since_the_correction_was_written_makes_it_stale():
    verdict = published_verdict()
    stale = correction_sent(verdict, writer=fact_checker(), conclusion="A fix of the old text.")
    correction_requests.correction_withdraw(correction=stale, actor=stale.proposed_by)
    rerated = active_rating("mostly-false")
    verdict_corrected(verdict, rating=rerated)
    Rating.objects.filter(pk=rerated.pk).update(label=verdict.rating.label)
    CorrectionRequest.objects.filter(pk=stale.pk).update(status=ApplicationStatus.PENDING)
    with pytest.raises(ValidationError, match="changed after this correction was written"):
        correction_requests.correction_approve(correction=stale, editor=editor())
    assert Verdict.objects.get(pk=verdict.pk).rating_id == rerated.pk


def test_a_correction_to_another_rating_of_the_same_label_names_the_rating_change():
    verdict = published_verdict()
    other = active_rating("mostly-false")
    Rating.objects.filter(pk=other.pk).update(label=verdict.rating.label)
    other.refresh_from_db()
    correction_sent(verdict, writer=fact_checker(), rating=other)
    event = ClaimEvent.objects.get(kind=ClaimEventKind.CORRECTION_REQUESTED)
    assert event.data["rating"] == {"from": verdict.rating.label, "to": other.label}


def test_a_correction_written_before_rating_ids_were_kept_is_compared_by_its_label():
    verdict = published_verdict()
    sent = correction_sent(verdict, writer=fact_checker(), conclusion="Only the wording.")
    based_on = {key: value for key, value in sent.based_on.items() if key != "rating_id"}
    CorrectionRequest.objects.filter(pk=sent.pk).update(based_on=based_on)
    sent.refresh_from_db()
    assert not sent.rating_changed
    correction_requests.correction_approve(correction=sent, editor=editor())
    assert Verdict.objects.get(pk=verdict.pk).conclusion == "Only the wording."


def test_a_writer_who_no_longer_writes_verdicts_still_withdraws_their_own_correction(client):
    from django.contrib.auth.models import Permission

    verdict = published_verdict()
    writer = fact_checker()
    sent = correction_sent(verdict, writer=writer, conclusion="Fixed.")
    # Moved off the verdicts, still reading the desk.
    writer.groups.clear()
    writer.user_permissions.add(Permission.objects.get(codename="view_claim"))
    login(client, writer)
    body = client.get(reverse("claims:detail", args=[verdict.claim_id])).content.decode()
    assert "Withdraw my correction" in body
    response = client.post(reverse("claims:correction_withdraw", args=[sent.pk]), follow=True)
    assert "Your correction is withdrawn." in response.content.decode()
    assert CorrectionRequest.objects.get().status == ApplicationStatus.WITHDRAWN


def test_a_writer_with_no_desk_role_left_withdraws_their_own_correction_and_nobody_elses(client):
    verdict = published_verdict()
    writer, colleague = fact_checker(), fact_checker()
    sent = correction_sent(verdict, writer=writer, conclusion="Fixed.")
    for user in (writer, colleague):
        user.groups.clear()
    login(client, colleague)
    response = client.post(reverse("claims:correction_withdraw", args=[sent.pk]))
    assert response.status_code == 403
    assert CorrectionRequest.objects.get().status == ApplicationStatus.PENDING
    login(client, writer)
    client.post(reverse("claims:correction_withdraw", args=[sent.pk]))
    assert CorrectionRequest.objects.get().status == ApplicationStatus.WITHDRAWN


def test_a_writer_with_no_desk_role_left_is_sent_to_the_public_page_once_withdrawn(client):
    verdict = published_verdict()
    writer = fact_checker()
    sent = correction_sent(verdict, writer=writer, conclusion="Fixed.")
    writer.groups.clear()  # off the desk: the claim page is a 403 now
    login(client, writer)
    response = client.post(reverse("claims:correction_withdraw", args=[sent.pk]), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain == [(reverse("claims:public", args=[verdict.pk]), 302)]
    assert [str(m) for m in response.context["messages"]] == ["Your correction is withdrawn."]
    assert CorrectionRequest.objects.get().status == ApplicationStatus.WITHDRAWN


def test_a_writer_off_the_desk_is_sent_to_the_public_page_even_from_the_review_queue(client):
    verdict = published_verdict()
    writer = fact_checker()
    sent = correction_sent(verdict, writer=writer, conclusion="Fixed.")
    writer.groups.clear()  # the review queue is a 403 for them too
    login(client, writer)
    url = reverse("claims:correction_withdraw", args=[sent.pk])
    response = client.post(url, {"next": "review"})
    assert response["Location"] == reverse("claims:public", args=[verdict.pk])


def test_a_second_correction_is_refused_saying_the_waiting_one_is_your_own(client):
    verdict = published_verdict()
    writer = fact_checker()
    correction_sent(verdict, writer=writer, conclusion="Fixed.")
    login(client, writer)
    url = reverse("claims:correct", args=[verdict.claim_id])
    body = client.post(url, correction_post(verdict, conclusion="Fixed better.")).content.decode()
    assert "Your own correction of this verdict, sent at" in body
    assert "withdraw it on the claim page to send this one instead" in body
    assert CorrectionRequest.objects.get().conclusion == "Fixed."


def test_a_second_correction_is_refused_naming_the_colleague_whose_correction_waits():
    verdict = published_verdict()
    colleague = fact_checker(username="colleague-writer")
    correction_sent(verdict, writer=colleague, conclusion="Fixed.")
    with pytest.raises(ValidationError) as refused:
        correction_sent(verdict, writer=fact_checker(), conclusion="Fixed otherwise.")
    [message] = refused.value.messages
    assert message.startswith("colleague-writer's correction of this verdict, sent at")
    assert "withdraw" not in message


def test_a_correction_waiting_through_a_speaker_merge_and_its_undo_publishes_as_written(client):
    from claims import services
    from claims.models import Claim
    from claims.speaker_merges import speaker_merge, speaker_merge_undo
    from tests.factories import ClaimFactory

    full = services.speaker_resolve(name="Antony Blinken")
    short = services.speaker_resolve(name="Blinken", role="Secretary of State")
    verdict = published_verdict(claim=ClaimFactory(speaker=short))
    writer = fact_checker()
    sent = correction_sent(verdict, writer=writer, conclusion="Fixed while the merge stood.")
    boss = editor()
    merge = speaker_merge(
        source=short, target=full, actor=boss, correction_note="The same man, named once."
    )
    undone = speaker_merge_undo(merge=merge, actor=boss)
    # Published, the claim stays with the speaker it is published under now.
    assert undone.kept == [verdict.claim_id]
    assert Claim.objects.get(pk=verdict.claim_id).speaker == full
    sent.refresh_from_db()
    # The merge's editor corrected who said it: another editor decides on this correction.
    with pytest.raises(PermissionDenied, match="a change of who said the claim"):
        correction_requests.correction_approve(correction=sent, editor=boss)
    publisher = editor()
    login(client, publisher)
    body = client.get(reverse("claims:detail", args=[verdict.claim_id])).content.decode()
    assert "Publish the correction" in body  # neither the merge nor its undo made it stale
    correction = correction_requests.correction_approve(correction=sent, editor=publisher)
    corrected = Verdict.objects.get(pk=verdict.pk)
    assert corrected.conclusion == "Fixed while the merge stood."
    assert corrected.version == verdict.version + 2  # the merge's correction, then this one
    assert (correction.created_by, correction.approved_by) == (writer, publisher)
    assert correction.previous["conclusion"] == verdict.conclusion
    assert Claim.objects.get(pk=verdict.claim_id).speaker == full
    assert list(corrected.corrections.values_list("note", flat=True)) == [
        "The same man, named once.",
        "We misread the table.",
    ]
