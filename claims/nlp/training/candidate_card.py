"""The model card of a protocol candidate, written from its metadata (candidate_package.py)."""

from pathlib import Path

from claims.nlp.training.model_card import data_section, item_table

# The model the candidate was measured against, on the two parts neither trained on
# (its MODEL_CARD.md, `evaluate_checkworthiness --protocol`, 2026-12-01).
PREVIOUS_VERSION = "minilm-l6-cw-20261124-ffbf76eb"
PREVIOUS_DEV_TEST_F1 = 0.8705
PREVIOUS_NEW_TEXT_AP = 0.226
DEV_TEST = "CT24 dev-test"
NEW_TEXT = "CT19 2017-2019 speeches (new text)"


def shipping_verdict(metadata: dict) -> tuple[bool, str]:
    """The rule fixed before training: better than the previous model on both unseen parts."""
    dev_test_f1 = metadata["protocol"][DEV_TEST]["f1"]
    new_text_ap = metadata["protocol"][NEW_TEXT]["average_precision"]
    ships = dev_test_f1 > PREVIOUS_DEV_TEST_F1 and new_text_ap > PREVIOUS_NEW_TEXT_AP
    return ships, (
        f"dev-test F1 {dev_test_f1:.3f} against {PREVIOUS_DEV_TEST_F1:.3f}, new-text average "
        f"precision {new_text_ap:.3f} against {PREVIOUS_NEW_TEXT_AP:.3f}: "
        + ("it ships" if ships else f"it does not ship; {PREVIOUS_VERSION} stays")
    )


def candidate_sections(metadata: dict) -> str:
    """Figures, choices and calibration: shared by the candidate's own card and, when it does not
    ship, the shipped model's card."""
    protocol_rows = [
        f"| {name} | {row['sentences']:,} ({row['positives']:,}) | {row['precision']:.3f} | "
        f"{row['recall']:.3f} | {row['f1']:.3f} | {row['average_precision']:.3f} | "
        f"{row['mean_positive_score']:.3f} |"
        for name, row in metadata["protocol"].items()
    ]
    dev = metadata["figures"]["int8_onnx"]["dev"]
    choices = metadata["choices"]
    weight_rows = [
        f"| {name} | {row['average_precision']:.4f} | {row['best_f1']:.4f} |"
        for name, row in choices["weights"]["fp32_validation"].items()
    ]
    variant_rows = [
        f"| {name} | {row['bytes'] / 1e6:.2f} MB | {row['seconds']:.1f} s | "
        f"{row['average_precision']:.4f} | {row['best_f1']:.4f} | "
        f"{row['mean_abs_difference_from_fp32']:.4f} |"
        for name, row in choices["quantisation"]["variants"].items()
    ]
    calibration = metadata["calibration"]
    calibration_rows = [
        f"| {label} | {calibration[key]['brier']:.4f} | {calibration[key]['log_loss']:.4f} | "
        f"{calibration[key]['ece']:.4f} |"
        for key, label in (
            ("validation_before", "validation part, before (raw sigmoid)"),
            ("validation_after", "validation part, after (in-sample: fitted there)"),
            ("dev", "CT24 dev, after"),
        )
    ]
    _, verdict = shipping_verdict(metadata)
    return f"""Candidate `{metadata["version"]}`, threshold {metadata["threshold"]:.2f} (chosen on
the protocol's validation part), measured {metadata["created"][:10]}:

| part | sentences (Yes) | precision | recall | F1 | average precision | mean score of the Yes |
| --- | --- | --- | --- | --- | --- | --- |
{chr(10).join(protocol_rows)}

CT24 dev (in-distribution, not used for any choice): P {dev["precision"]:.3f}, R
{dev["recall"]:.3f}, F1 {dev["f1"]:.3f}.

Shipping rule (fixed before training): {verdict}.

Weights, chosen ({choices["weights"]["chosen"]}) by fp32 average precision on the validation
part:

| weights | validation AP (fp32) | best validation F1 (fp32) |
| --- | --- | --- |
{chr(10).join(weight_rows)}

Quantisation, chosen ({choices["quantisation"]["chosen"]}) by average precision on the
validation part (2 threads, batches of 8, time for the 2,328 sentences on a shared CPU):

| variant | file | time | validation AP | best validation F1 | mean abs. difference from fp32 |
| --- | --- | --- | --- | --- | --- |
{chr(10).join(variant_rows)}

Calibration: {calibration["method"]}, slope {calibration["slope"]}, intercept
{calibration["intercept"]}, fitted on the {calibration["fitted_on"]} (recorded in metadata.json
under `calibration`; the runtime reads calibrated scores straight from the graph):

| scores | Brier | log loss | expected calibration error (10 bins) |
| --- | --- | --- | --- |
{chr(10).join(calibration_rows)}
"""


def candidate_card_write(path: Path, *, metadata: dict) -> None:
    settings = metadata["settings"]
    text = f"""# Check-worthiness model `{metadata["version"]}`

Scores a sentence in [0, 1] for how worth fact-checking it is; the score is calibrated (Platt
scaling fitted on held-out training sentences): on debate sentences like CT24 train's, about
70% of those scored 0.7 were labelled check-worthy. A sentence is a claim when its score is at
or above the threshold **{metadata["threshold"]:.2f}**, chosen to maximise positive-class F1
on the frozen protocol's validation part of CT24 train (`claims/nlp/training/protocol.py`); dev
and dev-test were scored once, after every choice.

{item_table(metadata)}

## Figures (positive class "Yes", the official CheckThat! 2024 Task 1 metric)

{candidate_sections(metadata)}
Rerun: `python manage.py evaluate_checkworthiness --protocol`. The CT19 speeches are labelled
'was fact-checked by an outlet' (about 3% Yes), so their F1 is not comparable with CT24's.

## Training

- Recipe (fixed before training, `claims/nlp/training/candidate.py`): CT24 train without the
  protocol's validation part ({metadata["train_sentences"]:,} sentences;
  {metadata["validation_sentences"]:,} kept out), 'unimportant factual sentences' kept as No,
  {metadata["quotation_rewrites"]:,} fit sentences rewritten as quotations (label unchanged).
- Fine-tuning: all encoder layers (word embeddings frozen), mean pooling, binary cross-entropy;
  {settings["epochs"]} epochs scheduled, batch {settings["batch_size"]} (length-bucketed), AdamW
  lr {settings["learning_rate"]} (head {settings["head_learning_rate"]}), linear warm-up
  {settings["warmup_fraction"]} then decay, weight decay {settings["weight_decay"]}, seed
  {settings["seed"]}, {settings["threads"]} CPU threads, {metadata["training_seconds"]} s.
  {metadata.get("training_note", "")}
- Command: `{metadata["command"]}` (offline), then `{metadata["command"]} --package-only`
  (weights, quantisation, calibration and threshold on the validation part, then the scoring).

{data_section(metadata)}"""
    path.write_text(text, encoding="utf-8")
