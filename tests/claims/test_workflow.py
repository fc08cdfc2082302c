import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from claims import services, verdict_conflicts, verdicts
from claims.models import ClaimEvent, ClaimEventKind, ClaimStatus, Verdict, VerdictStatus
from claims.workflow import IllegalTransition
from tests.factories import ClaimFactory, correction_published, draft_resaved, editor, fact_checker

pytestmark = pytest.mark.django_db


# The services' actors, never logged in, and an editor called "ed": not tests/claims/conftest.py's.
@pytest.fixture
def checker():
    return fact_checker(username="fc")


@pytest.fixture
def boss():
    return editor(username="ed")


def draft(claim, author, **fields):
    return verdicts.verdict_save(
        claim=claim,
        actor=author,
        expected_version=None,
        rating=fields.get("rating", _rating()),
        conclusion=fields.get("conclusion", "The figure is wrong."),
        explanation="Statistics say otherwise.",
        sources=[{"url": "https://stats.example.org/budget", "title": "Budget statistics"}],
    )


def _rating():
    from tests.factories import active_rating

    return active_rating("false")


def kinds(claim):
    return list(ClaimEvent.objects.filter(claim=claim).values_list("kind", flat=True))


def test_the_full_journey_records_every_transition_with_its_actor(checker, boss):
    claim = ClaimFactory()
    services.claim_assign(claim=claim, actor=checker)
    verdict = draft(claim, checker)
    verdicts.verdict_submit(verdict=verdict, actor=checker)
    verdicts.verdict_return(verdict=verdict, actor=boss, comment="Add a second source.")
    verdict.refresh_from_db()
    assert verdict.status == VerdictStatus.RETURNED
    assert verdict.review_comment == "Add a second source."
    verdicts.verdict_submit(verdict=verdict, actor=checker)
    verdicts.verdict_publish(verdict=verdict, editor=boss)

    claim.refresh_from_db()
    verdict.refresh_from_db()
    assert claim.status == ClaimStatus.PUBLISHED
    assert verdict.status == VerdictStatus.PUBLISHED
    assert verdict.editor == boss and verdict.published_at is not None
    assert kinds(claim) == [
        ClaimEventKind.ASSIGNED,
        ClaimEventKind.DRAFTED,
        ClaimEventKind.SUBMITTED,
        ClaimEventKind.RETURNED,
        ClaimEventKind.SUBMITTED,
        ClaimEventKind.PUBLISHED,
    ]
    events = ClaimEvent.objects.filter(claim=claim)
    assert [e.actor.username for e in events] == ["fc", "fc", "fc", "ed", "fc", "ed"]
    assert events.get(kind=ClaimEventKind.PUBLISHED).from_status == ClaimStatus.IN_REVIEW


def test_nobody_publishes_their_own_verdict(boss):
    claim = ClaimFactory()
    verdict = draft(claim, boss)
    verdicts.verdict_submit(verdict=verdict, actor=boss)
    with pytest.raises(PermissionDenied, match="wrote or changed"):
        verdicts.verdict_publish(verdict=verdict, editor=boss)


def test_a_fact_checker_cannot_publish_or_return(checker):
    other = fact_checker(username="fc2")
    claim = ClaimFactory()
    verdict = draft(claim, other)
    verdicts.verdict_submit(verdict=verdict, actor=other)
    with pytest.raises(PermissionDenied):
        verdicts.verdict_publish(verdict=verdict, editor=checker)
    with pytest.raises(PermissionDenied):
        verdicts.verdict_return(verdict=verdict, actor=checker, comment="No.")


def test_publishing_a_draft_that_was_never_submitted_is_illegal(checker, boss):
    claim = ClaimFactory()
    verdict = draft(claim, checker)
    with pytest.raises(IllegalTransition, match="Cannot publish a verdict that is draft"):
        verdicts.verdict_publish(verdict=verdict, editor=boss)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.IN_PROGRESS


def test_a_verdict_needs_a_source_before_review(checker):
    claim = ClaimFactory()
    verdict = verdicts.verdict_save(
        claim=claim, actor=checker, expected_version=None, rating=_rating(), conclusion="Wrong."
    )
    with pytest.raises(ValidationError, match="evidence source"):
        verdicts.verdict_submit(verdict=verdict, actor=checker)


def test_returning_needs_a_comment(checker, boss):
    verdict = draft(ClaimFactory(), checker)
    verdicts.verdict_submit(verdict=verdict, actor=checker)
    with pytest.raises(ValidationError):
        verdicts.verdict_return(verdict=verdict, actor=boss, comment="  ")


def test_dismissing_needs_a_reason_and_a_dismissed_claim_cannot_be_assigned(checker):
    claim = ClaimFactory()
    with pytest.raises(ValidationError):
        services.claim_dismiss(claim=claim, actor=checker, reason="")
    services.claim_dismiss(claim=claim, actor=checker, reason="Opinion, not fact")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.DISMISSED
    assert claim.dismissal_reason == "Opinion, not fact"
    with pytest.raises(IllegalTransition, match="Cannot assign a claim that is dismissed"):
        services.claim_assign(claim=claim, actor=checker)
    services.claim_reopen(claim=claim, actor=checker)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.NEW


def test_a_reopened_claim_with_its_checker_and_draft_is_in_progress_again(checker):
    claim = ClaimFactory()
    services.claim_assign(claim=claim, actor=checker)
    draft(claim, checker)
    services.claim_dismiss(claim=claim, actor=checker, reason="Opinion, not fact")
    services.claim_reopen(claim=claim, actor=checker)
    claim.refresh_from_db()
    assert (claim.status, claim.assignee) == (ClaimStatus.IN_PROGRESS, checker)
    event = ClaimEvent.objects.filter(claim=claim, kind=ClaimEventKind.REOPENED).get()
    assert event.to_status == ClaimStatus.IN_PROGRESS


def test_a_reopened_claim_with_a_draft_but_nobody_on_it_is_in_progress(checker):
    claim = ClaimFactory()
    draft(claim, checker)
    services.claim_unassign(claim=claim, actor=checker)
    services.claim_dismiss(claim=claim, actor=checker, reason="Opinion, not fact")
    services.claim_reopen(claim=claim, actor=checker)
    claim.refresh_from_db()
    assert (claim.status, claim.assignee) == (ClaimStatus.IN_PROGRESS, None)


def test_unassigning_returns_a_claim_without_a_draft_to_the_queue(checker):
    claim = ClaimFactory()
    services.claim_assign(claim=claim, actor=checker)
    services.claim_unassign(claim=claim, actor=checker)
    claim.refresh_from_db()
    assert (claim.status, claim.assignee) == (ClaimStatus.NEW, None)


def test_a_stale_save_is_refused_with_who_changed_it(checker):
    other = fact_checker(username="fc2")
    claim = ClaimFactory()
    verdict = draft(claim, checker)
    loaded_version = verdict.version
    services.claim_unassign(claim=claim, actor=checker)  # let go: a colleague may pick it up
    draft_resaved(
        claim=claim, actor=other, expected_version=loaded_version, conclusion="Mostly wrong."
    )
    services.claim_unassign(claim=claim, actor=other)  # saving took it; let go again
    with pytest.raises(verdicts.VersionConflict, match="changed by fc2 at .* reload"):
        draft_resaved(
            claim=claim, actor=checker, expected_version=loaded_version, conclusion="Mine."
        )
    verdict.refresh_from_db()
    assert verdict.conclusion == "Mostly wrong."


def test_claim_and_verdict_changes_are_kept_in_history(checker):
    claim = ClaimFactory()
    services.claim_assign(claim=claim, actor=checker)
    verdict = draft(claim, checker)
    draft_resaved(
        claim=claim, actor=checker, expected_version=verdict.version, conclusion="Second take."
    )
    assert claim.history.count() >= 2
    conclusions = list(
        verdict.history.order_by("history_date").values_list("conclusion", flat=True)
    )
    assert conclusions[0] == "The figure is wrong." and conclusions[-1] == "Second take."


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,<script>x</script>", ""])
def test_a_source_that_is_no_web_address_is_refused_by_the_service_itself(url):
    # The desk form and the admin check the URL too, but the service is the one path every
    # writer shares, and the public page links each source.
    from tests.factories import active_rating

    claim = ClaimFactory()
    with pytest.raises(ValidationError):
        verdicts.verdict_save(
            claim=claim,
            actor=fact_checker(),
            expected_version=None,
            rating=active_rating("false"),
            conclusion="Wrong.",
            sources=[{"url": url, "title": "Report"}],
        )
    assert not claim.events.exists()
    assert not Verdict.objects.filter(claim=claim).exists()


def test_a_correction_cannot_link_a_script_as_its_source():
    from tests.factories import active_rating, published_verdict

    verdict = published_verdict()
    with pytest.raises(ValidationError):
        correction_published(
            verdict=verdict,
            editor=editor(),
            expected_version=verdict.version,
            note="New source.",
            rating=active_rating("false"),
            conclusion="Wrong.",
            explanation="",
            sources=[{"url": "javascript:alert(1)", "title": "Report"}],
        )
    verdict.refresh_from_db()
    assert not verdict.corrections.exists()
    assert [s.url for s in verdict.sources.all()] == ["https://source0.example.org/report"]


# --- Withdrawing a submission ----------------------------------------------------------------


def test_the_author_withdraws_a_submitted_verdict_back_to_an_editable_draft(checker):
    claim = ClaimFactory()
    verdict = draft(claim, checker)
    submitted = verdicts.verdict_submit(verdict=verdict, actor=checker)

    withdrawn = verdicts.verdict_withdraw(verdict=submitted, actor=checker)

    claim.refresh_from_db()
    assert withdrawn.status == VerdictStatus.DRAFT
    assert withdrawn.version == submitted.version + 1
    assert claim.status == ClaimStatus.IN_PROGRESS
    event = claim.events.last()
    assert event.kind == ClaimEventKind.WITHDRAWN
    assert event.get_kind_display() == "Withdrawn by the author"
    assert event.actor == checker and event.created_at is not None
    assert (event.from_status, event.to_status) == (ClaimStatus.IN_REVIEW, ClaimStatus.IN_PROGRESS)
    # A draft again: the author saves and submits it as before.
    again = draft_resaved(
        claim=claim,
        actor=checker,
        expected_version=withdrawn.version,
        rating=_rating(),
        conclusion="The figure is wrong by half.",
    )
    assert verdicts.verdict_submit(verdict=again, actor=checker).status == VerdictStatus.SUBMITTED


def test_someone_who_wrote_part_of_the_draft_may_withdraw_it_too(checker, boss):
    claim = ClaimFactory()
    verdict = draft(claim, checker)
    draft_resaved(
        claim=claim,
        actor=boss,
        expected_version=verdict.version,
        rating=_rating(),
        conclusion="Rewritten by the editor.",
    )
    submitted = verdicts.verdict_submit(verdict=Verdict.objects.get(pk=verdict.pk), actor=checker)
    assert verdicts.verdict_withdraw(verdict=submitted, actor=boss).status == VerdictStatus.DRAFT


def test_nobody_else_withdraws_a_verdict_and_an_editor_is_told_to_return_it(checker, boss):
    verdict = verdicts.verdict_submit(verdict=draft(ClaimFactory(), checker), actor=checker)
    with pytest.raises(PermissionDenied, match="Only its author"):
        verdicts.verdict_withdraw(verdict=verdict, actor=fact_checker(username="fc2"))
    with pytest.raises(PermissionDenied, match="return it to the author with a comment instead"):
        verdicts.verdict_withdraw(verdict=verdict, actor=boss)
    verdict.refresh_from_db()
    assert verdict.status == VerdictStatus.SUBMITTED
    assert verdict.claim.status == ClaimStatus.IN_REVIEW
    assert ClaimEventKind.WITHDRAWN not in kinds(verdict.claim)


def test_a_published_or_returned_verdict_cannot_be_withdrawn(checker, boss):
    published = verdicts.verdict_publish(
        verdict=verdicts.verdict_submit(verdict=draft(ClaimFactory(), checker), actor=checker),
        editor=boss,
    )
    with pytest.raises(IllegalTransition, match="can no longer be withdrawn: it is published"):
        verdicts.verdict_withdraw(verdict=published, actor=checker)
    returned = verdicts.verdict_return(
        verdict=verdicts.verdict_submit(verdict=draft(ClaimFactory(), checker), actor=checker),
        actor=boss,
        comment="Add a source.",
    )
    with pytest.raises(IllegalTransition, match="returned this verdict already"):
        verdicts.verdict_withdraw(verdict=returned, actor=checker)
    assert Verdict.objects.get(pk=published.pk).status == VerdictStatus.PUBLISHED
    assert Verdict.objects.get(pk=returned.pk).status == VerdictStatus.RETURNED
    assert not ClaimEvent.objects.filter(kind=ClaimEventKind.WITHDRAWN).exists()


def test_a_withdrawal_of_a_version_already_acted_on_is_refused_with_who_acted(checker, boss):
    verdict = verdicts.verdict_submit(verdict=draft(ClaimFactory(), checker), actor=checker)
    verdicts.verdict_act(
        verdict=verdict, actor=boss, action="publish", expected_version=verdict.version
    )
    with pytest.raises(IllegalTransition, match="no longer be withdrawn: ed published it at"):
        verdicts.verdict_act(
            verdict=verdict, actor=checker, action="withdraw", expected_version=verdict.version
        )
    assert Verdict.objects.get(pk=verdict.pk).status == VerdictStatus.PUBLISHED


def test_publishing_sent_twice_tells_the_editor_it_was_their_own_second_send(checker, boss):
    verdict = verdicts.verdict_submit(verdict=draft(ClaimFactory(), checker), actor=checker)
    loaded = verdict.version
    verdicts.verdict_act(verdict=verdict, actor=boss, action="publish", expected_version=loaded)
    # Still a VersionConflict (nothing written), and said as what it is: done already.
    with pytest.raises(verdict_conflicts.AlreadySaved) as refused:
        verdicts.verdict_act(verdict=verdict, actor=boss, action="publish", expected_version=loaded)
    assert refused.value.messages[0].startswith("Already done: you published it at ")
    assert "changed by" not in refused.value.messages[0]
    assert Verdict.objects.get(pk=verdict.pk).version == loaded + 1


def test_a_draft_saved_over_a_verdict_published_since_is_told_to_use_a_correction(checker, boss):
    verdict = verdicts.verdict_submit(verdict=draft(ClaimFactory(), checker), actor=checker)
    loaded = verdict.version
    verdicts.verdict_act(verdict=verdict, actor=boss, action="publish", expected_version=loaded)
    with pytest.raises(verdicts.VersionConflict, match="published by ed .* through a correction"):
        draft_resaved(
            claim=verdict.claim, actor=checker, expected_version=loaded, conclusion="Mine."
        )
    assert Verdict.objects.get(pk=verdict.pk).conclusion != "Mine."
