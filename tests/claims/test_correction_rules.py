"""A correction republishes a verdict: it needs what any verdict needs before review and
publication (claims.verdict_rules.verdict_review_missing's one rule, told the same way), and its
'Correction published' event says what it changed, as a 'Verdict drafted' event does."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from claims import timeline, verdicts
from claims.models import ClaimEventKind, Correction, EvidenceSource, Verdict
from tests.factories import (
    active_rating,
    correction_published,
    editor,
    kept_sources,
    published_verdict,
    submitted_verdict,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


def correct(verdict, **fields):
    return correction_published(
        verdict=verdict,
        editor=editor(),
        expected_version=verdict.version,
        note=fields.get("note", "We misread the table."),
        rating=fields.get("rating", verdict.rating),
        conclusion=fields.get("conclusion", verdict.conclusion),
        explanation=fields.get("explanation", verdict.explanation),
        sources=fields.get("sources", kept_sources(verdict)),
    )


@pytest.mark.parametrize(
    ("fields", "missing"),
    [
        ({"rating": None}, "a rating"),
        ({"conclusion": "  "}, "a conclusion"),
        ({"sources": []}, "at least one evidence source"),
        (
            {"rating": None, "conclusion": "", "sources": []},
            "a rating, a conclusion and at least one evidence source",
        ),
    ],
)
def test_a_correction_lacking_what_a_verdict_needs_is_refused_as_a_draft_is(fields, missing):
    verdict = published_verdict()
    with pytest.raises(ValidationError) as refused:
        correct(verdict, explanation="A new reading.", **fields)
    assert refused.value.messages == [
        f"A verdict needs {missing} before a correction is published."
    ]
    assert not Correction.objects.exists()
    assert Verdict.objects.get(pk=verdict.pk).version == verdict.version


def test_a_correction_to_a_rating_of_an_inactive_scale_is_still_refused():
    verdict = published_verdict()
    retired = active_rating("mostly-false")
    retired.scale.is_active = False
    retired.scale.save()
    with pytest.raises(ValidationError, match="Choose a rating from the active scale"):
        correct(verdict, rating=retired)
    assert not Correction.objects.exists()


def corrected_event_details(verdict) -> dict:
    entries = timeline.claim_timeline_page(verdict.claim, notes=False).object_list
    [entry] = [entry for entry in entries if entry.title == "Correction published"]
    return dict(entry.details)


def test_the_correction_event_names_the_sources_it_added_removed_or_changed_only():
    verdict = published_verdict(sources=3)
    first, second, third = kept_sources(verdict)
    correct(
        verdict,
        sources=[
            first,
            {**second, "title": "Report 1, revised"},
            {"url": "https://new.example.org/data", "title": "New data", "note": ""},
        ],
    )
    details = corrected_event_details(verdict)
    assert details["sources added"] == "https://new.example.org/data"
    assert details["sources removed"] == third["url"]
    assert details["sources changed"] == second["url"]
    assert "sources" not in details  # no longer every source again
    assert first["url"] not in details.values()
    assert "rating" not in details and "rating before" not in details  # the rating is as it was


def test_the_correction_event_names_the_rating_from_and_to_and_the_reworded_texts():
    verdict = published_verdict()
    correct(verdict, rating=active_rating("mostly-false"), conclusion="Mostly wrong.")
    details = corrected_event_details(verdict)
    assert details["rating"] == "from False, to Mostly False"
    assert details["wording changed"] == "conclusion"
    assert not {"sources", "sources added", "sources removed", "sources changed"} & set(details)
    event = verdict.claim.events.get(kind=ClaimEventKind.CORRECTED)
    assert event.data["correction"] == Correction.objects.get().pk


def test_a_correction_keeps_the_access_date_of_each_source_whose_address_it_keeps():
    submitted = submitted_verdict(sources=2)
    read_then = date(2026, 1, 2)
    EvidenceSource.objects.filter(verdict=submitted).update(accessed_on=read_then)
    verdict = verdicts.verdict_publish(verdict=submitted, editor=editor())
    kept, retitled = kept_sources(verdict)
    new = {"url": "https://new.example.org/data", "title": "New data", "note": ""}
    correct(verdict, sources=[kept, {**retitled, "title": "Report 1, revised"}, new])
    accessed = dict(
        EvidenceSource.objects.filter(verdict=verdict).values_list("url", "accessed_on")
    )
    assert accessed == {
        kept["url"]: read_then,
        retitled["url"]: read_then,
        new["url"]: timezone.localdate(),
    }
