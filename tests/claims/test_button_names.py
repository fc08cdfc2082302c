"""A list's row buttons say which row they act on: a screen reader's list of buttons (or a voice
command) reads "Approve the verdict of claim #3 for “…”", not "Approve, Approve, Approve". The
name sits in visually hidden text after the visible words, so it starts with what is seen."""

import pytest
from django.urls import reverse

from claims import notes
from claims.matching import applications, group_changes
from claims.models import MatchSuggestion
from tests.a11y import assert_accessible, button_name
from tests.factories import claim_alone, fact_checker, published_verdict

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


def names(soup, start: str) -> list[str]:
    return sorted(
        name for b in soup.find_all("button") if (name := button_name(b)).startswith(start)
    )


def test_each_suggested_matchs_buttons_name_the_claim_they_decide_on(client, checker):
    claim = claim_alone("Crime fell by 40 percent last year.")
    for text in ("Crime dropped 40 percent.", "Crime went down by 40 percent."):
        MatchSuggestion.objects.create(
            claim=claim, candidate=claim_alone(text), score=0.7, level="suggested"
        )
    soup = assert_accessible(
        client.get(reverse("claims:detail", args=[claim.pk])), title=f"Claim #{claim.pk}"
    )
    assert names(soup, "Same claim") == [
        "Same claim as “Crime dropped 40 percent.”",
        "Same claim as “Crime went down by 40 percent.”",
    ]
    assert names(soup, "Not the same") == [
        "Not the same as “Crime dropped 40 percent.”",
        "Not the same as “Crime went down by 40 percent.”",
    ]
    # The two forms sit in a block, not in a <span> (a form is not phrasing content).
    for item in soup.find_all(attrs={"data-suggestion": True}):
        assert {form.parent.name for form in item.find_all("form")} == {"div"}


def test_a_claim_text_in_a_button_name_is_escaped(client, checker):
    claim = claim_alone("Crime fell by 40 percent last year.")
    MatchSuggestion.objects.create(
        claim=claim, candidate=claim_alone("<b>Crime</b> fell."), score=0.7, level="suggested"
    )
    page = client.get(reverse("claims:detail", args=[claim.pk])).content.decode()
    assert "as “&lt;b&gt;Crime&lt;/b&gt; fell.”" in page and "<b>Crime</b>" not in page


def test_each_undo_on_the_group_history_names_the_change_it_undoes(client, boss):
    earlier = claim_alone("Crime fell by 40 percent last year.")
    first = claim_alone("Crime dropped 40 percent.")
    second = claim_alone("Crime went down by 40 percent.")
    group_changes.claim_group_link(claim=first, earlier=earlier)
    group_changes.claim_group_link(claim=second, earlier=earlier)
    earlier.refresh_from_db()
    soup = assert_accessible(
        client.get(reverse("claims:group_history", args=[earlier.group_id])),
        title=f"Claim group #{earlier.group_id}",
    )
    undo = names(soup, "Undo")
    assert len(undo) == 2 and len(set(undo)) == 2
    assert any(f"“Linked automatically” of claim #{first.pk} (" in name for name in undo), undo
    assert any(f"of claim #{second.pk} (" in name for name in undo), undo


def test_each_approve_in_the_review_queue_names_the_repeat_and_the_verdict(client, boss):
    verdict = published_verdict(claim=claim_alone("Crime fell by 40 percent last year."))
    checker = fact_checker(username="asker")
    for text in ("Crime dropped 40 percent.", "Crime went down by 40 percent."):
        repeat = claim_alone(text)
        group_changes.claim_group_link(claim=repeat, earlier=verdict.claim)
        applications.verdict_application_request(claim=repeat, checked=verdict.claim, actor=checker)
    soup = assert_accessible(client.get(reverse("claims:review_queue")), title="Review queue")
    checked = verdict.claim_id
    assert names(soup, "Approve") == [
        f"Approve the verdict of claim #{checked} for “Crime dropped 40 percent.”",
        f"Approve the verdict of claim #{checked} for “Crime went down by 40 percent.”",
    ]


def test_each_remove_note_button_names_the_note_it_removes(client, boss):
    claim = claim_alone("Crime fell by 40 percent last year.")
    for author in ("ann", "bob"):
        notes.claim_note_add(claim=claim, author=fact_checker(username=author), text="A lead.")
    soup = assert_accessible(
        client.get(reverse("claims:detail", args=[claim.pk])), title=f"Claim #{claim.pk}"
    )
    removes = names(soup, "Remove note")
    assert [name.split(" of ")[0] for name in removes] == [
        "Remove note by ann",
        "Remove note by bob",
    ]
