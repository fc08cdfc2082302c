"""Thread counts for the NLP and matching runtimes, read without Django."""

import pytest

from claims.matching import embedding
from claims.nlp import checkworthiness
from claims.nlp.env import env_positive_int, int_parse


@pytest.mark.parametrize("raw", ["²", "１", "١", "4x", "1_000", "+"])
def test_a_number_that_is_not_plain_ascii_digits_is_refused_naming_the_variable(raw):
    with pytest.raises(ValueError, match="SOME_LIMIT must be an integer"):
        int_parse("SOME_LIMIT", raw)


def test_blanks_around_a_number_are_ignored():
    assert int_parse("SOME_LIMIT", " 4 ") == 4


@pytest.mark.parametrize("raw", ["0", "-1"])
def test_a_thread_count_below_one_is_refused_with_the_minimum(monkeypatch, raw):
    monkeypatch.setenv("CHECKWORTHINESS_THREADS", raw)
    with pytest.raises(ValueError, match=f"CHECKWORTHINESS_THREADS must be at least 1, got {raw}"):
        env_positive_int("CHECKWORTHINESS_THREADS", 2)


@pytest.mark.parametrize("raw", ["", "  "])
def test_a_blank_thread_count_means_the_default(monkeypatch, raw):
    monkeypatch.setenv("CHECKWORTHINESS_THREADS", raw)
    assert env_positive_int("CHECKWORTHINESS_THREADS", 2) == 2


def test_a_padded_thread_count_is_read(monkeypatch):
    monkeypatch.setenv("MATCHING_THREADS", " 4 ")
    assert env_positive_int("MATCHING_THREADS", None) == 4


@pytest.mark.parametrize("module", [checkworthiness, embedding])
def test_both_runtimes_refuse_a_superscript_thread_count_before_loading_a_model(
    monkeypatch, module
):
    monkeypatch.setenv(module.THREADS_ENV, "²")
    with pytest.raises(ValueError, match=f"{module.THREADS_ENV} must be an integer, got '²'"):
        module._session.__wrapped__()
