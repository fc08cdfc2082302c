"""A group's history page lists the changes that carried its claims out and back, which are
the other group's events (a merge is recorded on the group it went into), and an emptied
group says it has no claims now rather than crediting the articles' narration."""

import pytest
from django.urls import reverse

from claims.matching import group_changes
from tests.factories import SpeakerFactory, claim_alone, editor

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


def fresh(row):
    row.refresh_from_db()
    return row


@pytest.fixture
def merged(client):
    boss = editor(username="ed")
    client.force_login(boss)
    military = SpeakerFactory(name="U.S. military")
    first = claim_alone("The strike hit a weapons depot.", speaker=military)
    group_changes.claim_group_link(
        claim=claim_alone("A weapons depot was hit.", speaker=military), earlier=first, actor=boss
    )
    other = claim_alone("The depot was struck overnight.")
    group_changes.claim_group_link(
        claim=claim_alone("Overnight, the depot was struck."), earlier=other, actor=boss
    )
    source, target = fresh(first).group, fresh(other).group
    merge = group_changes.group_merge(source=source, target=target, actor=boss)
    return source, target, merge, boss


def history(client, group) -> str:
    return client.get(reverse("claims:group_history", args=[group.pk])).content.decode()


def changes(page: str) -> str:
    return page.split('id="group-events-heading"')[1].split("</section>")[0]


def test_a_group_merged_away_lists_the_merge_and_says_it_has_no_claims_now(client, merged):
    source, target, merge, _ = merged
    page = history(client, source)
    listed = changes(page)
    assert f'id="group-event-{merge.pk}">Groups merged' in listed
    assert f'into <a href="{reverse("claims:group_history", args=[target.pk])}">' in listed
    speakers = page.split('id="speakers-heading"')[1].split("</section>")[0]
    assert "Only the articles' own narration" not in speakers
    assert "Nobody now: the group has no claims" in speakers
    assert "former appearances above say where each one went" in speakers


def test_a_merge_undone_is_on_the_page_of_the_group_it_emptied_with_its_undo(client, merged):
    source, _, merge, boss = merged
    undo = group_changes.group_event_undo(event=merge, actor=boss)
    listed = changes(history(client, source))
    assert f'id="group-event-{merge.pk}">Groups merged' in listed
    assert f'id="group-event-{undo.pk}">Undone' in listed
    assert "(undone)" in listed
    assert "U.S. military" in history(client, source)  # its claims are back
