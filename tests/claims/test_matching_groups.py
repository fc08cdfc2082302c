"""Canonical claim groups: confirm, reject, merge, split, apply a verdict, undo; with events, and
the editor's say over the ones that change a published fact-check's public appearances."""

import pytest
from django.core.exceptions import ValidationError

from claims.matching import applications, group_changes
from claims.models import (
    Claim,
    ClaimGroupEvent,
    ClaimStatus,
    GroupEventKind,
    GroupLink,
    MatchSuggestion,
    SuggestionStatus,
)
from claims.workflow import NothingChanged
from tests.factories import (
    claim_alone,
    editor,
    fact_checker,
    published_verdict,
)

pytestmark = pytest.mark.django_db


def suggestion(new, earlier, score=0.7):
    return MatchSuggestion.objects.create(
        claim=new, candidate=earlier, score=score, level="suggested"
    )


def fresh(row):
    row.refresh_from_db()
    return row


def test_confirming_a_suggestion_makes_both_claims_one_group_with_the_earlier_wording():
    earlier, new, reviewer = (
        claim_alone(),
        claim_alone("Crime went down 40 percent."),
        fact_checker(),
    )
    event = group_changes.suggestion_confirm(suggestion=suggestion(new, earlier), actor=reviewer)
    earlier, new = fresh(earlier), fresh(new)
    assert earlier.group_id == new.group_id is not None
    assert new.group.canonical_text == earlier.text
    assert (earlier.group_link, new.group_link) == (GroupLink.FOUNDER, GroupLink.CONFIRMED)
    assert (event.kind, event.actor, event.claim) == (GroupEventKind.CONFIRMED, reviewer, new)
    assert MatchSuggestion.objects.get().status == SuggestionStatus.CONFIRMED


def test_rejecting_a_suggestion_records_who_and_links_nothing():
    earlier, new, reviewer = claim_alone(), claim_alone("Crime rose 40 percent."), fact_checker()
    event = group_changes.suggestion_reject(suggestion=suggestion(new, earlier), actor=reviewer)
    assert fresh(new).group_id is None
    assert (event.kind, event.actor) == (GroupEventKind.REJECTED, reviewer)
    assert MatchSuggestion.objects.get().status == SuggestionStatus.REJECTED
    with pytest.raises(ValidationError, match="You rejected this match at .*: nothing to confirm"):
        group_changes.suggestion_confirm(suggestion=MatchSuggestion.objects.get(), actor=reviewer)


def test_a_suggestion_is_not_rejected_once_its_claims_were_linked_meanwhile():
    earlier, new, reviewer = (
        claim_alone(),
        claim_alone("Crime went down 40 percent."),
        fact_checker(),
    )
    open_suggestion = suggestion(new, earlier)
    group_changes.claim_group_link(claim=new, earlier=earlier)  # the worker, before the reviewer
    # Rejected, the desk would read "not a repeat" while the claims stay one group.
    with pytest.raises(ValidationError, match="split the claim out"):
        group_changes.suggestion_reject(suggestion=open_suggestion, actor=reviewer)
    assert fresh(open_suggestion).status == SuggestionStatus.OPEN
    assert fresh(new).group_id == fresh(earlier).group_id


def test_splitting_a_claim_out_keeps_the_rest_of_the_group():
    first, second, third, reviewer = (
        claim_alone(),
        claim_alone("B said it too."),
        claim_alone("C too."),
        fact_checker(),
    )
    group_changes.claim_group_link(claim=second, earlier=first)
    group_changes.claim_group_link(claim=third, earlier=first)
    event = group_changes.claim_split(claim=fresh(second), actor=reviewer)
    assert fresh(second).group_id is None
    assert fresh(third).group_id == fresh(first).group_id
    assert event.kind == GroupEventKind.SPLIT


def test_splitting_out_the_canonical_claim_hands_the_wording_to_the_next_appearance():
    first, second = claim_alone(), claim_alone("Crime was down by 40 percent.")
    group_changes.claim_group_link(claim=second, earlier=first)
    group = fresh(first).group
    group_changes.claim_split(claim=fresh(first), actor=fact_checker())
    group.refresh_from_db()
    assert (group.canonical_claim, group.canonical_text) == (second, second.text)


def test_merging_moves_every_appearance_and_can_be_undone():
    a1, a2, b1, reviewer = claim_alone(), claim_alone("A2."), claim_alone("B1."), fact_checker()
    group_changes.claim_group_link(claim=a2, earlier=a1)
    b2 = claim_alone("B2.")
    group_changes.claim_group_link(claim=b2, earlier=b1)
    source, target = fresh(a1).group, fresh(b1).group
    event = group_changes.group_merge(source=source, target=target, actor=reviewer)
    assert set(Claim.objects.filter(group=target)) == {a1, a2, b1, b2}
    undo = group_changes.group_event_undo(event=event, actor=reviewer)
    assert set(Claim.objects.filter(group=source)) == {a1, a2}
    assert set(Claim.objects.filter(group=target)) == {b1, b2}
    assert (undo.kind, fresh(event).undone_by) == (GroupEventKind.UNDONE, undo)
    with pytest.raises(NothingChanged, match="^Already done: you undid this change at "):
        group_changes.group_event_undo(event=fresh(event), actor=reviewer)


def test_a_group_cannot_be_merged_into_itself_or_into_one_of_its_members():
    first, second = claim_alone(), claim_alone("Again.")
    group_changes.claim_group_link(claim=second, earlier=first)
    group = fresh(first).group
    with pytest.raises(ValidationError, match="into itself"):
        group_changes.group_merge(source=group, target=group, actor=fact_checker())
    with pytest.raises(ValidationError, match="its own members"):
        group_changes.group_merge_into_claim(source=group, target_claim=fresh(second), actor=None)


def test_undo_is_refused_once_a_later_change_moved_the_claim_again():
    first, second, reviewer = claim_alone(), claim_alone("Second."), fact_checker()
    link = group_changes.claim_group_link(claim=second, earlier=first)
    group_changes.claim_split(claim=fresh(second), actor=reviewer)
    with pytest.raises(ValidationError, match="changed again"):
        group_changes.group_event_undo(event=link, actor=reviewer)


def test_undoing_a_confirmation_reopens_the_suggestion():
    earlier, new, reviewer = claim_alone(), claim_alone("Crime dropped 40 percent."), fact_checker()
    event = group_changes.suggestion_confirm(suggestion=suggestion(new, earlier), actor=reviewer)
    group_changes.group_event_undo(event=event, actor=reviewer)
    assert fresh(new).group_id is None
    assert MatchSuggestion.objects.get().status == SuggestionStatus.OPEN


def apply(repeat, checked, actor=None):
    """An editor's request: applied at once (claims.matching.applications)."""
    return applications.verdict_application_request(
        claim=repeat, checked=checked, actor=actor or editor()
    )


def test_applying_a_published_verdict_links_the_repeat_and_takes_it_out_of_the_queue():
    verdict = published_verdict()
    repeat, desk_editor = claim_alone("The same thing, said again."), editor()
    application = apply(repeat, verdict.claim, desk_editor)
    repeat = fresh(repeat)
    assert repeat.group_id == fresh(verdict.claim).group_id
    assert repeat.status == ClaimStatus.DISMISSED
    assert ClaimGroupEvent.objects.filter(
        kind=GroupEventKind.VERDICT_APPLIED, claim=repeat, actor=desk_editor
    ).exists()
    assert (application.status, application.decided_by) == ("approved", desk_editor)
    assert Claim.objects.with_already_checked().get(pk=repeat.pk).already_checked


def test_only_a_published_verdict_can_be_applied():
    unpublished, repeat = claim_alone(), claim_alone("Again.")
    with pytest.raises(ValidationError, match="published"):
        apply(repeat, unpublished, fact_checker())


def test_applying_goes_by_the_verdict_being_published_not_the_claims_status():
    from claims.models import Verdict, VerdictStatus

    verdict = published_verdict()
    # A claim that says "published" over a verdict the public may not read (sent back, say).
    Verdict.objects.filter(pk=verdict.pk).update(status=VerdictStatus.RETURNED)
    assert fresh(verdict.claim).status == ClaimStatus.PUBLISHED
    repeat = claim_alone("Again.")
    with pytest.raises(ValidationError, match="Only a published verdict"):
        apply(repeat, verdict.claim)
    assert fresh(repeat).status == ClaimStatus.NEW and fresh(repeat).group_id is None


@pytest.mark.parametrize("own", ["submitted", "published"])
def test_a_verdict_is_not_applied_to_a_claim_whose_own_verdict_is_in_review_or_published(own):
    from claims.appearances import claim_appearances
    from tests.factories import submitted_verdict

    verdict = published_verdict()
    repeat = (submitted_verdict if own == "submitted" else published_verdict)().claim
    # Applied, it would be a public appearance of the other fact-check before an editor has
    # decided on its own verdict (or a second fact-check of a claim already rated).
    with pytest.raises(ValidationError, match="own verdict"):
        apply(repeat, verdict.claim)
    assert fresh(repeat).group_id is None
    assert [c.pk for c in claim_appearances(fresh(verdict.claim))] == [verdict.claim.pk]


def test_a_repeat_reopened_after_a_verdict_was_applied_is_no_longer_a_public_appearance():
    from claims import services
    from claims.appearances import claim_appearances
    from tests.factories import drafted_verdict

    verdict = published_verdict()
    repeat, desk_editor = claim_alone("The same thing, said again."), editor()
    apply(repeat, verdict.claim, desk_editor)
    assert repeat.pk in [c.pk for c in claim_appearances(fresh(verdict.claim))]
    # Reopened (by an editor: it changes the public record), the desk no longer says the
    # published fact-check covers it: it is checked anew.
    services.claim_reopen(claim=fresh(repeat), actor=desk_editor)
    drafted_verdict(claim=fresh(repeat), conclusion="Still in draft.")
    assert [c.pk for c in claim_appearances(fresh(verdict.claim))] == [verdict.claim.pk]
    assert repeat.pk in [c.pk for c in claim_appearances(fresh(verdict.claim), public=False)]


def test_a_repeat_reopened_and_dismissed_again_by_hand_is_no_public_appearance_either():
    from claims import services
    from claims.appearances import claim_appearances

    # The public list read the application as standing again once the claim was dismissed for
    # another reason, while the desk's "covered by" did not: one rule now, for both.
    verdict, desk_editor = published_verdict(), editor()
    repeat = claim_alone("The same thing, said again.")
    apply(repeat, verdict.claim, desk_editor)
    services.claim_reopen(claim=fresh(repeat), actor=desk_editor)
    services.claim_dismiss(claim=fresh(repeat), actor=fact_checker(), reason="An opinion.")
    assert [c.pk for c in claim_appearances(fresh(verdict.claim))] == [verdict.claim.pk]


def test_a_fact_checker_does_not_reopen_a_repeat_a_published_verdict_covers():
    from claims import services
    from claims.appearances import NeedsAnEditor

    verdict = published_verdict()
    repeat = claim_alone("The same thing, said again.")
    apply(repeat, verdict.claim)
    with pytest.raises(NeedsAnEditor, match="an editor"):
        services.claim_reopen(claim=fresh(repeat), actor=fact_checker())
    assert fresh(repeat).status == ClaimStatus.DISMISSED
    # A repeat dismissed by hand is nobody's public appearance: reopened by anyone.
    other = claim_alone("Another thing.")
    services.claim_dismiss(claim=other, actor=fact_checker(), reason="An opinion.")
    services.claim_reopen(claim=fresh(other), actor=fact_checker())
    assert fresh(other).status == ClaimStatus.NEW


def test_an_applied_repeat_is_covered_by_the_checked_claim_until_it_is_split_out():
    from claims.matching.selectors import claim_covered_by

    verdict, desk_editor = published_verdict(), editor()
    repeat = claim_alone("Crime went down 40 percent.")
    assert claim_covered_by(repeat) is None
    apply(repeat, verdict.claim, desk_editor)
    assert claim_covered_by(fresh(repeat)) == verdict.claim
    group_changes.claim_split(claim=fresh(repeat), actor=desk_editor)
    assert fresh(repeat).status == ClaimStatus.DISMISSED
    assert claim_covered_by(fresh(repeat)) is None  # split out: not a repeat after all


# --- Group changes that would change what the public reads are an editor's -------------------


def test_a_fact_checker_may_not_split_an_applied_repeat_out_but_an_editor_may():
    from claims.appearances import NeedsAnEditor, claim_appearances

    verdict = published_verdict()
    repeat = claim_alone("Crime went down 40 percent.")
    apply(repeat, verdict.claim)
    with pytest.raises(NeedsAnEditor, match=f"claim #{verdict.claim.pk}"):
        group_changes.claim_split(claim=fresh(repeat), actor=fact_checker())
    assert fresh(repeat).group_id == fresh(verdict.claim).group_id
    assert not ClaimGroupEvent.objects.filter(kind=GroupEventKind.SPLIT).exists()
    event = group_changes.claim_split(claim=fresh(repeat), actor=editor())
    assert [c.pk for c in claim_appearances(fresh(verdict.claim))] == [verdict.claim.pk]
    # Undoing it puts the appearance back on the public record: an editor's call too.
    with pytest.raises(NeedsAnEditor):
        group_changes.group_event_undo(event=event, actor=fact_checker())
    group_changes.group_event_undo(event=event, actor=editor())
    assert repeat.pk in [c.pk for c in claim_appearances(fresh(verdict.claim))]


def test_a_fact_checker_still_splits_and_links_repeats_the_public_does_not_see():
    verdict = published_verdict()
    repeat, checker = claim_alone("Crime went down 40 percent."), fact_checker()
    # Linked or split, an unapplied repeat is desk-only: nothing public changes.
    group_changes.claim_group_link(
        claim=repeat, earlier=verdict.claim, actor=checker, kind=GroupEventKind.CONFIRMED
    )
    group_changes.claim_split(claim=fresh(repeat), actor=checker)
    assert fresh(repeat).group_id is None


def test_merging_the_groups_of_two_published_claims_leaves_each_its_own_repeats():
    from claims.appearances import claim_appearances

    first = published_verdict(claim=claim_alone()).claim
    second = published_verdict(claim=claim_alone("Crime was down 40 percent.")).claim
    repeat, other = claim_alone("A1."), claim_alone("B1.")
    apply(repeat, first)
    apply(other, second)
    source, target = fresh(first).group, fresh(second).group
    # Each verdict speaks only for the repeats applied to it: merged, neither fact-check's
    # public appearances change (two fact-checks in one group are an editor's to put there:
    # tests/claims/test_group_two_fact_checks.py).
    group_changes.group_merge(source=source, target=target, actor=editor())
    assert set(Claim.objects.filter(group=target)) == {first, second, repeat, other}
    assert {c.pk for c in claim_appearances(fresh(first))} == {first.pk, repeat.pk}
    assert {c.pk for c in claim_appearances(fresh(second))} == {second.pk, other.pk}


def test_linking_a_published_claim_into_another_fact_check_s_group_changes_neither():
    from claims.appearances import claim_appearances

    first = published_verdict(claim=claim_alone()).claim
    second = published_verdict(claim=claim_alone("Crime was down 40 percent.")).claim
    repeat = claim_alone("Again.")
    apply(repeat, first)
    group_changes.claim_group_link(claim=fresh(second), earlier=fresh(first), actor=editor())
    assert fresh(second).group_id == fresh(first).group_id
    assert {c.pk for c in claim_appearances(fresh(first))} == {first.pk, repeat.pk}
    assert [c.pk for c in claim_appearances(fresh(second))] == [second.pk]


def test_the_worker_does_not_move_a_claim_a_reviewer_confirmed_since_it_read_it():
    first, theirs, repeat, reviewer = (
        claim_alone(),
        claim_alone("Elsewhere."),
        claim_alone("Again."),
        fact_checker(),
    )
    stale = Claim.objects.get(pk=repeat.pk)  # the linker's read: no group yet
    group_changes.claim_group_link(
        claim=repeat, earlier=theirs, actor=reviewer, kind=GroupEventKind.CONFIRMED
    )
    with pytest.raises(group_changes.GroupActionRefused, match="grouped meanwhile"):
        group_changes.claim_group_link(claim=stale, earlier=first)
    repeat = fresh(repeat)
    assert (repeat.group_id, repeat.group_link) == (fresh(theirs).group_id, GroupLink.CONFIRMED)
    assert fresh(first).group_id is None  # nothing half-done: no group founded for the worker


def test_the_worker_does_not_link_again_a_claim_a_reviewer_split_out_since_it_read_it():
    first, other, repeat, reviewer = (
        claim_alone(),
        claim_alone("Elsewhere."),
        claim_alone("Again."),
        fact_checker(),
    )
    stale = Claim.objects.get(pk=repeat.pk)
    group_changes.claim_group_link(claim=repeat, earlier=other)
    group_changes.claim_split(claim=fresh(repeat), actor=reviewer)
    with pytest.raises(group_changes.GroupActionRefused, match="split this claim out"):
        group_changes.claim_group_link(claim=stale, earlier=first)
    assert fresh(repeat).group_id is None


def test_a_reviewer_still_moves_a_grouped_claim_to_another_group():
    first, other, repeat, reviewer = (
        claim_alone(),
        claim_alone("Elsewhere."),
        claim_alone("Again."),
        fact_checker(),
    )
    group_changes.claim_group_link(claim=repeat, earlier=other)
    group_changes.claim_group_link(
        claim=fresh(repeat), earlier=first, actor=reviewer, kind=GroupEventKind.CONFIRMED
    )
    assert fresh(repeat).group_id == fresh(first).group_id
