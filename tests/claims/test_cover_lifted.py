"""Every group change that ends a repeat's cover by the published verdict applied to it leaves
the same record on the repeat's page and history: a split of the repeat, its link to another
group, a split or link of the checked claim away from it. Undoing the change takes it back."""

import pytest
from django.urls import reverse

from claims.matching import applications, group_changes, group_undo
from claims.models import Claim, ClaimGroupEvent, ClaimStatus, GroupEventKind, MatchSuggestion
from tests.factories import claim_alone, editor, published_verdict

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


def fresh(row):
    row.refresh_from_db()
    return row


def covered_repeat(text="Crime dropped 40 percent in the last year."):
    """A published fact-check and a repeat an editor applied it to (dismissed, in its group)."""
    verdict, boss = published_verdict(), editor(username="ed")
    repeat = claim_alone(text)
    applications.verdict_application_request(claim=repeat, checked=verdict.claim, actor=boss)
    assert fresh(repeat).status == ClaimStatus.DISMISSED
    return verdict.claim, fresh(repeat), boss


def cover_notice(client, claim) -> str:
    page = client.get(reverse("claims:detail", args=[claim.pk])).content.decode()
    section = page.split('id="verdict-heading"')[1].split('id="notes-heading"')[0]
    if "data-cover-lifted=" not in section:
        return ""
    return section.split("data-cover-lifted=")[1].split("</p>")[0]


def history_entry(client, claim) -> str:
    page = client.get(reverse("claims:history", args=[claim.pk])).content.decode()
    marker = "Group: No longer covered by a published verdict"
    return page.split(marker)[1].split("</li>")[0] if marker in page else ""


def test_a_covered_repeat_linked_into_another_group_says_it_is_no_longer_covered(client):
    checked, repeat, boss = covered_repeat()
    elsewhere = claim_alone("Crime went down 40 percent, the mayor said.")
    group_changes.claim_group_link(
        claim=repeat, earlier=elsewhere, actor=boss, kind=GroupEventKind.CONFIRMED
    )
    client.force_login(boss)
    notice = cover_notice(client, repeat)
    assert f'"{checked.pk}"' in notice and f">claim #{checked.pk}</a>" in notice
    assert "ed linked it to another group" in notice
    assert "reopen it to check it on its own" in notice
    entry = history_entry(client, repeat)
    assert f"claim #{checked.pk}" in entry and "Match confirmed" in entry


def test_a_covered_repeat_whose_match_with_another_claim_is_confirmed_says_it_lost_its_cover(
    client,
):
    checked, repeat, boss = covered_repeat()
    elsewhere = claim_alone("Crime went down 40 percent, the mayor said.")
    suggestion = MatchSuggestion.objects.create(
        claim=repeat, candidate=elsewhere, score=0.7, level="suggested"
    )
    client.force_login(boss)
    client.post(reverse("claims:suggestion_confirm", args=[suggestion.pk]))
    assert fresh(repeat).group_id == fresh(elsewhere).group_id
    notice = cover_notice(client, repeat)
    assert f">claim #{checked.pk}</a>" in notice and "linked it to another group" in notice


def test_the_repeats_of_a_checked_claim_split_out_say_they_are_no_longer_covered(client):
    checked, repeat, boss = covered_repeat()
    other = claim_alone("Crime is 40 percent down.")
    applications.verdict_application_request(claim=other, checked=checked, actor=boss)
    client.force_login(boss)
    client.post(reverse("claims:split", args=[checked.pk]))
    assert fresh(checked).group_id is None and fresh(repeat).group_id is not None
    for left_behind in (repeat, other):
        notice = cover_notice(client, left_behind)
        assert f">claim #{checked.pk}</a>" in notice
        assert f"ed split claim #{checked.pk} out of this group" in notice
        assert "not a repeat after all" not in notice
        assert f"claim #{checked.pk}" in history_entry(client, left_behind)
    assert (
        "Covered by" not in client.get(reverse("claims:detail", args=[repeat.pk])).content.decode()
    )


def test_a_checked_claim_linked_into_another_group_leaves_its_repeats_a_record(client):
    checked, repeat, boss = covered_repeat()
    elsewhere = claim_alone("Crime went down 40 percent, the mayor said.")
    group_changes.claim_group_link(
        claim=checked, earlier=elsewhere, actor=boss, kind=GroupEventKind.CONFIRMED
    )
    client.force_login(boss)
    notice = cover_notice(client, repeat)
    assert f"ed linked claim #{checked.pk} to another group" in notice


def test_undoing_the_split_of_a_checked_claim_puts_the_cover_back_and_the_notice_goes(client):
    checked, repeat, boss = covered_repeat()
    split = group_changes.claim_split(claim=checked, actor=boss)
    client.force_login(boss)
    assert cover_notice(client, repeat)
    group_changes.group_event_undo(event=split, actor=boss)
    assert cover_notice(client, repeat) == ""
    page = client.get(reverse("claims:detail", args=[repeat.pk])).content.decode()
    assert f'data-covered-by="{checked.pk}"' in page


def test_undoing_a_covered_repeat_s_link_elsewhere_puts_the_cover_back_and_the_notice_goes(
    client,
):
    checked, repeat, boss = covered_repeat()
    elsewhere = claim_alone("Crime went down 40 percent, the mayor said.")
    link = group_changes.claim_group_link(
        claim=repeat, earlier=elsewhere, actor=boss, kind=GroupEventKind.CONFIRMED
    )
    client.force_login(boss)
    assert cover_notice(client, repeat)
    group_changes.group_event_undo(event=link, actor=boss)
    assert cover_notice(client, repeat) == ""
    assert fresh(repeat).group_id == fresh(checked).group_id


def test_a_verdict_applied_again_after_the_cover_was_lifted_takes_the_notice_away(client):
    checked, repeat, boss = covered_repeat()
    group_changes.claim_split(claim=repeat, actor=boss)
    client.force_login(boss)
    assert cover_notice(client, repeat)
    applications.verdict_application_request(claim=fresh(repeat), checked=checked, actor=boss)
    assert cover_notice(client, repeat) == ""


def test_a_merge_of_the_whole_group_keeps_the_cover_and_records_no_loss(client):
    checked, repeat, boss = covered_repeat()
    target = claim_alone("Crime went down 40 percent, the mayor said.")
    group_changes.group_merge_into_claim(
        source=fresh(checked).group, target_claim=target, actor=boss
    )
    client.force_login(boss)
    assert cover_notice(client, repeat) == ""
    assert not ClaimGroupEvent.objects.filter(kind=GroupEventKind.COVER_LIFTED).exists()
    assert Claim.objects.get(pk=repeat.pk).group_id == fresh(target).group_id


def test_the_record_of_a_lifted_cover_is_not_offered_as_a_change_to_undo():
    checked, repeat, boss = covered_repeat()
    group_changes.claim_split(claim=checked, actor=boss)
    lifted = ClaimGroupEvent.objects.get(kind=GroupEventKind.COVER_LIFTED, claim=repeat)
    assert group_undo.group_events_undoable([lifted]) == []


def split_entry(html: str) -> str:
    return html.split("Group: Split out")[1].split("</li>")[0]


def test_the_checked_claim_s_split_names_the_repeats_that_lost_its_cover(client):
    checked, repeat, boss = covered_repeat()
    other = claim_alone("Crime is 40 percent down.")
    applications.verdict_application_request(claim=other, checked=checked, actor=boss)
    client.force_login(boss)
    client.post(reverse("claims:split", args=[checked.pk]))
    first, second = sorted([repeat.pk, other.pk])
    line = f"its fact-check no longer covers: 2 repeats (#{first}, #{second})"
    history = client.get(reverse("claims:history", args=[checked.pk])).content.decode()
    assert line in split_entry(history)
    page = client.get(reverse("claims:detail", args=[checked.pk])).content.decode()
    assert line in split_entry(page)
    # The repeats' own splits name no repeats: only the checked claim's cover was lifted.
    assert (
        "no longer covers"
        not in client.get(reverse("claims:history", args=[repeat.pk])).content.decode()
    )


def test_a_split_of_a_checked_claim_with_no_applied_repeats_names_none(client):
    checked, boss = published_verdict().claim, editor(username="ed")
    group_changes.claim_group_link(claim=claim_alone("Crime fell 40 percent."), earlier=checked)
    group_changes.claim_split(claim=fresh(checked), actor=boss)
    client.force_login(boss)
    history = client.get(reverse("claims:history", args=[checked.pk])).content.decode()
    assert "Group: Split out" in history and "no longer covers" not in history


def test_a_checked_claim_linked_into_another_group_names_its_repeat_on_its_history(client):
    checked, repeat, boss = covered_repeat()
    elsewhere = claim_alone("Crime went down 40 percent, the mayor said.")
    group_changes.claim_group_link(
        claim=checked, earlier=elsewhere, actor=boss, kind=GroupEventKind.CONFIRMED
    )
    client.force_login(boss)
    history = client.get(reverse("claims:history", args=[checked.pk])).content.decode()
    entry = history.split("Group: Match confirmed")[1].split("</li>")[0]
    assert f"its fact-check no longer covers: 1 repeat (#{repeat.pk})" in entry
