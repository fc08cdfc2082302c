"""`?speaker=` with the id or slug of a speaker merged into another: it follows the merge, as
/speakers/{id}/ redirects, for whoever may follow that merge."""

import pytest

from claims import services
from claims.models import Speaker
from claims.speaker_merges import speaker_merge, speaker_merge_undo
from tests.api_clients import client_with, ids, key_client, published_verdict
from tests.factories import ClaimFactory, editor

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("fresh_cache", "fast_password_hashing"),
]


@pytest.fixture
def pair():
    full = services.speaker_resolve(name="Antony Blinken")
    short = services.speaker_resolve(name="Blinken")
    return full, short


def test_a_merged_speakers_id_and_slug_find_the_kept_speakers_verdicts_and_claims(pair):
    full, short = pair
    theirs = published_verdict("The budget grew by 40 percent.", speaker=short)
    kept_own = published_verdict("Exports fell by 3 percent.", speaker=full)
    published_verdict("Rents rose by 9 percent.")  # someone else's
    old_id, old_slug = short.pk, short.slug
    speaker_merge(source=short, target=full, actor=editor(), correction_note="One speaker.")
    assert not Speaker.objects.filter(pk=old_id).exists()

    both = sorted([theirs.pk, kept_own.pk])
    for old in (old_id, old_slug, old_slug.upper()):
        assert sorted(ids(client_with().get("/api/v1/verdicts/", {"speaker": old}))) == both
        claims = key_client().get("/api/v1/claims/", {"speaker": old})
        assert sorted(ids(claims)) == sorted([theirs.claim_id, kept_own.claim_id])
    # The same verdicts as the kept speaker's own id gives.
    assert sorted(ids(client_with().get("/api/v1/verdicts/", {"speaker": full.pk}))) == both


def test_a_merge_the_public_never_saw_is_followed_for_the_desk_only(pair):
    full, short = pair
    ClaimFactory(speaker=short)  # no published claim: the public never read this speaker
    kept = published_verdict("Exports fell by 3 percent.", speaker=full)
    old_id = short.pk
    speaker_merge(source=short, target=full, actor=editor())

    # Following it would tell the public that a desk-only speaker existed and who it became.
    assert ids(key_client().get("/api/v1/claims/", {"speaker": old_id})) == []
    assert ids(client_with().get("/api/v1/verdicts/", {"speaker": old_id})) == []
    desk = key_client(staff=True).get("/api/v1/claims/", {"speaker": old_id})
    assert kept.claim_id in ids(desk)


def test_an_undone_merge_gives_the_old_id_its_own_speaker_back(pair):
    full, short = pair
    own = ClaimFactory(speaker=short)
    kept = ClaimFactory(speaker=full)
    old_id, desk = short.pk, key_client(staff=True)
    merge = speaker_merge(source=short, target=full, actor=editor())
    assert sorted(ids(desk.get("/api/v1/claims/", {"speaker": old_id}))) == sorted(
        [own.pk, kept.pk]
    )
    speaker_merge_undo(merge=merge, actor=editor())
    assert ids(desk.get("/api/v1/claims/", {"speaker": old_id})) == [own.pk]


def test_a_speaker_holding_the_old_slug_now_is_that_speaker_not_the_merge(pair):
    full, short = pair
    published_verdict("The budget grew by 40 percent.", speaker=short)
    old_slug = short.slug
    speaker_merge(source=short, target=full, actor=editor(), correction_note="One speaker.")
    newcomer = Speaker.objects.create(name="Blinken", slug=old_slug)
    own = published_verdict("Tariffs doubled.", speaker=newcomer)
    assert ids(client_with().get("/api/v1/verdicts/", {"speaker": old_slug})) == [own.pk]
