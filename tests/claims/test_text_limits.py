"""The limits of a correction note and of a review comment (claims.limits) hold for every
caller of the services, not only for the desk's forms, which show the same limits; and the
desk's verdict forms take the conclusion's and a source's limits from their columns."""

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.urls import reverse

from claims import verdicts
from claims.limits import CORRECTION_NOTE_MAX, REVIEW_COMMENT_MAX
from claims.models import (
    Correction,
    EvidenceSource,
    Speaker,
    SpeakerMerge,
    Verdict,
    VerdictStatus,
)
from claims.speaker_edits import speaker_edit
from claims.speaker_merges import speaker_merge
from tests.factories import (
    ClaimFactory,
    SpeakerFactory,
    active_rating,
    correction_published,
    editor,
    fact_checker,
    published_verdict,
    submitted_verdict,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

NOTE_TOO_LONG = "The correction note is too long: keep it to 5,000 characters (it has 5,001)."


def test_the_service_refuses_a_return_comment_past_its_limit():
    verdict = submitted_verdict()
    with pytest.raises(ValidationError) as refused:
        verdicts.verdict_return(verdict=verdict, actor=editor(), comment="x" * 5001)
    assert refused.value.message_dict == {
        "comment": ["The comment is too long: keep it to 5,000 characters (it has 5,001)."]
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
        correction_published(
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


def column_max(model, field: str) -> int:
    return model._meta.get_field(field).max_length


def draft(claim, *, conclusion="Wrong.", url="https://a.example.org/", title="A"):
    return verdicts.verdict_save(
        claim=claim,
        actor=fact_checker(),
        expected_version=None,
        rating=active_rating("false"),
        conclusion=conclusion,
        sources=[{"url": url, "title": title}],
    )


def test_the_service_refuses_a_conclusion_longer_than_its_column_instead_of_failing():
    claim = ClaimFactory()
    limit = column_max(Verdict, "conclusion")
    with pytest.raises(ValidationError) as refused:
        draft(claim, conclusion="x" * (limit + 1))
    assert refused.value.message_dict == {
        "conclusion": [
            f"The conclusion is too long: keep it to {limit} characters (it has {limit + 1})."
        ]
    }
    assert not Verdict.objects.filter(claim=claim).exists()
    # The column counts a line break sent as CR LF twice, so the service does too.
    with pytest.raises(ValidationError, match="conclusion is too long"):
        draft(claim, conclusion="x" * (limit - 2) + "\r\nx")
    assert draft(claim, conclusion="x" * limit).conclusion == "x" * limit


def test_the_service_refuses_a_source_title_or_address_longer_than_its_column():
    claim = ClaimFactory()
    title_max, url_max = column_max(EvidenceSource, "title"), column_max(EvidenceSource, "url")
    with pytest.raises(ValidationError) as refused:
        draft(claim, title="x" * (title_max + 1))
    assert refused.value.message_dict == {
        "sources": [
            f"Source 1: The source's title is too long: keep it to {title_max} characters "
            f"(it has {title_max + 1})."
        ]
    }
    long_url = "https://a.example.org/" + "x" * url_max
    with pytest.raises(ValidationError, match="Source 1: The source's address is too long"):
        draft(claim, url=long_url)
    assert not EvidenceSource.objects.exists()


def test_the_draft_form_stops_typing_where_the_columns_end(client):
    client.force_login(fact_checker(username="fc"))
    page = client.get(reverse("claims:detail", args=[ClaimFactory().pk])).content.decode()
    assert field_maxlength(page, "conclusion") == str(column_max(Verdict, "conclusion"))
    assert field_maxlength(page, "sources-0-url") == str(column_max(EvidenceSource, "url"))
    assert field_maxlength(page, "sources-0-title") == str(column_max(EvidenceSource, "title"))


def test_the_desk_refuses_a_conclusion_past_its_column_with_the_service_s_message(client):
    client.force_login(fact_checker(username="fc"))
    claim = ClaimFactory()
    response = client.post(
        reverse("claims:verdict_save", args=[claim.pk]),
        {
            "version": "",
            "rating": active_rating("false").pk,
            "conclusion": "x" * (column_max(Verdict, "conclusion") + 1),
            "explanation": "",
            "sources-TOTAL_FORMS": "1",
            "sources-INITIAL_FORMS": "0",
            "sources-0-url": "https://a.example.org/x",
            "sources-0-title": "A report",
        },
    )
    assert response.status_code == 400
    assert "The conclusion is too long: keep it to 300 characters" in response.content.decode()
    assert not Verdict.objects.filter(claim=claim).exists()
