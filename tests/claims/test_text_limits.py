"""The limits of a correction note and of a review comment (claims.limits) hold for every
caller of the services, not only for the desk's forms, which show the same limits; and the
desk's verdict forms take the conclusion's and a source's limits from their columns."""

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.urls import reverse

from claims import corrections, verdicts
from claims.limits import CORRECTION_NOTE_MAX, REVIEW_COMMENT_MAX
from claims.models import Correction, Speaker, SpeakerMerge, Verdict, VerdictStatus
from claims.speaker_edits import speaker_edit
from claims.speaker_merges import speaker_merge
from tests.factories import (  # noqa: F401 (fast_password_hashing is a fixture)
    SpeakerFactory,
    editor,
    fast_password_hashing,
    published_verdict,
    submitted_verdict,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

NOTE_TOO_LONG = "The correction note is too long: keep it to 5,000 characters (it has 5001)."


def test_the_service_refuses_a_return_comment_past_its_limit():
    verdict = submitted_verdict()
    with pytest.raises(ValidationError) as refused:
        verdicts.verdict_return(verdict=verdict, actor=editor(), comment="x" * 5001)
    assert refused.value.message_dict == {
        "comment": ["The comment is too long: keep it to 5,000 characters (it has 5001)."]
    }
    assert Verdict.objects.get(pk=verdict.pk).status == VerdictStatus.SUBMITTED
    returned = verdicts.verdict_return(verdict=verdict, actor=editor(), comment="x" * 5000)
    assert returned.review_comment == "x" * 5000


def test_the_service_refuses_a_return_comment_no_column_stores():
    verdict = submitted_verdict()
    with pytest.raises(ValidationError) as refused:
        verdicts.verdict_return(verdict=verdict, actor=editor(), comment="Second\x00source.")
    assert "The comment holds a NUL character" in refused.value.message_dict["comment"][0]
    assert Verdict.objects.get(pk=verdict.pk).status == VerdictStatus.SUBMITTED


def test_the_service_refuses_a_correction_note_past_its_limit():
    verdict = published_verdict()
    with pytest.raises(ValidationError) as refused:
        corrections.verdict_correct(
            verdict=verdict,
            editor=editor(),
            expected_version=verdict.version,
            note="x" * (CORRECTION_NOTE_MAX + 1),
            rating=verdict.rating,
            conclusion=verdict.conclusion,
            explanation="A new reading of the table.",
            sources=[{"url": s.url, "title": s.title} for s in verdict.sources.all()],
        )
    assert refused.value.message_dict == {"note": [NOTE_TOO_LONG]}
    assert not Correction.objects.exists()


def test_a_speaker_edit_refuses_a_correction_note_past_its_limit():
    speaker = SpeakerFactory(name="Ann Exampel")
    with pytest.raises(ValidationError) as refused:
        speaker_edit(
            speaker=speaker,
            actor=editor(),
            name="Ann Example",
            role="",
            correction_note="x" * (CORRECTION_NOTE_MAX + 1),
        )
    assert refused.value.message_dict == {"correction_note": [NOTE_TOO_LONG]}
    assert Speaker.objects.get(pk=speaker.pk).name == "Ann Exampel"


@pytest.mark.parametrize(
    ("note", "message"),
    [("x" * (CORRECTION_NOTE_MAX + 1), NOTE_TOO_LONG), ("Same\x00man.", "holds a NUL character")],
    ids=["too long", "a NUL"],
)
def test_a_speaker_merge_refuses_a_correction_note_it_could_not_publish(note, message):
    source, target = SpeakerFactory(name="A. Example"), SpeakerFactory(name="Ann Example")
    with pytest.raises(ValidationError) as refused:
        speaker_merge(source=source, target=target, actor=editor(), correction_note=note)
    assert message in refused.value.message_dict["correction_note"][0]
    assert not SpeakerMerge.objects.exists()


def field_maxlength(html: str, name: str) -> str:
    box = BeautifulSoup(html, "html.parser").find(["input", "textarea"], attrs={"name": name})
    return box["maxlength"]


def test_the_desk_forms_show_the_note_and_comment_limits_the_services_hold(client):
    client.force_login(editor(username="boss"))
    in_review = submitted_verdict()
    page = client.get(reverse("claims:detail", args=[in_review.claim_id])).content.decode()
    assert field_maxlength(page, "comment") == str(REVIEW_COMMENT_MAX)
    published = published_verdict()
    page = client.get(reverse("claims:detail", args=[published.claim_id])).content.decode()
    assert field_maxlength(page, "correct-note") == str(CORRECTION_NOTE_MAX)


def test_the_desk_refuses_a_return_comment_past_its_limit_with_the_service_s_message(client):
    client.force_login(editor(username="boss"))
    verdict = submitted_verdict()
    response = client.post(
        reverse("claims:return", args=[verdict.claim_id]),
        {"version": verdict.version, "comment": "x" * (REVIEW_COMMENT_MAX + 1)},
    )
    assert response.status_code == 400
    assert "The comment is too long: keep it to 5,000 characters" in response.content.decode()
    assert Verdict.objects.get(pk=verdict.pk).status == VerdictStatus.SUBMITTED
