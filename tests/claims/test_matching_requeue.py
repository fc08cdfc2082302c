"""Claims the sweeper gave up on (still without a vector after its day) are listed in the
admin, and sent again from there or by `requeue_matching`: the worker then embeds and links."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from claims import tasks
from claims.matching.linking import article_claims_match, claims_given_up
from claims.models import Claim, ClaimEmbedding
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    UserFactory,
    editor,
    fact_checker,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]
CLAIMS = reverse("admin:claims_claim_changelist")


def claim_made(text: str, *, ago: timedelta, embedded: bool = False) -> Claim:
    claim = ClaimFactory(article=ArticleFactory(body=f"{text} Report {Claim.objects.count()}."))
    if embedded:
        article_claims_match(article_id=claim.article_id)
    Claim.objects.filter(pk=claim.pk).update(created_at=timezone.now() - ago)
    return claim


@pytest.fixture
def claims():
    """A claim the sweeper gave up on, one it still retries, one matched, one just made."""
    day = tasks.SWEEP_WINDOW
    return {
        "given_up": claim_made("The bridge cost 9 million pounds.", ago=day + timedelta(hours=1)),
        "retrying": claim_made("Rents rose 9 percent last year.", ago=timedelta(hours=2)),
        "matched": claim_made("Crime fell by a third.", ago=day * 2, embedded=True),
        "fresh": claim_made("Half of all teachers plan to leave.", ago=timedelta(minutes=1)),
    }


@pytest.fixture
def matching_sent(monkeypatch):
    """The articles whose matching reaches the broker (not run)."""
    sent: list[int] = []
    monkeypatch.setattr(tasks.match_article_claims, "delay", sent.append)
    return sent


def listed(client, query: str) -> set[int]:
    response = client.get(CLAIMS, {"vector": query})
    assert response.status_code == 200
    return {claim.pk for claim in response.context["cl"].result_list}


def test_claims_the_sweeper_gave_up_on_are_listed_for_an_editor(client, claims):
    assert set(claims_given_up()) == {claims["given_up"]}
    client.force_login(editor())
    assert listed(client, "given_up") == {claims["given_up"].pk}
    assert listed(client, "missing") == {
        claims[name].pk for name in ("given_up", "retrying", "fresh")
    }
    assert "Missing after 1 day: not retried" in client.get(CLAIMS).content.decode()


def test_an_editor_sends_the_matching_of_the_selected_claims_without_a_vector(
    client, claims, matching_sent
):
    client.force_login(editor())
    selection = [claims["given_up"].pk, claims["matched"].pk]
    response = client.post(
        CLAIMS, {"action": "send_matching_again", "_selected_action": selection}, follow=True
    )
    shown = [str(message) for message in response.context["messages"]]
    assert matching_sent == [claims["given_up"].article_id]  # the matched claim needs nothing
    assert shown == [
        "Matching sent for 1 article(s); their claims get a vector once the worker has run."
    ]

    article_claims_match(article_id=claims["given_up"].article_id)  # the job, run
    assert ClaimEmbedding.objects.filter(claim=claims["given_up"]).exists()
    assert not claims_given_up().exists()


def test_a_fact_checker_may_send_matching_too_but_someone_who_only_reads_claims_may_not(
    client, claims, matching_sent
):
    reader = UserFactory()
    reader.user_permissions.add(Permission.objects.get(codename="view_claim"))
    client.force_login(reader)
    selection = {"action": "send_matching_again", "_selected_action": [claims["given_up"].pk]}
    page = client.get(CLAIMS).content.decode()
    assert "send_matching_again" not in page
    client.post(CLAIMS, selection)
    assert matching_sent == []

    client.force_login(fact_checker())
    client.post(CLAIMS, selection)
    assert matching_sent == [claims["given_up"].article_id]


def test_the_action_says_when_the_task_queue_is_unreachable(client, claims, monkeypatch):
    def broker_down(article_id):
        raise ConnectionRefusedError("Error 111 connecting to 127.0.0.1:6379")

    monkeypatch.setattr(tasks.match_article_claims, "delay", broker_down)
    client.force_login(editor())
    response = client.post(
        CLAIMS,
        {"action": "send_matching_again", "_selected_action": [claims["given_up"].pk]},
        follow=True,
    )
    shown = [str(message) for message in response.context["messages"]]
    assert shown == [
        "The task queue is unreachable: matching not sent for 1 article(s). Try again once it "
        "is back."
    ]


def test_requeue_matching_sends_every_claim_left_without_a_vector_newest_first(
    claims, matching_sent, capsys
):
    call_command("requeue_matching")
    # Not the fresh claim: its job is probably still in the queue.
    assert matching_sent == [claims["retrying"].article_id, claims["given_up"].article_id]
    assert capsys.readouterr().out.startswith("2 article(s) sent for matching: #")


def test_requeue_matching_sends_at_most_its_limit_and_says_how_many_wait(
    claims, matching_sent, capsys
):
    call_command("requeue_matching", "--limit=1")
    assert matching_sent == [claims["retrying"].article_id]
    assert "1 more article(s) wait: run the command again." in capsys.readouterr().out


def test_requeue_matching_fails_loudly_when_the_task_queue_is_unreachable(claims, monkeypatch):
    def broker_down(article_id):
        raise ConnectionRefusedError("Error 111 connecting to 127.0.0.1:6379")

    monkeypatch.setattr(tasks.match_article_claims, "delay", broker_down)
    with pytest.raises(CommandError, match="unreachable: 2 article"):
        call_command("requeue_matching")
    with pytest.raises(CommandError, match="--limit must be at least 1"):
        call_command("requeue_matching", "--limit=0")
