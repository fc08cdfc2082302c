"""The correction form and a verdict's source rows sent with a required box empty: each
message says what is missing, not Django's bare "This field is required."."""

import pytest
from django.urls import reverse

from claims.forms import CorrectionForm, CorrectionSourceFormSet, EvidenceSourceFormSet
from claims.models import VerdictStatus
from tests.factories import editor, published_verdict

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

MANAGEMENT = {"TOTAL_FORMS": "1", "INITIAL_FORMS": "0", "MIN_NUM_FORMS": "1", "MAX_NUM_FORMS": "20"}


def sources(prefix: str, **row) -> dict:
    data = {f"{prefix}-{key}": value for key, value in MANAGEMENT.items()}
    return data | {f"{prefix}-0-{key}": value for key, value in row.items()}


def test_an_empty_correction_names_the_rating_the_conclusion_and_the_explanation():
    form = CorrectionForm({"correct-version": "", "correct-note": ""}, prefix="correct")
    assert form.errors == {
        "version": ["The page was out of date: reload it and correct the verdict again."],
        "rating": ["Choose the corrected verdict's rating."],
        "conclusion": ["Enter the corrected verdict's conclusion."],
        "note": ["Enter the correction's explanation: what changed and why."],
    }


def test_a_source_row_with_a_url_and_no_title_asks_for_the_source_s_title():
    formset = EvidenceSourceFormSet(
        sources("sources", url="https://stats.example/report", title=""), prefix="sources"
    )
    assert formset.errors == [{"title": ["Enter the source's title."]}]


def test_a_source_row_with_a_title_and_no_url_asks_for_the_source_s_url():
    formset = EvidenceSourceFormSet(
        sources("sources", url="", title="Annual report"), prefix="sources"
    )
    assert formset.errors == [{"url": ["Enter the source's URL."]}]


def test_a_correction_sent_empty_says_what_is_missing_on_the_claim_page(client):
    verdict = published_verdict()
    client.force_login(editor())
    response = client.post(
        reverse("claims:correct", args=[verdict.claim_id]),
        {
            "correct-version": verdict.version,
            "correct-rating": "",
            "correct-conclusion": "",
            "correct-note": "",
            **sources("correct-sources", url="", title=""),
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    for message in [
        "Choose the corrected verdict&#x27;s rating.",
        "Enter the corrected verdict&#x27;s conclusion.",
        "Enter the correction&#x27;s explanation: what changed and why.",
        "Enter the source&#x27;s URL.",
        "Enter the source&#x27;s title.",
    ]:
        assert message in page
    assert "This field is required." not in page
    verdict.refresh_from_db()
    assert verdict.status == VerdictStatus.PUBLISHED and not verdict.corrections.exists()


def test_the_correction_s_first_source_row_is_required_with_named_messages():
    formset = CorrectionSourceFormSet(
        sources("correct-sources", url="", title=""), prefix="correct-sources"
    )
    assert formset.errors == [
        {"url": ["Enter the source's URL."], "title": ["Enter the source's title."]}
    ]
