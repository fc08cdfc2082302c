"""The speaker page's merge form keeps what was typed when the merge is refused: the name to
merge into and the public correction note, which can be a paragraph."""

import pytest
from django.urls import reverse

from claims import services
from claims.models import Claim, Speaker
from tests.factories import (
    ClaimFactory,
    SpeakerFactory,
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


@pytest.mark.parametrize(
    "typed",
    [
        "http://testserver/speakers/antony-blinken/",
        "https://TESTSERVER/speakers/antony-blinken/?page=2#claims-heading",
        "testserver/speakers/antony-blinken/",
        "/speakers/antony-blinken/",
        "/speakers/antony-blinken",
    ],
)
def test_a_speaker_pages_address_on_this_desk_names_the_speaker_to_merge_into(client, short, typed):
    response = client.post(reverse("claims:speaker_merge", args=[short.slug]), {"target": typed})
    assert response.status_code == 302
    assert response["Location"] == reverse("claims:speaker_detail", args=["antony-blinken"])
    assert not Speaker.objects.filter(pk=short.pk).exists()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("https://elsewhere.example/speakers/antony-blinken/", "is not an address on this desk"),
        # No address can be read from it (an IPv6 host left unclosed): not this desk's either.
        ("http://[::1/speakers/antony-blinken/", "is not an address on this desk"),
        ("/articles/", "is not a speaker page&#x27;s address"),
        ("/speakers/nobody-at-all/", "No speaker has the address"),
    ],
)
def test_another_sites_or_another_pages_address_merges_nothing(client, short, typed, message):
    response = client.post(reverse("claims:speaker_merge", args=[short.slug]), {"target": typed})
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert f'value="{typed}"' in page
    assert Speaker.objects.filter(pk=short.pk).exists()


def test_a_spelling_the_desk_recorded_names_the_speaker_to_merge_into(client, short):
    kept = services.speaker_resolve(name="Antony Blinken", aliases=["Tony Blinken"])
    response = client.post(
        reverse("claims:speaker_merge", args=[short.slug]), {"target": "tony  BLINKEN"}
    )
    assert response.status_code == 302
    assert not Speaker.objects.filter(pk=short.pk).exists()
    assert Speaker.objects.filter(pk=kept.pk).exists()


def test_a_name_two_speakers_hold_asks_which_and_gives_their_addresses(client, short):
    SpeakerFactory(name="Jen Psaki", slug="jen-psaki", role="Press Secretary")
    SpeakerFactory(name="Jen Psaki", slug="jen-psaki-2", role="")
    response = client.post(
        reverse("claims:speaker_merge", args=[short.slug]), {"target": "jen psaki"}
    )
    assert response.status_code == 400
    shown = [str(message) for message in response.wsgi_request._messages]
    assert shown == [
        "“jen psaki” names more than one speaker (\u2068Jen Psaki\u2069 (\u2068Press "
        "Secretary\u2069) at /speakers/jen-psaki/; \u2068Jen Psaki\u2069 at "
        "/speakers/jen-psaki-2/): give the address of the "
        "one to merge into."
    ]
    assert Speaker.objects.filter(pk=short.pk).exists()
