"""What a verdict's text may hold: its length limits, a correction that changes nothing, and
input that is no text (a NUL, bytes that are not UTF-8), on every path that writes it."""

from urllib.parse import urlencode

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.urls import reverse

from claims import verdicts
from claims.limits import EVIDENCE_NOTE_MAX, VERDICT_EXPLANATION_MAX
from claims.models import ClaimEventKind, Correction, EvidenceSource, Verdict
from tests.claims.admin_forms import admin_save
from tests.factories import (
    ClaimFactory,
    active_rating,
    correction_published,
    drafted_verdict,
    editor,
    fact_checker,
    published_verdict,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

TOO_LONG_EXPLANATION = (
    f"The explanation is too long: keep it to 20,000 characters (it has "
    f"{VERDICT_EXPLANATION_MAX + 1:,})."
)


def draft_post(**fields):
    data = {
        "version": "",
        "rating": active_rating("false").pk,
        "conclusion": "Crime rose.",
        "explanation": fields.get("explanation", "Police figures show a rise."),
        "sources-TOTAL_FORMS": "1",
        "sources-INITIAL_FORMS": "0",
        "sources-MIN_NUM_FORMS": "1",
        "sources-MAX_NUM_FORMS": "20",
        "sources-0-url": "https://a.example.org/x",
        "sources-0-title": "A report",
        "sources-0-note": fields.get("note", ""),
    }
    return data


def save_draft(claim, **fields):
    return verdicts.verdict_save(
        claim=claim,
        actor=fact_checker(),
        expected_version=None,
        rating=active_rating("false"),
        conclusion="Wrong.",
        explanation=fields.get("explanation", ""),
        sources=[{"url": "https://a.example.org/", "title": "A", "note": fields.get("note", "")}],
    )


def correct(verdict, **fields):
    """A correction of `verdict` that, unless told otherwise, says what it already says."""
    return correction_published(
        verdict=verdict,
        editor=fields.get("editor") or editor(),
        expected_version=verdict.version,
        note=fields.get("note", "We misread the table."),
        rating=fields.get("rating", verdict.rating),
        conclusion=fields.get("conclusion", verdict.conclusion),
        explanation=fields.get("explanation", verdict.explanation),
        sources=fields.get(
            "sources",
            [{"url": s.url, "title": s.title, "note": s.note} for s in verdict.sources.all()],
        ),
    )


# --- Length limits ---------------------------------------------------------------------------


def test_the_service_refuses_an_explanation_past_its_limit_naming_the_field_and_the_limit():
    claim = ClaimFactory()
    with pytest.raises(ValidationError) as refused:
        save_draft(claim, explanation="x" * (VERDICT_EXPLANATION_MAX + 1))
    assert refused.value.message_dict == {"explanation": [TOO_LONG_EXPLANATION]}
    assert not Verdict.objects.filter(claim=claim).exists()
    assert save_draft(claim, explanation="x" * VERDICT_EXPLANATION_MAX).version == 1


def test_the_service_refuses_a_source_note_past_its_limit_naming_the_source():
    claim = ClaimFactory()
    with pytest.raises(ValidationError) as refused:
        save_draft(claim, note="x" * (EVIDENCE_NOTE_MAX + 1))
    assert refused.value.message_dict == {
        "sources": [
            "Source 1: The source's note is too long: keep it to 2,000 characters (it has 2,001)."
        ]
    }
    assert not EvidenceSource.objects.exists()


def test_a_correction_past_the_explanation_limit_is_refused_and_publishes_nothing():
    verdict = published_verdict()
    with pytest.raises(ValidationError, match="explanation is too long"):
        correct(verdict, explanation="x" * (VERDICT_EXPLANATION_MAX + 1))
    with pytest.raises(ValidationError, match="source's note is too long"):
        correct(
            verdict,
            sources=[{"url": "https://b.example.org/", "title": "B", "note": "x" * 2001}],
        )
    verdict.refresh_from_db()
    assert not verdict.corrections.exists() and verdict.explanation != "x" * 20_001


def maxlength(html: str, name: str) -> str:
    return BeautifulSoup(html, "html.parser").find("textarea", attrs={"name": name})["maxlength"]


def test_the_desk_forms_stop_typing_at_each_limit(client, boss):
    html = client.get(reverse("claims:detail", args=[ClaimFactory().pk])).content.decode()
    assert maxlength(html, "explanation") == str(VERDICT_EXPLANATION_MAX)
    assert maxlength(html, "sources-0-note") == str(EVIDENCE_NOTE_MAX)
    verdict = published_verdict()
    html = client.get(reverse("claims:detail", args=[verdict.claim_id])).content.decode()
    assert maxlength(html, "correct-explanation") == str(VERDICT_EXPLANATION_MAX)
    assert maxlength(html, "correct-sources-0-note") == str(EVIDENCE_NOTE_MAX)


def test_the_desk_refuses_an_over_long_explanation_beside_the_field(client, checker):
    claim = ClaimFactory()
    response = client.post(
        reverse("claims:verdict_save", args=[claim.pk]),
        draft_post(explanation="x" * (VERDICT_EXPLANATION_MAX + 1)),
    )
    assert response.status_code == 400
    assert TOO_LONG_EXPLANATION in response.content.decode()
    assert not Verdict.objects.filter(claim=claim).exists()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "a.example.org/" + "x" * 24986,
            "The source's address is too long: keep it to 2,000 characters (it has 25,000).",
        ),
        (
            "a.example.org/" + "x" * 1981,
            "The source's address is too long with the https:// it is given: keep it to 1,992 "
            "characters (it has 1,995).",
        ),
    ],
)
def test_a_long_source_address_is_counted_as_typed_without_the_https_the_desk_adds(
    client, checker, url, message
):
    claim = ClaimFactory()
    data = {**draft_post(), "sources-0-url": url}
    response = client.post(reverse("claims:verdict_save", args=[claim.pk]), data)
    assert response.status_code == 400
    assert response.context["source_formset"].forms[0].errors["url"] == [message]
    assert not Verdict.objects.filter(claim=claim).exists()


@pytest.mark.parametrize("url", ["https://example.com:99999/", "https://example.com:0/report"])
def test_a_source_address_with_an_impossible_port_is_refused_and_not_saved(client, checker, url):
    claim = ClaimFactory()
    data = {**draft_post(), "sources-0-url": url}
    response = client.post(reverse("claims:verdict_save", args=[claim.pk]), data)
    assert response.status_code == 400
    assert (
        f"Source 1: &#x27;{url}&#x27; is not an address: a port is a number from 1 to 65535."
    ) in response.content.decode()
    assert not Verdict.objects.filter(claim=claim).exists()


def test_a_source_address_that_fits_with_its_https_is_saved(client, checker):
    claim = ClaimFactory()
    url = "a.example.org/" + "x" * 1978  # 1,992 typed: 2,000 with https://
    data = {**draft_post(), "sources-0-url": url}
    assert client.post(reverse("claims:verdict_save", args=[claim.pk]), data).status_code == 302
    assert Verdict.objects.get(claim=claim).sources.get().url == f"https://{url}"


def test_a_line_break_counts_once_as_the_browser_counts_it(client, checker):
    # The browser's maxlength counts each line break as one character and sends it as CR LF.
    claim = ClaimFactory()
    typed = ("x" * 99 + "\n") * 200
    sent = typed.replace("\n", "\r\n")
    assert len(typed.strip()) <= VERDICT_EXPLANATION_MAX < len(sent.strip())
    response = client.post(
        reverse("claims:verdict_save", args=[claim.pk]), draft_post(explanation=sent)
    )
    assert response.status_code == 302
    assert Verdict.objects.get(claim=claim).explanation == sent.strip()


def test_the_admin_form_holds_the_same_limits(client):
    draft = drafted_verdict()
    client.force_login(editor())
    url = reverse("admin:claims_verdict_change", args=[draft.pk])
    html = client.get(url).content.decode()
    assert maxlength(html, "explanation") == str(VERDICT_EXPLANATION_MAX)
    assert maxlength(html, "sources-0-note") == str(EVIDENCE_NOTE_MAX)
    response = admin_save(client, url, explanation="x" * (VERDICT_EXPLANATION_MAX + 1))
    assert response.status_code == 200
    assert TOO_LONG_EXPLANATION in response.content.decode()
    response = admin_save(client, url, **{"sources-0-note": "x" * (EVIDENCE_NOTE_MAX + 1)})
    assert response.status_code == 200
    assert "keep it to 2,000 characters (it has 2,001)" in response.content.decode()
    draft.refresh_from_db()
    assert draft.version == 1
    assert list(draft.sources.values_list("note", flat=True)) == [""]


# --- A correction that changes nothing --------------------------------------------------------


def test_a_correction_that_changes_nothing_is_refused_and_publishes_nothing():
    verdict = published_verdict()
    with pytest.raises(ValidationError, match="This correction changes nothing"):
        correct(verdict)
    # Surrounding spaces are no change either: the service strips them.
    with pytest.raises(ValidationError, match="This correction changes nothing"):
        correct(verdict, explanation=f"  {verdict.explanation}\n")
    assert Verdict.objects.get(pk=verdict.pk).version == verdict.version
    assert not Correction.objects.exists()
    assert not verdict.claim.events.filter(kind=ClaimEventKind.CORRECTED).exists()


def test_a_correction_of_a_source_note_alone_is_a_change():
    verdict = published_verdict()
    source = verdict.sources.get()
    changed = [{"url": source.url, "title": source.title, "note": "Table 3, not table 2."}]
    correction = correct(verdict, sources=changed)
    assert correction.previous["sources"][0]["note"] == ""
    assert Verdict.objects.get(pk=verdict.pk).version == verdict.version + 1


def test_the_desk_refuses_a_correction_that_changes_nothing(client, boss):
    verdict = published_verdict()
    source = verdict.sources.get()
    data = {
        "correct-version": verdict.version,
        "correct-rating": verdict.rating_id,
        "correct-conclusion": verdict.conclusion,
        "correct-explanation": verdict.explanation,
        "correct-note": "A second look.",
        "correct-sources-TOTAL_FORMS": "1",
        "correct-sources-INITIAL_FORMS": "1",
        "correct-sources-MIN_NUM_FORMS": "1",
        "correct-sources-MAX_NUM_FORMS": "20",
        "correct-sources-0-url": source.url,
        "correct-sources-0-title": source.title,
        "correct-sources-0-note": "",
    }
    response = client.post(reverse("claims:correct", args=[verdict.claim_id]), data)
    assert response.status_code == 400
    assert "This correction changes nothing" in response.content.decode()
    assert not Correction.objects.exists()
    assert Verdict.objects.get(pk=verdict.pk).version == verdict.version


# --- Input that is no text ---------------------------------------------------------------------


def test_the_desk_refuses_a_nul_character_in_the_verdict_text(client, checker):
    claim = ClaimFactory()
    response = client.post(
        reverse("claims:verdict_save", args=[claim.pk]),
        draft_post(explanation="Police\x00figures"),
    )
    assert response.status_code == 400
    assert "The explanation holds a NUL character (at character 7)" in response.content.decode()
    assert not Verdict.objects.filter(claim=claim).exists()


@pytest.mark.parametrize(
    "explanation",
    [
        b"%FF",  # no UTF-8 byte at all
        b"%ED%A0%80",  # a lone surrogate (U+D800) as UTF-8 encoders refuse to write it
        b"caf\xc3\xa9 \xff",  # sent unencoded: Django reads the whole body as Latin-1
    ],
)
def test_the_desk_refuses_text_that_is_not_utf8_instead_of_saving_replacement_marks(
    client, checker, explanation
):
    claim = ClaimFactory()
    fields = draft_post()
    del fields["explanation"]
    body = urlencode(fields).encode() + b"&explanation=" + explanation
    response = client.post(
        reverse("claims:verdict_save", args=[claim.pk]),
        body,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Explanation: This text arrived damaged (it is not valid UTF-8" in html
    assert not Verdict.objects.filter(claim=claim).exists()


def test_text_that_is_utf8_is_saved_as_typed(client, checker):
    claim = ClaimFactory()
    fields = draft_post(explanation="Café — 40 % ≠ 4 %, 😀")
    response = client.post(
        reverse("claims:verdict_save", args=[claim.pk]),
        urlencode(fields).encode(),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 302
    assert Verdict.objects.get(claim=claim).explanation == "Café — 40 % ≠ 4 %, 😀"


# --- Text a service is given past the forms ----------------------------------------------------


@pytest.mark.parametrize(
    ("field", "text", "message"),
    [
        (
            "conclusion",
            "Crime\x00rose.",
            "The conclusion holds a NUL character (at character 6), which cannot be saved: "
            "remove it.",
        ),
        (
            "explanation",
            "Police figures \ud83d show a rise.",
            "The explanation holds half of a character (a lone surrogate, at character 16), "
            "which cannot be saved: type or paste that character again.",
        ),
    ],
)
def test_the_service_refuses_verdict_text_no_column_stores_naming_the_field(field, text, message):
    claim = ClaimFactory()
    with pytest.raises(ValidationError) as refused:
        verdicts.verdict_save(
            claim=claim,
            actor=fact_checker(),
            expected_version=None,
            rating=active_rating("false"),
            **{"conclusion": "Wrong.", "explanation": "", field: text},
            sources=[{"url": "https://a.example.org/", "title": "A"}],
        )
    assert refused.value.message_dict == {field: [message]}
    assert not Verdict.objects.filter(claim=claim).exists()


@pytest.mark.parametrize(
    ("field", "what"),
    [("url", "source's address"), ("title", "source's title"), ("note", "source's note")],
)
@pytest.mark.parametrize("bad", ["\x00", "\udc80"])
def test_the_service_refuses_a_source_field_no_column_stores_naming_the_source(field, what, bad):
    claim = ClaimFactory()
    source = {"url": "https://a.example.org/x", "title": "A report", "note": "Table 2."}
    source[field] += bad
    with pytest.raises(ValidationError) as refused:
        verdicts.verdict_save(
            claim=claim,
            actor=fact_checker(),
            expected_version=None,
            rating=active_rating("false"),
            conclusion="Wrong.",
            sources=[{"url": "https://b.example.org/", "title": "B"}, source],
        )
    [message] = refused.value.message_dict["sources"]
    assert message.startswith(f"Source 2: The {what} holds ")
    assert not Verdict.objects.filter(claim=claim).exists()
    assert not EvidenceSource.objects.exists()


@pytest.mark.parametrize(
    ("field", "text"),
    [("note", "We misread\x00 the table."), ("conclusion", "Crime fell \ud800.")],
)
def test_a_correction_with_text_no_column_stores_is_refused_and_publishes_nothing(field, text):
    verdict = published_verdict()
    with pytest.raises(ValidationError) as refused:
        correct(verdict, explanation="A new reading of the table.", **{field: text})
    assert list(refused.value.message_dict) == [field]
    assert "which cannot be saved" in refused.value.message_dict[field][0]
    assert not Correction.objects.exists()
    assert Verdict.objects.get(pk=verdict.pk).version == verdict.version


# --- Text that shows nothing ------------------------------------------------------------------

INVISIBLE = ["\u200b\u200b", "\u202e", "\ufeff", " \u200d\n"]


@pytest.mark.parametrize("conclusion", INVISIBLE)
def test_a_draft_whose_conclusion_shows_nothing_cannot_go_to_review(conclusion):
    verdict = drafted_verdict(conclusion=conclusion)
    assert verdict.conclusion == ""
    with pytest.raises(ValidationError, match="needs a conclusion before review"):
        verdicts.verdict_submit(verdict=verdict, actor=verdict.updated_by)


@pytest.mark.parametrize("title", INVISIBLE)
def test_a_source_whose_title_shows_nothing_is_refused(title):
    claim = ClaimFactory()
    with pytest.raises(ValidationError, match="Source 1: give its title"):
        verdicts.verdict_save(
            claim=claim,
            actor=fact_checker(),
            expected_version=None,
            rating=active_rating("false"),
            conclusion="Wrong.",
            explanation="",
            sources=[{"url": "https://a.example.org/", "title": title}],
        )
    assert not Verdict.objects.filter(claim=claim).exists()


@pytest.mark.parametrize("conclusion", INVISIBLE)
def test_a_correction_whose_conclusion_shows_nothing_is_refused_and_publishes_nothing(conclusion):
    verdict = published_verdict()
    with pytest.raises(ValidationError, match="needs a conclusion"):
        correct(verdict, conclusion=conclusion)
    assert Verdict.objects.get(pk=verdict.pk).conclusion == verdict.conclusion
    assert not Correction.objects.exists()


def test_a_return_whose_comment_shows_nothing_is_refused():
    draft = drafted_verdict()
    submitted = verdicts.verdict_submit(verdict=draft, actor=draft.updated_by)
    with pytest.raises(ValidationError, match="Tell the author what to change"):
        verdicts.verdict_return(verdict=submitted, actor=editor(), comment="\u200b")
    kept = Verdict.objects.get(pk=draft.pk)
    assert kept.version == submitted.version and kept.review_comment == ""
    assert not kept.claim.events.filter(kind=ClaimEventKind.RETURNED).exists()
