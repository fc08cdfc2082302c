"""When a group change can still be undone: only while no later change (not undone itself)
touched the claims it moved, or, where a merge is either, the groups it changed; the undo and
the pages' Undo buttons go by the same rule (group_undo.group_event_undo_refusal)."""

import pytest
from django.core.exceptions import ValidationError

from claims.appearances import claim_appearances
from claims.matching import applications, group_changes, group_undo
from claims.models import Claim, ClaimGroupEvent, ClaimStatus, GroupEventKind
from tests.factories import claim_alone, editor, fact_checker, published_verdict

pytestmark = pytest.mark.django_db


def fresh(row):
    row.refresh_from_db()
    return row


def confirm(claim, earlier, actor):
    return group_changes.claim_group_link(
        claim=fresh(claim), earlier=fresh(earlier), actor=actor, kind=GroupEventKind.CONFIRMED
    )


def test_a_link_is_not_undone_once_the_claim_moved_away_and_back_since():
    first, other, repeat, reviewer = (
        claim_alone(),
        claim_alone("Elsewhere."),
        claim_alone("Again."),
        fact_checker(),
    )
    group_changes.claim_group_link(claim=other, earlier=claim_alone("Elsewhere, first."))
    linked = confirm(repeat, first, reviewer)
    confirm(repeat, other, reviewer)  # away to the other group
    confirm(repeat, first, reviewer)  # and back: the same group as right after `linked`
    assert fresh(repeat).group_id == linked.group_id
    assert group_undo.group_events_undoable([fresh(linked)]) == []
    with pytest.raises(ValidationError, match="undo the later changes first"):
        group_changes.group_event_undo(event=fresh(linked), actor=reviewer)
    assert fresh(repeat).group_id == linked.group_id


def test_a_split_is_not_undone_once_its_group_was_merged_into_another():
    first, second, third, reviewer = (
        claim_alone(),
        claim_alone("Second."),
        claim_alone("Third."),
        fact_checker(),
    )
    group_changes.claim_group_link(claim=second, earlier=first)
    group_changes.claim_group_link(claim=third, earlier=claim_alone("Elsewhere."))
    split = group_changes.claim_split(claim=fresh(second), actor=reviewer)
    group_changes.group_merge(source=fresh(first).group, target=fresh(third).group, actor=reviewer)
    # Undone, the claim would rejoin a group that holds nothing any more.
    assert group_undo.group_events_undoable([fresh(split)]) == []
    with pytest.raises(ValidationError, match="undo the later changes first"):
        group_changes.group_event_undo(event=fresh(split), actor=reviewer)
    assert fresh(second).group_id is None


def test_a_merge_is_not_undone_once_a_later_change_touched_its_groups():
    a1, b1, reviewer = claim_alone("A1."), claim_alone("B1."), fact_checker()
    group_changes.claim_group_link(claim=claim_alone("A2."), earlier=a1)
    group_changes.claim_group_link(claim=claim_alone("B2."), earlier=b1)
    merge = group_changes.group_merge(
        source=fresh(a1).group, target=fresh(b1).group, actor=reviewer
    )
    later = group_changes.claim_group_link(claim=claim_alone("B3."), earlier=fresh(b1))
    assert group_undo.group_events_undoable([fresh(merge)]) == []
    with pytest.raises(ValidationError, match="undo the later changes first"):
        group_changes.group_event_undo(event=fresh(merge), actor=reviewer)
    # Once the later change is undone, the merge is again.
    group_changes.group_event_undo(event=later, actor=reviewer)
    assert group_undo.group_events_undoable([fresh(merge)]) == [fresh(merge)]
    group_changes.group_event_undo(event=fresh(merge), actor=reviewer)
    assert fresh(a1).group_id != fresh(b1).group_id


def test_changes_of_other_claims_in_the_group_leave_a_link_undoable():
    first, repeat, reviewer = claim_alone(), claim_alone("Again."), fact_checker()
    linked = group_changes.claim_group_link(claim=repeat, earlier=first)
    group_changes.claim_group_link(claim=claim_alone("Once more."), earlier=fresh(first))
    split = group_changes.claim_split(claim=Claim.objects.get(text="Once more."), actor=reviewer)
    assert group_undo.group_events_undoable([fresh(linked), fresh(split)]) == [
        fresh(linked),
        fresh(split),
    ]
    group_changes.group_event_undo(event=fresh(linked), actor=reviewer)
    assert fresh(repeat).group_id is None


def test_undoable_events_are_found_in_the_same_queries_however_many(django_assert_max_num_queries):
    reviewer = fact_checker()
    events = []
    for n in range(6):
        first = claim_alone(f"Claim {n}.")
        events.append(
            group_changes.claim_group_link(claim=claim_alone(f"Repeat {n}."), earlier=first)
        )
        group_changes.claim_split(claim=Claim.objects.get(text=f"Repeat {n}."), actor=reviewer)
    events = list(ClaimGroupEvent.objects.order_by("pk"))
    with django_assert_max_num_queries(2):
        undoable = group_undo.group_events_undoable(events)
    assert undoable == [e for e in events if e.kind == GroupEventKind.SPLIT]


# --- An undo never takes a repeat from under a published verdict's cover unrecorded -----------


def test_the_link_a_published_verdict_was_applied_on_is_not_undone_but_split_instead():
    """Undone, the link would take the repeat out of the group as the verdict's cover fell,
    with nothing on the claim page saying so; a split records it (claim_cover_lifted)."""
    from claims.selectors import claim_cover_lifted

    verdict, boss = published_verdict(), editor()
    repeat = claim_alone("Crime went down 40 percent.")
    linked = confirm(repeat, verdict.claim, boss)
    applications.verdict_application_request(claim=fresh(repeat), checked=verdict.claim, actor=boss)
    assert fresh(repeat).status == ClaimStatus.DISMISSED
    assert group_undo.group_events_undoable([fresh(linked)]) == []
    with pytest.raises(ValidationError, match="split the claim out instead"):
        group_changes.group_event_undo(event=fresh(linked), actor=boss)
    assert repeat.pk in [c.pk for c in claim_appearances(fresh(verdict.claim))]
    split = group_changes.claim_split(claim=fresh(repeat), actor=boss)
    assert claim_cover_lifted(fresh(repeat)).data["by"] == split.pk


def test_a_merge_a_verdict_was_applied_after_is_not_undone_from_under_it():
    checked = published_verdict().claim
    boss, repeat = editor(), claim_alone("Crime went down 40 percent.")
    group_changes.claim_group_link(claim=claim_alone("Again."), earlier=repeat)
    merge = group_changes.group_merge_into_claim(
        source=fresh(repeat).group, target_claim=fresh(checked), actor=boss
    )
    applications.verdict_application_request(claim=fresh(repeat), checked=checked, actor=boss)
    assert group_undo.group_events_undoable([fresh(merge)]) == []
    with pytest.raises(ValidationError, match="split the claim out instead"):
        group_changes.group_event_undo(event=fresh(merge), actor=boss)
    assert fresh(repeat).group_id == fresh(checked).group_id


def test_the_link_of_a_checked_claim_is_not_undone_once_its_verdict_covers_a_repeat_there():
    boss, first = editor(), claim_alone("Crime went down 40 percent.")
    repeat = claim_alone("Crime fell 40 percent.")
    group_changes.claim_group_link(claim=repeat, earlier=first)
    checked = published_verdict().claim
    linked = confirm(checked, first, boss)  # the checked claim joins the repeat's group
    applications.verdict_application_request(claim=fresh(repeat), checked=checked, actor=boss)
    # Undone, the checked claim would leave and take its cover from the repeat unrecorded.
    assert group_undo.group_events_undoable([fresh(linked)]) == []
    with pytest.raises(ValidationError, match="split the claim out instead"):
        group_changes.group_event_undo(event=fresh(linked), actor=boss)
    assert repeat.pk in [c.pk for c in claim_appearances(fresh(checked))]


def test_undoing_a_split_from_under_an_applied_verdict_puts_the_cover_back_and_its_notice_goes():
    from claims.selectors import claim_cover_lifted

    verdict, boss = published_verdict(), editor()
    repeat = claim_alone("Crime went down 40 percent.")
    applications.verdict_application_request(claim=repeat, checked=verdict.claim, actor=boss)
    split = group_changes.claim_split(claim=fresh(repeat), actor=boss)
    assert claim_cover_lifted(fresh(repeat)).data["by"] == split.pk
    modified = fresh(verdict).modified_at
    group_changes.group_event_undo(event=split, actor=boss)
    assert claim_cover_lifted(fresh(repeat)) is None
    assert repeat.pk in [c.pk for c in claim_appearances(fresh(verdict.claim))]
    assert fresh(verdict).modified_at > modified


def test_a_fact_checker_s_refused_link_of_an_applied_repeat_changes_no_row():
    from claims.appearances import NeedsAnEditor
    from claims.models import ClaimGroup

    verdict, boss, checker = published_verdict(), editor(), fact_checker()
    repeat, elsewhere = claim_alone("Crime went down 40 percent."), claim_alone("Elsewhere.")
    applications.verdict_application_request(claim=repeat, checked=verdict.claim, actor=boss)
    group_changes.claim_group_link(claim=claim_alone("Elsewhere again."), earlier=elsewhere)
    lone = claim_alone("A claim in no group.")
    groups_before = {g.pk: g.updated_at for g in ClaimGroup.objects.all()}
    events_before, modified = ClaimGroupEvent.objects.count(), fresh(verdict).modified_at
    for earlier in (elsewhere, lone):  # into a group, and into one founded for the earlier claim
        with pytest.raises(NeedsAnEditor):
            confirm(repeat, earlier, checker)
    assert fresh(repeat).group_id == fresh(verdict.claim).group_id
    assert fresh(lone).group_id is None
    assert {g.pk: g.updated_at for g in ClaimGroup.objects.all()} == groups_before
    assert ClaimGroupEvent.objects.count() == events_before
    assert fresh(verdict).modified_at == modified
