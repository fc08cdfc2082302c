"""Cross-fitting: the folds, fitting on several models' views at once, and the rule."""

from dataclasses import replace

import pytest
from django.core.management import CommandError, call_command

from claims.matching import crossfit
from claims.matching.checkthat import Split
from claims.matching.corpus import corpus_matcher
from claims.matching.crossfit import (
    Judged,
    folds_split,
    out_of_fold_goes_forward,
    scored_build,
    settings_fit,
    settings_judge,
    split_join,
)
from claims.matching.evaluation import matching_evaluate
from claims.matching.retrieval import Document, MatchSettings
from tests.claims.toy_embeddings import same_vector_embed, words_embedder

VOCABULARY = ["unemployment", "state", "rose", "percent", "moon", "studio", "vaccine", "autism"]
DOCUMENTS = [
    Document(key=0, text="Unemployment in the state rose 20 percent last year.", title="Jobs"),
    Document(key=1, text="The moon landing was filmed in a studio in Nevada.", title="Moon"),
    Document(key=2, text="Vaccines cause autism in children.", title="Vaccines"),
    Document(key=3, text="The state budget rose by a third.", title="Budget"),
]
QUERIES = Split(
    query_ids=["jobs", "moon", "vaccine", "budget"],
    texts=[
        "unemployment rose 20 percent in the state",
        "they filmed the moon landing in a studio",
        "vaccine gives autism",
        "the state budget rose",
    ],
    relevant={"jobs": {0}, "moon": {1}, "vaccine": {2}, "budget": {3}},
)


word_embed = words_embedder(VOCABULARY)
blind_embed = same_vector_embed  # a model that sees nothing


def view(embed, split):
    matcher = corpus_matcher(DOCUMENTS, embed=embed)
    return scored_build(matcher=matcher, split=split, embed=embed, cache_dir=None, tag="test")


def test_the_folds_are_fixed_halves_that_cover_every_tweet_once():
    ids = [str(i) for i in range(640)]
    split = Split(query_ids=ids, texts=ids, relevant={i: {0} for i in ids})
    first, second = folds_split(split)
    again_first, again_second = folds_split(split)
    assert (len(first.query_ids), len(second.query_ids)) == (320, 320)
    assert not set(first.query_ids) & set(second.query_ids)
    assert sorted(split_join([first, second]).query_ids, key=int) == ids
    assert (first.query_ids, second.query_ids) == (again_first.query_ids, again_second.query_ids)


def test_each_folds_stream_comes_from_its_own_model(monkeypatch):
    first = Split(QUERIES.query_ids[:2], QUERIES.texts[:2], {})
    second = Split(QUERIES.query_ids[2:], QUERIES.texts[2:], {})
    first.relevant.update({q: QUERIES.relevant[q] for q in first.query_ids})
    second.relevant.update({q: QUERIES.relevant[q] for q in second.query_ids})
    seeing, blind = view(word_embed, first), view(blind_embed, second)
    built = []
    original = crossfit.stream_build

    def recording(matcher, split, vectors, documents):
        built.append((matcher, split.query_ids))
        return original(matcher, split, vectors, documents)

    monkeypatch.setattr(crossfit, "stream_build", recording)
    fitted = settings_fit([seeing, blind], DOCUMENTS)
    assert built == [(seeing.matcher, first.query_ids), (blind.matcher, second.query_ids)]
    assert set(fitted.rules) == {"suggested", "same_claim"}
    weights = ("claim_weight", "title_weight", "lexical_weight")
    for matcher in (seeing.matcher, blind.matcher):
        assert [getattr(matcher.settings, w) for w in weights] == [
            getattr(fitted.settings, w) for w in weights
        ]
    # With the blind model's cosines flat, only BM25 can rank the second fold.
    assert fitted.settings.lexical_weight > 0


def test_settings_are_judged_on_the_held_out_view():
    held_out = view(word_embed, QUERIES)
    judged = settings_judge(held_out, replace(MatchSettings(), suggested=0.3), DOCUMENTS)
    assert judged.hybrid_map == 1.0
    # Each tweet searched with and without its fact-check: half the stream can be right.
    assert judged.suggested_right <= judged.suggested_reached <= 2 * len(QUERIES.query_ids)
    assert judged.suggested_right == len(QUERIES.query_ids)


def judged(hybrid_map, precision):
    return Judged(hybrid_map, precision, 0, 0, 1.0, 0, 0)


def test_out_of_fold_goes_forward_only_when_ranking_holds_and_precision_gets_closer():
    in_sample = judged(0.900, 0.60)
    assert out_of_fold_goes_forward(in_sample, judged(0.896, 0.65))
    assert out_of_fold_goes_forward(in_sample, judged(0.910, 0.72))
    assert not out_of_fold_goes_forward(in_sample, judged(0.894, 0.67))
    assert not out_of_fold_goes_forward(in_sample, judged(0.900, 0.75))
    assert not out_of_fold_goes_forward(in_sample, judged(0.900, 0.60))


def test_the_evaluation_keeps_settings_fitted_elsewhere(tmp_path):
    lines = ["\tvclaim\ttitle"] + [f"{d.key}\t{d.text}\t{d.title}" for d in DOCUMENTS]
    (tmp_path / "verified_claims.docs.tsv").write_text("\n".join(lines) + "\n")
    for name in ("train", "dev"):
        rows = ["\ttweet_content"] + [
            f"{name}-{q}\t{t}" for q, t in zip(QUERIES.query_ids, QUERIES.texts, strict=True)
        ]
        (tmp_path / f"{name}.tweets.queries.tsv").write_text("\n".join(rows) + "\n")
        qrels = [f"{name}-{q}\t0\t{next(iter(QUERIES.relevant[q]))}\t1" for q in QUERIES.query_ids]
        (tmp_path / f"{name}.tweet-vclaim-pairs.qrels").write_text("\n".join(qrels) + "\n")
    fixed = replace(
        MatchSettings(),
        claim_weight=0.3,
        title_weight=0.0,
        lexical_weight=0.7,
        suggested=0.25,
        same_claim=0.95,
    )
    rules = {"suggested": "fitted out of fold", "same_claim": "fitted out of fold"}
    report = matching_evaluate(
        data_dir=tmp_path,
        embed=word_embed,
        tag="test",
        baselines={},
        cache_dir=None,
        rerank_depth=4,
        fixed=(fixed, rules),
    )
    assert report.settings == fixed
    assert report.threshold_rules == rules
    assert "hybrid, weights fitted out of fold" in [row[0] for row in report.rows]
    assert {t[2] for t in report.thresholds if t[0] == "suggested"} == {0.25}


@pytest.mark.parametrize("flag", ["--train-holdout", "--train-crossfit", "--train-query-signals"])
def test_the_train_only_comparisons_name_a_missing_data_set(tmp_path, flag):
    with pytest.raises(CommandError, match="verified_claims.docs.tsv"):
        call_command("evaluate_matching", flag, "--data-dir", str(tmp_path))
