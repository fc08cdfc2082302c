"""The desk's main forms (article submit, verdict and its sources, correction, the queue's and
the public index's search) say what is wrong in the desk's words, naming the field: Django's
own "Enter a valid URL.", "Enter a valid date.", "Select a valid choice. zzz is not one of the
available choices.", "Enter a number.", "This field is required." and "Ensure this value has
at most 200 characters (it has 3000)." named nothing, and some echoed the value sent."""

import pytest
from django import forms
from django.core import validators
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms import fields, models
from django.urls import reverse

from articles.forms import ArticleSubmitForm, FeedForm, ImportUploadForm
from claims.filter_forms import DeskHistoryFilterForm, PublicSearchForm, QueueFilterForm
from claims.forms import (
    CorrectionForm,
    EvidenceSourceForm,
    EvidenceSourceFormSet,
    QueueBulkForm,
    ReturnForm,
    VerdictForm,
)
from tests.factories import fact_checker

pytestmark = pytest.mark.django_db

LONG = "x" * 3_000


def _django_wordings() -> set[str]:
    """Every message Django's form fields give by default, the first words of the ones with a
    value in them ("Select a valid choice. %(value)s ...", "Ensure this value ...")."""
    wordings = {"This field is required.", "Ensure this value", "Select a valid choice."}
    for module in (fields, models, validators):
        for name in dir(module):
            item = getattr(module, name)
            for message in getattr(item, "default_error_messages", {}).values():
                wordings.add(str(message).split("%(")[0].strip())
            if isinstance(getattr(item, "message", None), str):
                wordings.add(item.message.split("%(")[0].strip())
    return {wording for wording in wordings if wording}


DJANGO = _django_wordings()

BAD_INPUT = [
    (ArticleSubmitForm, {"url": "not a url"}, {}),
    (ArticleSubmitForm, {"url": "http://", "published_on": "32/13/2026"}, {}),
    (ArticleSubmitForm, {"title": LONG, "outlet": LONG, "body": "x", "published_on": "x"}, {}),
    (VerdictForm, {"version": "abc", "rating": "999999", "conclusion": LONG}, {}),
    (CorrectionForm, {}, {}),
    (CorrectionForm, {"version": "x", "rating": "abc", "note": LONG * 2}, {}),
    (EvidenceSourceForm, {}, {}),
    (EvidenceSourceForm, {"url": "not a url", "title": LONG}, {}),
    (ReturnForm, {"version": "x"}, {}),
    (
        QueueFilterForm,
        {
            "q": LONG,
            "status": "zzz",
            "speaker": LONG,
            "outlet": "abc",
            "published_from": "x",
            "published_to": "y",
            "score_min": "a",
            "score_max": "5",
            "assignee": "z",
            "repeats": "z",
            "sort": "z",
        },
        {},
    ),
    (QueueFilterForm, {"outlet": "999999", "score_min": "-1"}, {}),
    (PublicSearchForm, {"q": LONG, "rating": "zz"}, {"rating_choices": [("true", "True")]}),
    (DeskHistoryFilterForm, {"person": "abc", "date_from": "x", "date_to": "y"}, {}),
    (QueueBulkForm, {"claims": ["abc"], "action": "zzz"}, {}),
    (QueueBulkForm, {"claims": ["1"]}, {}),
    (FeedForm, {"url": "not a url", "poll_interval_minutes": "abc"}, {}),
    (FeedForm, {"url": "https://news.example/feed", "poll_interval_minutes": "0"}, {}),
    (ImportUploadForm, {}, {"files": {"file": SimpleUploadedFile("rows.csv", b"")}}),
]


@pytest.mark.parametrize(("form_class", "data", "kwargs"), BAD_INPUT)
def test_no_main_form_answers_in_django_s_default_words(form_class, data, kwargs):
    form = form_class(data=data, **kwargs)
    assert not form.is_valid()
    said = [message for messages in form.errors.values() for message in messages]
    assert said
    assert not [m for m in said if any(m.startswith(wording) for wording in DJANGO)], said
    # A tampered value is not repeated back.
    assert not [m for m in said if "zzz" in m or "abc" in m or "999999" in m], said


def test_the_sources_formset_sent_without_its_counts_says_so_in_the_desk_s_words():
    formset = EvidenceSourceFormSet(data={"sources-TOTAL_FORMS": "x"}, prefix="sources")
    assert not formset.is_valid()
    assert (
        "The list of evidence sources did not arrive whole: reload the page and try again."
        in formset.non_form_errors()
    )
    assert not [m for m in formset.non_form_errors() if m.startswith("ManagementForm")]


def test_each_message_names_its_field(client):
    form = ArticleSubmitForm(data={"url": "not a url", "body": "x", "published_on": "18.11."})
    assert form.errors["url"] == [
        "The URL is not a web address: give it in full, such as https://example.org/story."
    ]
    assert form.errors["published_on"] == [
        "Enter the publication date as year-month-day, such as 2026-11-18."
    ]
    source = EvidenceSourceForm(data={"url": "not a url", "title": "Report"})
    assert source.errors["url"] == [
        "The source's URL is not a web address: give it in full, such as https://example.org/story."
    ]
    queue = QueueFilterForm(data={"score_max": "5", "speaker": LONG, "status": "zzz"})
    assert queue.errors == {
        "score_max": ["Give the highest score as a number from 0 to 1, such as 0.5."],
        "speaker": ["A speaker's name to search for can be at most 200 characters long."],
        "status": [
            "Choose the status from the list: Open (new and in progress), New, In progress, "
            "In review, Published, Dismissed or Any status."
        ],
    }
    # On the page: the submit form's error summary and the field's own error.
    client.force_login(fact_checker())
    page = client.post(reverse("articles:submit"), {"url": "not a url"}).content.decode()
    assert page.count("The URL is not a web address") == 2
    assert "Enter a valid URL." not in page


def test_a_form_field_s_own_message_still_wins_over_the_url_default():
    class Feedish(forms.Form):
        url = ArticleSubmitForm.base_fields["url"].__class__(
            length=ArticleSubmitForm.base_fields["url"].length,
            error_messages={"invalid": "Give the feed's address."},
        )

    assert Feedish(data={"url": "not a url"}).errors["url"] == ["Give the feed's address."]
