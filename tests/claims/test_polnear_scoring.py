"""The PolNeAR scorer's reading of gold sources. Short sources written for these tests."""

import pytest

from claims.nlp.polnear import is_pronoun


@pytest.mark.parametrize(
    "source",
    ["she", "He", "they", "who", "she's", "he's", "she’s", "They’re", "I'm", "we've", " he'd "],
)
def test_a_pronoun_source_is_a_pronoun_with_or_without_a_contraction(source):
    assert is_pronoun(source)


@pytest.mark.parametrize("source", ["Shea", "Ruth Evans", "the mayor", "Hess", "Sheila's aide"])
def test_a_name_or_description_is_no_pronoun(source):
    assert not is_pronoun(source)
