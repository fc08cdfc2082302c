"""A NUL character in any claim desk form's text is refused beside its field in the desk's words,
which name the field and say what to do ("The conclusion holds a NUL character (at character
2), which cannot be saved: remove it."), never Django's "Null characters are not allowed.";
and a search box holding one gets that one error, not a second that it has no word. The
paste and feed forms' are in tests/articles/test_input_paths.py."""

import pytest
from django.urls import reverse

from claims.filter_forms import PublicSearchForm, QueueFilterForm
from claims.forms import (
    CorrectionForm,
    DismissForm,
    EvidenceSourceForm,
    QueueBulkForm,
    ReturnForm,
    VerdictForm,
)
from claims.models import Verdict
from claims.speaker_forms import SpeakerCorrectForm, SpeakerEditForm
from tests.factories import ClaimFactory, SpeakerFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

DJANGO = "Null characters are not allowed."


def refusal(what: str, done: str = "saved") -> str:
    return f"The {what} holds a NUL character (at character 2), which cannot be {done}: remove it."


def speaker_edit_form(data):
    return SpeakerEditForm(data, speaker=SpeakerFactory(name="Ann Example"), public=False)


@pytest.mark.parametrize(
    ("form_for", "field", "what"),
    [
        (VerdictForm, "conclusion", "conclusion"),
        (VerdictForm, "explanation", "explanation"),
        (CorrectionForm, "note", "correction note"),
        (DismissForm, "reason", "reason for the dismissal"),
        (QueueBulkForm, "reason", "reason for the dismissal"),
        (ReturnForm, "comment", "comment"),
        (EvidenceSourceForm, "url", "source's address"),
        (EvidenceSourceForm, "title", "source's title"),
        (EvidenceSourceForm, "note", "source's note"),
        (SpeakerCorrectForm, "name", "speaker's name"),
        (SpeakerCorrectForm, "role", "speaker's role"),
        (speaker_edit_form, "name", "speaker's name"),
        (speaker_edit_form, "role", "speaker's role"),
        (speaker_edit_form, "correction_note", "correction note"),
    ],
)
def test_a_nul_in_a_desk_form_s_text_gets_the_desk_s_one_message_naming_the_field(
    form_for, field, what
):
    form = form_for({field: "a\x00b"})
    assert not form.is_valid()
    assert form.errors[field] == [refusal(what)]


@pytest.mark.parametrize(
    ("form_for", "field", "what"),
    [
        (lambda data: PublicSearchForm(data, rating_choices=[]), "q", "search"),
        (QueueFilterForm, "q", "search"),
        (QueueFilterForm, "speaker", "speaker's name"),
    ],
)
def test_a_nul_in_a_search_box_is_its_one_error(form_for, field, what):
    form = form_for({field: "a\x00"})
    assert not form.is_valid()
    assert form.errors[field] == [refusal(what, "searched for")]


def test_a_verdict_whose_conclusion_holds_a_nul_is_refused_in_the_desk_s_words(client, checker):
    claim = ClaimFactory()
    response = client.post(
        reverse("claims:verdict_save", args=[claim.pk]), {"version": "", "conclusion": "a\x00b"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert refusal("conclusion").replace("'", "&#x27;") in page
    assert DJANGO not in page
    assert not Verdict.objects.filter(claim=claim).exists()


def test_the_public_index_tells_a_nul_search_once(client):
    response = client.get(reverse("claims:public_index") + "?q=%00")
    assert response.status_code == 400
    page = response.content.decode()
    assert "The search holds a NUL character (at character 1)" in page
    assert "Give at least one word to search for." not in page and DJANGO not in page


def test_the_queue_marks_a_nul_in_its_search_or_speaker_filter_beside_the_box(client, checker):
    ClaimFactory()
    response = client.get(reverse("claims:queue"), {"q": "crime\x00", "speaker": "\x00Ann"})
    page = response.content.decode()
    assert "The search holds a NUL character (at character 6)" in page
    assert "The speaker&#x27;s name holds a NUL character (at character 1)" in page
    assert DJANGO not in page
