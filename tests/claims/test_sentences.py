from claims.nlp.sentences import split_sentences


def texts(text: str) -> list[str]:
    return [span.text for span in split_sentences(text)]


def test_offsets_point_back_into_the_text():
    text = '  Officials met on Monday.  "We agreed," he said.\n\nThe talks resume in May.  '
    spans = split_sentences(text)
    assert [text[span.start : span.end] for span in spans] == [span.text for span in spans]
    assert len(spans) == 3
    assert all(span.text == span.text.strip() for span in spans)


def test_abbreviations_do_not_end_a_sentence():
    text = (
        "Sen. Ted Cruz met Dr. Ann Lee and Gov. Joe Park in Washington, D.C. on Jan. 6 at No. 10 "
        "Main St. near the U.S. Capitol. Mr. Park left early."
    )
    assert texts(text) == [
        "Sen. Ted Cruz met Dr. Ann Lee and Gov. Joe Park in Washington, D.C. on Jan. 6 at No. 10 "
        "Main St. near the U.S. Capitol.",
        "Mr. Park left early.",
    ]


def test_an_abbreviation_at_the_end_of_a_sentence_still_ends_it():
    assert texts("Troops returned to the U.S. The base closed in May.") == [
        "Troops returned to the U.S.",
        "The base closed in May.",
    ]


def test_a_quote_closing_mid_line_starts_a_new_sentence():
    text = '"We will respond firmly." Local groups named three victims on Sunday.'
    assert texts(text) == [
        '"We will respond firmly."',
        "Local groups named three victims on Sunday.",
    ]


def test_a_quote_followed_by_its_tag_stays_one_sentence():
    assert texts('"Why not?" Smith asked. "Because," she said.') == [
        '"Why not?" Smith asked.',
        '"Because," she said.',
    ]


def test_sentences_inside_a_quotation_are_split():
    text = "She said: “We are ready. We have been for weeks.” Then she left."
    assert texts(text) == ["She said: “We are ready.", "We have been for weeks.”", "Then she left."]


def test_an_ellipsis_before_lowercase_and_dashes_keep_the_sentence_together():
    text = (
        "They condemned the strikes - all of them - as a breach of sovereignty... and vowed more."
    )
    assert texts(text) == [text]


def test_a_line_break_always_ends_a_sentence():
    text = (
        "Storm warning issued\nThis report produced by Jane Roe.\nResidents were told to stay home"
    )
    assert texts(text) == [
        "Storm warning issued",
        "This report produced by Jane Roe.",
        "Residents were told to stay home",
    ]


def test_a_question_or_exclamation_before_a_capital_ends_a_sentence():
    assert texts("Is it safe? Nobody knows! Officials are silent.") == [
        "Is it safe?",
        "Nobody knows!",
        "Officials are silent.",
    ]
