"""Speakers resolved to the names the article gives them: a regression set of short news texts
written for these tests (none is from a corpus), one case per way a speaker is described."""

import pytest

from claims.nlp.attribution import attribute_sentences, speaker_aliases
from claims.nlp.sentences import split_sentences

# (text, the start of the sentence under test, the speaker it must get)
RESOLVED = [
    (
        "Mayor Maria Lopez opened the new bridge on Monday. "
        "The crossing will cut commutes by half, the mayor said.",
        "The crossing",
        "Maria Lopez",
    ),
    (
        "Maria Lopez, the mayor of Leeds, cut the ribbon on Monday.\n\n"
        '"This bridge is for everyone," the mayor told the crowd.',
        '"This bridge',
        "Maria Lopez",
    ),
    (
        "The Environmental Protection Agency fined the plant $2 million in May. "
        "The agency said the fine was the largest this year.",
        "The agency said",
        "Environmental Protection Agency",
    ),
    (
        "The Department of Transportation reviewed 40 bridges last year. "
        "The department said six of them needed urgent repairs.",
        "The department said",
        "Department of Transportation",
    ),
    (
        "Acme Corp. closed its Ohio plant in March. "
        "The company said 300 workers would be offered jobs elsewhere.",
        "The company said",
        "Acme Corp.",
    ),
    (
        "The Environmental Protection Agency (EPA) tested the river in June. "
        "The EPA said the water was safe to drink.",
        "The EPA said",
        "Environmental Protection Agency",
    ),
    (
        "The National Transportation Safety Board (NTSB) examined the wreck on Friday. "
        "The NTSB said the brakes had failed.",
        "The NTSB said",
        "National Transportation Safety Board",
    ),
    (
        "John Perez and Ana Perez have run the bakery for thirty years. "
        "The couple said rising rents would force them to close.",
        "The couple said",
        "John Perez and Ana Perez",
    ),
    (
        "Margaret Hill taught chemistry in Leeds for 35 years.\n\n"
        '"Nobody asked us," says the retired teacher, who now campaigns for smaller classes.',
        '"Nobody asked us,"',
        "Margaret Hill",
    ),
    (
        "Governor Tom Reyes signed the budget on Friday. He said it would balance by 2028.",
        "He said",
        "Tom Reyes",
    ),
    (
        "The Food Standards Agency recalled the sauce on Tuesday. "
        "It said the labels left out peanuts.",
        "It said",
        "Food Standards Agency",
    ),
    (
        "Senator Paula Grant voted against the bill. "
        'The senator said the bill "spends money we do not have."',
        "The senator said",
        "Paula Grant",
    ),
    (
        "Police Chief Omar Said met residents on Sunday.\n\n"
        "Burglaries fell by a third last year, according to the chief.",
        "Burglaries fell",
        "Omar Said",
    ),
    (
        "Turnout rose to 71 percent, according to a study by the Electoral Reform Society.",
        "Turnout rose",
        "Electoral Reform Society",
    ),
    (
        "A statement e-mailed by Greenfield Energy said the pipeline had not leaked.",
        "A statement e-mailed",
        "Greenfield Energy",
    ),
    (
        "A report from the National Audit Office found the project was two years late.",
        "A report from",
        "National Audit Office",
    ),
    (
        "Dr. Lena Fischer leads the vaccine trial in Hamburg. "
        "The doctor said early results were encouraging.",
        "The doctor said",
        "Lena Fischer",
    ),
    (
        "Finance Minister Rui Costa presented the budget on Friday. "
        "Costa said the deficit would halve.",
        "Costa said",
        "Rui Costa",
    ),
    (
        "Leeds City Council approved the plan on Tuesday. "
        "The council said building would start in spring.",
        "The council said",
        "Leeds City Council",
    ),
    (
        'Coach Dana Whitfield was blunt after the game. "We played badly," the coach said.',
        '"We played badly,"',
        "Dana Whitfield",
    ),
    (
        "Councillor Maria Lopez wrote on Facebook on Sunday night. "
        "The post said the library would close in May.",
        "The post said",
        "Maria Lopez",
    ),
    (
        "Senator Paula Grant tweeted about the vote. The tweet said the bill was a mistake.",
        "The tweet said",
        "Paula Grant",
    ),
    (
        "Greenfield Energy released a statement on Monday. "
        "The statement said the pipeline had not leaked.",
        "The statement said",
        "Greenfield Energy",
    ),
    (
        "The Health Ministry published a report on Tuesday.\n\n"
        "According to the report, waiting times doubled in a year.",
        "According to the report",
        "Health Ministry",
    ),
    (
        "The mayor's plan to close the library was first reported by the Leeds Gazette.",
        "The mayor's plan",
        "Leeds Gazette",
    ),
    (
        "One in four voters in a county poll said the bridge should never have been built.",
        "One in four voters",
        "One in four voters in a county poll",
    ),
]


def test_she_skips_a_man_the_article_calls_mr():
    attribution = speaker_and_attribution(
        "Ms. Rosa Malik, the health minister, opened the clinic on Friday. "
        'Mr. Omar Haddad, the mayor, cut the ribbon. "We waited ten years for this," she said.',
        '"We waited',
    )
    assert attribution.speaker == "Rosa Malik"
    assert attribution.mention == "she"


# Descriptions the article does not name stay as they are: nothing is invented.
UNRESOLVED = [
    ("The mayor said the bridge would open in June.", "The mayor said", "mayor"),
    ("The post said the library would close in May.", "The post said", "post"),
    (
        "A spokesman for Mayor Maria Lopez said the library would stay open.",
        "A spokesman for",
        "spokesman for Mayor Maria Lopez",
    ),
    (
        "Senator Paula Grant voted against the bill. The governor said he would sign it anyway.",
        "The governor said",
        "governor",
    ),
]


def speaker_and_attribution(text: str, start: str):
    sentences = split_sentences(text)
    attributions = attribute_sentences(text, sentences)
    matches = [a for s, a in zip(sentences, attributions, strict=True) if s.text.startswith(start)]
    assert len(matches) == 1, f"{start!r} matches {len(matches)} sentences"
    return matches[0]


@pytest.mark.parametrize(("text", "start", "speaker"), RESOLVED)
def test_a_described_speaker_resolves_to_the_name_the_article_gives(text, start, speaker):
    attribution = speaker_and_attribution(text, start)
    assert attribution is not None
    assert attribution.speaker == speaker


@pytest.mark.parametrize(("text", "start", "speaker"), UNRESOLVED)
def test_a_description_the_article_never_names_stays_a_description(text, start, speaker):
    attribution = speaker_and_attribution(text, start)
    assert attribution is not None
    assert attribution.speaker == speaker


def test_the_description_becomes_the_role_and_the_words_stay_the_mention():
    attribution = speaker_and_attribution(
        "Margaret Hill taught chemistry in Leeds for 35 years.\n\n"
        '"Nobody asked us," says the retired teacher.',
        '"Nobody asked us,"',
    )
    assert attribution.speaker == "Margaret Hill"
    assert attribution.role == "retired teacher"
    assert attribution.mention == "the retired teacher"
    assert attribution.kind == "person"


def test_a_resolved_title_keeps_the_role_the_article_gave_the_person():
    attribution = speaker_and_attribution(
        "Mayor Maria Lopez opened the new bridge on Monday. "
        "The crossing will cut commutes by half, the mayor said.",
        "The crossing",
    )
    assert (attribution.speaker, attribution.role, attribution.mention) == (
        "Maria Lopez",
        "Mayor",
        "the mayor",
    )


def test_aliases_keep_a_name_in_the_text_but_never_a_bare_description():
    mayor = speaker_and_attribution(
        "Mayor Maria Lopez opened the new bridge on Monday. "
        "The crossing will cut commutes by half, the mayor said.",
        "The crossing",
    )
    agency = speaker_and_attribution(
        "The Environmental Protection Agency (EPA) tested the river in June. "
        "The EPA said the water was safe to drink.",
        "The EPA said",
    )
    assert speaker_aliases(mayor) == ["Maria Lopez", "Mayor Maria Lopez", "Lopez"]
    assert speaker_aliases(agency) == ["Environmental Protection Agency", "EPA"]
