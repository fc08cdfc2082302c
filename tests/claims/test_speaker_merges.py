"""Merging two speakers found to be one, undoing it, and the candidates the desk suggests."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from claims import services
from claims.models import (
    Claim,
    ClaimEvent,
    ClaimEventKind,
    ClaimStatus,
    Sentence,
    Speaker,
    SpeakerAlias,
    SpeakerMerge,
)
from claims.speaker_merges import merge_candidates, speaker_merge, speaker_merge_undo
from tests.factories import (  # noqa: F401 (fast_password_hashing is a fixture)
    ClaimFactory,
    SpeakerFactory,
    editor,
    fact_checker,
    fast_password_hashing,
    published_verdict,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


@pytest.fixture
def pair():
    """The same man twice, as analysis makes him: a full name and a surname of its own."""
    full = services.speaker_resolve(name="Antony Blinken", aliases=["Tony Blinken"])
    short = services.speaker_resolve(name="Blinken", role="Secretary of State")
    return full, short


def _sentence_of(claim: Claim, speaker: Speaker) -> Sentence:
    return Sentence.objects.create(
        article=claim.article,
        index=0,
        start=claim.start,
        end=claim.end,
        text=claim.text,
        speaker=speaker,
    )


def test_a_merge_moves_claims_sentences_and_spellings_and_records_it(pair):
    full, short = pair
    boss = editor()
    claim = ClaimFactory(speaker=short)
    sentence = _sentence_of(claim, short)
    untouched = ClaimFactory(speaker=full)

    merge = speaker_merge(source=short, target=full, actor=boss)

    assert not Speaker.objects.filter(pk=short.pk).exists()
    claim.refresh_from_db(), sentence.refresh_from_db(), untouched.refresh_from_db()
    assert claim.speaker == full and sentence.speaker == full and untouched.speaker == full
    full.refresh_from_db()
    assert full.role == "Secretary of State"  # the target had none
    assert set(full.aliases.values_list("alias", flat=True)) == {
        "Antony Blinken",
        "Tony Blinken",
        "Blinken",
    }
    # The next analysis that meets the surname finds the merged speaker.
    assert services.speaker_resolve(name="Blinken") == full
    event = ClaimEvent.objects.get(claim=claim, kind=ClaimEventKind.SPEAKER_MERGED)
    assert event.actor == boss and event.data["from"] == "Blinken"
    assert event.data["to"] == "Antony Blinken" and event.data["merge"] == merge.pk
    assert not ClaimEvent.objects.filter(claim=untouched, kind=ClaimEventKind.SPEAKER_MERGED)
    assert merge.source_name == "Blinken" and merge.actor == boss
    assert merge.moved["claims"] == [claim.pk] and merge.moved["sentences"] == [sentence.pk]


def test_a_published_claim_keeps_its_status_and_verdict_through_a_merge(pair):
    full, short = pair
    verdict = published_verdict(claim=ClaimFactory(speaker=short))
    speaker_merge(source=short, target=full, actor=editor())
    claim = Claim.objects.get(pk=verdict.claim_id)
    assert claim.speaker == full and claim.status == ClaimStatus.PUBLISHED
    event = claim.events.get(kind=ClaimEventKind.SPEAKER_MERGED)
    assert event.from_status == event.to_status == ClaimStatus.PUBLISHED


def test_merging_a_speaker_into_itself_or_without_the_permission_is_refused(pair):
    full, short = pair
    with pytest.raises(ValidationError, match="into itself"):
        speaker_merge(source=full, target=full, actor=editor())
    with pytest.raises(PermissionDenied):
        speaker_merge(source=short, target=full, actor=fact_checker())
    assert Speaker.objects.filter(pk__in=[full.pk, short.pk]).count() == 2
    assert not SpeakerMerge.objects.exists()


def test_undo_brings_the_speaker_back_with_what_still_points_at_the_target(pair):
    full, short = pair
    boss = editor()
    moved, reassigned = ClaimFactory(speaker=short), ClaimFactory(speaker=short)
    merge = speaker_merge(source=short, target=full, actor=boss)
    other = SpeakerFactory(name="Someone Else")
    Claim.objects.filter(pk=reassigned.pk).update(speaker=other)  # a reviewer's later fix

    restored = speaker_merge_undo(merge=merge, actor=boss)

    assert restored.name == "Blinken" and restored.slug == short.slug
    assert restored.role == "Secretary of State"
    moved.refresh_from_db(), reassigned.refresh_from_db()
    assert moved.speaker == restored and reassigned.speaker == other
    assert list(restored.aliases.values_list("alias", flat=True)) == ["Blinken"]
    assert services.speaker_resolve(name="Blinken") == restored
    assert moved.events.filter(kind=ClaimEventKind.SPEAKER_MERGE_UNDONE).get().actor == boss
    merge.refresh_from_db()
    assert merge.undone_by == boss and merge.undone_at is not None
    with pytest.raises(ValidationError, match="already been undone"):
        speaker_merge_undo(merge=merge, actor=boss)


def test_an_earlier_merge_can_still_be_undone_after_its_target_is_merged_on(pair):
    full, short = pair
    boss = editor()
    typo = services.speaker_resolve(name="Blinkin")
    claim = ClaimFactory(speaker=typo)
    first = speaker_merge(source=typo, target=short, actor=boss)
    speaker_merge(source=short, target=full, actor=boss)
    first.refresh_from_db()
    assert first.target == full
    restored = speaker_merge_undo(merge=first, actor=boss)
    claim.refresh_from_db()
    assert claim.speaker == restored and restored.name == "Blinkin"


def test_candidates_are_surnames_and_initials_not_strangers():
    full = SpeakerFactory(name="Antony Blinken")
    short = SpeakerFactory(name="Blinken")
    agency = SpeakerFactory(name="Centers for Disease Control")
    initials = SpeakerFactory(name="CDC")
    SpeakerFactory(name="Central Data Committee Board")
    SpeakerFactory(name="Jen Psaki")
    assert merge_candidates(short) == [full]
    assert merge_candidates(full) == [short]
    assert merge_candidates(initials) == [agency]
    assert merge_candidates(agency) == [initials]


def test_an_editor_merges_from_the_speaker_page_and_undoes_it(client, pair):
    full, short = pair
    ClaimFactory(speaker=short)
    client.force_login(editor())
    page = client.get(reverse("claims:speaker_detail", args=[short.slug])).content.decode()
    assert "Merge Blinken into Antony Blinken" in page
    assert "<title>Blinken — Fact-check desk</title>" in page

    response = client.post(
        reverse("claims:speaker_merge", args=[short.slug]), {"target": full.name}
    )
    assert response["Location"] == reverse("claims:speaker_detail", args=[full.slug])
    page = client.get(response["Location"]).content.decode()
    assert "is merged into Antony Blinken" in page and "Merged into this speaker" in page

    old_address = client.get(reverse("claims:speaker_detail", args=[short.slug]))
    assert old_address["Location"] == reverse("claims:speaker_detail", args=[full.slug])
    assert client.get(reverse("claims:speaker_detail", args=["nobody"])).status_code == 404

    merge = SpeakerMerge.objects.get()
    response = client.post(reverse("claims:speaker_merge_undo", args=[merge.pk]))
    assert response["Location"] == reverse("claims:speaker_detail", args=[short.slug])
    assert Speaker.objects.get(slug=short.slug).claims.count() == 1


def test_the_merge_form_says_what_is_wrong(client, pair):
    full, short = pair
    client.force_login(editor())
    url = reverse("claims:speaker_merge", args=[short.slug])
    for target, message in [
        ("", "Name the speaker to merge into."),
        ("Nobody Here", "There is no speaker called"),
        (short.slug, "cannot be merged into itself"),
    ]:
        page = client.post(url, {"target": target}, follow=True).content.decode()
        assert message in page.replace("&#x27;", "'")
    assert Speaker.objects.filter(pk__in=[full.pk, short.pk]).count() == 2
    assert client.get(url).status_code == 405


def test_fact_checkers_see_no_merge_tools_and_cannot_merge(client, pair):
    full, short = pair
    client.force_login(fact_checker())
    page = client.get(reverse("claims:speaker_detail", args=[short.slug])).content.decode()
    assert "Merge" not in page
    response = client.post(
        reverse("claims:speaker_merge", args=[short.slug]), {"target": full.slug}
    )
    assert response.status_code == 403
    assert SpeakerAlias.objects.filter(speaker=short).exists()


def test_editors_read_the_merges_in_the_admin_and_nobody_edits_them(client, pair):
    full, short = pair
    boss = editor()
    merge = speaker_merge(source=short, target=full, actor=boss)
    assert boss.has_perm("claims.merge_speaker") and boss.has_perm("claims.view_speakermerge")
    client.force_login(boss)
    listing = client.get(reverse("admin:claims_speakermerge_changelist"))
    assert listing.status_code == 200 and "Blinken" in listing.content.decode()
    assert client.get(reverse("admin:claims_speakermerge_add")).status_code == 403
    delete = reverse("admin:claims_speakermerge_delete", args=[merge.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    client.force_login(fact_checker())
    assert client.get(reverse("admin:claims_speakermerge_changelist")).status_code == 403
    assert SpeakerMerge.objects.filter(pk=merge.pk).exists()
