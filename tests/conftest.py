import os
import re
from pathlib import Path

import numpy as np
import pytest

from claims.nlp import checkworthiness

REPO = Path(__file__).resolve().parent.parent
SEED_ARTICLE = REPO / "seeds" / "000_ab3642ed052a6c28.txt"

# Words that make the fake scorer call a sentence check-worthy. The real model is exercised
# by the tests marked `model` and by the worker test; everything else uses this stand-in so a
# test's outcome depends on the code under test, not on a model's borderline scores.
_FACTUAL = re.compile(
    r"\d|percent|million|billion|killed|attacks?|targeted|strikes?|condemned|deal", re.IGNORECASE
)
FAKE_VERSION = "fake-keywords-1"
FAKE_THRESHOLD = 0.5


def fake_score_sentences(texts, *, batch_size: int = 64):
    return [0.9 if _FACTUAL.search(text) else 0.1 for text in texts]


def fake_embed_sentences(texts, *, batch_size: int = 64):
    """No sentence vector: the stance model then weighs the parse features alone."""
    return np.zeros((len(texts), checkworthiness.EMBEDDING_SIZE), dtype=np.float32)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """Give each test run its own PostgreSQL database, so runs sharing a server don't collide."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.postgresql":
        database.setdefault("TEST", {})["NAME"] = f"test_{database['NAME']}_{os.getpid()}"


@pytest.fixture(autouse=True)
def fake_checkworthiness_model(request, monkeypatch):
    if request.node.get_closest_marker("model") or request.node.get_closest_marker("worker"):
        yield None
        return
    monkeypatch.setattr(checkworthiness, "score_sentences", fake_score_sentences)
    monkeypatch.setattr(checkworthiness, "embed_sentences", fake_embed_sentences)
    monkeypatch.setattr(
        checkworthiness,
        "model_info",
        lambda: checkworthiness.ModelInfo(version=FAKE_VERSION, threshold=FAKE_THRESHOLD),
    )
    yield fake_score_sentences


@pytest.fixture
def seed_text() -> str:
    return SEED_ARTICLE.read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def fresh_claim_matchers(settings):
    """Each process keeps its matchers in memory; a test's rows vanish with its transaction."""
    from claims.matching.store import corpora_forget

    settings.MATCHING_SYNC_SECONDS = 0
    corpora_forget()
    yield
    corpora_forget()
