"""The fine-tuning recipes' inputs: the fixed train split, the pairs and the mined negatives."""

from claims.matching.checkthat import Split, split_by_query
from claims.matching.finetune import hard_negatives_mine, training_pairs
from claims.matching.retrieval import Document
from tests.claims.toy_embeddings import words_embedder

DOCUMENTS = [
    Document(key=0, text="Unemployment in the state rose 20 percent last year.", title="Jobs?"),
    Document(key=1, text="Joblessness in the state went up by 2 percent.", title="Did it?"),
    Document(key=2, text="The moon landing was filmed in a studio in Nevada."),
]


word_embed = words_embedder(
    ["unemployment", "state", "rose", "percent", "moon", "studio", "jobless"]
)


def test_the_train_split_is_fixed_disjoint_and_covers_every_tweet():
    ids = [str(i) for i in range(800)]
    split = Split(query_ids=ids, texts=ids, relevant={i: {0} for i in ids})
    train_a, train_b = split_by_query(split)
    again_a, again_b = split_by_query(split)
    assert (len(train_a.query_ids), len(train_b.query_ids)) == (640, 160)
    assert not set(train_a.query_ids) & set(train_b.query_ids)
    assert sorted(train_a.query_ids + train_b.query_ids, key=int) == ids
    assert train_b.query_ids == again_b.query_ids and train_a.query_ids == again_a.query_ids
    assert set(train_b.relevant) == set(train_b.query_ids)


def test_a_hard_negative_pairs_claim_with_claim_and_title_with_title():
    split = Split(query_ids=["q"], texts=["unemployment rose 20 percent"], relevant={"q": {0}})
    pairs = training_pairs(DOCUMENTS, split, {"q": 1})
    assert [(pair.positive, pair.negative) for pair in pairs] == [
        (DOCUMENTS[0].text, DOCUMENTS[1].text),
        (DOCUMENTS[0].title, DOCUMENTS[1].title),
    ]
    assert all(pair.relevant == {0} and pair.negative_key == 1 for pair in pairs)
    assert [pair.negative for pair in training_pairs(DOCUMENTS, split)] == [None, None]


def test_the_mined_negative_is_the_best_ranked_wrong_fact_check():
    split = Split(
        query_ids=["jobs", "moon"],
        texts=["Unemployment in the state rose 20 percent", "moon landing studio"],
        relevant={"jobs": {0}, "moon": {2}},
    )
    mined = hard_negatives_mine(
        documents=DOCUMENTS, split=split, embed=word_embed, cache_dir=None, tag="test"
    )
    assert mined["jobs"] == 1
    assert mined["moon"] in {0, 1}
