"""The cross-encoder re-ranker: pairs, training groups, fusion with the hybrid, scoring, judging."""

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from claims.matching import crossrank_holdout, embedding
from claims.matching.checkthat import Split
from claims.matching.crossrank import (
    MAX_TOKENS,
    OUTPUT,
    candidate_text,
    cross_scores,
    pair_tokenizer,
    pairs_encode,
    query_groups,
    rrf_order,
    top_candidates,
)
from claims.matching.crossrank_holdout import cross_encoder_dev, reranked_judge
from claims.matching.retrieval import Candidates, Document, MatchSettings
from claims.nlp import checkworthiness
from claims.nlp.checkworthiness import backbone_dir
from tests.claims.toy_embeddings import words_embedder

DOCUMENTS = [
    Document(key=0, text="The moon landing was filmed in a studio.", title="Moon hoax"),
    Document(key=1, text="Vaccines cause autism.", title=""),
    Document(key=2, text="Taxes rose by a third.", title="Taxes rose by a third."),
    Document(key=3, text="A cat was elected mayor.", title="Cat mayor"),
]


class WordOverlapSession:
    """Stands in for the int8 cross-encoder: a pair scores the count of candidate word pieces
    that also occur in the query (token type 1 against type 0), and every call is recorded."""

    def __init__(self):
        self.batches = []

    def run(self, outputs, feeds):
        assert outputs == [OUTPUT]
        self.batches.append(len(feeds["input_ids"]))
        scores = []
        for ids, mask, types in zip(
            feeds["input_ids"], feeds["attention_mask"], feeds["token_type_ids"], strict=True
        ):
            query = set(ids[(types == 0) & (mask == 1)].tolist()) - {101, 102}
            candidate = ids[(types == 1) & (mask == 1)].tolist()
            scores.append(sum(1 for piece in candidate if piece in query))
        return [np.array(scores, dtype=np.float32)]


def test_candidate_text_adds_the_title_only_when_it_says_something_else():
    assert candidate_text(DOCUMENTS[0]) == "The moon landing was filmed in a studio. — Moon hoax"
    assert candidate_text(DOCUMENTS[1]) == "Vaccines cause autism."
    assert candidate_text(DOCUMENTS[2]) == "Taxes rose by a third."


def test_the_hybrids_best_candidates_come_best_first_and_cut_at_the_depth():
    found = Candidates(
        keys=[0, 1, 2, 3],
        claim_cosine=np.array([0.1, 0.9, 0.5, 0.7], dtype=np.float32),
        title_cosine=np.zeros(4, dtype=np.float32),
        lexical=np.zeros(4, dtype=np.float32),
    )
    settings = MatchSettings(claim_weight=1, title_weight=0, lexical_weight=0)
    assert top_candidates(found, settings, depth=3).keys == [1, 3, 2]


def test_agreeing_rankings_keep_the_hybrids_order():
    assert rrf_order(np.array([3.0, 2.0, 1.0, 0.0])).tolist() == [0, 1, 2, 3]


def test_the_cross_encoder_lifts_the_hybrids_second_over_a_first_it_ranks_last():
    # Hybrid order 0, 1, 2; the cross-encoder's 1, 2, 0: 1 wins, 0 keeps second on its rank.
    assert rrf_order(np.array([0.1, 0.9, 0.8])).tolist() == [1, 0, 2]


def test_a_swap_of_two_neighbours_is_a_tie_that_keeps_the_hybrids_order():
    assert rrf_order(np.array([0.5, 0.9, 0.1])).tolist() == [0, 1, 2]


def test_pairs_put_the_cleaned_query_first_and_the_candidate_second():
    tokenizer = pair_tokenizer(backbone_dir())
    input_ids, attention_mask, token_type_ids = pairs_encode(
        tokenizer,
        ["the moon landing was fake https://t.co/abc", "vaccines"],
        ["The moon landing was filmed in a studio.", "Vaccines cause autism."],
    )
    first = tokenizer.encode(
        "the moon landing was fake", "The moon landing was filmed in a studio."
    )
    assert input_ids[0, : len(first.ids)].tolist() == first.ids
    assert attention_mask[0].sum() == len(first.ids)
    assert token_type_ids[0, : len(first.ids)].tolist() == first.type_ids
    assert set(token_type_ids[0, : len(first.ids)].tolist()) == {0, 1}
    # The shorter pair is padded to the longer one, its padding masked.
    assert attention_mask[1].sum() < input_ids.shape[1]
    assert input_ids[1, attention_mask[1].sum() :].tolist() == [0] * (
        input_ids.shape[1] - attention_mask[1].sum()
    )


def test_a_long_pair_is_cut_to_the_token_limit():
    tokenizer = pair_tokenizer(backbone_dir())
    input_ids, attention_mask, _ = pairs_encode(tokenizer, ["word " * 300], ["claim " * 300])
    assert input_ids.shape[1] == MAX_TOKENS
    assert attention_mask.sum() == MAX_TOKENS


def test_training_groups_hold_the_right_fact_check_even_when_the_hybrid_missed_it():
    top = [
        Candidates([1, 2], *(np.zeros(2, dtype=np.float32) for _ in range(3))),
        Candidates([1, 3], *(np.zeros(2, dtype=np.float32) for _ in range(3))),
        Candidates([0, 1], *(np.zeros(2, dtype=np.float32) for _ in range(3))),
    ]
    groups = query_groups(
        texts=["moon hoax", "vaccines autism", "no fact-check for this one"],
        relevant=[{0}, {1}, set()],
        top=top,
        documents=DOCUMENTS,
    )
    assert [group.query for group in groups] == ["moon hoax", "vaccines autism"]
    assert groups[0].positives == (candidate_text(DOCUMENTS[0]),)
    assert groups[0].negatives == (candidate_text(DOCUMENTS[1]), candidate_text(DOCUMENTS[2]))
    # A right fact-check the hybrid ranked is never one of its query's negatives.
    assert groups[1].negatives == (candidate_text(DOCUMENTS[3]),)


def test_scores_come_back_in_candidate_order_across_batches():
    session = WordOverlapSession()
    tokenizer = pair_tokenizer(backbone_dir())
    scores = cross_scores(
        session=session,
        tokenizer=tokenizer,
        query="vaccines cause autism in children",
        candidates=[candidate_text(document) for document in DOCUMENTS],
        batch_size=3,
    )
    assert session.batches == [3, 1]
    assert int(np.argmax(scores)) == 1
    assert scores.shape == (4,)


def test_the_judge_scores_hybrid_cross_encoder_and_their_fusion_apart():
    # The hybrid ranks the right fact-check third; word overlap puts it first.
    split = Split(query_ids=["q"], texts=["vaccines cause autism in children"], relevant={"q": {1}})
    top = [Candidates([3, 2, 1, 0], *(np.zeros(4, dtype=np.float32) for _ in range(3)))]
    judged = reranked_judge(
        split=split,
        top=top,
        documents=DOCUMENTS,
        session=WordOverlapSession(),
        tokenizer=pair_tokenizer(backbone_dir()),
    )
    assert judged.hybrid == pytest.approx(1 / 3)
    assert judged.cross_alone == 1.0
    # Fused: 1 (hybrid 3rd, cross 1st) ties 3 (hybrid 1st, cross 3rd or 4th) or beats it.
    assert judged.hybrid < judged.fused <= judged.cross_alone
    assert judged.gold_in_depth == 1.0
    assert judged.latency_p50_ms > 0


@pytest.mark.parametrize("flag", ["--train-cross-encoder", "--cross-encoder-dev"])
def test_the_cross_encoder_runs_name_a_missing_data_set(tmp_path, flag):
    with pytest.raises(CommandError, match="verified_claims.docs.tsv"):
        call_command("evaluate_matching", flag, "--data-dir", str(tmp_path))


def test_the_cross_encoder_needs_at_least_one_epoch(tmp_path):
    with pytest.raises(CommandError, match="at least 1"):
        call_command(
            "evaluate_matching",
            "--train-cross-encoder",
            "--cross-encoder-epochs",
            "0",
            "--data-dir",
            str(tmp_path),
        )


# One dimension per word of the documents' topics, so texts sharing them are near.
word_embed = words_embedder(["moon", "vaccine", "taxes", "cat"])


def test_the_dev_read_trains_on_train_and_scores_dev_beside_plain_and_hybrid(tmp_path, monkeypatch):
    data, work = tmp_path / "data", tmp_path / "work"
    data.mkdir()
    work.mkdir()
    lines = ["\tvclaim\ttitle"] + [f"{d.key}\t{d.text}\t{d.title}" for d in DOCUMENTS]
    (data / "verified_claims.docs.tsv").write_text("\n".join(lines) + "\n")
    tweets = {
        "train": ["the moon landing was staged", "vaccines and autism", "a cat mayor"],
        "dev": ["moon landing in a studio", "taxes went up"],
    }
    gold = {"train": [0, 1, 3], "dev": [0, 2]}
    for name, texts in tweets.items():
        rows = ["\ttweet_content"] + [f"{name}-{i}\t{text}" for i, text in enumerate(texts)]
        (data / f"{name}.tweets.queries.tsv").write_text("\n".join(rows) + "\n")
        qrels = [f"{name}-{i}\t0\t{key}\t1" for i, key in enumerate(gold[name])]
        (data / f"{name}.tweet-vclaim-pairs.qrels").write_text("\n".join(qrels) + "\n")
    (work / "plain-fp32.onnx").write_bytes(b"not read: session_load is replaced")
    trained = []

    def model_fake(*, path, groups, source_dir, epochs, log):
        trained.append(([group.query for group in groups], epochs, path.name))
        return path

    monkeypatch.setattr(crossrank_holdout, "cross_encoder_model", model_fake)
    monkeypatch.setattr(
        checkworthiness, "session_load", lambda path, **options: WordOverlapSession()
    )
    monkeypatch.setattr(
        embedding, "onnx_embed", lambda *, session, tokenizer, texts, batch_size: word_embed(texts)
    )
    result = cross_encoder_dev(
        data_dir=data,
        work_dir=work,
        cache_dir=None,
        embed=word_embed,
        tag="test",
        settings=MatchSettings(),
        epochs=2,
        log=lambda line: None,
    )
    # Trained once, on train's tweets only; dev is what it is scored on.
    assert trained == [(tweets["train"], 2, "cross-encoder-train-d20-e2.onnx")]
    assert result.plain_dev == 1.0
    assert result.dev.hybrid == 1.0
    assert result.dev.gold_in_depth == 1.0
    assert result.ships == (result.dev.fused >= 0.8755 + 0.01)
