"""The API's published-verdict list pages are cached (API_LIST_CACHE_SECONDS), and every change
to what they show clears them once it commits (claims.record.published_changed). A speaker
merge and its undo: tests/claims/test_speaker_merges.py; a publication: test_api_verdict_list."""

import pytest

from claims.speaker_edits import speaker_edit
from tests.api_clients import key_client
from tests.factories import (
    ClaimFactory,
    SpeakerFactory,
    correction_published,
    editor,
    published_verdict,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


@pytest.fixture(autouse=True)
def cached_lists(settings):
    settings.API_LIST_CACHE_SECONDS = 30  # as in production


def _listed(field: str) -> list:
    return [row[field] for row in key_client().get("/api/v1/verdicts/").json()["results"]]


def test_a_corrected_verdict_shows_its_new_conclusion_at_once(django_capture_on_commit_callbacks):
    verdict = published_verdict(conclusion="Rents rose 9 percent.")
    assert _listed("conclusion") == ["Rents rose 9 percent."]

    with django_capture_on_commit_callbacks(execute=True):
        correction_published(
            verdict=verdict,
            editor=editor(),
            expected_version=verdict.version,
            note="We misread the table.",
            rating=verdict.rating,
            conclusion="Rents rose 6 percent.",
            explanation=verdict.explanation,
            sources=[
                {"url": source.url, "title": source.title, "note": source.note}
                for source in verdict.sources.order_by("id")
            ],
        )

    assert _listed("conclusion") == ["Rents rose 6 percent."]


def test_a_corrected_speaker_name_shows_at_once(django_capture_on_commit_callbacks):
    speaker = SpeakerFactory(name="Ann Exampel", role="Mayor")
    published_verdict(claim=ClaimFactory(speaker=speaker))
    assert [claim["speaker"]["name"] for claim in _listed("claim")] == ["Ann Exampel"]

    with django_capture_on_commit_callbacks(execute=True):
        speaker_edit(
            speaker=speaker,
            actor=editor(),
            name="Ann Example",
            role="Mayor",
            correction_note="Her name was misspelt.",
        )

    assert [claim["speaker"]["name"] for claim in _listed("claim")] == ["Ann Example"]
