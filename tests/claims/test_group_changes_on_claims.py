"""A group change seen from the claims it moved: their history pages name it with who and when,
and their pages offer its undo, also once a split left the claim in no group; and where an undo
goes back to."""

import pytest
from django.urls import reverse

from claims.matching import applications, group_changes
from claims.models import Claim, ClaimGroupEvent, GroupEventKind
from tests.factories import (
    claim_alone,
    editor,
    published_verdict,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


def merged(actor):
    """Two groups of two claims, the first merged into the second: (merge event, claims)."""
    a, b = claim_alone("Taxes rose by 3 percent."), claim_alone("Taxes went up 3 percent.")
    c, d = claim_alone("Taxes climbed 3 percent."), claim_alone("A 3 percent tax rise.")
    group_changes.claim_group_link(claim=b, earlier=a)
    group_changes.claim_group_link(claim=d, earlier=c)
    group_of = lambda row: Claim.objects.get(pk=row.pk).group  # noqa: E731
    merge = group_changes.group_merge(source=group_of(a), target=group_of(c), actor=actor)
    return merge, (a, b, c, d)


def test_an_editor_undoing_a_merge_on_the_group_page_goes_back_to_it_not_to_an_error(client):
    user = editor(username="ed")
    client.force_login(user)
    merge, (a, b, c, _) = merged(user)
    # The group page's Undo sends no claim to go back to, and a merge names none of its own.
    response = client.post(reverse("claims:group_event_undo", args=[merge.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("claims:group_history", args=[merge.group_id])
    assert Claim.objects.get(pk=a.pk).group_id != Claim.objects.get(pk=c.pk).group_id


def test_a_fact_checker_undoing_a_merge_without_a_page_lands_on_a_claim_it_moved(client, checker):
    merge, (a, *_) = merged(checker)
    response = client.post(reverse("claims:group_event_undo", args=[merge.pk]))
    assert response["Location"] == reverse("claims:detail", args=[a.pk])


def undo_form(event) -> str:
    return f'action="{reverse("claims:group_event_undo", args=[event.pk])}"'


def test_a_split_claim_s_history_says_who_split_it_and_its_page_undoes_it(client, checker):
    first, second = (
        claim_alone("Crime fell by 40 percent."),
        claim_alone("Crime dropped 40 percent."),
    )
    group_changes.claim_group_link(claim=second, earlier=first)
    client.post(reverse("claims:split", args=[second.pk]))
    split = ClaimGroupEvent.objects.get(kind=GroupEventKind.SPLIT)

    history = client.get(reverse("claims:history", args=[second.pk])).content.decode()
    assert "Group: Linked automatically" in history
    assert "Group: Split out" in history and "fc" in history
    assert f"claim: #{second.pk}" not in history  # its own history: no need to name it
    page = client.get(reverse("claims:detail", args=[second.pk])).content.decode()
    assert undo_form(split) in page

    response = client.post(
        reverse("claims:group_event_undo", args=[split.pk]), {"next_claim": second.pk}
    )
    assert response["Location"] == reverse("claims:detail", args=[second.pk])
    assert Claim.objects.get(pk=second.pk).group_id == Claim.objects.get(pk=first.pk).group_id
    history = client.get(reverse("claims:history", args=[second.pk])).content.decode()
    assert "Group: Undone" in history and "undoes: Split out" in history


def test_a_merge_is_on_the_history_and_page_of_each_claim_it_moved(client, checker):
    merge, (a, b, c, d) = merged(checker)
    for moved in (a, b):
        history = client.get(reverse("claims:history", args=[moved.pk])).content.decode()
        assert "Group: Groups merged" in history and "claims moved: 2" in history
        page = client.get(reverse("claims:detail", args=[moved.pk])).content.decode()
        assert undo_form(merge) in page
    # The claims of the group merged into did not move: the merge is not on their pages.
    for stayed in (c, d):
        assert (
            "Groups merged"
            not in client.get(reverse("claims:history", args=[stayed.pk])).content.decode()
        )


def test_splitting_out_a_repeat_dismissed_as_checked_says_it_stays_dismissed(client):
    client.force_login(editor(username="ed"))
    verdict = published_verdict()
    repeat = claim_alone("Crime dropped 40 percent in the last year.")
    applications.verdict_application_request(
        claim=repeat, checked=verdict.claim, actor=editor(username="boss")
    )
    response = client.post(reverse("claims:split", args=[repeat.pk]), follow=True)
    page = response.content.decode()
    assert "The claim is split out of its group." in page
    assert "It stays dismissed (“Already checked: a repeat of claim" in page
    assert "reopen it to check it on its own" in page


def test_splitting_out_an_open_claim_says_nothing_of_a_dismissal(client, checker):
    first, second = (
        claim_alone("Crime fell by 40 percent."),
        claim_alone("Crime dropped 40 percent."),
    )
    group_changes.claim_group_link(claim=second, earlier=first)
    page = client.post(reverse("claims:split", args=[second.pk]), follow=True).content.decode()
    assert "The claim is split out of its group." in page and "stays dismissed" not in page


def test_the_desk_history_lists_group_changes_by_person_among_the_workflow_events(client):
    boss = editor(username="ed")
    client.force_login(boss)
    merge, (a, b, c, d) = merged(boss)
    group_changes.claim_split(claim=Claim.objects.get(pk=d.pk), actor=boss)
    html = client.get(reverse("claims:desk_history"), {"person": boss.pk}).content.decode()
    assert html.count("data-group-change=") == 2  # the matcher's links are not the editor's
    assert "Group: Split out" in html and "Group: Groups merged" in html
    assert "2 claims moved" in html
    assert reverse("claims:group_history", args=[merge.group_id]) in html
    assert reverse("claims:history", args=[d.pk]) in html
    everyone = client.get(reverse("claims:desk_history")).content.decode()
    assert everyone.count("data-group-change=") == 4
    # Newest first, as the workflow events: the split came after the merge.
    assert everyone.index("Group: Split out") < everyone.index("Group: Groups merged")


def test_a_claim_in_no_group_is_linked_by_hand_to_the_claim_it_repeats_and_unlinked(
    client, checker
):
    first, second = (
        claim_alone("Crime fell by 40 percent."),
        claim_alone("Crime dropped 40 percent."),
    )
    page = client.get(reverse("claims:detail", args=[second.pk])).content.decode()
    assert "This claim repeats claim #" in page
    response = client.post(reverse("claims:merge", args=[second.pk]), {"target": first.pk})
    assert response["Location"] == reverse("claims:detail", args=[second.pk])
    linked = Claim.objects.get(pk=second.pk)
    assert linked.group_id == Claim.objects.get(pk=first.pk).group_id is not None
    assert linked.group_link == "confirmed"
    event = ClaimGroupEvent.objects.get(kind=GroupEventKind.CONFIRMED)
    assert event.actor == checker and event.claim_id == second.pk
    page = client.get(reverse("claims:detail", args=[second.pk])).content.decode()
    assert f'data-appearance="{first.pk}"' in page and undo_form(event) in page

    refused = client.post(
        reverse("claims:merge", args=[first.pk]), {"target": first.pk}, follow=True
    )
    assert "its own members" in refused.content.decode()
    alone = claim_alone("Unemployment doubled.")
    itself = client.post(
        reverse("claims:merge", args=[alone.pk]), {"target": alone.pk}, follow=True
    )
    assert "A claim cannot be a repeat of itself." in itself.content.decode()


def test_the_group_page_says_how_many_claims_a_merge_brought_and_from_which_group(client):
    boss = editor(username="ed")
    client.force_login(boss)
    merge, _ = merged(boss)
    source = merge.data["source"]
    html = client.get(reverse("claims:group_history", args=[merge.group_id])).content.decode()
    link = reverse("claims:group_history", args=[source])
    assert f'Groups merged · 2 claims from <a href="{link}">claim group #{source}</a>' in html


def test_the_panel_offers_only_the_undos_that_would_not_be_refused(client, checker):
    first, second = (
        claim_alone("Crime fell by 40 percent."),
        claim_alone("Crime dropped 40 percent."),
    )
    linked = group_changes.claim_group_link(claim=second, earlier=first)
    split = group_changes.claim_split(claim=Claim.objects.get(pk=second.pk), actor=checker)
    relinked = group_changes.claim_group_link(
        claim=Claim.objects.get(pk=second.pk),
        earlier=first,
        actor=checker,
        kind=GroupEventKind.CONFIRMED,
    )
    page = client.get(reverse("claims:detail", args=[second.pk])).content.decode()
    assert undo_form(relinked) in page
    # The split no longer holds (the claim is back in the group): its undo would be refused.
    assert undo_form(split) not in page
    response = client.post(reverse("claims:group_event_undo", args=[split.pk]), follow=True)
    assert "The group changed again since" in response.content.decode()
    # Nor the first link: the claim was split out and linked again since, and undone it would
    # undo those too.
    assert undo_form(linked) not in page


def test_the_group_page_lists_a_claim_linked_away_into_another_group_as_a_former_appearance(
    client,
):
    boss = editor(username="ed")
    client.force_login(boss)
    first, repeat = claim_alone("Crime fell by 40 percent."), claim_alone("Crime fell 40 percent.")
    elsewhere = claim_alone("Crime dropped by 40 percent.")
    group_changes.claim_group_link(claim=repeat, earlier=first)
    group_id = Claim.objects.get(pk=first.pk).group_id
    away = group_changes.claim_group_link(
        claim=Claim.objects.get(pk=repeat.pk),
        earlier=elsewhere,
        actor=boss,
        kind=GroupEventKind.CONFIRMED,
    )
    html = client.get(reverse("claims:group_history", args=[group_id])).content.decode()
    assert "Former appearances (1)" in html
    row = html.split(f'data-former-appearance="{repeat.pk}"')[1].split("</tr>")[0]
    assert "Match confirmed · ed · <time" in row
    assert reverse("claims:group_history", args=[away.group_id]) in row
    # Its founder, linked away in turn, is one too; the claims still in the group are not.
    group_changes.claim_group_link(
        claim=Claim.objects.get(pk=first.pk),
        earlier=elsewhere,
        actor=boss,
        kind=GroupEventKind.CONFIRMED,
    )
    html = client.get(reverse("claims:group_history", args=[group_id])).content.decode()
    assert "Former appearances (2)" in html
    assert f'data-former-appearance="{first.pk}"' in html
    assert f'data-former-appearance="{elsewhere.pk}"' not in html


def test_the_group_page_lists_the_claims_of_a_group_merged_away_with_the_merge(client):
    boss = editor(username="ed")
    client.force_login(boss)
    merge, (a, b, _, _) = merged(boss)
    source = merge.data["source"]
    html = client.get(reverse("claims:group_history", args=[source])).content.decode()
    assert "Former appearances (2)" in html
    assert "This group has no claims any more: each one that was in it has left" in html
    for claim in (a, b):
        row = html.split(f'data-former-appearance="{claim.pk}"')[1].split("</tr>")[0]
        assert "Groups merged · ed" in row
        assert reverse("claims:group_history", args=[merge.group_id]) in row


def test_the_group_page_offers_no_undo_a_later_change_would_refuse(client):
    boss = editor(username="ed")
    client.force_login(boss)
    first, repeat = claim_alone("Crime fell by 40 percent."), claim_alone("Crime fell 40 percent.")
    elsewhere = claim_alone("Crime dropped by 40 percent.")
    linked = group_changes.claim_group_link(claim=repeat, earlier=first)
    group_id = linked.group_id
    link = lambda earlier: group_changes.claim_group_link(  # noqa: E731
        claim=Claim.objects.get(pk=repeat.pk),
        earlier=Claim.objects.get(pk=earlier.pk),
        actor=boss,
        kind=GroupEventKind.CONFIRMED,
    )
    link(elsewhere)
    back = link(first)  # away and back: in the group again, as right after the first link
    html = client.get(reverse("claims:group_history", args=[group_id])).content.decode()
    assert undo_form(back) in html
    assert undo_form(linked) not in html
    response = client.post(reverse("claims:group_event_undo", args=[linked.pk]), follow=True)
    assert "undo the later changes first" in response.content.decode()
    assert Claim.objects.get(pk=repeat.pk).group_id == group_id


def test_the_claim_a_merge_founded_a_group_with_is_a_former_appearance_once_it_leaves(client):
    boss = editor(username="ed")
    client.force_login(boss)
    a, b = claim_alone("Rents rose by 9 percent."), claim_alone("Rents went up 9 percent.")
    founder, other = claim_alone("Rents climbed 9 percent."), claim_alone("Rents fell sharply.")
    group_changes.claim_group_link(claim=b, earlier=a)
    merge = group_changes.group_merge_into_claim(
        source=Claim.objects.get(pk=a.pk).group, target_claim=founder, actor=boss
    )
    assert Claim.objects.get(pk=founder.pk).group_id == merge.group_id
    away = group_changes.claim_group_link(
        claim=Claim.objects.get(pk=founder.pk),
        earlier=other,
        actor=boss,
        kind=GroupEventKind.CONFIRMED,
    )
    html = client.get(reverse("claims:group_history", args=[merge.group_id])).content.decode()
    assert "Former appearances (1)" in html
    row = html.split(f'data-former-appearance="{founder.pk}"')[1].split("</tr>")[0]
    assert "Match confirmed · ed · <time" in row
    assert reverse("claims:group_history", args=[away.group_id]) in row


def test_a_group_s_own_split_lists_its_claim_as_a_former_appearance_whatever_brought_it(client):
    boss = editor(username="ed")
    client.force_login(boss)
    a, b = claim_alone("Fares rose by 5 percent."), claim_alone("Fares went up 5 percent.")
    founder = claim_alone("Fares climbed 5 percent.")
    group_changes.claim_group_link(claim=b, earlier=a)
    merge = group_changes.group_merge_into_claim(
        source=Claim.objects.get(pk=a.pk).group, target_claim=founder, actor=boss
    )
    # As a merge recorded before it named the claim it founded the group with.
    merge.data.pop("founder", None)
    merge.save(update_fields=["data"])
    group_changes.claim_split(claim=Claim.objects.get(pk=founder.pk), actor=boss)
    html = client.get(reverse("claims:group_history", args=[merge.group_id])).content.decode()
    assert "Former appearances (1)" in html
    row = html.split(f'data-former-appearance="{founder.pk}"')[1].split("</tr>")[0]
    assert "ed · <time" in row
