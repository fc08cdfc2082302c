"""Every desk form that takes text refuses a field whose bytes are not UTF-8 and saves nothing,
instead of storing the replacement marks Django would decode them to."""

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from claims.matching import applications, group_changes
from claims.models import Claim, ClaimNote, ClaimStatus, Speaker, SpeakerMerge
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    SpeakerFactory,
    fact_checker,
    published_verdict,
)
from tests.multipart import CONTENT_TYPE, multipart_body

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

DAMAGED = "arrived damaged (it is not valid UTF-8"


def post_damaged(client, url, fields: dict, damaged: str, **kwargs):
    """POST `fields` with the field `damaged` sent as a byte that is no UTF-8."""
    body = urlencode(fields).encode() + f"&{damaged}=".encode() + b"caf%E9"
    return client.post(url, body, content_type="application/x-www-form-urlencoded", **kwargs)


def test_a_dismissal_whose_reason_arrived_damaged_is_refused_beside_the_field(client, checker):
    claim = ClaimFactory()
    response = post_damaged(client, reverse("claims:dismiss", args=[claim.pk]), {}, "reason")
    assert response.status_code == 400
    assert f"This text {DAMAGED}" in response.content.decode()
    assert Claim.objects.get(pk=claim.pk).status != ClaimStatus.DISMISSED


def test_a_note_whose_text_arrived_damaged_is_refused_and_not_saved(client, checker):
    claim = ClaimFactory()
    response = post_damaged(
        client, reverse("claims:note_add", args=[claim.pk]), {"link": ""}, "text"
    )
    assert response.status_code == 400
    assert DAMAGED in " ".join(response.context["note_form"].errors["text"])
    assert not ClaimNote.objects.exists()


def test_a_speaker_correction_on_the_claim_page_that_arrived_damaged_changes_nothing(
    client, checker
):
    claim = ClaimFactory()
    speaker_before = claim.speaker_id
    response = post_damaged(
        client, reverse("claims:speaker", args=[claim.pk]), {"role": "Mayor"}, "name"
    )
    assert response.status_code == 400
    assert DAMAGED in " ".join(response.context["speaker_form"].errors["name"])
    assert Claim.objects.get(pk=claim.pk).speaker_id == speaker_before


def test_a_speaker_edit_that_arrived_damaged_names_the_field_and_changes_nothing(client, boss):
    speaker = SpeakerFactory(name="Ann Exampel", role="Mayor")
    response = post_damaged(
        client,
        reverse("claims:speaker_edit", args=[speaker.slug]),
        {"name": "Ann Example"},
        "role",
    )
    assert response.status_code == 400
    assert f"This text {DAMAGED}" in " ".join(response.context["edit_form"].errors["role"])
    assert Speaker.objects.get(pk=speaker.pk).name == "Ann Exampel"


def test_a_speaker_merge_whose_note_arrived_damaged_merges_nothing(client, boss):
    source, target = SpeakerFactory(name="A. Example"), SpeakerFactory(name="Ann Example")
    response = post_damaged(
        client,
        reverse("claims:speaker_merge", args=[source.slug]),
        {"target": target.slug},
        "correction_note",
        follow=True,
    )
    assert f"The correction note: this text {DAMAGED}" in response.content.decode()
    assert not SpeakerMerge.objects.exists()
    assert Speaker.objects.filter(pk=source.pk).exists()


def test_a_bulk_dismissal_whose_reason_arrived_damaged_dismisses_nothing_and_keeps_no_marks(
    client, checker
):
    claim = ClaimFactory()
    response = post_damaged(
        client,
        reverse("claims:queue_bulk"),
        {"claims": claim.pk, "action": "dismiss"},
        "reason",
        follow=True,
    )
    page = response.content.decode()
    assert f"this text {DAMAGED}" in page
    assert "\ufffd" not in page
    assert Claim.objects.get(pk=claim.pk).status != ClaimStatus.DISMISSED


def test_a_match_rejection_whose_note_arrived_damaged_leaves_the_request_pending(client, boss):
    verdict = published_verdict()
    repeat = ClaimFactory(article=ArticleFactory())
    group_changes.claim_group_link(claim=repeat, earlier=verdict.claim)
    application = applications.verdict_application_request(
        claim=repeat, checked=verdict.claim, actor=fact_checker()
    )
    response = post_damaged(
        client,
        reverse("claims:application_reject", args=[application.pk]),
        {},
        "note",
        follow=True,
    )
    assert f"Why it does not cover this claim: this text {DAMAGED}" in response.content.decode()
    application.refresh_from_db()
    assert application.status == "pending"


def test_a_note_sent_as_multipart_whose_text_arrived_damaged_is_refused_with_the_link_kept(
    client, checker
):
    claim = ClaimFactory()
    response = client.post(
        reverse("claims:note_add", args=[claim.pk]),
        multipart_body({"link": "https://example.org/source", "text": b"caf\xe9"}),
        content_type=CONTENT_TYPE,
    )
    assert response.status_code == 400
    form = response.context["note_form"]
    assert DAMAGED in " ".join(form.errors["text"])
    assert form["link"].value() == "https://example.org/source"
    assert not ClaimNote.objects.exists()


def test_a_replacement_character_sent_as_utf8_in_a_multipart_note_is_text_and_is_saved(
    client, checker
):
    claim = ClaimFactory()
    response = client.post(
        reverse("claims:note_add", args=[claim.pk]),
        multipart_body({"link": "", "text": "The source prints \ufffd for the euro sign."}),
        content_type=CONTENT_TYPE,
    )
    assert response.status_code == 302
    assert ClaimNote.objects.get().text == "The source prints \ufffd for the euro sign."
