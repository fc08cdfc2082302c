"""A claim's public appearances in the API: only the fact-check's own claim and the repeats an
editor applied its verdict to, counted as they are listed and paged."""

import pytest

from claims.matching.applications import verdict_application_request
from claims.matching.group_changes import claim_group_link
from tests.api_clients import claim_with_text, draft_verdict, key_client, published_verdict
from tests.factories import editor

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


def appearance_ids(client, claim_id: int) -> tuple[dict, list[int]]:
    group = client.get(f"/api/v1/claims/{claim_id}/").json()["group"]
    url, paged = f"{group['appearances_url']}?page_size=1", []
    while url:
        page = client.get(url).json()
        paged += [row["claim_id"] for row in page["results"]]
        url = page["next"]
    return group, paged


def test_public_appearances_list_no_desk_only_claim_of_the_group_and_count_what_they_list():
    checked = published_verdict("The budget grew by 40 percent.")
    applied = claim_with_text("The budget grew 40 percent, the mayor said again.")
    desk_only = claim_with_text("The budget grew by 40 percent, a councillor said.")
    drafted = draft_verdict("The budget grew by forty percent.").claim
    other_check = published_verdict("The budget grew by 40 percent this year.").claim
    for claim in (applied, desk_only, drafted, other_check):
        claim_group_link(claim=claim, earlier=checked.claim, actor=editor())
    verdict_application_request(claim=applied, checked=checked.claim, actor=editor())

    # Another fact-check's claim in the group is public too: one group id lists the group's
    # public claims whichever is asked (tests/claims/test_api_group_one_id.py).
    public_ids = [checked.claim_id, applied.pk, other_check.pk]
    reader = key_client()
    group, paged = appearance_ids(reader, checked.claim_id)
    assert [row["claim_id"] for row in group["appearances"]] == public_ids
    assert group["appearance_count"] == len(paged) == len(public_ids)
    assert paged == public_ids
    # Neither a claim in review nor a repeat only suggested or linked.
    assert not {desk_only.pk, drafted.pk} & set(paged)
    assert reader.get(f"/api/v1/claims/{drafted.pk}/").status_code == 404

    desk = key_client(staff=True)
    group, paged = appearance_ids(desk, checked.claim_id)
    assert set(paged) == {checked.claim_id, applied.pk, desk_only.pk, drafted.pk, other_check.pk}
    assert group["appearance_count"] == len(paged)
