"""The claim page's speaker correction from a page drawn before someone else changed the
claim's speaker: refused with who and when, never saved over theirs; the same form sent twice
says it was saved."""

import pytest
from django.urls import reverse

from claims import attribution
from claims.models import ClaimEventKind
from claims.workflow import NothingChanged, VersionConflict
from tests.factories import ClaimFactory, SpeakerFactory, fact_checker

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


def corrections_of(claim):
    return claim.events.filter(kind=ClaimEventKind.SPEAKER_CORRECTED).count()


def test_the_claim_page_carries_the_speaker_it_showed(client, checker):
    speaker = SpeakerFactory(name="Ada Lovelace")
    claim = ClaimFactory(speaker=speaker)
    html = client.get(reverse("claims:detail", args=[claim.pk])).content.decode()
    assert f'name="loaded_speaker" value="{speaker.pk}"' in html


def test_a_correction_drawn_before_a_colleague_s_is_refused_with_their_name(client, checker):
    shown = SpeakerFactory(name="Ada Lovelace")
    claim = ClaimFactory(speaker=shown)
    attribution.claim_speaker_correct(
        claim=claim, actor=fact_checker(username="colleague"), name="Grace Hopper"
    )
    response = client.post(
        reverse("claims:speaker", args=[claim.pk]),
        {"loaded_speaker": str(shown.pk), "name": "Mary Somerville"},
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "This claim&#x27;s speaker was changed by colleague at " in html
    assert "(now Grace Hopper) — reload to see it before you correct it again." in html
    assert 'value="Mary Somerville"' in html  # the form as typed
    claim.refresh_from_db()
    assert claim.speaker.name == "Grace Hopper" and corrections_of(claim) == 1


def test_the_same_correction_sent_twice_says_it_was_saved(client, checker):
    shown = SpeakerFactory(name="Ada Lovelace")
    claim = ClaimFactory(speaker=shown)
    url = reverse("claims:speaker", args=[claim.pk])
    sent = {"loaded_speaker": str(shown.pk), "name": "Grace Hopper"}
    client.post(url, sent, follow=True)
    response = client.post(url, sent, follow=True)
    shown_messages = [str(message) for message in response.context["messages"]]
    assert len(shown_messages) == 1
    assert shown_messages[0].startswith("Nothing changed: you set the speaker to Grace Hopper at ")
    assert shown_messages[0].endswith(", in another tab or by sending the form twice.")
    assert corrections_of(claim) == 1


def test_an_older_tab_of_one_s_own_with_another_speaker_names_you(checker):
    claim = ClaimFactory(speaker=None)
    attribution.claim_speaker_correct(claim=claim, actor=checker, name="Grace Hopper")
    with pytest.raises(VersionConflict, match="You changed this claim's speaker at "):
        attribution.claim_speaker_correct(
            claim=claim, actor=checker, name="Mary Somerville", loaded_speaker=""
        )
    claim.refresh_from_db()
    assert claim.speaker.name == "Grace Hopper"


def test_a_correction_from_a_page_that_is_current_goes_through(checker):
    shown = SpeakerFactory(name="Ada Lovelace")
    claim = ClaimFactory(speaker=shown)
    attribution.claim_speaker_correct(
        claim=claim, actor=checker, name="Grace Hopper", loaded_speaker=str(shown.pk)
    )
    claim.refresh_from_db()
    assert claim.speaker.name == "Grace Hopper"
    with pytest.raises(NothingChanged, match="is the speaker already"):
        attribution.claim_speaker_correct(
            claim=claim, actor=checker, name="Grace Hopper", loaded_speaker=str(claim.speaker_id)
        )
