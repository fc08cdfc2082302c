"""A change page reads its row once: the claim, verdict and speaker admins read it in
change_view for the message above the form, and Django's form view read it again
(claims.admin.base.ChangePageReadOnceMixin)."""

import re

import pytest
from django.contrib import messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims.models import Claim, Speaker, Verdict
from tests.factories import (
    ClaimFactory,
    SpeakerFactory,
    admin_user,
    drafted_verdict,
    fact_checker,
    submitted_verdict,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


def row_reads(client, url: str, row) -> tuple[int, object]:
    """How many queries the page made that read `row` by its id, and the page."""
    table = row._meta.db_table
    # The row by its primary key, in a query on its own table (not a join from another's).
    by_id = re.compile(rf' FROM "{table}" .*"{table}"\."id" = {row.pk}\b')
    client.get(url)  # warm: the session and content types are read on the first request
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    reads = [sql for sql in (query["sql"] for query in captured) if by_id.search(sql)]
    return sum(1 for sql in reads if sql.startswith("SELECT")), response


def page_messages(response) -> list[str]:
    return [str(message) for message in messages.get_messages(response.wsgi_request)]


def _colleagues_claim():
    return Claim.objects.get(pk=ClaimFactory(assignee=fact_checker(username="colleague")).pk)


def _colleagues_verdict():
    return Verdict.objects.get(pk=drafted_verdict(author=fact_checker(username="colleague")).pk)


@pytest.mark.parametrize(
    "row_of, page", [(_colleagues_claim, "claims_claim"), (_colleagues_verdict, "claims_verdict")]
)
def test_a_claim_or_verdict_change_page_reads_its_row_once(client, row_of, page):
    row = row_of()
    client.force_login(fact_checker(username="reader"))

    reads, response = row_reads(client, reverse(f"admin:{page}_change", args=[row.pk]), row)

    assert reads == 1
    # The message the first read was for still shows: the work is a colleague's.
    assert any("colleague" in text for text in page_messages(response))


def test_a_speaker_change_page_reads_the_speaker_once(client):
    speaker = SpeakerFactory(name="Ada Mayor")
    submitted_verdict(claim=ClaimFactory(speaker=speaker))
    client.force_login(admin_user())
    url = reverse("admin:claims_speaker_change", args=[speaker.pk])

    reads, response = row_reads(client, url, Speaker.objects.get(pk=speaker.pk))

    assert reads == 1
    assert any("on the desk's speaker page" in text for text in page_messages(response))
