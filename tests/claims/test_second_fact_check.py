"""Publishing a verdict whose claim's group already holds a published fact-check gives the
group's "already checked" two answers, as a merge of two fact-checks' groups does: the editor
is told which fact-check covers the group and that applying it is the usual path, and must
tick the confirmation to publish anyway (the claim page and the admin alike); the publication's
event records that it was done knowingly."""

import html

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from claims import verdicts
from claims.matching import applications, group_changes
from claims.matching.selectors import claim_covered_by
from claims.models import ClaimEvent, ClaimEventKind, ClaimStatus, VerdictStatus
from tests.factories import claim_alone, editor, fresh, published_verdict, submitted_verdict

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


@pytest.fixture
def repeat_in_review():
    """Claim `checked` published; `repeat`, linked into its group by an editor, has its own
    verdict in review."""
    boss = editor(username="ed")
    checked = published_verdict(claim=claim_alone("Inflation fell to 2 percent.")).claim
    repeat = claim_alone("Inflation is down to 2 percent, the minister said.")
    group_changes.claim_group_link(claim=repeat, earlier=checked, actor=boss)
    verdict = submitted_verdict(claim=fresh(repeat))
    return fresh(checked), fresh(repeat), verdict, boss


def _published_event(claim):
    return ClaimEvent.objects.filter(claim=claim, kind=ClaimEventKind.PUBLISHED).first()


def test_publishing_a_second_fact_check_of_a_group_is_refused_naming_the_first(repeat_in_review):
    checked, repeat, verdict, boss = repeat_in_review
    with pytest.raises(ValidationError) as refused:
        verdicts.verdict_publish(verdict=verdict, editor=boss)
    message = refused.value.messages[0]
    assert f"claim #{checked.pk} of this claim's group already has a published fact-check" in (
        message
    )
    assert "applying that published verdict to it" in message
    assert "“Publish it as a second fact-check of this group”" in message
    assert fresh(verdict).status == VerdictStatus.SUBMITTED
    assert _published_event(repeat) is None


def test_an_editor_who_confirms_publishes_it_and_the_event_says_so(repeat_in_review):
    checked, repeat, verdict, boss = repeat_in_review
    verdicts.verdict_publish(verdict=verdict, editor=boss, beside=[checked.pk])
    assert fresh(verdict).status == VerdictStatus.PUBLISHED
    assert _published_event(repeat).data == {"published_beside": [checked.pk]}


def test_a_confirmation_for_another_fact_check_than_the_group_holds_is_refused(
    repeat_in_review,
):
    # The page was drawn before a second one was published: the tick named only the first.
    checked, repeat, verdict, boss = repeat_in_review
    other = claim_alone("Inflation has dropped to 2 percent.")
    group_changes.claim_group_link(claim=other, earlier=checked, actor=boss)
    published_verdict(claim=fresh(other), beside=[checked.pk])
    with pytest.raises(ValidationError, match=rf"claim #{other.pk} of this claim's group"):
        verdicts.verdict_publish(verdict=verdict, editor=boss, beside=[checked.pk])
    verdicts.verdict_publish(verdict=verdict, editor=boss, beside=[checked.pk, other.pk])
    assert _published_event(repeat).data == {"published_beside": [checked.pk, other.pk]}


def test_a_first_fact_check_of_a_group_is_published_as_before(repeat_in_review):
    _, _, _, boss = repeat_in_review
    verdict = submitted_verdict(claim=claim_alone("Unemployment rose to 9 percent."))
    verdicts.verdict_publish(verdict=verdict, editor=boss)
    assert _published_event(verdict.claim).data == {}


def test_the_review_box_names_the_fact_check_and_asks_for_the_tick(client, repeat_in_review):
    checked, repeat, verdict, _ = repeat_in_review
    client.force_login(editor(username="ed2"))
    page = html.unescape(client.get(reverse("claims:detail", args=[repeat.pk])).content.decode())
    box = page.split('id="review-heading"')[1].split("</section>")[0]
    assert "Already checked in this group:" in box
    assert reverse("claims:detail", args=[checked.pk]) in box
    assert reverse("claims:public", args=[checked.verdict.pk]) in box
    assert "return this verdict to its author, then apply the published verdict" in box
    assert f'name="beside" value="{checked.pk}" required' in box
    assert "Publish it as a second fact-check of this group" in box


def test_the_review_box_of_a_first_fact_check_asks_nothing_more(client):
    verdict = submitted_verdict(claim=claim_alone())
    client.force_login(editor(username="ed2"))
    page = client.get(reverse("claims:detail", args=[verdict.claim_id])).content.decode()
    assert "data-second-fact-check" not in page and 'name="beside"' not in page


def test_the_desk_refuses_publishing_without_the_tick_and_publishes_with_it(
    client, repeat_in_review
):
    checked, repeat, verdict, _ = repeat_in_review
    client.force_login(editor(username="ed2"))
    url = reverse("claims:publish", args=[repeat.pk])
    page = html.unescape(
        client.post(url, {"version": verdict.version}, follow=True).content.decode()
    )
    assert f"Not published: claim #{checked.pk} of this claim's group" in page
    assert fresh(verdict).status == VerdictStatus.SUBMITTED
    page = html.unescape(
        client.post(
            url, {"version": verdict.version, "beside": str(checked.pk)}, follow=True
        ).content.decode()
    )
    assert f"Published, as a second fact-check of the claim beside that of #{checked.pk}." in page
    assert fresh(verdict).status == VerdictStatus.PUBLISHED
    # The claim's history says it was published knowingly.
    assert f"a second fact-check, published knowingly beside that of: claim #{checked.pk}" in page


def _admin_publish(client, verdict, **posted):
    return client.post(
        reverse("admin:claims_verdict_changelist"),
        {"action": "publish", "_selected_action": [verdict.pk], **posted},
        follow=True,
    )


def test_the_admin_asks_first_naming_the_fact_check(client, repeat_in_review):
    checked, repeat, verdict, _ = repeat_in_review
    client.force_login(editor(username="ed2", is_staff=True))
    response = _admin_publish(client, verdict)
    page = html.unescape(response.content.decode())
    assert "Publish beside a published fact-check?" in page
    assert reverse("claims:detail", args=[checked.pk]) in page
    assert f'name="beside-{verdict.pk}" value="{checked.pk}"' in page
    assert "usually covered by applying that published verdict" in page
    assert fresh(verdict).status == VerdictStatus.SUBMITTED


def test_the_admin_refuses_it_unticked_and_publishes_it_ticked(client, repeat_in_review):
    checked, repeat, verdict, _ = repeat_in_review
    client.force_login(editor(username="ed2", is_staff=True))
    page = html.unescape(_admin_publish(client, verdict, post="yes").content.decode())
    assert "Nothing was published" in page
    assert f"claim #{checked.pk} of this claim's group already has a published fact-check" in page
    assert fresh(verdict).status == VerdictStatus.SUBMITTED
    posted = {"post": "yes", f"beside-{verdict.pk}": str(checked.pk)}
    page = html.unescape(_admin_publish(client, verdict, **posted).content.decode())
    assert "Published 1 verdict(s)." in page
    assert _published_event(repeat).data == {"published_beside": [checked.pk]}


def test_the_usual_path_returns_the_verdict_and_applies_the_published_one(repeat_in_review):
    # What the refusal says to do instead works: returned, the repeat takes the cover.
    checked, repeat, verdict, boss = repeat_in_review
    verdicts.verdict_return(verdict=verdict, actor=boss, comment="Already checked: apply #1.")
    applications.verdict_application_request(claim=fresh(repeat), checked=checked, actor=boss)
    assert fresh(repeat).status == ClaimStatus.DISMISSED
    assert fresh(verdict).status == VerdictStatus.RETURNED
    assert claim_covered_by(fresh(repeat)) == checked
