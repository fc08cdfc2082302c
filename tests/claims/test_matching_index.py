"""The vector index: faiss wrapper, snapshots from PostgreSQL, and processes catching up."""

import io

import numpy as np
import pytest
from django.core.management import call_command

from claims.matching import store
from claims.matching.index import VectorIndex
from claims.matching.store import CHECKED, CLAIMS, claim_key, corpora_forget, live_corpus
from claims.models import ClaimEmbedding
from tests.factories import claim_alone


def unit(rows, seed=0):
    vectors = np.random.default_rng(seed).normal(size=(rows, 384)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


@pytest.mark.parametrize("ivf_min", [10_000, 100])
def test_the_index_finds_replaces_and_forgets_vectors_exact_or_approximate(ivf_min):
    vectors = unit(500)
    index = VectorIndex.build(np.arange(500), vectors, ivf_min=ivf_min, nprobe=64)
    assert index.is_approximate == (ivf_min == 100)
    ids, similarities = index.search(vectors[7:8], 3)
    assert ids[0][0] == 7 and similarities[0][0] == pytest.approx(1.0, abs=1e-4)
    index.add(np.array([7]), vectors[8:9])  # a new text for the same claim
    assert len(index) == 500
    assert np.allclose(index.vectors([7])[0], vectors[8], atol=1e-5)
    index.remove(np.array([7]))
    assert index.vectors([7]) == [None]
    assert 7 not in index.search(vectors[8:9], 5)[0][0]


def test_a_snapshot_round_trips(tmp_path):
    vectors = unit(50)
    VectorIndex.build(np.arange(50), vectors).save(tmp_path / "x.faiss")
    loaded = VectorIndex.load(tmp_path / "x.faiss")
    assert loaded.search(vectors[3:4], 1)[0][0][0] == 3


@pytest.mark.django_db
def test_a_process_starts_from_the_snapshot_and_reads_claims_stored_after_it(tmp_path, settings):
    settings.MATCHING_INDEX_DIR = tmp_path
    before = claim_alone("The council spent two million on the new stadium last spring.")
    out = io.StringIO()
    call_command("rebuild_match_index", stdout=out)
    assert "embedded 1 claims" in out.getvalue()
    assert (tmp_path / f"{CLAIMS}.faiss").is_file() and (tmp_path / f"{CHECKED}.faiss").is_file()
    corpora_forget()  # a process starting now
    after = claim_alone("The mayor promised free buses for every pupil in the city.")
    store.claim_embeddings_compute(claim_ids=[after.pk])  # the worker, after the snapshot
    live = live_corpus(CLAIMS)
    assert {claim_key(before.pk), claim_key(after.pk)} <= set(live.documents)
    assert len(live.index) == 2
    hits = live.matcher().search("Free buses for all pupils, the mayor promised.", limit=1)
    assert hits[0].key == claim_key(after.pk)
    assert ClaimEmbedding.objects.count() == 2
