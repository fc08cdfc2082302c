"""Lists of a speaker's or a group's claims go by when each claim was made (claim_made_at: the
article's publication date, else when the desk stored it), not by when the desk read it."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from claims.matching import group_changes
from claims.models import Claim
from tests.factories import ArticleFactory, ClaimFactory, SpeakerFactory, editor

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


def _made(text: str, *, published: datetime | None, stored: datetime, **fields) -> Claim:
    claim = ClaimFactory(article=ArticleFactory(body=text, published_at=published), **fields)
    Claim.objects.filter(pk=claim.pk).update(created_at=stored)
    return claim


@pytest.fixture
def made_out_of_order():
    """Read by the desk undated first, then a March article, then a January one from the
    archive: made in January, February (the undated one, when it was read), March."""
    speaker = SpeakerFactory()
    undated = _made(
        "Crime fell by 40 percent, undated.",
        published=None,
        stored=datetime(2026, 2, 1, tzinfo=UTC),
        speaker=speaker,
    )
    march = _made(
        "Crime fell by 40 percent in March.",
        published=datetime(2026, 3, 1, tzinfo=UTC),
        stored=datetime(2026, 5, 1, tzinfo=UTC),
        speaker=speaker,
    )
    january = _made(
        "Crime fell by 40 percent in January.",
        published=datetime(2026, 1, 1, tzinfo=UTC),
        stored=datetime(2026, 5, 2, tzinfo=UTC),
        speaker=speaker,
    )
    return speaker, january, undated, march


def test_the_speaker_page_lists_the_latest_made_claim_first(client, made_out_of_order):
    speaker, january, undated, march = made_out_of_order
    client.force_login(editor())
    response = client.get(reverse("claims:speaker_detail", args=[speaker.slug]))
    assert list(response.context["page"]) == [march, undated, january]


def test_the_claim_page_lists_the_speaker_s_other_claims_latest_made_first(
    client, made_out_of_order
):
    speaker, january, undated, march = made_out_of_order
    latest = _made(
        "Crime fell by 40 percent in April.",
        published=datetime(2026, 4, 1, tzinfo=UTC),
        stored=datetime(2026, 4, 2, tzinfo=UTC),
        speaker=speaker,
    )
    client.force_login(editor())
    response = client.get(reverse("claims:detail", args=[latest.pk]))
    assert response.context["earlier_claims"] == [march, undated, january]


def test_the_group_page_lists_its_appearances_in_the_order_they_were_made(
    client, made_out_of_order
):
    _, january, undated, march = made_out_of_order
    group_changes.claim_group_link(claim=march, earlier=undated)
    group_id = Claim.objects.get(pk=undated.pk).group_id
    Claim.objects.filter(pk=january.pk).update(group_id=group_id)
    client.force_login(editor())
    response = client.get(reverse("claims:group_history", args=[group_id]))
    assert list(response.context["appearances"]) == [january, undated, march]
