"""Who said a claim is part of what its fact-check publishes (the page, ClaimReview's author):
whoever changes it on someone else's draft has changed the record under review, and leaves
publishing that verdict to another editor, as for a rewritten conclusion."""

import pytest
from django.urls import reverse

from articles.models import Article, Outlet
from claims import attribution, verdict_rules, verdicts
from claims.models import Claim, Speaker, Verdict, VerdictStatus
from tests.claims.admin_forms import admin_save
from tests.factories import (
    ClaimFactory,
    SpeakerFactory,
    drafted_verdict,
    editor,
    fact_checker,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


def submitted(draft: Verdict) -> Verdict:
    return verdicts.verdict_submit(verdict=Verdict.objects.get(pk=draft.pk), actor=draft.author)


def test_an_editor_who_corrected_the_speaker_of_a_draft_on_the_desk_cannot_publish_it(client):
    draft = drafted_verdict(author=fact_checker())
    boss = editor()
    client.force_login(boss)
    client.post(reverse("claims:speaker", args=[draft.claim_id]), {"name": "Someone Else"})
    assert Claim.objects.get(pk=draft.claim_id).speaker.name == "Someone Else"
    verdict = submitted(draft)

    client.post(reverse("claims:publish", args=[draft.claim_id]), {"version": verdict.version})

    assert Verdict.objects.get(pk=draft.pk).status == VerdictStatus.SUBMITTED
    refusal = verdict_rules.verdict_publish_refusal(verdict=verdict, user=boss)
    assert refusal.startswith("You corrected the speaker or the article of this claim")
    assert "another editor must approve and publish it" in refusal
    assert "wrote or changed" not in refusal
    assert verdict_rules.verdict_publish_refusal(verdict=verdict, user=editor()) is None
    page = client.get(reverse("claims:detail", args=[draft.claim_id])).content.decode()
    assert "You corrected the speaker or the article of this claim" in page


def test_an_editor_who_changed_a_drafts_attribution_in_the_admin_cannot_publish_it():
    draft = drafted_verdict(author=fact_checker())
    boss = editor()
    attribution.claim_attribution_edit(
        claim=Claim.objects.get(pk=draft.claim_id),
        actor=boss,
        speaker=SpeakerFactory(),
        attribution_cue="said",
        is_direct_quote=True,
    )
    assert verdict_rules.verdict_publish_refusal(verdict=submitted(draft), user=boss)


def test_an_editor_who_wrote_the_draft_and_corrected_its_speaker_is_told_of_the_content():
    boss = editor()
    draft = drafted_verdict(author=boss)
    attribution.claim_speaker_correct(
        claim=Claim.objects.get(pk=draft.claim_id), actor=boss, name="Someone Else"
    )
    refusal = verdict_rules.verdict_publish_refusal(verdict=submitted(draft), user=boss)
    assert refusal.startswith("You wrote or changed this verdict's content")


def test_correcting_the_speaker_gives_no_right_to_withdraw_the_verdict_from_review():
    draft = drafted_verdict(author=fact_checker())
    boss = editor()
    attribution.claim_speaker_correct(
        claim=Claim.objects.get(pk=draft.claim_id), actor=boss, name="Someone Else"
    )
    assert verdict_rules.verdict_withdraw_refusal(verdict=submitted(draft), user=boss)


def test_a_speaker_corrected_before_any_draft_leaves_the_editor_free_to_publish():
    claim = drafted_verdict().claim
    Verdict.objects.filter(claim=claim).delete()
    boss = editor()
    attribution.claim_speaker_correct(claim=claim, actor=boss, name="Someone Else")
    # The claim is still its first author's (claims.ownership): they write the draft again.
    claim = Claim.objects.get(pk=claim.pk)
    verdict = submitted(drafted_verdict(claim=claim, author=claim.assignee))
    assert verdict_rules.verdict_publish_refusal(verdict=verdict, user=boss) is None


def test_an_editor_who_renamed_a_drafts_speaker_in_the_admin_cannot_publish_it(client):
    speaker = SpeakerFactory(name="Jon Smiht", role="Mayor")
    draft = drafted_verdict(claim=ClaimFactory(speaker=speaker), author=fact_checker())
    boss = editor()
    client.force_login(boss)
    url = reverse("admin:claims_speaker_change", args=[speaker.pk])
    assert admin_save(client, url, name="John Smith", role="Governor").status_code == 302
    assert Speaker.objects.get(pk=speaker.pk).name == "John Smith"

    verdict = submitted(draft)

    refusal = verdict_rules.verdict_publish_refusal(verdict=verdict, user=boss)
    assert refusal and refusal.startswith("You corrected the speaker or the article of this claim")
    assert verdict_rules.verdict_publish_refusal(verdict=verdict, user=editor()) is None


def test_an_editor_who_retitled_the_article_of_a_verdict_in_review_cannot_publish_it(client):
    """The article is where the fact-check says the claim was made (the page's link, each
    ClaimReview appearance's headline): changed under review, it is the editor's wording."""
    verdict = submitted(drafted_verdict(author=fact_checker()))
    boss = editor()
    client.force_login(boss)
    url = reverse("admin:articles_article_change", args=[verdict.claim.article_id])
    assert admin_save(client, url, title="The editor's own headline").status_code == 302
    assert Article.objects.get(pk=verdict.claim.article_id).title == "The editor's own headline"

    refusal = verdict_rules.verdict_publish_refusal(verdict=verdict, user=boss)

    assert refusal and refusal.startswith("You corrected the speaker or the article of this claim")
    assert verdict_rules.verdict_publish_refusal(verdict=verdict, user=editor()) is None


def test_saving_an_article_unchanged_in_the_admin_leaves_the_editor_free_to_publish(client):
    verdict = submitted(drafted_verdict(author=fact_checker()))
    boss = editor()
    client.force_login(boss)
    url = reverse("admin:articles_article_change", args=[verdict.claim.article_id])
    assert admin_save(client, url).status_code == 302
    assert verdict_rules.verdict_publish_refusal(verdict=verdict, user=boss) is None


def test_an_editor_who_renamed_the_outlet_of_a_draft_in_the_admin_cannot_publish_it(client):
    draft = drafted_verdict(author=fact_checker())
    outlet = draft.claim.article.outlet
    boss = editor()
    client.force_login(boss)
    url = reverse("admin:articles_outlet_change", args=[outlet.pk])
    assert admin_save(client, url, name="The editor's own outlet").status_code == 302
    assert Outlet.objects.get(pk=outlet.pk).name == "The editor's own outlet"
    verdict = submitted(draft)

    assert verdict_rules.verdict_publish_refusal(verdict=verdict, user=boss)
    assert verdict_rules.verdict_publish_refusal(verdict=verdict, user=editor()) is None
