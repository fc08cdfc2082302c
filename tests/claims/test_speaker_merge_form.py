"""The speaker page's merge form keeps what was typed when the merge is refused: the name to
merge into and the public correction note, which can be a paragraph."""

import pytest
from django.urls import reverse

from claims import services
from claims.models import Claim
from tests.factories import (
    ClaimFactory,
    editor,
    published_verdict,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

NOTE = "Blinken and Antony Blinken are one man: the Secretary of State, as the article says."


@pytest.fixture
def short(client):
    services.speaker_resolve(name="Antony Blinken")
    speaker = services.speaker_resolve(name="Blinken", role="Secretary of State")
    client.force_login(editor(username="ed"))
    return speaker


def test_a_mistyped_name_keeps_the_name_and_the_correction_note(client, short):
    published = published_verdict(claim=ClaimFactory(speaker=short))
    url = reverse("claims:speaker_merge", args=[short.slug])
    response = client.post(url, {"target": "Antony Blinkn", "correction_note": NOTE})
    assert response.status_code == 400
    page = response.content.decode().replace("&#x27;", "'")
    assert "There is no speaker called “Antony Blinkn”: use its address." in page
    assert 'value="Antony Blinkn"' in page
    assert f">{NOTE}</textarea>" in page
    assert Claim.objects.get(pk=published.claim_id).speaker == short


def test_a_merge_the_service_refuses_keeps_the_typed_name(client, short):
    published_verdict(claim=ClaimFactory(speaker=short))
    url = reverse("claims:speaker_merge", args=[short.slug])
    response = client.post(url, {"target": "Antony Blinken", "correction_note": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "give a public correction note" in page
    assert 'value="Antony Blinken"' in page


def test_a_merge_that_goes_ahead_still_goes_to_the_speaker_kept(client, short):
    url = reverse("claims:speaker_merge", args=[short.slug])
    response = client.post(url, {"target": "Antony Blinken"})
    assert response.status_code == 302
    assert response["Location"] == reverse("claims:speaker_detail", args=["antony-blinken"])
