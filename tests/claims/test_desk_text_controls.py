"""Control characters and bidi overrides typed or pasted into a desk text are dropped before it
is stored (articles.services.visible_text): published, they showed as boxes and reversed the
text around them on the public page, and the API and ClaimReview carried them."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from articles.services import visible_text
from claims import attribution, notes, verdicts
from claims.models import ClaimStatus, Speaker, Verdict
from tests.factories import (
    ClaimFactory,
    SpeakerFactory,
    active_rating,
    correction_published,
    editor,
    fact_checker,
    published_verdict,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

TYPED = "Ctrl\x07\x1b…\u202eRTL\u202c \u2066isolated\u2069"
STORED = "Ctrl…RTL isolated"


def test_visible_text_drops_controls_and_bidi_overrides_but_keeps_lines_tabs_and_marks():
    assert visible_text(TYPED) == STORED
    assert visible_text("Line one\r\n\tLine\x85two\x9b") == "Line one\r\n\tLine two"
    # A right-to-left mark places a neutral character in Arabic or Hebrew text: it stays.
    assert visible_text("\u05e9\u05dc\u05d5\u05dd\u200f!") == "\u05e9\u05dc\u05d5\u05dd\u200f!"
    assert visible_text("\x07\u202e\u200b") == ""


def test_a_verdict_saved_on_the_claim_page_keeps_no_control_character(client, checker):
    claim = ClaimFactory()
    response = client.post(
        reverse("claims:verdict_save", args=[claim.pk]),
        {
            "version": "",
            "rating": active_rating("false").pk,
            "conclusion": TYPED,
            "explanation": "Police\x1b figures\nshow a rise.\u202e",
            "sources-TOTAL_FORMS": "1",
            "sources-INITIAL_FORMS": "0",
            "sources-MIN_NUM_FORMS": "0",
            "sources-MAX_NUM_FORMS": "20",
            "sources-0-url": "https://a.example.org/x\x07",
            "sources-0-title": "A\x07 report\x1b",
            "sources-0-note": "Table\x07 4\u202e",
        },
    )
    assert response.status_code == 302
    verdict = Verdict.objects.get(claim=claim)
    assert verdict.conclusion == STORED
    assert verdict.explanation == "Police figures\nshow a rise."
    source = verdict.sources.get()
    assert (source.url, source.title, source.note) == (
        "https://a.example.org/x",
        "A report",
        "Table 4",
    )


def test_sources_given_to_the_service_itself_keep_no_control_character(checker):
    # The admin's verdict form and corrections reach the service without the desk's form.
    verdict = verdicts.verdict_save(
        claim=ClaimFactory(),
        actor=checker,
        expected_version=None,
        rating=active_rating("false"),
        conclusion="False.",
        sources=[{"url": " https://a.example.org/x\x07", "title": "A\x07 report\u202e"}],
    )
    source = verdict.sources.get()
    assert (source.url, source.title, source.note) == ("https://a.example.org/x", "A report", "")
    # The same source sent again is the same source: nothing changed, no new version.
    again = verdicts.verdict_save(
        claim=verdict.claim,
        actor=checker,
        expected_version=verdict.version,
        rating=verdict.rating,
        conclusion="False.",
        sources=[{"url": "https://a.example.org/x\x07", "title": "A report\x1b"}],
    )
    assert again.version == verdict.version
    with pytest.raises(ValidationError, match="Source 1: give its title"):
        verdicts.verdict_save(
            claim=verdict.claim,
            actor=checker,
            expected_version=verdict.version,
            sources=[{"url": "https://a.example.org/x", "title": "\x07\u202e"}],
        )


def test_dismissal_reasons_notes_and_correction_notes_keep_no_control_character(client, checker):
    claim = ClaimFactory()
    note = {"text": "Asked\x07 the \u202epolice."}
    client.post(reverse("claims:note_add", args=[claim.pk]), note)
    assert claim.notes.get().text == "Asked the police."
    client.post(reverse("claims:dismiss", args=[claim.pk]), {"reason": "An\x1b opinion\u202e."})
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.DISMISSED and claim.dismissal_reason == "An opinion."

    verdict = published_verdict()
    correction_published(
        verdict=verdict,
        editor=editor(),
        expected_version=verdict.version,
        note="We\x07 misread\u202e the table.",
        rating=verdict.rating,
        conclusion="Wrong\x1b.",
        explanation=verdict.explanation,
        sources=[{"url": s.url, "title": s.title, "note": s.note} for s in verdict.sources.all()],
    )
    verdict.refresh_from_db()
    assert verdict.conclusion == "Wrong."
    assert verdict.corrections.get().note == "We misread the table."
    assert notes.claim_note_add(
        claim=ClaimFactory(), author=fact_checker(), text="x", link="example.org/\x07a"
    ).link == ("https://example.org/a")


def test_speaker_names_and_roles_keep_no_control_character(client, boss):
    speaker = SpeakerFactory(name="Ann Exampel", role="Mayor")
    client.post(
        reverse("claims:speaker_edit", args=[speaker.slug]),
        {"name": "Ann\x07 \u202eExample", "role": "Mayor\x1b", "kind": speaker.kind},
    )
    speaker.refresh_from_db()
    assert (speaker.name, speaker.role) == ("Ann Example", "Mayor")

    claim = ClaimFactory()
    attribution.claim_speaker_correct(
        claim=claim, actor=boss, name="Bo\x07b \u202eBuilder", role="Builder\x1b"
    )
    claim.refresh_from_db()
    assert (claim.speaker.name, claim.speaker.role) == ("Bob Builder", "Builder")
    assert Speaker.objects.filter(name__contains="\x07").count() == 0
