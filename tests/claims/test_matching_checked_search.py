"""The API's "has this been checked?" search (`store.checked_search`) scores a query against the
published claims exactly as `match_claims` scores it against the same claims: BM25 is fitted on
the claims searched (the published ones only), whatever the web process's history. On a desk
with few published verdicts the BM25 part is therefore small, as it is for `match_claims` given
few claims (BM25's rarity of a word needs many documents): asked "Have militias attacked US
troops with drones?" with one published seed claim, the demo finds nothing at 0.371, where the
same pair among CheckThat! 2020's 10,375 verified claims would score 0.430, over "suggested"
(0.375)."""

import csv
import io
import zlib

import numpy as np
import pytest
from django.core.management import call_command

from claims.matching import embedding
from claims.matching.store import (
    CHECKED,
    checked_search,
    claim_embeddings_compute,
    corpora_forget,
    corpus_rebuild,
    live_corpus,
    snapshot_path,
)
from claims.matching.text import tokens
from tests.api_clients import claim_with_text, published_verdict

pytestmark = pytest.mark.django_db

QUERY = "Have militias attacked US troops with drones?"
# Two of the seed article's claims (seeds/000_ab3642ed052a6c28.txt) and the demo recap's
# repeat, which shares "troops" and "drone attacks" with the query but is never published here.
FIRST = (
    "Two anonymous U.S. officials told Reuters Iran-backed militias carried out at least five "
    "drone attacks against facilities used by the United States and coalition personnel in "
    "Iraq since April."
)
SECOND = (
    "The U.S. military said it targeted operational and weapons storage facilities at two "
    "locations in response to drone attacks by the group against U.S. personnel and facilities."
)
UNPUBLISHED = (
    "The Pentagon said American forces hit weapons storage and operational facilities at two "
    "locations, answering drone attacks the group had launched on U.S. troops and facilities."
)


def text_only_vectors(texts: list[str]) -> np.ndarray:
    """Each text's vector from its own words alone. The shipped int8 model's vector of a text
    moves a little with the texts embedded in the same batch (dynamic quantisation scales a
    batch as a whole: about 0.992 cosine to the same text embedded alone), and the two paths
    compared here batch differently."""
    rows = np.zeros((len(texts), embedding.DIMENSIONS), dtype=np.float32)
    for row, text in enumerate(texts):
        for word in tokens(text):
            seed = zlib.crc32(word.encode("utf-8"))
            rows[row] += np.random.default_rng(seed).standard_normal(embedding.DIMENSIONS)
        rows[row] /= np.linalg.norm(rows[row])
    return rows


def unpublished_claim_with_vector(text: str):
    claim = claim_with_text(text)
    claim_embeddings_compute(claim_ids=[claim.pk])
    return claim


def search_scores() -> dict[int, tuple[float, float]]:
    return {
        claim_id: (match.score, match.lexical)
        for claim_id, match in checked_search(QUERY, limit=10)
    }


def match_claims_scores(tmp_path, claims) -> dict[int, float]:
    vclaims, queries = tmp_path / "vclaims.tsv", tmp_path / "queries.tsv"
    with vclaims.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter="\t").writerows(
            [["vclaim_id", "vclaim", "title"], *[[claim.pk, claim.text, ""] for claim in claims]]
        )
    with queries.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter="\t").writerows([["query_id", "text"], ["q", QUERY]])
    out = io.StringIO()
    call_command("match_claims", str(vclaims), str(queries), stdout=out)
    rows = [line.split("\t") for line in out.getvalue().splitlines()]
    return {int(vclaim_id): float(score) for _, vclaim_id, score in rows}


def test_the_search_scores_the_published_claims_as_match_claims_does_given_just_them(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(embedding, "embed_texts", text_only_vectors)
    first = published_verdict(FIRST).claim
    second = published_verdict(SECOND).claim
    unpublished = unpublished_claim_with_vector(UNPUBLISHED)

    found = search_scores()

    assert unpublished.pk not in found
    expected = match_claims_scores(tmp_path, [first, second])
    assert {claim_id: score for claim_id, (score, _) in found.items()} == expected
    # The BM25 part counts the published claims only: counting the unpublished one (it holds
    # the query's "troops") would change each word's rarity and so the first claim's score.
    assert live_corpus(CHECKED).stats.documents == 2
    assert found[first.pk][1] > 0


def test_a_web_process_scores_the_same_fresh_from_a_snapshot_or_running_since_before(
    settings, tmp_path
):
    settings.MATCHING_INDEX_DIR = tmp_path
    first = published_verdict(FIRST).claim
    assert set(search_scores()) == {first.pk}  # a process that keeps running from here
    corpus_rebuild(CHECKED)  # a snapshot that knows the first claim only
    second = published_verdict(SECOND).claim
    unpublished_claim_with_vector(UNPUBLISHED)

    running = search_scores()
    corpora_forget()
    from_snapshot = search_scores()
    corpora_forget()
    snapshot_path(CHECKED).unlink()
    fresh = search_scores()

    assert set(fresh) == {first.pk, second.pk}
    assert running == from_snapshot == fresh
    assert live_corpus(CHECKED).stats.documents == 2
