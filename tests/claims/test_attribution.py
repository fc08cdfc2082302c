from pathlib import Path

import pytest

from claims.nlp.attribution import Attribution, attribute_sentences, speaker_aliases
from claims.nlp.sentences import split_sentences
from claims.nlp.speakers import names_match, speaker_key

SEED_ARTICLE = Path(__file__).resolve().parents[2] / "seeds" / "000_ab3642ed052a6c28.txt"


def attribute(text: str) -> dict[str, Attribution | None]:
    sentences = split_sentences(text)
    return {
        sentence.text: attribution
        for sentence, attribution in zip(
            sentences, attribute_sentences(text, sentences), strict=True
        )
    }


def speaker_of(attributions: dict[str, Attribution | None], start: str) -> str | None:
    matches = [text for text in attributions if text.startswith(start)]
    assert len(matches) == 1, f"{start!r} matches {matches}"
    attribution = attributions[matches[0]]
    return attribution.speaker if attribution else None


@pytest.fixture(scope="module")
def seed() -> dict[str, Attribution | None]:
    return attribute(SEED_ARTICLE.read_text(encoding="utf-8"))


def test_every_sentence_of_the_psaki_quotation_belongs_to_psaki(seed):
    quoted = [
        "White House Press Secretary, Jen Psaki:",
        "We've been very clear about that.",
        "And that's part of the discussions",
        "But I would say that as it relates",
    ]
    for start in quoted:
        assert speaker_of(seed, start) == "Jen Psaki"
    psaki = next(a for text, a in seed.items() if text.startswith("But I would say"))
    assert psaki.role == "White House Press Secretary"
    assert psaki.kind == "person"
    assert psaki.is_direct_quote


def test_the_quotation_after_blinken_is_his(seed):
    attribution = next(a for text, a in seed.items() if text.startswith('"We took necessary'))
    assert attribution.speaker == "Antony Blinken"
    assert attribution.role == "U.S. Secretary of State"
    assert attribution.is_direct_quote


def test_organisations_and_groups_in_the_seed_article(seed):
    assert speaker_of(seed, "The U.S. military said") == "U.S. military"
    assert speaker_of(seed, "Two anonymous U.S. officials told Reuters") == (
        "Two anonymous U.S. officials"
    )
    assert speaker_of(seed, "Iraq's government condemned") == "Iraq's government"
    assert speaker_of(seed, "Iran called on the U.S.") == "Iran"
    assert speaker_key(speaker_of(seed, "Biden’s critics say")) == speaker_key("Biden's critics")


def test_the_kinds_of_seed_speakers(seed):
    kinds = {a.speaker: a.kind for a in seed.values() if a is not None}
    assert kinds["U.S. military"] == "organisation"
    assert kinds["Two anonymous U.S. officials"] == "anonymous"
    assert kinds["Iraq's government"] == "organisation"


def test_narration_in_the_seed_article_has_no_speaker(seed):
    assert speaker_of(seed, "The United States on Monday strongly defended") is None
    assert speaker_of(seed, "The United States is defending air strikes") is None
    assert speaker_of(seed, "The strikes come at a sensitive time") is None
    assert speaker_of(seed, "This report produced by") is None
    assert speaker_of(seed, "It was the second time this year") is None


def test_a_reporting_verb_after_the_quotation():
    attributions = attribute('"The bridge will open in June," Mayor Carla Diaz said on Tuesday.')
    attribution = next(iter(attributions.values()))
    assert attribution.speaker == "Carla Diaz"
    assert attribution.role == "Mayor"
    assert attribution.cue == "said"
    assert attribution.is_direct_quote


def test_an_inverted_tag_names_the_speaker():
    attributions = attribute('"Nothing has been decided yet," said Sen. Paul Ortiz.')
    assert next(iter(attributions.values())).speaker == "Paul Ortiz"


def test_according_to_names_the_source():
    attributions = attribute("Turnout rose by a third, according to the election commission.")
    attribution = next(iter(attributions.values()))
    assert attribution.speaker == "election commission"
    assert attribution.cue == "according to"
    assert attribution.kind == "organisation"


def test_a_pronoun_resolves_to_the_last_named_speaker():
    attributions = attribute(
        "Health Minister Rosa Malik visited the clinic on Friday. "
        "She said the new wing would open next year."
    )
    assert speaker_of(attributions, "She said") == "Rosa Malik"
    assert speaker_of(attributions, "Health Minister") is None


def test_a_quotation_over_several_paragraphs_keeps_its_speaker():
    text = (
        "Coach Dana Whitfield was blunt.\n\n"
        '"We played badly," Whitfield said. "We lost every second ball.\n\n'
        '"Next week will be different. I promise you that."\n\n'
        "The team flies home on Sunday."
    )
    attributions = attribute(text)
    assert speaker_of(attributions, '"We played badly,"') == "Dana Whitfield"
    assert speaker_of(attributions, '"We lost every') == "Dana Whitfield"
    assert speaker_of(attributions, '"Next week') == "Dana Whitfield"
    assert speaker_of(attributions, "I promise you") == "Dana Whitfield"
    assert speaker_of(attributions, "The team flies home") is None


def test_a_colon_introduces_the_speaker():
    attributions = attribute('City Council spokesman, Omar Haddad: "The vote is final."')
    attribution = next(iter(attributions.values()))
    assert attribution.speaker == "Omar Haddad"
    assert attribution.role == "City Council spokesman"
    assert attribution.cue == ":"


def test_a_person_who_only_owns_the_subject_is_not_the_speaker():
    attributions = attribute("Kasich's campaign said the count was wrong.")
    assert next(iter(attributions.values())).speaker == "Kasich's campaign"


def test_a_later_surname_joins_the_full_name():
    attributions = attribute(
        "Governor Maria Okafor said taxes would fall. Okafor added that rents would not."
    )
    assert speaker_of(attributions, "Okafor added") == "Maria Okafor"


def test_speaker_aliases_link_surname_full_name_and_title():
    blinken = Attribution(
        speaker="Antony Blinken",
        role="U.S. Secretary of State",
        kind="person",
        cue="said",
        is_direct_quote=False,
        mention="U.S. Secretary of State Antony Blinken",
    )
    assert speaker_aliases(blinken) == [
        "Antony Blinken",
        "U.S. Secretary of State Antony Blinken",
        "Blinken",
    ]


def test_speaker_key_ignores_articles_case_honorifics_and_possessives():
    assert speaker_key("The U.S. Military") == speaker_key("U.S. military")
    assert speaker_key("Mr. Trump") == speaker_key("Trump")
    assert speaker_key("Biden’s critics") == speaker_key("Biden's critics")
    assert speaker_key("Antony Blinken") != speaker_key("Blinken")


def test_a_name_without_latin_letters_keys_on_its_own_letters():
    assert speaker_key("Владимир Путин") == speaker_key("владимир путин") == "владимир путин"
    assert speaker_key("习近平") == "习近平" and speaker_key("Dr. Путин") == "путин"
    assert speaker_key("Путин") != speaker_key("习近平")
    assert speaker_key("— !!!") == "" and speaker_key("Mr.") == ""


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Łukasz Nowak", "lukasz nowak"),
        ("Søren Kierkegaard", "soren kierkegaard"),
        ("ØSTERGAARD", "ostergaard"),
        ("Carl Friedrich Gauß", "carl friedrich gauss"),
        ("Æsa Ørsted", "aesa orsted"),
        ("Œuvre Group", "oeuvre group"),
        ("Novak Đoković", "novak dokovic"),
        ("Þór Guðmundsson", "thor gudmundsson"),
        ("Dıyarbakır", "diyarbakir"),
    ],
)
def test_latin_letters_without_a_decomposition_are_spelt_out_not_dropped(name, key):
    assert speaker_key(name) == key


def test_a_name_with_a_stroke_letter_no_longer_meets_the_name_without_it():
    assert speaker_key("Łukasz") != speaker_key("ukasz")
    assert speaker_key("Łukasz") == speaker_key("Lukasz")


# 300 characters (the most a speaker's name holds) that key as 480: each 'ß' keys as 'ss'.
LONG_NAME = "Weißstraße Ausschuß " * 15


def test_a_name_whose_key_outgrows_the_name_keys_within_the_column_the_same_every_time():
    assert len(LONG_NAME.strip()) < 300 < len(LONG_NAME.replace("ß", "ss"))
    key = speaker_key(LONG_NAME)
    assert len(key) == 300 and key.startswith("weissstrasse ausschuss weissstrasse")
    assert speaker_key(LONG_NAME.upper()) == key  # cut after normalising: the same name agrees
    assert speaker_key(LONG_NAME + "Nord") != key  # and a longer one differs past the cut
    assert speaker_key("Weißstraße Ausschuß") == "weissstrasse ausschuss"  # short: untouched


def test_lenient_names_need_the_same_last_word():
    assert names_match("Antony Blinken", "Secretary of State Antony Blinken")
    assert names_match("Clinton", "Clinton, a Democrat,")
    assert not names_match("Hillary Clinton", "Clinton campaign")


def test_two_apostrophes_work_as_quotation_marks():
    attributions = attribute("''We are not done,'' Ms. Vance said. ''Not even close.''")
    assert speaker_of(attributions, "''Not even close") == "Vance"


def test_a_transcript_label_names_the_speaker_of_its_line():
    attributions = attribute(
        "HOST: Will you run again? Tell us.\nOKAFOR: I have not decided. Ask me in March."
    )
    assert speaker_of(attributions, "Tell us.") == "Host"
    assert speaker_of(attributions, "Ask me in March.") == "Okafor"


def test_a_dateline_is_not_the_speaker():
    attributions = attribute(
        "LISBON (Reuters) - Finance Minister Rui Costa said on Friday the budget would balance."
    )
    assert next(iter(attributions.values())).speaker == "Rui Costa"


def test_according_to_wins_over_a_verb_in_the_same_sentence():
    attributions = attribute("According to a state survey, most farmers said prices fell.")
    assert next(iter(attributions.values())).speaker == "state survey"


def test_a_speech_verb_wins_over_a_stance_verb():
    attributions = attribute("Savers, the governor suggested, do not need to worry.")
    assert next(iter(attributions.values())).speaker == "governor"


def test_the_writer_speaking_in_the_first_person_is_narration():
    attributions = attribute("I think the plan is sound. We expect a vote soon.")
    assert list(attributions.values()) == [None, None]


def test_called_for_is_a_cue_even_when_the_parser_hangs_for_on_the_next_clause():
    attributions = attribute(
        "The senator, who won two states on Tuesday, is calling for her rivals to drop out.\n"
    )

    assert speaker_of(attributions, "The senator") == "senator"


def test_a_headline_label_is_a_speaker_when_the_article_names_that_person():
    attributions = attribute(
        "Marsh: No outside influence on the inquiry.\n\n"
        "Attorney General Dana Marsh spoke to reporters on Tuesday.\n\n"
        "Superdelegates: How they work.\n"
    )

    assert speaker_of(attributions, "Marsh: No outside") == "Marsh"
    assert speaker_of(attributions, "Superdelegates:") is None


def test_a_poll_label_is_the_source_of_its_finding():
    attribution = attribute("Poll: The governor leads the race by four points.\n")[
        "Poll: The governor leads the race by four points."
    ]

    assert (attribution.speaker, attribution.kind) == ("Poll", "organisation")


def test_a_name_after_a_dash_introduces_the_quotation_that_follows_it():
    attributions = attribute(
        "EARLY POLLS WERE NOT WRONG - Nora Fields and Omar Quist: “The surveys stopped too "
        "soon. Late deciders broke the other way.”\n\n"
        "Signs were there all along -More from Fields: “Our data show a late shift.”\n"
    )

    assert speaker_of(attributions, "EARLY POLLS") == "Nora Fields and Omar Quist"
    assert speaker_of(attributions, "Late deciders") == "Nora Fields and Omar Quist"
    assert speaker_of(attributions, "Signs were there") == "Fields"


def test_a_title_case_headline_is_attributed_like_a_sentence():
    attributions = attribute(
        "Senator Dana Whitfield Endorses Governor Tom Reyes.\n\n"
        "Senator Dana Whitfield visited Governor Tom Reyes on Monday.\n"
    )

    assert speaker_of(attributions, "Senator Dana Whitfield Endorses") == "Dana Whitfield"


def test_a_quotation_glued_to_its_reporting_verb_still_belongs_to_the_speaker():
    attributions = attribute("Ryan said,“Look, these images have no place here. We reject them.”\n")

    assert speaker_of(attributions, "Ryan said") == "Ryan"
    assert speaker_of(attributions, "We reject them") == "Ryan"


def test_a_kicker_in_capitals_does_not_hide_a_headline_label():
    attributions = attribute(
        "EXCLUSIVE – Roger Stone: Don’t Trust the Voting Machines.\n\n"
        "Roger Stone, a longtime adviser, spoke to reporters on Monday.\n"
    )

    assert speaker_of(attributions, "EXCLUSIVE") == "Roger Stone"


def test_a_word_of_the_quotation_is_not_the_speaker_of_its_tag():
    attributions = attribute(
        '"Very good reporter, very good reporter this guy," Haddad, the frontrunner in Leeds by '
        "a wide margin, said when asked."
    )
    assert next(iter(attributions.values())).speaker == "Haddad"


def test_a_sentence_ending_in_a_colon_introduces_the_quotation_after_it():
    attributions = attribute(
        "Coach Dana Whitfield spoke after the final whistle.\n\n"
        "Whitfield continued:\n\n"
        '"We lost every second ball. Nobody ran. Next week will be different."\n\n'
        "The team flies home on Sunday.\n"
    )
    assert speaker_of(attributions, "Whitfield continued:") is None
    assert speaker_of(attributions, '"We lost every') == "Dana Whitfield"
    assert speaker_of(attributions, "Nobody ran.") == "Dana Whitfield"
    assert speaker_of(attributions, "Next week") == "Dana Whitfield"
    assert speaker_of(attributions, "The team flies home") is None


def test_the_agent_of_a_passive_reporting_verb_is_the_speaker():
    attributions = attribute("The plan was rejected by 64 percent of voters in the county.")
    assert next(iter(attributions.values())).speaker == "64 percent of voters in the county"


# Every sentence of the seed article with its speaker, narration as None.
SEED_SPEAKERS = [
    ("The United States on Monday strongly defended", None),
    ("This report produced by", None),
    ("The United States is defending air strikes", None),
    ("The U.S. military said", "U.S. military"),
    ("U.S. Secretary of State Antony Blinken spoke", None),
    ('"We took necessary', "Antony Blinken"),
    ("Iraqi militia groups aligned with Iran named", "Iraqi militia groups"),
    ("Iraq's government condemned", "Iraq's government"),
    ("Iran called on the U.S.", "Iran"),
    ("It was the second time", None),
    ("Two anonymous U.S. officials told Reuters", "Two anonymous U.S. officials"),
    ("The strikes come at a sensitive time", None),
    ("Biden's administration has been looking", None),
    ("White House Press Secretary, Jen Psaki:", "Jen Psaki"),
    ("We've been very clear about that.", "Jen Psaki"),
    ("And that's part of the discussions", "Jen Psaki"),
    ("But I would say that as it relates", "Jen Psaki"),
    ("Biden’s critics say", "Biden’s critics"),
]


@pytest.mark.model
def test_the_seed_article_gets_every_sentence_right_with_the_shipped_models():
    from claims.nlp.pipeline import analyze_text

    analysed = analyze_text(SEED_ARTICLE.read_text(encoding="utf-8"))

    assert len(analysed) == len(SEED_SPEAKERS)
    for sentence, (start, speaker) in zip(analysed, SEED_SPEAKERS, strict=True):
        assert sentence.text.startswith(start)
        assert sentence.speaker == speaker, sentence.text


def rules_alone(text: str) -> dict[str, Attribution | None]:
    sentences = split_sentences(text)
    return {
        sentence.text: attribution
        for sentence, attribution in zip(
            sentences, attribute_sentences(text, sentences, stance_threshold=1.01), strict=True
        )
    }


def test_a_poll_named_beside_its_figures_is_their_source():
    found = rules_alone(
        "In the new Harbour Research poll, 40 percent of likely voters back Maria Lopez.\n\n"
        "Lopez rose in the polls to 30 percent by the summer.\n"
    )
    assert speaker_key(speaker_of(found, "In the new Harbour")) == "new harbour research poll"
    # Rising 'in the polls' is the writer's summary, not one poll's finding.
    assert speaker_of(found, "Lopez rose") is None


def test_a_poll_or_record_that_shows_something_is_its_source_without_a_clause():
    found = rules_alone(
        "Recent polls show Maria Lopez with a double-digit lead.\n\n"
        "A survey by the Leeds Institute found Lopez ahead by six points.\n"
    )
    assert speaker_key(speaker_of(found, "Recent polls")) == "recent polls"
    assert speaker_of(found, "A survey by") == "Leeds Institute"


def test_a_reporting_verb_the_parser_hangs_on_its_subject_still_has_that_subject():
    # The parser reads 'front-runner predicted' as a noun with a relative clause.
    found = rules_alone(
        "The GOP presidential front-runner predicted in March that if the senator ran for "
        "president and lost, he would not be able to run for office again.\n"
    )
    attribution = found[next(iter(found))]
    assert attribution is not None
    assert speaker_key(attribution.speaker) == "gop presidential front runner"


def test_a_tag_cut_off_after_a_quotation_of_several_sentences_names_all_of_them():
    # The sentence splitter ends a sentence at '?"', so the long tag is a sentence of its own.
    found = attribute(
        "The phone bank opened at noon.\n\n"
        '"I am calling from the Lopez campaign. How are you today?" Maria Chen, a retired '
        "nurse from Leeds, said into the phone.\n\n"
        "The calls went on until dark."
    )
    assert speaker_of(found, '"I am calling') == "Maria Chen"
    assert speaker_of(found, "How are you today") == "Maria Chen"
    assert speaker_of(found, "The phone bank") is None
    assert speaker_of(found, "The calls went on") is None


def test_a_quotation_does_not_take_the_speaker_of_the_next_paragraph_or_lend_it_to_narration():
    # Proximity is no tag: the speaker of the next paragraph says something else.
    apart = rules_alone(
        "The phone bank opened at noon.\n\n"
        '"I am calling from the Lopez campaign. How are you today?"\n\n'
        "Maria Chen, a retired nurse from Leeds, said the calls were hard."
    )
    assert speaker_of(apart, '"I am calling') is None
    assert speaker_of(apart, "How are you today") is None
    # A narration sentence with a phrase in quotation marks stays the writer's.
    scare_quote = rules_alone(
        'Volunteers worked through the campaign\'s "friendly list." Maria Chen, a retired '
        "nurse from Leeds, said the list was long."
    )
    assert speaker_of(scare_quote, "Volunteers worked") is None


def test_a_source_set_off_by_commas_is_the_source_of_its_sentence():
    # 'added' and 'claimed' need a clause of their own elsewhere ('added 200 jobs' is no speech);
    # here the parser hangs the sentence's clause the other way round.
    found = rules_alone(
        "The season opens in September.\n\n"
        "Time, Senator Maria Lopez added, was on their side.\n\n"
        "This sort of opining, the Harbour Times claimed, breaks its code of practice.\n"
    )
    assert speaker_of(found, "Time, Senator") == "Maria Lopez"
    assert speaker_key(speaker_of(found, "This sort of opining")) == "harbour times"
    assert speaker_of(found, "The season opens") is None


def test_commas_around_a_phrase_that_is_no_source_leave_the_sentence_to_the_writer():
    found = rules_alone(
        "On the Harbour and Leeds morning shows, about one in three of the voices were women.\n\n"
        "The road ran through a tunnel where, it is said, smugglers once hid.\n"
    )
    assert speaker_of(found, "On the Harbour") is None
    assert speaker_of(found, "The road ran") is None


def test_a_participle_that_describes_a_noun_gives_no_speaker():
    found = rules_alone(
        "President Joe Biden ordered retaliatory air strikes on militias backed by Iran.\n\n"
        "The bill, supported by Democrats in the Senate, would raise the minimum wage.\n\n"
        "The plan was backed by the mayor, who said it would cut bus fares by half.\n"
    )
    assert speaker_of(found, "President Joe Biden ordered") is None
    assert speaker_of(found, "The bill, supported") is None
    # A stance the sentence itself reports still has its holder.
    assert speaker_of(found, "The plan was backed") is not None


def test_a_source_named_in_an_as_clause_speaks_for_the_whole_sentence():
    found = rules_alone(
        "As the columnist Maria Lopez puts it, the mayor is trying to make the council "
        '"an offer it cannot refuse."\n\n'
        "Council member Dan Whitaker -- as the Lopez campaign noted this week -- even praised "
        "the budget on the radio.\n\n"
        "Or, as Professor Alan Reyes put it: ''The city does a better job than its critics "
        "admit.''\n"
    )
    assert speaker_of(found, "As the columnist Maria Lopez puts it") == "Maria Lopez"
    assert speaker_of(found, "Council member Dan Whitaker") == "Lopez campaign"
    assert speaker_of(found, "Or, as Professor Alan Reyes put it") == "Alan Reyes"


def test_an_as_clause_that_tells_when_or_how_names_no_source():
    found = rules_alone(
        '"We will finish the bridge," Mayor Ruth Evans said as a heckler yelled.\n\n'
        "Freddy, as he was known, ran the family bakery on Mill Street for 30 years.\n\n"
        "The rule, as it is currently written, adds another hurdle for new stalls.\n"
    )
    assert speaker_of(found, '"We will finish the bridge,"') == "Ruth Evans"
    assert speaker_of(found, "Freddy, as he was known") is None
    assert speaker_of(found, "The rule, as it is currently written") is None


def test_a_clause_ending_in_a_colon_gives_its_subject_the_quotation_after_it():
    found = rules_alone(
        "In a radio interview later that day, Mayor Maria Lopez went even further: "
        "“If the council blocks it, it is the end of the plan.”\n\n"
        "The rain kept falling over the square: “It has not stopped since Sunday.”\n"
    )
    assert speaker_of(found, "In a radio interview later that day") == "Maria Lopez"
    # A thing that carries words is no speaker: the sentence stays narration.
    assert speaker_of(found, "The rain kept falling") is None


def test_markup_left_by_the_page_is_never_a_speaker():
    text = (
        "Candidates reacted on Wednesday to the flooding in Millbrook.\n\n"
        '<tweet pic="" author="RuthEvans" timestamp="1449075600" tweet_id="672160155992100864">'
        "Our thoughts are with the families in Millbrook tonight.</tweet>.\n\n"
        '<tweet tweet-id="667366217527767040"><tweet/>.\n\n'
        '<tweet tweet-author="@cityhall" tweet-date="March 10, 2016">Deputy mayor Dan Whitaker '
        "told reporters the bridge will reopen on Monday.</tweet>.\n"
    )
    found = rules_alone(text)
    speakers = [a.speaker for a in found.values() if a is not None]
    assert not any("author" in s or "tweet" in s or "<" in s or ">" in s for s in speakers)
    assert speaker_of(found, "<tweet pic") is None
    assert speaker_of(found, '<tweet tweet-id="667366217527767040">') is None
    # The words inside the embed are read as text: a report in them still has its speaker.
    assert speaker_of(found, '<tweet tweet-author="@cityhall"') == "Dan Whitaker"
