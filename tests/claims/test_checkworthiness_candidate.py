"""Training a check-worthiness candidate under the frozen protocol: its data, its calibration and
the shipping rule; and the shipped model's metadata and card agreeing with each other."""

import json
import random
from pathlib import Path

import numpy as np
import pytest

from claims.nlp import checkworthiness
from claims.nlp.training.candidate import (
    QUOTATION_FRACTION,
    candidate_fit_sentences,
    quotation_augment,
)
from claims.nlp.training.candidate_card import (
    DEV_TEST,
    NEW_TEXT,
    PREVIOUS_DEV_TEST_F1,
    PREVIOUS_NEW_TEXT_AP,
    shipping_verdict,
)
from claims.nlp.training.candidate_package import calibration_errors, platt_fit
from claims.nlp.training.data import (
    CT24_DEV,
    CT24_DEV_TEST,
    CT24_TRAIN,
    DataFormatError,
    Sentence,
    file_sha256,
)
from claims.nlp.training.protocol import CT19_DIR, ct19_new_text, is_validation


def _tsv(path: Path, rows: list[tuple[str, str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["Sentence_id\tText\tclass_label", *("\t".join(row) for row in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_the_fit_part_leaves_out_the_validation_part_and_its_texts(tmp_path: Path):
    ids = [str(number) for number in range(200)]
    validation_ids = [i for i in ids if is_validation(i)]
    rows = [(i, f"Sentence number {i}.", "No") for i in ids]
    # A fit sentence that repeats a validation sentence's text would be scored in-sample there.
    repeated = next(i for i in ids if not is_validation(i))
    rows[int(repeated)] = (repeated, f"Sentence number {validation_ids[0]}.", "Yes")
    _tsv(tmp_path / CT24_TRAIN, rows)
    _tsv(tmp_path / CT24_DEV, [("d1", "A dev sentence.", "No")])
    _tsv(tmp_path / CT24_DEV_TEST, [("t1", "A dev-test sentence.", "Yes")])

    fit, validation = candidate_fit_sentences(tmp_path)

    assert [s.sentence_id for s in validation] == validation_ids
    assert not {s.sentence_id for s in fit} & set(validation_ids)
    assert repeated not in {s.sentence_id for s in fit}
    assert len(fit) == 200 - len(validation_ids) - 1


def test_a_new_text_label_that_is_not_a_number_is_named_by_its_line(tmp_path: Path):
    path = tmp_path / CT19_DIR / "20180101_speech.tsv"
    path.parent.mkdir(parents=True)
    path.write_text(
        "1\tSPEAKER\tTaxes went up.\t1\n2\tSPEAKER\tThank you.\tYes\n", encoding="utf-8"
    )
    with pytest.raises(DataFormatError, match=r"speech\.tsv, line 2: label 'Yes' is not a number"):
        ct19_new_text(tmp_path, known_texts=set())


def test_quotation_rewrites_touch_the_fixed_share_and_keep_the_words():
    sentences = [Sentence(str(n), f"Taxes rose by {n} percent.", n % 2) for n in range(400)]

    texts, rewritten = quotation_augment(sentences, fraction=QUOTATION_FRACTION, seed=13)
    again, _ = quotation_augment(sentences, fraction=QUOTATION_FRACTION, seed=13)

    changed = [(s.text, t) for s, t in zip(sentences, texts, strict=True) if s.text != t]
    assert rewritten == len(changed) == 60
    assert texts == again
    assert all(f"by {original.split()[3]} percent" in text for original, text in changed)
    assert any(text.startswith('"') for _, text in changed)
    assert any(" said" in text for _, text in changed)


def test_platt_scaling_recovers_the_slope_and_intercept_that_made_the_labels():
    rng = random.Random(3)
    logits = [rng.uniform(-6, 6) for _ in range(20_000)]
    labels = [int(rng.random() < 1 / (1 + np.exp(-(0.5 * x - 1.0)))) for x in logits]
    scores = [1 / (1 + np.exp(-x)) for x in logits]

    slope, intercept = platt_fit(scores, labels)

    assert slope == pytest.approx(0.5, abs=0.05)
    assert intercept == pytest.approx(-1.0, abs=0.1)
    calibrated = [1 / (1 + np.exp(-(slope * x + intercept))) for x in logits]
    assert calibration_errors(labels, calibrated)["ece"] < calibration_errors(labels, scores)["ece"]


def test_calibration_errors_of_a_confident_wrong_model_are_large():
    errors = calibration_errors([0, 0, 1, 1], [0.9, 0.9, 0.1, 0.1])
    assert errors["brier"] == pytest.approx(0.81)
    assert errors["ece"] == pytest.approx(0.9)


def _metadata(dev_test_f1: float, new_text_ap: float) -> dict:
    return {
        "protocol": {
            DEV_TEST: {"f1": dev_test_f1, "average_precision": 0.9},
            NEW_TEXT: {"f1": 0.2, "average_precision": new_text_ap},
        }
    }


def test_a_candidate_ships_only_when_it_beats_the_previous_model_on_both_unseen_parts():
    assert shipping_verdict(_metadata(PREVIOUS_DEV_TEST_F1 + 0.01, PREVIOUS_NEW_TEXT_AP + 0.01))[0]
    assert not shipping_verdict(_metadata(PREVIOUS_DEV_TEST_F1 + 0.05, PREVIOUS_NEW_TEXT_AP))[0]
    assert not shipping_verdict(_metadata(PREVIOUS_DEV_TEST_F1, PREVIOUS_NEW_TEXT_AP + 0.05))[0]


def test_platt_scaling_in_the_graph_gives_the_calibrated_sigmoid(tmp_path: Path):
    onnx = pytest.importorskip("onnx")
    import onnxruntime

    from claims.nlp.training.export import onnx_calibrate

    graph = onnx.helper.make_graph(
        [onnx.helper.make_node("Sigmoid", ["logit"], ["score"], name="/Sigmoid")],
        "head",
        [onnx.helper.make_tensor_value_info("logit", onnx.TensorProto.FLOAT, [None])],
        [onnx.helper.make_tensor_value_info("score", onnx.TensorProto.FLOAT, [None])],
    )
    path = tmp_path / "head.onnx"
    onnx.save(onnx.helper.make_model(graph, opset_imports=[onnx.helper.make_opsetid("", 17)]), path)

    onnx_calibrate(path, slope=0.5, intercept=-1.0)

    logits = np.array([-2.0, 0.0, 3.0], dtype=np.float32)
    (scores,) = onnxruntime.InferenceSession(str(path)).run(["score"], {"logit": logits})
    assert scores == pytest.approx(1 / (1 + np.exp(-(0.5 * logits - 1.0))), abs=1e-6)


def test_the_shipped_card_names_the_shipped_version_threshold_and_file():
    metadata = json.loads((checkworthiness.MODEL_DIR / checkworthiness.METADATA_FILE).read_text())
    card = (checkworthiness.MODEL_DIR / "MODEL_CARD.md").read_text(encoding="utf-8")
    model_path = checkworthiness.MODEL_DIR / checkworthiness.MODEL_FILE

    assert card.startswith(f"# Check-worthiness model `{metadata['version']}`")
    assert f"**{metadata['threshold']:.2f}**" in card
    assert metadata["model_sha256"] in card
    assert model_path.stat().st_size == metadata["model_bytes"] <= 25_000_000
    assert file_sha256(model_path) == metadata["model_sha256"]
