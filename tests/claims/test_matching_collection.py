"""Round 10's collection pairs: the fixed draw and the title -> claim pairs with their negatives."""

from dataclasses import replace

import pytest
from django.core.management import CommandError, call_command

from claims.matching.checkthat import checkthat_load
from claims.matching.collection_pairs import collection_draw, collection_pairs_mine
from claims.matching.evaluation import matching_evaluate
from claims.matching.retrieval import Document, MatchSettings
from tests.claims.toy_embeddings import words_embedder

CLAIMS = [
    ("Unemployment in the state rose 20 percent last year.", "Did state unemployment rise?"),
    ("Joblessness in the state went up by 2 percent.", "State joblessness up 2 percent"),
    ("The moon landing was filmed in a studio in Nevada.", "Was the moon landing faked?"),
    ("A studio in Nevada built a replica of the moon.", "Nevada moon studio replica"),
    ("Same words in both fields.", "Same words in both fields. "),
]

word_embed = words_embedder(
    ["unemployment", "state", "rose", "percent", "moon", "studio", "nevada", "jobless"]
)


@pytest.fixture
def data_dir(tmp_path):
    """A tiny CheckThat!-shaped data set; it has no dev files, so reading dev would fail."""
    lines = ["\tvclaim\ttitle"] + [
        f"{i}\t{text}\t{title}" for i, (text, title) in enumerate(CLAIMS)
    ]
    (tmp_path / "verified_claims.docs.tsv").write_text("\n".join(lines) + "\n")
    tweets = ["jobs: unemployment rose in the state", "moon landing was filmed in a studio"]
    rows = ["\ttweet_content"] + [f"t{i}\t{text}" for i, text in enumerate(tweets)]
    (tmp_path / "train.tweets.queries.tsv").write_text("\n".join(rows) + "\n")
    (tmp_path / "train.tweet-vclaim-pairs.qrels").write_text("t0\t0\t0\t1\nt1\t0\t2\t1\n")
    return tmp_path


def test_the_draw_is_fixed_and_skips_titles_that_repeat_the_claim():
    documents = [Document(key=i, text=text, title=title) for i, (text, title) in enumerate(CLAIMS)]
    drawn = collection_draw(documents, 3)
    assert drawn == collection_draw(documents, 3)
    assert len(drawn) == 3 and 4 not in drawn
    assert collection_draw(documents, 100) == [0, 1, 2, 3]


def test_each_title_is_paired_with_its_own_claim_against_the_nearest_other_fact_check(data_dir):
    documents, _, splits = checkthat_load(data_dir, splits=("train",))
    pairs = collection_pairs_mine(
        documents=documents,
        split=splits["train"],
        embed=word_embed,
        cache_dir=None,
        tag="test",
        count=10,
    )
    by_title = {pair.query: pair for pair in pairs}
    assert sorted(by_title) == sorted(title for _, title in CLAIMS[:4])
    for key, (text, title) in enumerate(CLAIMS[:4]):
        pair = by_title[title]
        assert pair.positive == text and pair.relevant == {key}
        assert pair.negative_key != key and pair.negative == documents[pair.negative_key].text
    # The nearest other fact-check shares the subject: jobs with jobs, the moon with the moon.
    assert by_title[CLAIMS[0][1]].negative_key == 1
    assert by_title[CLAIMS[2][1]].negative_key == 3


def test_the_collection_comparison_names_a_missing_data_set(tmp_path):
    with pytest.raises(CommandError, match="verified_claims.docs.tsv"):
        call_command("evaluate_matching", "--train-collection-pairs", "--data-dir", str(tmp_path))


def test_the_out_of_fold_run_also_scores_the_in_sample_hybrid_it_does_not_use(data_dir):
    for suffix in ("tweets.queries.tsv", "tweet-vclaim-pairs.qrels"):
        (data_dir / f"dev.{suffix}").write_bytes((data_dir / f"train.{suffix}").read_bytes())
    refitted = matching_evaluate(
        data_dir=data_dir, embed=word_embed, tag="test", baselines={}, cache_dir=None
    )
    fixed = replace(MatchSettings(), claim_weight=0.0, title_weight=0.0, lexical_weight=1.0)
    report = matching_evaluate(
        data_dir=data_dir,
        embed=word_embed,
        tag="test",
        baselines={},
        cache_dir=None,
        fixed=(fixed, {"suggested": "elsewhere", "same_claim": "elsewhere"}),
        in_sample_row=True,
    )
    rows = {row[0]: row[1:] for row in report.rows}
    assert (
        rows["hybrid, weights fitted on train (in-sample)"]
        == dict((row[0], row[1:]) for row in refitted.rows)["hybrid, weights fitted on train"]
    )
    assert "hybrid, weights fitted out of fold" in rows
    assert report.settings == fixed


def test_collection_pairs_are_built_only_on_the_hard_negative_recipe():
    with pytest.raises(CommandError, match="--hard-negatives"):
        call_command("build_matching_model", "--collection-pairs", "640")
