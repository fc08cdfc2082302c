"""The claim page's speaker correction with a speaker chosen and a name typed: the name becomes
the chosen speaker's alias only when the fact-checker says so, and a name that is another
speaker's is refused, never ignored or moved to the speaker chosen."""

import pytest
from django.urls import reverse

from claims import services
from claims.models import ClaimEventKind, SpeakerAlias
from tests.factories import ClaimFactory, fact_checker

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


@pytest.fixture
def blinken():
    return services.speaker_resolve(name="Antony Blinken", role="Secretary of State")


@pytest.fixture
def claim(client):
    client.force_login(fact_checker())
    return ClaimFactory()


def correct(client, claim, **values):
    return client.post(reverse("claims:speaker", args=[claim.pk]), values)


def aliases_of(speaker) -> set[str]:
    return set(SpeakerAlias.objects.filter(speaker=speaker).values_list("key", flat=True))


def test_a_chosen_speaker_and_a_new_typed_name_are_refused_naming_both(client, claim, blinken):
    response = correct(client, claim, speaker=blinken.pk, name="Joe Biden")
    assert response.status_code == 400
    (error,) = response.context["speaker_form"].errors["name"]
    assert error.startswith("You chose Antony Blinken and typed “Joe Biden”")
    assert "Record the typed name as an alias" in error
    assert 'value="Joe Biden"' in response.content.decode()  # drawn again as typed
    claim.refresh_from_db()
    assert claim.speaker is None
    assert aliases_of(blinken) == {"antony blinken"}
    speaker_page = client.get(reverse("claims:speaker_detail", args=[blinken.slug]))
    assert "Joe Biden" not in speaker_page.content.decode()


def test_a_typed_name_of_another_speaker_is_refused_not_ignored(client, claim, blinken):
    psaki = services.speaker_resolve(name="Jen Psaki")
    for ticked in ({}, {"record_alias": "on"}):
        response = correct(client, claim, speaker=blinken.pk, name="jen psaki", **ticked)
        assert response.status_code == 400
        assert response.context["speaker_form"].errors["name"] == [
            "“jen psaki” is already a speaker: Jen Psaki, not Antony Blinken. To make Jen Psaki "
            "the speaker, leave “Existing speaker” empty and type the name alone; to make "
            "Antony Blinken the speaker, clear the name."
        ]
    claim.refresh_from_db()
    assert claim.speaker is None
    assert aliases_of(blinken) == {"antony blinken"} and aliases_of(psaki) == {"jen psaki"}


def test_the_box_records_the_typed_name_as_the_chosen_speaker_s_alias(client, claim, blinken):
    response = correct(client, claim, speaker=blinken.pk, name="Tony Blinken", record_alias="on")
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.speaker == blinken
    assert aliases_of(blinken) == {"antony blinken", "tony blinken"}
    event = claim.events.get(kind=ClaimEventKind.SPEAKER_CORRECTED)
    assert event.data["written_as"] == "Tony Blinken"


def test_a_typed_spelling_the_chosen_speaker_has_needs_no_box(client, claim, blinken):
    response = correct(client, claim, speaker=blinken.pk, name="ANTONY  Blinken")
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.speaker == blinken


def test_a_name_typed_alone_still_finds_its_speaker(client, claim, blinken):
    psaki = services.speaker_resolve(name="Jen Psaki")
    assert correct(client, claim, name="Jen Psaki").status_code == 302
    claim.refresh_from_db()
    assert claim.speaker == psaki
    assert aliases_of(blinken) == {"antony blinken"}
