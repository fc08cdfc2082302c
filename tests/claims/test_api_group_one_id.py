"""One group id, one group: the API's `group` reads the same for every claim of it a key may
open, even in a group an editor gave two published fact-checks (the probe's claims #24, #25
and #29 answered group 7 with two different wordings and counts)."""

import pytest

from claims.matching.applications import verdict_application_request
from claims.matching.group_changes import claim_group_link, group_merge
from claims.models import Claim
from tests.api_clients import claim_with_text, key_client, published_verdict
from tests.factories import editor

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


@pytest.fixture
def merged():
    boss = editor()
    other = published_verdict("The mayor said the budget grew by 3 percent.").claim
    checked = published_verdict("The minister said inflation fell to 2 percent.").claim
    repeat = claim_with_text("Inflation is down to 2 percent, the minister said again.")
    claim_group_link(claim=repeat, earlier=checked, actor=boss)
    verdict_application_request(claim=repeat, checked=checked, actor=boss)
    unchecked = claim_with_text("The budget grew 3 percent, the mayor said.")
    claim_group_link(claim=unchecked, earlier=other, actor=boss)
    checked.refresh_from_db()
    other.refresh_from_db()
    group_merge(source=checked.group, target=other.group, actor=boss)
    return other, checked, Claim.objects.get(pk=repeat.pk), unchecked


def group_of(client, claim) -> dict:
    response = client.get(f"/api/v1/claims/{claim.pk}/")
    assert response.status_code == 200
    group = response.json()["group"]
    group.pop("appearances_url")  # the claim's own address of the same list
    return group


def test_every_public_claim_of_a_group_gives_the_same_group(merged):
    other, checked, repeat, unchecked = merged
    reader = key_client()
    groups = [group_of(reader, claim) for claim in (other, checked, repeat)]
    assert groups[0]["id"] == other.group_id
    assert [group["id"] for group in groups] == [other.group_id] * 3
    assert groups[1] == groups[0] and groups[2] == groups[0]
    assert groups[0]["canonical_text"] == other.text  # the group's main wording, public
    assert groups[0]["appearance_count"] == 3  # the desk-only link stays out
    listed = {row["claim_id"] for row in groups[0]["appearances"]}
    assert listed == {other.pk, checked.pk, repeat.pk}
    assert unchecked.pk not in listed


def test_the_paged_appearances_are_the_group_s_whichever_claim_is_asked(merged):
    other, checked, repeat, _ = merged
    reader = key_client()
    pages = [
        [
            row["claim_id"]
            for row in reader.get(f"/api/v1/claims/{c.pk}/appearances/").json()["results"]
        ]
        for c in (other, checked, repeat)
    ]
    assert pages[0] == pages[1] == pages[2]
    assert set(pages[0]) == {other.pk, checked.pk, repeat.pk}
