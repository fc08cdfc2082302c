"""Merging two speakers found to be one, undoing it, and the candidates the desk suggests."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from claims import services, verdict_rules, verdicts
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
from claims.workflow import NothingChanged
from tests.api_clients import key_client
from tests.factories import (
    ClaimFactory,
    SpeakerFactory,
    drafted_verdict,
    editor,
    fact_checker,
    published_verdict,
    submitted_verdict,
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


def test_a_speaker_on_record_is_not_merged_away_but_others_merge_into_it(pair):
    full, short = pair
    boss = editor()
    verdict = published_verdict(claim=ClaimFactory(speaker=short))
    in_review = submitted_verdict(claim=ClaimFactory(speaker=short))
    with pytest.raises(ValidationError) as refused:
        speaker_merge(source=short, target=full, actor=boss)
    # The names between isolation marks (config.bidi): str() of the error would show them as
    # \u2068 escapes, so its message is read.
    assert (
        "Merge \u2068Antony Blinken\u2069 into \u2068Blinken\u2069 instead"
        in refused.value.messages[0]
    )
    assert Claim.objects.get(pk=verdict.claim_id).speaker == short
    assert Claim.objects.get(pk=in_review.claim_id).speaker == short
    assert not SpeakerMerge.objects.exists()

    open_claim = ClaimFactory(speaker=full)
    speaker_merge(source=full, target=short, actor=boss)
    published = Claim.objects.get(pk=verdict.claim_id)
    assert published.speaker == short and published.status == ClaimStatus.PUBLISHED
    assert not published.events.filter(kind=ClaimEventKind.SPEAKER_MERGED).exists()
    open_claim.refresh_from_db()
    assert open_claim.speaker == short
    assert open_claim.history.first().speaker_id == short.pk  # a history record of the move


def test_the_kept_speakers_role_is_filled_only_while_it_has_nothing_on_record(pair):
    full, short = pair
    boss = editor()
    merge = speaker_merge(source=short, target=full, actor=boss)
    full.refresh_from_db()
    assert full.role == "Secretary of State"
    speaker_merge_undo(merge=merge, actor=boss)
    full.refresh_from_db()
    assert full.role == ""  # the undo takes the filled-in role back

    short = Speaker.objects.get(slug=short.slug)
    published_verdict(claim=ClaimFactory(speaker=full))
    speaker_merge(source=short, target=full, actor=boss)
    full.refresh_from_db()
    assert full.role == ""  # its published verdicts keep the role they were published with


def test_a_person_is_not_merged_into_an_organisation(pair):
    full, _ = pair
    agency = services.speaker_resolve(name="State Department", kind="organisation")
    with pytest.raises(ValidationError, match="correct one of them on its speaker page"):
        speaker_merge(source=agency, target=full, actor=editor())
    assert merge_candidates(agency) == []


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

    undone = speaker_merge_undo(merge=merge, actor=boss)
    restored = undone.speaker

    assert undone.kept == []
    assert restored.name == "Blinken" and restored.slug == short.slug
    assert restored.role == "Secretary of State"
    moved.refresh_from_db(), reassigned.refresh_from_db()
    assert moved.speaker == restored and reassigned.speaker == other
    assert list(restored.aliases.values_list("alias", flat=True)) == ["Blinken"]
    assert services.speaker_resolve(name="Blinken") == restored
    assert moved.events.filter(kind=ClaimEventKind.SPEAKER_MERGE_UNDONE).get().actor == boss
    merge.refresh_from_db()
    assert merge.undone_by == boss and merge.undone_at is not None
    with pytest.raises(NothingChanged, match="^Already done: you undid this merge at "):
        speaker_merge_undo(merge=merge, actor=boss)


def test_chained_merges_undo_in_either_order(pair):
    full, short = pair
    boss = editor()
    typo = services.speaker_resolve(name="Blinkin")
    typo_claim, short_claim = ClaimFactory(speaker=typo), ClaimFactory(speaker=short)
    first = speaker_merge(source=typo, target=short, actor=boss)
    second = speaker_merge(source=Speaker.objects.get(slug=short.slug), target=full, actor=boss)
    first.refresh_from_db()
    assert first.target == full

    # The earlier merge cannot be undone while the later one stands on its target...
    restored_short = speaker_merge_undo(merge=second, actor=boss).speaker
    first.refresh_from_db()
    assert first.target == restored_short  # ...and undoing the later one points it back
    typo_claim.refresh_from_db(), short_claim.refresh_from_db()
    assert typo_claim.speaker == restored_short and short_claim.speaker == restored_short
    restored_typo = speaker_merge_undo(merge=first, actor=boss).speaker
    typo_claim.refresh_from_db()
    assert typo_claim.speaker == restored_typo and restored_typo.name == "Blinkin"


def test_an_earlier_merge_undoes_from_the_speaker_it_was_carried_to(pair):
    full, short = pair
    boss = editor()
    typo = services.speaker_resolve(name="Blinkin")
    claim = ClaimFactory(speaker=typo)
    first = speaker_merge(source=typo, target=short, actor=boss)
    speaker_merge(source=Speaker.objects.get(slug=short.slug), target=full, actor=boss)
    restored = speaker_merge_undo(merge=first, actor=boss).speaker
    claim.refresh_from_db()
    assert claim.speaker == restored and restored.name == "Blinkin"


def test_undoing_a_later_merge_leaves_what_an_undone_earlier_one_had_carried(pair):
    # Blinkin → Blinken, Blinken → Antony Blinken; the first is undone and Blinkin merged
    # straight into Antony Blinken. Undoing the second merge brings back Blinken's own rows,
    # not Blinkin's, which came to it only through the merge undone since.
    full, short = pair
    boss = editor()
    typo = services.speaker_resolve(name="Blinkin")
    typo_claim, short_claim = ClaimFactory(speaker=typo), ClaimFactory(speaker=short)
    typo_sentence = _sentence_of(typo_claim, typo)
    first = speaker_merge(source=typo, target=short, actor=boss)
    second = speaker_merge(source=Speaker.objects.get(slug=short.slug), target=full, actor=boss)
    typo = speaker_merge_undo(merge=first, actor=boss).speaker
    third = speaker_merge(source=typo, target=full, actor=boss)

    restored_short = speaker_merge_undo(merge=second, actor=boss).speaker

    typo_claim.refresh_from_db(), short_claim.refresh_from_db(), typo_sentence.refresh_from_db()
    assert short_claim.speaker == restored_short
    assert typo_claim.speaker_id == full.pk and typo_sentence.speaker_id == full.pk
    assert SpeakerAlias.objects.get(key="blinkin").speaker_id == full.pk
    assert SpeakerAlias.objects.get(key="blinken").speaker_id == restored_short.pk
    typo = speaker_merge_undo(merge=third, actor=boss).speaker
    typo_claim.refresh_from_db()
    assert typo_claim.speaker == typo and typo.name == "Blinkin"


def test_undo_leaves_a_claim_that_went_on_record_since_and_says_so(pair):
    full, short = pair
    boss = editor()
    claim = ClaimFactory(speaker=short)
    merge = speaker_merge(source=short, target=full, actor=boss)
    published_verdict(claim=Claim.objects.get(pk=claim.pk))
    undone = speaker_merge_undo(merge=merge, actor=boss)
    assert undone.kept == [claim.pk]
    assert Claim.objects.get(pk=claim.pk).speaker == full


def test_undo_is_refused_with_a_reason_when_it_cannot_be_done(pair):
    full, short = pair
    boss = editor()
    merge = speaker_merge(source=short, target=full, actor=boss)
    squatter = SpeakerFactory(name="Another Blinken", slug=short.slug)
    with pytest.raises(ValidationError, match="now has the address 'blinken'"):
        speaker_merge_undo(merge=merge, actor=boss)
    assert not SpeakerMerge.objects.get(pk=merge.pk).undone_at  # nothing half-done
    squatter.delete()

    gone = speaker_merge(source=SpeakerFactory(name="Tony B"), target=full, actor=boss)
    Speaker.objects.filter(pk=full.pk).delete()  # nothing of it on record
    gone.refresh_from_db()
    assert gone.target is None
    with pytest.raises(ValidationError, match="has been deleted: there is nothing to undo"):
        speaker_merge_undo(merge=gone, actor=boss)
    with pytest.raises(PermissionDenied):
        speaker_merge_undo(merge=merge, actor=fact_checker())


def test_the_api_id_of_a_merged_speaker_leads_to_the_kept_one_until_undone(pair):
    full, short = pair
    boss = editor()
    ClaimFactory(speaker=short)
    old_id = short.pk
    desk, public = key_client(staff=True), key_client()
    merge = speaker_merge(source=short, target=full, actor=boss)
    assert merge.source_pk == old_id

    response = desk.get(f"/api/v1/speakers/{old_id}/?format=json")
    assert response.status_code == 302  # not permanent: an undo brings the id back
    assert response["Location"] == f"/api/v1/speakers/{full.pk}/?format=json"
    assert desk.get(response["Location"]).json()["name"] == "Antony Blinken"
    # The public never saw the merged speaker (it had no published claim), so nor the merge.
    assert public.get(f"/api/v1/speakers/{old_id}/").status_code == 404
    assert desk.get("/api/v1/speakers/99999999999999/").status_code == 404

    restored = speaker_merge_undo(merge=merge, actor=boss).speaker
    assert restored.pk == old_id
    assert desk.get(f"/api/v1/speakers/{old_id}/").json()["name"] == "Blinken"


@pytest.mark.parametrize("zero", ["\uff10", "\u0660"])  # fullwidth, Arabic-Indic
def test_a_speaker_id_in_other_digits_is_a_404_not_a_merged_speaker(pair, zero):
    full, short = pair
    ClaimFactory(speaker=short)
    speaker_merge(source=short, target=full, actor=editor())
    desk = key_client(staff=True)
    assert desk.get(f"/api/v1/speakers/{short.pk}/").status_code == 302
    # The same number in other digits is no speaker's address; "²" passes str.isdigit() but
    # not int().
    other_digits = str(short.pk).translate({ord("0") + n: ord(zero) + n for n in range(10)})
    for odd_id in [other_digits, "\u00b2"]:
        response = desk.get(f"/api/v1/speakers/{odd_id}/")
        assert response.status_code == 404
        assert response.json()["error"] == "not_found"


def test_undo_leaves_a_spelling_that_another_speaker_answers_to():
    boss = editor()
    full = services.speaker_resolve(name="Jen Psaki", aliases=["Psaki"])
    added_in_admin = SpeakerFactory(name="Psaki")  # no alias of its own
    merge = speaker_merge(source=added_in_admin, target=full, actor=boss)
    restored = speaker_merge_undo(merge=merge, actor=boss).speaker
    assert restored.name == "Psaki" and not restored.aliases.exists()
    assert services.speaker_resolve(name="Psaki") == full  # as before the merge


def test_when_both_are_on_record_a_merge_needs_a_public_correction_note(pair):
    full, short = pair
    published_verdict(claim=ClaimFactory(speaker=short))
    published_verdict(claim=ClaimFactory(speaker=full))
    for source, target in [(short, full), (full, short)]:
        for note in ["", "   ", "\u200b\u200f"]:  # a zero-width space and a bidi mark show nothing
            refused = pytest.raises(
                ValidationError, match="to merge them, give a public correction"
            )
            with refused:
                speaker_merge(source=source, target=target, actor=editor(), correction_note=note)
    assert not SpeakerMerge.objects.exists()


def test_a_speaker_on_record_merges_away_with_a_public_correction(client, pair):
    full, short = pair
    boss = editor()
    published = published_verdict(claim=ClaimFactory(speaker=short))
    published_verdict(claim=ClaimFactory(speaker=full))
    in_review = submitted_verdict(claim=ClaimFactory(speaker=short))
    version = published.version
    note = "Blinken and Antony Blinken are the same person: the record now names him once."

    merge = speaker_merge(source=short, target=full, actor=boss, correction_note=f"  {note} ")

    published.refresh_from_db(), in_review.refresh_from_db()
    assert published.claim.speaker == full and in_review.claim.speaker == full
    assert published.is_published and published.claim.status == ClaimStatus.PUBLISHED
    assert published.version == version + 1 and published.updated_by == boss
    correction = published.corrections.get()
    assert correction.note == note and correction.created_by == boss
    # As the fact-check named him: with his role.
    assert correction.previous == {"speaker": "Blinken, Secretary of State"}
    event = published.claim.events.get(kind=ClaimEventKind.CORRECTED)
    assert event.actor == boss
    assert event.data["previous_speaker"] == "Blinken, Secretary of State"
    assert published.claim.events.filter(kind=ClaimEventKind.SPEAKER_MERGED).exists()
    # A verdict in review is not public: its timeline carries the note, no public correction,
    # and the editor who changed its record is a contributor, so another editor publishes it.
    assert not in_review.corrections.exists()
    merged = in_review.claim.events.get(kind=ClaimEventKind.SPEAKER_MERGED)
    assert merged.data["note"] == note and merge.moved["note"] == note
    refusal = verdict_rules.verdict_publish_refusal(verdict=in_review, user=boss)
    assert refusal and "another editor" in refusal

    page = client.get(reverse("claims:public", args=[published.pk])).content.decode()
    assert note in page
    assert "previously attributed to: <bdi>Blinken, Secretary of State</bdi>" in page
    assert "Antony Blinken" in page
    # The public could read Blinken: its API id now leads anyone to the speaker kept.
    response = key_client().get(f"/api/v1/speakers/{short.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/api/v1/speakers/{full.pk}/"

    # An undo leaves claims on record with the speaker they are now published under.
    undone = speaker_merge_undo(merge=merge, actor=boss)
    assert sorted(undone.kept) == sorted([published.claim_id, in_review.claim_id])
    assert Claim.objects.get(pk=published.claim_id).speaker == full


def test_an_editor_who_wrote_a_published_verdict_leaves_its_correction_to_another(pair):
    full, short = pair
    writer = editor()
    published = published_verdict(claim=ClaimFactory(speaker=short), author=writer)
    with pytest.raises(PermissionDenied, match="another editor must correct it"):
        speaker_merge(source=short, target=full, actor=writer, correction_note="Same man.")
    assert Claim.objects.get(pk=published.claim_id).speaker == short
    assert Speaker.objects.filter(pk=short.pk).exists() and not SpeakerMerge.objects.exists()
    assert not published.corrections.exists()


def test_an_undone_merge_does_not_follow_a_later_merge(pair):
    full, short = pair
    boss = editor()
    typo = services.speaker_resolve(name="Blinkin")
    undone = speaker_merge(source=typo, target=short, actor=boss)
    speaker_merge_undo(merge=undone, actor=boss)
    speaker_merge(source=Speaker.objects.get(slug=short.slug), target=full, actor=boss)
    undone.refresh_from_db()
    assert undone.target_id is None  # it stayed with the speaker merged away, now deleted
    assert list(full.merges_in.values_list("source_name", flat=True)) == ["Blinken"]


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
    assert "Merge <bdi>Blinken</bdi> into <bdi>Antony Blinken</bdi>" in page
    assert "<title>\u2068Blinken\u2069 · Fact-check desk</title>" in page
    assert 'name="target" required maxlength="320"' in page  # the view's MERGE_TARGET_MAX

    response = client.post(
        reverse("claims:speaker_merge", args=[short.slug]), {"target": full.name}
    )
    assert response["Location"] == reverse("claims:speaker_detail", args=[full.slug])
    page = client.get(response["Location"]).content.decode()
    assert (
        "is merged into \u2068Antony Blinken\u2069" in page and "Merged into this speaker" in page
    )

    old_address = client.get(reverse("claims:speaker_detail", args=[short.slug]))
    assert old_address["Location"] == reverse("claims:speaker_detail", args=[full.slug])
    assert client.get(reverse("claims:speaker_detail", args=["nobody"])).status_code == 404

    again = client.post(
        reverse("claims:speaker_merge", args=[short.slug]), {"target": full.name}, follow=True
    )
    assert (
        "\u2068Blinken\u2069 is already merged into \u2068Antony Blinken\u2069."
        in again.content.decode()
    )

    merge = SpeakerMerge.objects.get()
    response = client.post(reverse("claims:speaker_merge_undo", args=[merge.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("claims:speaker_detail", args=[short.slug])
    assert "is a speaker of its own again" in response.content.decode()
    assert Speaker.objects.get(slug=short.slug).claims.count() == 1
    assert client.get(reverse("claims:speaker_merge_undo", args=[merge.pk])).status_code == 405


def test_the_merge_form_says_what_is_wrong(client, pair):
    full, short = pair
    client.force_login(editor())
    url = reverse("claims:speaker_merge", args=[short.slug])
    for target, message in [
        ("", "Name the speaker to merge into:"),
        ("Blin\x00ken", "Name the speaker to merge into:"),
        ("x" * 321, "a name or address of at most 320 characters"),
        ("Nobody Here", "There is no speaker called “Nobody Here”"),
        ("y" * 300, "There is no speaker called “" + "y" * 79 + "…”"),
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


def test_the_duplicates_page_pairs_surnames_and_initials_but_not_two_people():
    from claims.speaker_merges import possible_duplicates

    full, short = SpeakerFactory(name="Antony Blinken"), SpeakerFactory(name="Blinken")
    agency = SpeakerFactory(name="Centers for Disease Control", kind="organisation")
    initials = SpeakerFactory(name="CDC", kind="organisation")
    SpeakerFactory(name="Joe Biden"), SpeakerFactory(name="Hunter Biden")
    SpeakerFactory(name="Cdc")  # a person's odd name is not an agency's initials
    SpeakerFactory(name="Control", kind="organisation")
    control = Speaker.objects.get(name="Control")
    assert possible_duplicates() == [(short, full), (initials, agency), (control, agency)]


def test_editors_merge_from_the_duplicates_page_and_others_cannot_see_it(client):
    full, short = SpeakerFactory(name="Antony Blinken"), SpeakerFactory(name="Blinken")
    ClaimFactory(speaker=short), ClaimFactory(speaker=full), ClaimFactory(speaker=full)
    url = reverse("claims:speaker_duplicates")
    client.force_login(fact_checker())
    assert client.get(url).status_code == 403
    client.force_login(editor())
    page = client.get(url).content.decode()
    assert "<bdi>Blinken</bdi></a> <small>(1 claim)</small>" in page
    assert "<bdi>Antony Blinken</bdi></a> <small>(2 claims)</small>" in page
    assert (
        "Merge <bdi>Blinken</bdi> into <bdi>Antony Blinken</bdi>" in page
        and "Merge <bdi>Antony Blinken</bdi> into <bdi>Blinken</bdi>" in page
    )
    assert url in client.get(reverse("claims:dashboard")).content.decode()
    client.post(reverse("claims:speaker_merge", args=[short.slug]), {"target": full.slug})
    assert "No likely duplicates." in client.get(url).content.decode()


def test_the_speaker_page_asks_for_a_correction_note_only_when_claims_are_on_record(client, pair):
    full, short = pair
    client.force_login(editor())
    page = client.get(reverse("claims:speaker_detail", args=[short.slug])).content.decode()
    assert 'name="correction_note"' not in page
    published = published_verdict(claim=ClaimFactory(speaker=short))
    page = client.get(reverse("claims:speaker_detail", args=[short.slug])).content.decode()
    assert 'name="correction_note"' in page and "said 1 claim whose verdict" in page

    url = reverse("claims:speaker_merge", args=[short.slug])
    for note, message in [
        ("", "give a public correction note"),
        ("Same\x00man", "The correction note holds a NUL character (at character 5"),
        ("x" * 5001, "keep it to 5,000 characters (it has 5,001)"),
    ]:
        response = client.post(url, {"target": full.slug, "correction_note": note}, follow=True)
        assert message in response.content.decode().replace("&#x27;", "'")
    assert Claim.objects.get(pk=published.claim_id).speaker == short

    response = client.post(
        url, {"target": full.slug, "correction_note": "One person, two records."}, follow=True
    )
    assert (
        "\u2068Blinken\u2069 is merged into \u2068Antony Blinken\u2069" in response.content.decode()
    )
    assert published.corrections.get().note == "One person, two records."


def test_an_editor_who_merges_the_speaker_of_a_draft_leaves_its_publication_to_another(pair):
    """A merge moves the draft's claim to another speaker, so the draft would publish another
    name: the editor who merged (or undid the merge) is a contributor, as after a claim page's
    speaker correction."""
    full, short = pair
    merger, undoer, author = editor(), editor(), fact_checker()
    draft = drafted_verdict(claim=ClaimFactory(speaker=short), author=author)
    merge = speaker_merge(source=short, target=full, actor=merger)
    speaker_merge_undo(merge=merge, actor=undoer)
    submitted = verdicts.verdict_submit(verdict=draft, actor=author)
    for who in (merger, undoer):
        refusal = verdict_rules.verdict_publish_refusal(verdict=submitted, user=who)
        assert refusal and "another editor" in refusal
    assert verdict_rules.verdict_publish_refusal(verdict=submitted, user=editor()) is None


def test_undoing_a_public_merge_clears_the_cached_verdict_list_of_the_old_id(
    pair, settings, django_capture_on_commit_callbacks
):
    settings.API_LIST_CACHE_SECONDS = 30  # the list pages are cached, as in production
    full, short = pair
    boss = editor()
    published = published_verdict(claim=ClaimFactory(speaker=short))
    old_id, public = short.pk, key_client()
    with django_capture_on_commit_callbacks(execute=True):
        merge = speaker_merge(
            source=short, target=full, actor=boss, correction_note="The same person."
        )
    path = f"/api/v1/verdicts/?speaker={old_id}"
    assert [row["id"] for row in public.get(path).json()["results"]] == [published.pk]

    with django_capture_on_commit_callbacks(execute=True):
        restored = speaker_merge_undo(merge=merge, actor=boss).speaker

    # The id names the restored speaker again, who has no published claim: the verdict stayed
    # with the speaker it was corrected to.
    assert restored.pk == old_id
    assert public.get(path).json()["results"] == []
