"""A desk button sent again once its action is done (a double click, a second tab, a colleague
first) is told what was done, by whom and when ("Already done: …"), as information, not as an
error, and nothing is written twice: the suggested matches, the group changes' undo, the
speaker merges' undo (and, in test_matching_applications, the editors' decisions on applying
a published verdict)."""

import html

import pytest
from django.urls import reverse

from articles.times import desk_time
from claims import services
from claims.matching import group_changes
from claims.models import (
    ClaimGroupEvent,
    GroupEventKind,
    MatchSuggestion,
    Speaker,
    SuggestionStatus,
)
from claims.speaker_merges import speaker_merge
from tests.factories import claim_alone, fact_checker

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


def sent_twice(client, url: str, data: dict | None = None) -> str:
    client.post(url, data or {})
    return client.post(url, data or {}, follow=True).content.decode()


def assert_told_already_done(page: str, words: str) -> None:
    assert f"Already done: {words} at " in page
    assert "<strong>Error:</strong>" not in page


@pytest.mark.parametrize(
    ("button", "words", "kind"),
    [
        ("suggestion_reject", "you rejected this match", GroupEventKind.REJECTED),
        ("suggestion_confirm", "you confirmed this match", GroupEventKind.CONFIRMED),
    ],
)
def test_a_suggested_match_decided_twice_says_it_was_done(client, checker, button, words, kind):
    earlier, new = claim_alone(), claim_alone("Crime rose 40 percent.")
    suggestion = MatchSuggestion.objects.create(
        claim=new, candidate=earlier, score=0.6, level="suggested"
    )
    page = sent_twice(client, reverse(f"claims:{button}", args=[suggestion.pk]))
    assert_told_already_done(page, words)
    assert ClaimGroupEvent.objects.filter(kind=kind).count() == 1


def test_a_second_undo_of_a_group_change_says_who_undid_it(client, checker):
    first, second = claim_alone(), claim_alone("Again.")
    event = group_changes.claim_group_link(claim=second, earlier=first, actor=checker)
    page = sent_twice(client, reverse("claims:group_event_undo", args=[event.pk]))
    assert_told_already_done(page, "you undid this change")
    assert ClaimGroupEvent.objects.filter(kind=GroupEventKind.UNDONE).count() == 1


def test_a_second_undo_of_a_speaker_merge_says_it_was_done_on_the_speaker_s_page(client, boss):
    full = services.speaker_resolve(name="Antony Blinken")
    short = services.speaker_resolve(name="Blinken", role="Secretary of State")
    merge = speaker_merge(source=short, target=full, actor=boss)
    url = reverse("claims:speaker_merge_undo", args=[merge.pk])
    client.post(url)
    again = client.post(url, follow=True)
    restored = Speaker.objects.get(slug=short.slug)
    assert again.redirect_chain[-1][0] == reverse("claims:speaker_detail", args=[restored.slug])
    assert_told_already_done(again.content.decode(), "you undid this merge")
    assert Speaker.objects.filter(name="Blinken").count() == 1


def test_rejecting_a_match_a_colleague_confirmed_says_who_when_and_the_way_back(client, checker):
    earlier, new = claim_alone(), claim_alone("Crime rose 40 percent.")
    suggestion = MatchSuggestion.objects.create(
        claim=new, candidate=earlier, score=0.6, level="suggested"
    )
    colleague = fact_checker(username="colleague")
    group_changes.suggestion_confirm(suggestion=suggestion, actor=colleague)
    suggestion.refresh_from_db()
    page = client.post(
        reverse("claims:suggestion_reject", args=[suggestion.pk]), follow=True
    ).content.decode()
    page = html.unescape(page)
    assert (
        f"colleague confirmed this match at {desk_time(suggestion.decided_at)}: nothing to reject."
    ) in page
    assert "split the claim out of its group" in page
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.CONFIRMED
    assert not ClaimGroupEvent.objects.filter(kind=GroupEventKind.REJECTED).exists()
