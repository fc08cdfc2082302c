"""Each sentence of an analysis goes through the transformer once, for both of its outputs."""

import numpy as np
import pytest

from claims.nlp import checkworthiness, pipeline
from claims.nlp.sentences import split_sentences


class CountingSession:
    """The real ONNX session, counting calls and the rows (sentences) each call runs."""

    def __init__(self, session):
        self.session = session
        self.calls: list[tuple[tuple[str, ...], int]] = []

    def run(self, output_names, feeds):
        self.calls.append((tuple(output_names), len(feeds["input_ids"])))
        return self.session.run(output_names, feeds)


@pytest.fixture
def counting_session(monkeypatch):
    session = CountingSession(checkworthiness._session())
    monkeypatch.setattr(checkworthiness, "_session", lambda: session)
    return session


@pytest.mark.model
def test_an_analysis_runs_each_sentence_through_the_model_once(counting_session, seed_text):
    analysed = pipeline.analyze_text(seed_text)

    # The seed article has stance candidates, so a second pass would show up here.
    assert len(analysed) == len(split_sentences(seed_text))
    assert sum(rows for _, rows in counting_session.calls) == len(analysed)
    assert all(outputs == ("score", "embedding") for outputs, _ in counting_session.calls)


@pytest.mark.model
def test_one_pass_gives_the_same_scores_and_vectors_as_two(seed_text):
    texts = [sentence.text for sentence in split_sentences(seed_text)]

    both = checkworthiness.score_and_embed_sentences(texts)

    assert both.scores == pytest.approx(checkworthiness.score_sentences(texts), abs=1e-6)
    assert np.allclose(both.vectors, checkworthiness.embed_sentences(texts), atol=1e-6)
    assert np.allclose(np.linalg.norm(both.vectors, axis=1), 1.0, atol=1e-5)
