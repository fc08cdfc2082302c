"""A speaker's name or role longer than its column: analysis (speaker_resolve) cuts it after a
whole word, the same way every time, so the article's analysis goes on and the next article
finds the same speaker (an alias that long is left out); the desk (claim_speaker_correct)
refuses it and says why."""

import pytest
from django.core.exceptions import ValidationError

from claims import attribution, services
from claims.models import Speaker, SpeakerAlias
from claims.nlp.attribution import Attribution, speaker_aliases
from tests.factories import (
    ClaimFactory,
    fact_checker,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

NAME_MAX = Speaker._meta.get_field("name").max_length
# 40 words of 6 letters fit the column (279 characters); upper case, each 'ß' becomes 'SS'
# and the same words take 319.
STREETS = " ".join(["Straße"] * 40)


def test_a_name_that_outgrows_its_column_in_upper_case_is_cut_after_a_whole_word():
    shouted = STREETS.upper()
    assert len(STREETS) <= NAME_MAX < len(shouted)
    speaker = services.speaker_resolve(name=shouted)
    speaker.refresh_from_db()
    assert speaker.name == " ".join(["STRASSE"] * 37)
    assert services.speaker_resolve(name=shouted) == speaker  # the next article: the same one
    assert SpeakerAlias.objects.get(speaker=speaker).alias == speaker.name


def test_a_single_word_longer_than_the_column_is_cut_at_the_column():
    speaker = services.speaker_resolve(name="A" * 400)
    assert Speaker.objects.get(pk=speaker.pk).name == "A" * NAME_MAX
    assert services.speaker_resolve(name="A" * 400) == speaker


def test_a_role_longer_than_its_column_is_cut_and_an_alias_that_long_left_out():
    role = " ".join(["Undersecretary"] * 21)  # 314 characters
    attribution = Attribution(
        speaker="Ann Example",
        role=role,
        kind="person",
        cue="said",
        is_direct_quote=False,
        mention="Ann Example",
    )
    speaker = services.speaker_resolve(
        name=attribution.speaker,
        role=attribution.role,
        kind=attribution.kind,
        aliases=speaker_aliases(attribution),
    )
    speaker.refresh_from_db()
    assert speaker.name == "Ann Example"
    assert speaker.role == " ".join(["Undersecretary"] * 20)
    # "<role> Ann Example" is too long to keep, and cut it would match anyone with the role.
    aliases = set(speaker.aliases.values_list("alias", flat=True))
    assert aliases == {"Ann Example", "Example"}


@pytest.mark.parametrize(
    "name, role, field, message",
    [
        ("x" * 301, "", "name", "The speaker's name is too long: keep it to 300 characters"),
        ("Ann Example", "y" * 301, "role", "The speaker's role is too long: keep it to 300"),
        ("Ann\x00Example", "", "name", "The speaker's name holds a NUL character"),
    ],
)
def test_the_desk_s_speaker_correction_refuses_what_the_columns_could_not_store(
    name, role, field, message
):
    claim = ClaimFactory()
    before = claim.speaker_id
    with pytest.raises(ValidationError) as refused:
        attribution.claim_speaker_correct(claim=claim, actor=fact_checker(), name=name, role=role)
    assert message in refused.value.message_dict[field][0]
    claim.refresh_from_db()
    assert claim.speaker_id == before
    assert not Speaker.objects.filter(name__startswith="x" * 100).exists()
