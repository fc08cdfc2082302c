"""The shipped check-worthiness model, loaded offline, and the CheckThat! TSV reader.

Unmarked tests get the conftest's fake model, so everything touching the real one is marked.
"""

import socket
from pathlib import Path

import pytest

from claims.nlp import checkworthiness
from claims.nlp.training.data import DataFormatError, checkthat_tsv_read

CLAIM = "Unemployment fell to 3.5 percent last year, the lowest rate in fifty years."
COURTESY = "Thank you all for coming tonight."
SENTENCES = [
    CLAIM,
    COURTESY,
    "The new bridge cost taxpayers $2.3 billion, twice the original estimate.",
    "I think we can all agree that this is a beautiful evening.",
    "Crime in our cities has doubled since 2010, according to the FBI.",
    "Well, let me just say this.",
]


@pytest.fixture(scope="module")
def offline_model():
    """Load the model from scratch with every socket connection refused."""

    def refuse(*args, **kwargs):
        raise AssertionError("the check-worthiness model tried to use the network")

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HF_HUB_OFFLINE", "1")
        patch.setattr(socket.socket, "connect", refuse)
        patch.setattr(socket.socket, "connect_ex", refuse)
        checkworthiness._session.cache_clear()
        checkworthiness._tokenizer.cache_clear()
        checkworthiness.model_info.cache_clear()
        scores = checkworthiness.score_sentences(SENTENCES)
        yield dict(zip(SENTENCES, scores, strict=True))


@pytest.mark.model
def test_a_statistic_is_a_claim_and_a_courtesy_is_not(offline_model):
    threshold = checkworthiness.model_info().threshold
    assert offline_model[CLAIM] >= threshold
    assert offline_model[COURTESY] < threshold


@pytest.mark.model
def test_scores_are_plain_floats_between_zero_and_one(offline_model):
    assert all(type(score) is float for score in offline_model.values())
    assert all(0.0 <= score <= 1.0 for score in offline_model.values())


@pytest.mark.model
def test_a_sentence_scores_the_same_alone_and_in_a_batch(offline_model):
    # int8 activation scales are computed per batch, so scores may move in the second decimal.
    for sentence in SENTENCES:
        (alone,) = checkworthiness.score_sentences([sentence])
        assert alone == pytest.approx(offline_model[sentence], abs=0.02)


@pytest.mark.model
def test_batch_size_does_not_change_the_order_of_scores(offline_model):
    small_batches = checkworthiness.score_sentences(SENTENCES, batch_size=2)
    assert small_batches == pytest.approx(list(offline_model.values()), abs=0.02)


@pytest.mark.model
def test_an_empty_list_scores_to_an_empty_list():
    assert checkworthiness.score_sentences([]) == []


@pytest.mark.model
def test_model_info_gives_the_shipped_version_and_threshold():
    info = checkworthiness.model_info()
    assert info.version.startswith("minilm-l6-cw-")
    assert 0.0 < info.threshold < 1.0


@pytest.mark.model
def test_sentence_vectors_are_unit_length_and_close_for_sentences_that_say_the_same(
    offline_model,
):
    vectors = checkworthiness.embed_sentences(
        [CLAIM, "Unemployment dropped to 3.5 percent last year.", COURTESY]
    )

    assert vectors.shape == (3, checkworthiness.EMBEDDING_SIZE)
    assert vectors[0] @ vectors[0] == pytest.approx(1.0, abs=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]


def test_the_tsv_reader_handles_quoted_text_and_labels(tmp_path: Path):
    path = tmp_path / "sentences.tsv"
    path.write_text(
        "Sentence_id\tText\tclass_label\n"
        '1\t"He said ""taxes, tabs\tand all"" went up."\tYes\n'
        "2\tThank you.\tNo\n",
        encoding="utf-8",
    )
    sentences = checkthat_tsv_read(path)
    assert [(s.sentence_id, s.text, s.label) for s in sentences] == [
        ("1", 'He said "taxes, tabs\tand all" went up.', 1),
        ("2", "Thank you.", 0),
    ]


def test_the_tsv_reader_names_the_real_line_of_a_bad_label_after_a_multi_line_text(
    tmp_path: Path,
):
    path = tmp_path / "sentences.tsv"
    path.write_text(
        "Sentence_id\tText\tclass_label\n"
        '1\t"Taxes went up\nby a third."\tYes\n'
        "\n"
        "2\tThank you.\tMaybe\n",
        encoding="utf-8",
    )
    with pytest.raises(DataFormatError, match=r"sentences\.tsv, line 5: class_label must be Yes"):
        checkthat_tsv_read(path)


def test_the_tsv_reader_accepts_a_file_without_labels(tmp_path: Path):
    path = tmp_path / "sentences.tsv"
    path.write_text("Sentence_id\tText\n7\tTaxes went up.\n", encoding="utf-8")
    assert checkthat_tsv_read(path)[0].label is None


def test_the_tsv_reader_names_the_missing_columns(tmp_path: Path):
    path = tmp_path / "sentences.tsv"
    path.write_text("id\tsentence\n1\tTaxes went up.\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match="Sentence_id, Text"):
        checkthat_tsv_read(path)


def test_the_tsv_reader_reports_a_missing_file(tmp_path: Path):
    with pytest.raises(DataFormatError, match="absent.tsv: no such file"):
        checkthat_tsv_read(tmp_path / "absent.tsv")
