from claims.nlp.headlines import capitalised_words, is_headline_case, sentence_case

BODY = [
    "Donald Trump visited House Speaker Paul Ryan in Washington on Monday.",
    "The U.N. panel said it would rule later.",
]


def test_a_title_case_headline_is_parsed_in_sentence_case_keeping_the_articles_names():
    names = capitalised_words(BODY)

    assert (
        sentence_case("Donald Trump Finally Endorses House Speaker Paul Ryan.", names)
        == "Donald Trump finally endorses House Speaker Paul Ryan."
    )


def test_an_all_caps_headline_keeps_acronyms_the_article_writes_in_capitals():
    names = capitalised_words(BODY)

    assert sentence_case("U.N. PANEL RULES FOR TRUMP.", names) == "U.N. panel rules for Trump."


def test_ordinary_sentences_and_short_labels_are_left_alone():
    names = capitalised_words(BODY)

    assert sentence_case(BODY[0], names) == BODY[0]
    assert not is_headline_case("Trump: Yes.")


def test_sentence_case_never_changes_the_length_of_the_text():
    text = "İSTANBUL MAYOR WINS."

    assert len(sentence_case(text, frozenset())) == len(text)
