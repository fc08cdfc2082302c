"""Undoing a change that founded a group: a merge into a claim in no group, or a link of two
claims in no group. The undo puts back every claim as it was, the one the group was founded for
too (in no group, not left alone in a group of one), and the pages say so."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from claims.matching import group_changes, group_undo
from claims.models import Claim, ClaimGroup, GroupEventKind, GroupLink
from tests.factories import claim_alone, editor

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


def fresh(row):
    row.refresh_from_db()
    return row


def founding_merge(actor):
    """A group of two claims merged into a claim in no group: (merge, (a, b, founder))."""
    a, b = claim_alone("Taxes rose by 3 percent."), claim_alone("Taxes went up 3 percent.")
    founder = claim_alone("Taxes climbed 3 percent.")
    group_changes.claim_group_link(claim=b, earlier=a)
    merge = group_changes.group_merge_into_claim(
        source=fresh(a).group, target_claim=founder, actor=actor
    )
    return merge, (a, b, founder)


def test_undoing_a_merge_into_a_claim_in_no_group_puts_that_claim_back_in_no_group():
    boss = editor(username="ed")
    merge, (a, b, founder) = founding_merge(boss)
    source = ClaimGroup.objects.get(pk=merge.data["source"])
    assert fresh(founder).group_id == merge.group_id
    undo = group_changes.group_event_undo(event=merge, actor=boss)
    assert (fresh(founder).group_id, fresh(founder).group_link) == (None, "")
    assert [(c.pk, c.group_link) for c in Claim.objects.filter(group=source).order_by("pk")] == [
        (a.pk, GroupLink.FOUNDER),
        (b.pk, GroupLink.AUTO),
    ]
    source.refresh_from_db()
    assert (source.canonical_claim_id, source.canonical_text) == (a.pk, a.text)
    assert not Claim.objects.filter(group_id=merge.group_id).exists()
    assert (undo.kind, undo.actor, fresh(merge).undone_by) == (GroupEventKind.UNDONE, boss, undo)
    assert undo.created_at is not None


def test_a_founding_merge_is_not_undone_once_its_founder_was_moved_however_recorded():
    boss = editor()
    merge, (_, _, founder) = founding_merge(boss)
    Claim.objects.filter(pk=founder.pk).update(group=None, group_link="")
    assert group_undo.group_events_undoable([fresh(merge)]) == []
    with pytest.raises(ValidationError, match="undo the later changes first"):
        group_changes.group_event_undo(event=fresh(merge), actor=boss)


def test_the_founder_s_page_undoes_the_founding_merge_and_its_pages_say_so_after(client):
    boss = editor(username="ed")
    client.force_login(boss)
    merge, (a, _, founder) = founding_merge(boss)
    undo_action = f'action="{reverse("claims:group_event_undo", args=[merge.pk])}"'
    assert undo_action in client.get(reverse("claims:detail", args=[founder.pk])).content.decode()

    response = client.post(
        reverse("claims:group_event_undo", args=[merge.pk]), {"next_claim": founder.pk}
    )
    assert response["Location"] == reverse("claims:detail", args=[founder.pk])
    page = client.get(reverse("claims:detail", args=[founder.pk])).content.decode()
    assert "This claim repeats claim #" in page  # in no group: the form for a claim alone
    assert "Main wording" not in page and undo_action not in page
    history = client.get(reverse("claims:history", args=[founder.pk])).content.decode()
    assert "Group: Groups merged" in history and "Group: Undone" in history
    founded = client.get(reverse("claims:group_history", args=[merge.group_id])).content.decode()
    # Kept, empty, for its history, as a group merged away is; undone, the merge never made
    # the founder an appearance, so it is no former one either.
    assert "(undone)" in founded and "Undone · ed" in founded
    assert "Appearances (0)" in founded and "Former appearances (0)" in founded
    undo = fresh(merge).undone_by
    assert (
        "This group has no claims any more: the change that founded it, “Groups merged”"
    ) in founded
    assert f'<a href="#group-event-{undo.pk}">undone</a> by ed' in founded
    assert f'<li id="group-event-{undo.pk}">Undone' in founded
    assert "no claim counts as ever having been in it" in founded
    assert "every claim that joined the group is still in it" not in founded
    assert '<th scope="col">How linked</th>' not in founded  # no empty table of appearances
    source = client.get(reverse("claims:group_history", args=[merge.data["source"]]))
    assert "Appearances (2)" in source.content.decode()
    assert f'data-appearance="{a.pk}"' in source.content.decode()


def test_undoing_a_link_of_two_claims_in_no_group_leaves_both_in_no_group(client, checker):
    first, second = claim_alone("Fares rose 5 percent."), claim_alone("Fares went up 5 percent.")
    client.post(reverse("claims:merge", args=[second.pk]), {"target": first.pk})
    link = fresh(second).group.events.get(kind=GroupEventKind.CONFIRMED)
    client.post(reverse("claims:group_event_undo", args=[link.pk]), {"next_claim": second.pk})
    for claim in (first, second):
        assert (fresh(claim).group_id, fresh(claim).group_link) == (None, "")
    client.force_login(editor())  # the group page is the editors'
    founded = client.get(reverse("claims:group_history", args=[link.group_id])).content.decode()
    assert (
        "This group has no claims any more: the change that founded it, “Match confirmed”"
    ) in founded
    assert f'<a href="#group-event-{fresh(link).undone_by_id}">undone</a>' in founded
    assert "This claim repeats claim #" in (
        client.get(reverse("claims:detail", args=[first.pk])).content.decode()
    )


def test_the_claims_a_merge_carried_keep_it_and_its_undo_in_their_history_once_back(client):
    boss = editor(username="ed")
    client.force_login(boss)
    merge, (a, b, _) = founding_merge(boss)
    client.post(reverse("claims:group_event_undo", args=[merge.pk]), {"next_claim": a.pk})
    for moved in (a, b):
        history = client.get(reverse("claims:history", args=[moved.pk])).content.decode()
        assert "Group: Groups merged" in history and "Group: Undone" in history


# --- The main wording an undone change replaced comes back with its claim -----------------------


def test_undoing_the_split_of_a_group_s_first_claim_gives_the_group_its_wording_back():
    first, second, reviewer = claim_alone(), claim_alone("Crime went down 40 percent."), editor()
    group_changes.claim_group_link(claim=second, earlier=first)
    group = fresh(first).group
    split = group_changes.claim_split(claim=fresh(first), actor=reviewer)
    assert fresh(group).canonical_claim_id == second.pk
    group_changes.group_event_undo(event=split, actor=reviewer)
    group.refresh_from_db()
    assert (group.canonical_claim_id, group.canonical_text) == (first.pk, first.text)


def test_undoing_a_link_that_took_a_group_s_wording_away_gives_it_back():
    first, second, reviewer = claim_alone(), claim_alone("Crime went down 40 percent."), editor()
    group_changes.claim_group_link(claim=second, earlier=first)
    group = fresh(first).group
    elsewhere = claim_alone("Crime fell by two fifths.")
    link = group_changes.claim_group_link(
        claim=fresh(first), earlier=elsewhere, actor=reviewer, kind=GroupEventKind.CONFIRMED
    )
    assert fresh(group).canonical_claim_id == second.pk
    group_changes.group_event_undo(event=link, actor=reviewer)
    group.refresh_from_db()
    assert (group.canonical_claim_id, group.canonical_text) == (first.pk, first.text)
    assert fresh(elsewhere).group_id is None  # as before the link founded a group for it
