"""What deleting an article, a claim or an outlet does in the admin, as each role: published
work and research notes are never taken along, and the confirmation page says why."""

import pytest
from django.db.models import ProtectedError
from django.urls import reverse

from articles.models import Article, Outlet
from claims import notes, record
from claims.models import Claim, ClaimEvent, ClaimEventKind, ClaimNote, Speaker
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    SpeakerFactory,
    admin_user,
    editor,
    fact_checker,
    published_verdict,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]
NOTES_REFUSAL = "research notes on"


def noted_claim(**kwargs):
    claim = ClaimFactory(**kwargs)
    note = notes.claim_note_add(claim=claim, author=fact_checker(), text="The mayor's office")
    return claim, note


def test_an_editor_cannot_delete_a_claim_with_research_notes(client):
    claim, note = noted_claim()
    client.force_login(editor())
    url = reverse("admin:claims_claim_delete", args=[claim.pk])
    page = client.get(url).content.decode()
    assert NOTES_REFUSAL in page
    assert "Claim with research notes" in page
    assert "Cannot delete" in page  # no "Yes, I'm sure" button
    page = client.post(url, {"post": "yes"}).content.decode()
    assert NOTES_REFUSAL in page
    assert ClaimNote.objects.filter(pk=note.pk).exists()


def test_deleting_the_article_of_a_claim_with_notes_is_refused_too(client):
    claim, _ = noted_claim()
    client.force_login(editor())
    url = reverse("admin:articles_article_delete", args=[claim.article_id])
    assert NOTES_REFUSAL in client.post(url, {"post": "yes"}).content.decode()
    assert Article.objects.filter(pk=claim.article_id).exists()


def test_a_bulk_delete_with_one_noted_claim_deletes_none(client):
    noted, _ = noted_claim()
    plain = ClaimFactory()
    client.force_login(editor())
    response = client.post(
        reverse("admin:claims_claim_changelist"),
        {"action": "delete_selected", "_selected_action": [noted.pk, plain.pk], "post": "yes"},
    )
    assert NOTES_REFUSAL in response.content.decode()
    assert Claim.objects.filter(pk__in=[noted.pk, plain.pk]).count() == 2


def test_once_its_notes_are_taken_back_on_the_desk_a_claim_can_be_deleted(client):
    claim, note = noted_claim()
    desk_editor = editor()
    notes.claim_note_remove(note=note, actor=desk_editor)
    client.force_login(desk_editor)
    url = reverse("admin:claims_claim_delete", args=[claim.pk])
    page = client.get(url).content.decode()
    assert NOTES_REFUSAL not in page and "Claim event" in page  # the confirmation lists them
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not Claim.objects.filter(pk=claim.pk).exists()


def test_an_editor_is_told_a_published_claim_is_the_record_not_that_a_permission_is_missing(
    client,
):
    verdict = published_verdict()
    client.force_login(editor())
    page = client.get(reverse("admin:claims_claim_delete", args=[verdict.claim_id])).content
    page = page.decode()
    assert "changes only through a correction" in page
    assert "Published verdict" in page or "Verdict:" in page
    assert "permission to delete the following types" not in page


def test_a_fact_checker_deletes_no_claim_article_or_outlet(client):
    claim = ClaimFactory()
    client.force_login(fact_checker())
    for url in [
        reverse("admin:claims_claim_delete", args=[claim.pk]),
        reverse("admin:articles_article_delete", args=[claim.article_id]),
        reverse("admin:articles_outlet_delete", args=[claim.article.outlet_id]),
    ]:
        assert client.post(url, {"post": "yes"}).status_code == 403
    assert Claim.objects.filter(pk=claim.pk).exists()


def test_an_outlet_with_articles_is_not_deleted_even_by_an_administrator(client):
    article = ArticleFactory()
    client.force_login(admin_user())
    url = reverse("admin:articles_outlet_delete", args=[article.outlet_id])
    page = client.get(url).content.decode()
    assert "protected related objects" in page and article.title in page
    client.post(url, {"post": "yes"})
    assert Outlet.objects.filter(pk=article.outlet_id).exists()


def test_no_orm_path_deletes_a_claim_with_research_notes_or_its_article():
    claim, note = noted_claim()
    for delete in [
        claim.delete,
        Claim.objects.filter(pk=claim.pk).delete,
        claim.article.delete,
        Article.objects.filter(pk=claim.article_id).delete,
    ]:
        with pytest.raises(ProtectedError) as refused:
            delete()
        assert refused.value.protected_objects == {note}
        assert NOTES_REFUSAL in record.delete_refusal(refused.value)
    assert ClaimNote.objects.filter(pk=note.pk).exists()


def test_a_speaker_with_claims_is_not_deleted_so_no_claim_loses_who_said_it_unrecorded(client):
    speaker = SpeakerFactory(name="Gus Example")
    claims = [ClaimFactory(speaker=speaker), ClaimFactory(speaker=speaker)]
    with pytest.raises(ProtectedError) as refused:
        speaker.delete()
    assert refused.value.protected_objects == set(claims)
    client.force_login(admin_user())
    url = reverse("admin:claims_speaker_delete", args=[speaker.pk])
    assert "Merge the speaker into the right one" in client.get(url).content.decode()
    page = client.post(url, {"post": "yes"}, follow=True).content.decode()
    assert "would lose who said them" in page
    assert Speaker.objects.filter(pk=speaker.pk).exists()
    assert Claim.objects.filter(speaker=speaker).count() == 2
    assert not ClaimEvent.objects.filter(kind=ClaimEventKind.SPEAKER_MERGED).exists()


def test_the_records_in_the_way_of_a_delete_are_named_at_a_word_not_inside_one(client):
    text = (
        "The United States on Monday strongly defended weekend retaliatory strikes against "
        "Iranian-backed militia groups in Iraq and Syria."
    )
    speaker = SpeakerFactory(name="Ivy Example")
    ClaimFactory(speaker=speaker, text=text)
    client.force_login(admin_user())
    page = client.get(reverse("admin:claims_speaker_delete", args=[speaker.pk])).content.decode()
    assert "defended weekend retaliatory strikes…" in page
    assert "retaliatory strikes ag" not in page  # Django's 80 characters ended inside a word


def test_a_speaker_without_claims_is_still_deleted(client):
    speaker = SpeakerFactory(name="Hal Example")
    client.force_login(admin_user())
    assert client.post(reverse("admin:claims_speaker_delete", args=[speaker.pk]), {"post": "yes"})
    assert not Speaker.objects.filter(pk=speaker.pk).exists()


def test_a_speaker_s_aliases_are_named_in_plain_english_on_its_pages(client):
    from claims.models import SpeakerAlias

    speaker = SpeakerFactory()
    SpeakerAlias.objects.create(speaker=speaker, alias="J. Doe", key="j doe")
    client.force_login(admin_user())
    change = client.get(reverse("admin:claims_speaker_change", args=[speaker.pk]))
    delete = client.get(reverse("admin:claims_speaker_delete", args=[speaker.pk]))
    assert "Speaker aliases" in change.content.decode()
    assert "Speaker aliases: 1" in delete.content.decode()
    assert "aliass" not in change.content.decode() + delete.content.decode()
