"""A speaker's name is the name alone: no 'last month' or 'in March' trailing after it, and no
word a cut left dangling, while names with a date or a preposition inside stay whole. Short
texts written for these tests (none is from a corpus)."""

import pytest

from claims.nlp.attribution import attribute_sentences
from claims.nlp.sentences import split_sentences


def speaker_of(text: str):
    sentences = split_sentences(text)
    (attribution,) = attribute_sentences(text, sentences)
    return attribution


@pytest.mark.parametrize(
    ("text", "speaker", "mention"),
    [
        (
            "In a Des Moines Register poll last month, Ortiz led the field by ten points.",
            "Des Moines Register poll",
            "a Des Moines Register poll",
        ),
        (
            "The Leeds Institute in March said that rents would rise by a fifth.",
            "Leeds Institute",
            "The Leeds Institute",
        ),
        (
            "Turnout doubled, according to a council report on Wednesday.",
            "council report",
            "a council report",
        ),
        (
            "The Sanders campaign on Monday said it had raised more than expected.",
            "Sanders campaign",
            "The Sanders campaign",
        ),
        (
            "Iowa residents on Monday said they were tired of the advertisements.",
            "Iowa residents",
            "Iowa residents",
        ),
    ],
)
def test_a_time_after_the_name_is_not_part_of_the_speaker(text, speaker, mention):
    attribution = speaker_of(text)
    assert attribution.speaker == speaker
    assert attribution.mention == mention


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        (
            "The Institute for Fiscal Studies said on Monday that taxes would rise.",
            "Institute for Fiscal Studies",
        ),
        ("The Department of Justice said last week that it would appeal.", "Department of Justice"),
        ("The Sunday Times reported last week that the deal was off.", "Sunday Times"),
        ("The March of Dimes says that funding will fall.", "March of Dimes"),
        ("Monday Night Football said on Tuesday that the game was moved.", "Monday Night Football"),
        ("USA TODAY reported on Friday that the agency had failed.", "USA TODAY"),
        ("The party had lost its way, Al From said.", "Al From"),
    ],
)
def test_names_with_a_day_a_month_or_a_preposition_inside_stay_whole(text, speaker):
    assert speaker_of(text).speaker == speaker


def test_a_speaker_does_not_end_on_the_pronoun_of_a_clause_cut_off():
    text = "On the other side are critics and analysts who consider the plan a failure."
    assert speaker_of(text).speaker == "critics and analysts"


def test_a_poll_out_on_a_day_is_the_poll():
    text = "A Monmouth poll out Monday found that Ortiz leads by ten points."
    assert speaker_of(text).speaker == "Monmouth poll"


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("Councillor Ruth Evans said the plan would fail.", "Councillor"),
        ("Councilwoman Ruth Evans said the plan would fail.", "Councilwoman"),
        ("Alderman Ruth Evans said the plan would fail.", "Alderman"),
        ("Commissioner Ruth Evans said the plan would fail.", "Commissioner"),
        ("Assemblywoman Ruth Evans said the plan would fail.", "Assemblywoman"),
        ("Mayor Ruth Evans said the plan would fail.", "Mayor"),
    ],
)
def test_a_local_title_is_the_role_not_part_of_the_name(text, role):
    attribution = speaker_of(text)
    assert (attribution.speaker, attribution.role) == ("Ruth Evans", role)
