"""Two published fact-checks in one group: "already checked" would have two answers, so a
fact-checker's merge or link that puts them together is refused (an editor's, as a change of
public appearances is), an editor's is warned, and a covered repeat's panel names its own
cover whichever other fact-check shares its group."""

import html

import pytest
from django.urls import reverse

from claims.appearances import NeedsAnEditor
from claims.matching import applications, group_changes
from claims.models import Claim, ClaimGroupEvent, GroupEventKind, MatchSuggestion
from tests.factories import claim_alone, editor, fact_checker, fresh, published_verdict

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


@pytest.fixture
def two_checks():
    """Claim `other` published in a group of its own; claim `checked` published with a repeat
    an editor applied it to (the probe's #24, #25 and #29)."""
    boss = editor(username="ed")
    other = published_verdict(claim=claim_alone("The mayor said the budget grew 3 percent.")).claim
    checked = published_verdict(claim=claim_alone("Inflation fell to 2 percent.")).claim
    repeat = claim_alone("Inflation is down to 2 percent, the minister said.")
    applications.verdict_application_request(claim=repeat, checked=checked, actor=boss)
    group_changes.claim_group_link(
        claim=claim_alone("The budget grew by 3 percent."), earlier=other, actor=boss
    )
    return fresh(other), fresh(checked), fresh(repeat), boss


def test_a_fact_checker_s_merge_of_two_fact_checks_groups_is_refused_naming_both(two_checks):
    other, checked, repeat, _ = two_checks
    with pytest.raises(NeedsAnEditor, match=rf"#{other.pk} and #{checked.pk} each have"):
        group_changes.group_merge(source=repeat.group, target=other.group, actor=fact_checker())
    assert fresh(repeat).group_id == checked.group_id != other.group_id
    assert not ClaimGroupEvent.objects.filter(kind=GroupEventKind.MERGED).exists()


def test_a_fact_checker_s_link_of_a_fact_check_into_another_s_group_is_refused(two_checks):
    other, checked, _, _ = two_checks
    group_changes.claim_split(claim=checked, actor=editor(username="ed2"))
    with pytest.raises(NeedsAnEditor, match="ask an editor"):
        group_changes.claim_group_link(
            claim=fresh(checked), earlier=other, actor=fact_checker(),
            kind=GroupEventKind.CONFIRMED,
        )  # fmt: skip
    assert fresh(checked).group_id is None


def test_the_desk_refuses_the_fact_checker_and_says_to_split_or_ask_an_editor(client, two_checks):
    other, checked, repeat, _ = two_checks
    client.force_login(fact_checker())
    url = reverse("claims:merge", args=[repeat.pk])
    page = html.unescape(client.post(url, {"target": other.pk}, follow=True).content.decode())
    assert f"Claims #{other.pk} and #{checked.pk} each have a published fact-check" in page
    assert "The group is merged" not in page
    assert fresh(repeat).group_id == checked.group_id


def test_an_editor_s_merge_goes_through_with_a_warning_and_the_panel_names_the_cover(
    client, two_checks
):
    other, checked, repeat, boss = two_checks
    client.force_login(boss)
    url = reverse("claims:merge", args=[repeat.pk])
    page = html.unescape(client.post(url, {"target": other.pk}, follow=True).content.decode())
    assert "The group is merged" in page
    assert (
        f"This merge put the published fact-checks of claims #{other.pk} and #{checked.pk} in "
        "one group: each keeps its own repeats"
    ) in page
    assert set(Claim.objects.filter(group=other.group_id)) >= {other, checked, repeat}
    panel = page.split('id="seen-heading"')[1].split("</section>")[0]
    checked_note = panel.split("Already checked.")[1].split("</p>")[0]
    # The verdict section says it is covered by the checked claim: the panel agrees.
    assert f"claim #{checked.pk}</a>" in checked_note
    assert f"claim #{other.pk}</a>" not in checked_note


def _merged(client, claim, target) -> str:
    url = reverse("claims:merge", args=[claim.pk])
    return html.unescape(client.post(url, {"target": target.pk}, follow=True).content.decode())


@pytest.fixture
def group_of_two(two_checks):
    """`two_checks` merged by their editor: one group holding both fact-checks."""
    other, checked, repeat, boss = two_checks
    group_changes.group_merge(source=repeat.group, target=other.group, actor=boss)
    return fresh(other), fresh(checked), boss


def test_a_later_merge_bringing_no_fact_check_into_a_group_of_two_is_no_warning(
    client, group_of_two
):
    other, checked, boss = group_of_two
    newcomer = claim_alone("Prices are rising 2 percent a year.")
    group_changes.claim_group_link(
        claim=claim_alone("Prices rise 2 percent a year."), earlier=newcomer, actor=boss
    )
    client.force_login(boss)
    page = _merged(client, fresh(newcomer), other)
    assert "The group is merged" in page
    assert "put the published fact-checks" not in page and "<strong>Warning:</strong>" not in page
    assert (
        f"As before this merge, the group holds the published fact-checks of claims "
        f"#{other.pk} and #{checked.pk}; it brought no other in."
    ) in page


def test_a_merge_bringing_a_third_fact_check_in_warns_naming_the_newcomer(client, group_of_two):
    other, checked, boss = group_of_two
    third = published_verdict(claim=claim_alone("Prices rise 2 percent a year.")).claim
    group_changes.claim_group_link(
        claim=claim_alone("Prices are rising 2 percent a year."), earlier=third, actor=boss
    )
    client.force_login(boss)
    page = _merged(client, fresh(third), other)
    assert (
        f"This merge put the published fact-checks of claims #{other.pk} and #{third.pk} in "
        "one group (the group holds 3 in all)"
    ) in page
    assert "As before this merge" not in page


def test_an_editor_s_confirmed_match_that_joins_two_fact_checks_is_warned(client, two_checks):
    other, _, _, boss = two_checks
    published = published_verdict(claim=claim_alone("The budget grew 3 percent, she said.")).claim
    suggestion = MatchSuggestion.objects.create(
        claim=published, candidate=other, score=0.9, level="suggested"
    )
    client.force_login(boss)
    url = reverse("claims:suggestion_confirm", args=[suggestion.pk])
    page = html.unescape(client.post(url, follow=True).content.decode())
    assert "Confirmed: the claim is an appearance" in page
    assert (
        f"This link put the published fact-checks of claims #{other.pk} and #{published.pk} in "
        "one group"
    ) in page
