"""The README's API examples have the shape the API answers with."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings

from claims.matching.retrieval import MatchSettings
from tests.api_clients import client_with, published_verdict

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


def readme_answer_to(command: str) -> dict:
    """The JSON printed under the README's `curl` line containing `command`, its `{...}`,
    `[...]` and `, ...` (the parts left out) read as nothing."""
    lines = (Path(settings.BASE_DIR) / "README.md").read_text().splitlines()
    start = next(
        i for i, line in enumerate(lines) if command in line and "curl" in lines[i - 1] + line
    )
    answer = []
    for line in lines[start + 1 :]:
        if line.startswith(("$ ", "```")):
            break
        answer.append(line)
    text = re.sub(r",\s*\.\.\.", "", " ".join(answer)).replace("{...}", "{}").replace("[...]", "[]")
    return json.loads(text)


def assert_shape(example, real, where="answer"):
    """Every field the example shows is in the real answer, with a value of the same kind."""
    if isinstance(example, dict):
        assert isinstance(real, dict), where
        assert set(example) <= set(real), (where, set(example) - set(real))
        for key, value in example.items():
            assert_shape(value, real[key], f"{where}.{key}")
    elif isinstance(example, list):
        assert isinstance(real, list) and (real or not example), where
        for item in example:
            assert_shape(item, real[0], f"{where}[]")
    elif isinstance(example, int | float) and not isinstance(example, bool):
        assert isinstance(real, int | float) and not isinstance(real, bool), where
    else:
        assert type(example) is type(real), where


def test_the_readmes_search_example_is_shaped_as_a_real_search_answer():
    text = "Anna Smith said rail ticket prices rose by 20 percent in 2026."
    published_verdict(text)
    response = client_with().get("/api/v1/verdicts/search/", {"q": text, "limit": 2})
    assert response.status_code == 200
    real = response.json()
    example = readme_answer_to("/api/v1/verdicts/search/")
    assert set(example) == set(real)
    [shown] = example["results"]
    # A result shows each of its fields; the verdict inside it some of them.
    assert set(shown) == set(real["results"][0]) == {"score", "level", "verdict"}
    assert_shape(example, real)
    # And the level a score of that size gets: weaker matches are left out of the answer.
    thresholds = MatchSettings()
    assert shown["level"] in {"suggested", "same_claim"}
    assert shown["score"] >= thresholds.suggested
    assert (shown["level"] == "same_claim") <= (shown["score"] >= thresholds.same_claim)


def test_the_readmes_verdict_list_example_is_shaped_as_a_real_page():
    from tests.factories import SpeakerFactory

    speaker = SpeakerFactory(name="Anna Smith")
    for text in ("Rail ticket prices rose by 20 percent.", "Bus fares doubled in 2026."):
        published_verdict(text, speaker=speaker, rating="false")
    query = "/api/v1/verdicts/?rating=false&speaker=Anna%20Smith&page_size=1"
    response = client_with().get(query)
    assert response.status_code == 200
    real = response.json()
    example = readme_answer_to(query)
    assert set(example) == set(real)
    assert_shape(example, real)
