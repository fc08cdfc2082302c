"""Races (issue #10, item 8): speakers created by two workers at once give one speaker and no
failed analysis; identical submissions at once give one article."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction

from articles.models import AnalysisStatus, Article
from claims import analysis, notes
from claims.models import Claim, ClaimNote, Speaker, SpeakerAlias
from claims.services import speaker_resolve
from claims.workflow import IllegalTransition
from tests.factories import ArticleFactory, ClaimFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(work, count: int = 2) -> list:
    """Run `work(i)` in `count` threads started at the same moment; return results or errors."""
    if connection.vendor != "postgresql":
        pytest.skip("the race needs PostgreSQL's row locks (SQLite serialises writers)")
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(index):
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as error:  # reported to the test, which asserts there is none
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_two_transactions_meeting_a_new_speaker_at_once_create_one():
    def resolve(index):
        with transaction.atomic():
            speaker = speaker_resolve(name="Zora Example", role="Mayor", aliases=["Mayor Zora"])
            time.sleep(0.3)  # hold the transaction open: the other one is inserting meanwhile
            return speaker.pk

    results = run_together(resolve, count=3)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert len(set(results)) == 1
    assert Speaker.objects.filter(name="Zora Example").count() == 1
    assert set(SpeakerAlias.objects.values_list("key", flat=True)) == {"zora example", "mayor zora"}


def test_concurrent_analyses_quoting_the_same_new_speaker_both_finish():
    articles = [
        ArticleFactory(
            body=f"Quinn Example said the budget grew by {n}0 percent. Residents shrugged {n}."
        )
        for n in range(1, 4)
    ]
    results = run_together(lambda i: analysis.article_analyze(article_id=articles[i].pk), count=3)
    assert not [r for r in results if isinstance(r, Exception)], results
    statuses = set(Article.objects.values_list("analysis_status", flat=True))
    assert statuses == {AnalysisStatus.DONE}
    assert Speaker.objects.filter(name="Quinn Example").count() == 1


def test_identical_submissions_at_once_store_one_article_and_refuse_the_rest():
    from articles.services import DuplicateArticle, article_submit

    body = "The mayor said the budget grew by 40 percent. The council did not comment."

    def submit(index):
        return article_submit(title=f"Copy {index}", body=body, source_kind="api", queue=False)

    results = run_together(submit, count=4)
    stored = [r for r in results if isinstance(r, Article)]
    refused = [r for r in results if isinstance(r, DuplicateArticle)]
    assert len(stored) == 1 and len(refused) == 3, results
    assert all(r.existing.pk == stored[0].pk for r in refused)
    assert Article.objects.count() == 1


def test_publishing_while_the_speaker_is_being_corrected_waits_instead_of_deadlocking():
    """A speaker edit or merge locks the speaker, then its claims; publishing takes the same
    order, so the two wait for each other instead of deadlocking."""
    from claims import verdicts
    from claims.models import Claim, ClaimStatus
    from tests.factories import ClaimFactory, editor, restore_migration_data, submitted_verdict

    restore_migration_data()  # the roles and the rating scale, flushed by transactional tests
    speaker = Speaker.objects.create(name="Lock Example", slug="lock-example")
    verdict = submitted_verdict(claim=ClaimFactory(speaker=speaker))
    publisher = editor()

    def work(index):
        if index == 0:  # as speaker_edit does: the speaker, a pause, then the claims
            with transaction.atomic():
                Speaker.objects.select_for_update().get(pk=speaker.pk)
                time.sleep(0.5)
                list(Claim.objects.select_for_update().filter(speaker=speaker))
            return "edited"
        time.sleep(0.1)  # the edit holds the speaker first
        return verdicts.verdict_act(
            verdict=verdict, actor=publisher, action="publish", expected_version=verdict.version
        )

    results = run_together(work)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert Claim.objects.get(pk=verdict.claim_id).status == ClaimStatus.PUBLISHED


def test_a_note_written_while_a_reanalysis_removes_its_claim_is_refused_with_a_reason():
    # A superuser: the desk's groups and permissions do not survive the other tests' flush.
    claim, author = ClaimFactory(), UserFactory(is_superuser=True)

    def race(index):
        if index == 0:  # the re-analysis: it holds the claim's lock, then removes the claim
            with transaction.atomic():
                Claim.objects.select_for_update().get(pk=claim.pk)
                time.sleep(0.5)
                Claim.objects.filter(pk=claim.pk).delete()
            return "removed"
        time.sleep(0.1)
        return notes.claim_note_add(claim=claim, author=author, text="Asked the ministry.")

    removed, written = run_together(race)
    assert removed == "removed"
    assert isinstance(written, ValidationError), written
    assert "no longer" in written.messages[0]
    assert not ClaimNote.objects.exists()


def test_a_note_double_clicked_is_stored_once():
    from claims.workflow import NothingChanged

    claim, author = ClaimFactory(), UserFactory(is_superuser=True)

    def send(index):
        return notes.claim_note_add(claim=claim, author=author, text="Asked the ministry.")

    results = run_together(send)
    assert len([r for r in results if isinstance(r, ClaimNote)]) == 1
    assert len([r for r in results if isinstance(r, NothingChanged)]) == 1, results
    assert ClaimNote.objects.count() == 1


def test_a_withdrawal_and_a_publication_at_once_leave_one_of_them_done_and_the_other_refused():
    """Both load the submitted verdict at one version; they take the same locks in the same
    order, so the second waits, finds the version moved on and is refused, and the claim's
    status matches its verdict's."""
    from claims import verdicts
    from claims.models import ClaimStatus, Verdict, VerdictStatus
    from tests.factories import editor, restore_migration_data, submitted_verdict

    restore_migration_data()
    verdict = submitted_verdict()
    publisher = editor()

    def work(index):
        actor, action = (verdict.author, "withdraw") if index == 0 else (publisher, "publish")
        return verdicts.verdict_act(
            verdict=verdict, actor=actor, action=action, expected_version=verdict.version
        )

    results = run_together(work)
    refused = [r for r in results if isinstance(r, Exception)]
    # Withdrawn first, the publication finds a draft (a conflict); published first, the
    # withdrawal is told it can no longer be withdrawn.
    assert len(refused) == 1, results
    assert isinstance(refused[0], (verdicts.VersionConflict, IllegalTransition)), results
    verdict = Verdict.objects.select_related("claim").get(pk=verdict.pk)
    assert (verdict.status, verdict.claim.status) in {
        (VerdictStatus.DRAFT, ClaimStatus.IN_PROGRESS),
        (VerdictStatus.PUBLISHED, ClaimStatus.PUBLISHED),
    }


def test_two_editors_publishing_at_once_publish_once_and_the_second_is_told_who_did():
    from claims import verdict_conflicts, verdicts
    from claims.models import Verdict, VerdictStatus
    from tests.factories import editor, restore_migration_data, submitted_verdict

    restore_migration_data()
    verdict = submitted_verdict()
    publishers = [editor(username="ed1"), editor(username="ed2")]

    def work(index):
        return verdicts.verdict_act(
            verdict=verdict, actor=publishers[index], action="publish",
            expected_version=verdict.version,
        )  # fmt: skip

    results = run_together(work)
    told = [r for r in results if isinstance(r, Exception)]
    assert len(told) == 1 and isinstance(told[0], verdict_conflicts.AlreadySaved), results
    published = Verdict.objects.select_related("editor").get(pk=verdict.pk)
    assert published.status == VerdictStatus.PUBLISHED
    assert told[0].messages[0].startswith(f"Already published by {published.editor} at ")
    assert published.version == verdict.version + 1


def test_the_same_analysis_job_delivered_twice_at_once_writes_its_rows_once():
    """acks_late: Redis may hand a job to a second worker while the first still runs it."""
    from claims.models import Sentence

    body = " ".join(f"The mayor said taxes rose {n} percent in district {n}." for n in range(40))
    article = ArticleFactory(body=body)
    Article.objects.filter(pk=article.pk).update(analysis_task_id="the-job")
    results = run_together(
        lambda index: analysis.article_analyze(article_id=article.pk, task_id="the-job")
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(result.claims_created for result in results) == Claim.objects.count() > 0
    spans = list(Sentence.objects.filter(article=article).values_list("start", flat=True))
    assert len(spans) == len(set(spans)) == results[0].sentences
    assert Article.objects.get(pk=article.pk).analysis_status == AnalysisStatus.DONE
