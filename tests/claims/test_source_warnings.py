"""The claim page's "fewer than two independent sources" warning past the verdict form: shown
to whoever can still send the verdict back for another source, never on a published one."""

import pytest
from django.urls import reverse

from claims.models import published_sources_replaceable
from tests.factories import fact_checker, published_verdict, submitted_verdict

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

WARNING = "Fewer than two independent sources"


def claim_page(client, verdict) -> str:
    response = client.get(reverse("claims:detail", args=[verdict.claim_id]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("sources", [0, 1])
def test_a_published_verdict_with_too_few_sources_shows_no_warning(client, boss, sources):
    verdict = published_verdict(sources=1)
    if not sources:  # as a verdict published before the desk's source rules can be
        with published_sources_replaceable(verdicts=[verdict]):
            verdict.sources.all().delete()
    html = claim_page(client, verdict)
    assert "Approve and publish" not in html and verdict.sources.count() == sources
    assert WARNING not in html


def test_the_reviewing_editor_is_warned_about_a_single_source(client, boss):
    verdict = submitted_verdict(sources=1)
    assert WARNING in claim_page(client, verdict)


def test_the_author_who_may_withdraw_is_warned_about_a_single_source(client):
    author = fact_checker()
    verdict = submitted_verdict(author=author, sources=1)
    client.force_login(author)
    html = claim_page(client, verdict)
    assert "Withdraw from review" in html and WARNING in html


def test_a_colleague_who_can_do_nothing_with_it_is_not_warned(client, checker):
    verdict = submitted_verdict(sources=1)
    html = claim_page(client, verdict)
    assert "Withdraw from review" not in html and "Approve and publish" not in html
    assert WARNING not in html


def test_two_sites_in_review_need_no_warning(client, boss):
    assert WARNING not in claim_page(client, submitted_verdict(sources=2))
