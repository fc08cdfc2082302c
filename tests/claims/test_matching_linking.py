"""After analysis the worker's task embeds claims (PostgreSQL) and links repeats."""

import io

import pytest

from articles.models import Article, ExternalFactCheck
from claims import tasks
from claims.matching import embedding
from claims.matching.linking import article_claims_match
from claims.matching.store import CLAIMS, claim_key, live_corpus
from claims.models import Claim, ClaimEmbedding, GroupLink, MatchSuggestion
from tests.factories import ArticleFactory, ClaimFactory

pytestmark = pytest.mark.django_db

STATEMENT = "Unemployment in the state rose 20 percent between 2019 and 2021, the governor said."


def article_with_claim(text: str):
    # A second sentence that differs, so two articles with the same claim are not one text.
    article = ArticleFactory(body=f"{text} Report {Claim.objects.count()}.")
    return ClaimFactory(article=article, start=0, end=len(text), text=text)


def test_every_claim_of_an_analysed_article_gets_its_vector_once(seed_text):
    article = ArticleFactory(body=seed_text)
    tasks.analyze_article.delay(article.pk)
    claims = Claim.objects.filter(article=article)
    assert claims.exists()
    assert ClaimEmbedding.objects.filter(claim__article=article).count() == claims.count()
    stored = ClaimEmbedding.objects.filter(claim__article=article).first()
    assert len(embedding.vector_from_bytes(stored.vector)) == embedding.DIMENSIONS
    assert stored.model_version == embedding.model_info().version
    assert article_claims_match(article_id=article.pk).embedded == 0


def test_the_same_statement_in_a_later_article_joins_the_first_claims_group():
    first = article_with_claim(STATEMENT)
    article_claims_match(article_id=first.article_id)
    repeat = article_with_claim(STATEMENT)
    result = article_claims_match(article_id=repeat.article_id)
    first.refresh_from_db()
    repeat.refresh_from_db()
    assert result.linked == 1
    assert repeat.group_id == first.group_id is not None
    assert (first.group_link, repeat.group_link) == (GroupLink.FOUNDER, GroupLink.AUTO)
    assert article_claims_match(article_id=repeat.article_id).linked == 0  # idempotent


def test_a_repeat_with_another_number_is_only_suggested_to_a_reviewer():
    first = article_with_claim(STATEMENT)
    article_claims_match(article_id=first.article_id)
    other = article_with_claim(STATEMENT.replace("20 percent", "2 percent"))
    article_claims_match(article_id=other.article_id)
    other.refresh_from_db()
    assert other.group_id is None
    assert MatchSuggestion.objects.filter(claim=other, candidate=first).exists()


def test_an_unrelated_claim_is_neither_linked_nor_suggested():
    first = article_with_claim(STATEMENT)
    article_claims_match(article_id=first.article_id)
    other = article_with_claim("The river flooded three villages after a week of heavy rain.")
    article_claims_match(article_id=other.article_id)
    other.refresh_from_db()
    assert other.group_id is None
    assert not MatchSuggestion.objects.filter(claim=other).exists()


def test_linking_an_articles_claims_reads_what_it_needs_once_not_per_claim(
    django_assert_max_num_queries,
):
    from claims.matching.linking import claims_link

    texts = [
        "Unemployment in the state rose 20 percent between 2019 and 2021.",
        "The river flooded three villages after a week of heavy rain.",
        "The new stadium cost the city 400 million dollars.",
        "Half of all teachers plan to leave the profession within five years.",
        "The vaccine was tested on 40,000 volunteers before approval.",
        "Rail fares rose faster than wages for the tenth year running.",
        "The country exports more wine than any other in Europe.",
        "Crime in the capital fell by a third after the new policing plan.",
    ]
    body = " ".join(texts)
    article = ArticleFactory(body=body)
    claims = []
    for text in texts:
        start = body.index(text)
        claims.append(ClaimFactory(article=article, start=start, end=start + len(text), text=text))
    article_claims_match(article_id=article.pk)  # embeds them
    # Eight claims: two reads a claim (as it was) would pass this bound.
    with django_assert_max_num_queries(10):
        claims_link(claim_ids=[claim.pk for claim in claims])


# --- Claims whose matching job was lost --------------------------------------------------------


@pytest.fixture
def matching_sent(monkeypatch):
    """The articles whose matching reaches the broker (not run)."""
    sent: list[int] = []
    monkeypatch.setattr(tasks.match_article_claims, "delay", sent.append)
    return sent


def made_minutes_ago(claim, minutes: int):
    """The claim, and its article's analysis, `minutes` ago (the sweeper reads the former)."""
    from datetime import timedelta

    from django.utils import timezone

    then = timezone.now() - timedelta(minutes=minutes)
    Claim.objects.filter(pk=claim.pk).update(created_at=then)
    Article.objects.filter(pk=claim.article_id).update(analysis_finished_at=then)


def test_claims_left_without_a_vector_have_their_matching_sent_again_by_beat(
    matching_sent, settings
):
    lost = article_with_claim(STATEMENT)
    made_minutes_ago(lost, 11)
    fresh = article_with_claim("Rents rose 9 percent last year, the council said.")
    made_minutes_ago(fresh, 1)  # its job is probably still waiting in the queue
    assert tasks.match_unembedded_claims() == [lost.article_id]
    assert matching_sent == [lost.article_id]

    article_claims_match(article_id=lost.article_id)  # the job that was sent, run
    assert tasks.match_unembedded_claims() == []
    assert settings.CELERY_BEAT_SCHEDULE["match-unembedded-claims"]["task"] == (
        "claims.tasks.match_unembedded_claims"
    )


def test_an_analysis_stays_done_when_its_matching_cannot_be_queued(monkeypatch, seed_text):
    from articles.models import AnalysisStatus

    def broker_down(article_id):
        raise ConnectionRefusedError("Error 111 connecting to 127.0.0.1:6379")

    monkeypatch.setattr(tasks.match_article_claims, "delay", broker_down)
    article = ArticleFactory(body=seed_text)
    result = tasks.analyze_article.apply(args=[article.pk])
    article.refresh_from_db()
    assert result.successful() and result.result["claims_created"] > 0
    assert article.analysis_status == AnalysisStatus.DONE
    assert not ClaimEmbedding.objects.filter(claim__article=article).exists()
    Claim.objects.filter(article=article).update(
        created_at=article.analysis_finished_at - tasks.UNEMBEDDED_AFTER
    )
    monkeypatch.setattr(tasks.match_article_claims, "delay", lambda article_id: None)
    assert tasks.match_unembedded_claims() == [article.pk]  # beat finds it later


def test_a_second_delivery_that_loses_the_race_to_link_a_repeat_finishes_without_an_error(
    monkeypatch,
):
    from claims.matching import group_changes, linking

    first = article_with_claim(STATEMENT)
    article_claims_match(article_id=first.article_id)
    repeat = article_with_claim(STATEMENT)
    real_link = group_changes.claim_group_link

    def the_other_delivery_links_it_first(*, claim, earlier, **kwargs):
        real_link(claim=claim, earlier=earlier, **kwargs)  # between our read and our lock
        return real_link(claim=claim, earlier=earlier, **kwargs)

    monkeypatch.setattr(linking, "claim_group_link", the_other_delivery_links_it_first)
    result = article_claims_match(article_id=repeat.article_id)
    repeat.refresh_from_db()
    first.refresh_from_db()
    assert repeat.group_id == first.group_id and repeat.group_link == GroupLink.AUTO
    assert result.linked == 0  # linked by the other delivery, not counted twice


def test_a_repeat_of_a_claim_deleted_since_this_process_indexed_it_is_matched_without_an_error():
    """A worker's index keeps a removed claim's vector until its next snapshot (a re-analysis
    dropped the claim, an editor deleted the article); its matching must not crash on it."""
    gone = article_with_claim(STATEMENT)
    article_claims_match(article_id=gone.article_id)  # now in this process's index
    gone.article.delete()
    repeat = article_with_claim(STATEMENT)
    result = article_claims_match(article_id=repeat.article_id)
    repeat.refresh_from_db()
    assert result.embedded == 1 and result.linked == result.suggested == 0
    assert repeat.group_id is None and not MatchSuggestion.objects.exists()
    assert claim_key(gone.pk) not in live_corpus(CLAIMS).documents  # and this index forgot it


def test_the_sweeper_gives_up_on_claims_older_than_its_window(matching_sent):
    """A claim whose vector can never be made is not sent again for ever: after a day it is
    left to `rebuild_match_index`."""
    stuck = article_with_claim(STATEMENT)
    made_minutes_ago(stuck, int(tasks.SWEEP_WINDOW.total_seconds() // 60) + 5)
    recent = article_with_claim("Rents rose 9 percent last year, the council said.")
    made_minutes_ago(recent, 60)
    assert tasks.match_unembedded_claims() == [recent.article_id]
    assert matching_sent == [recent.article_id]


def test_a_claim_added_by_hand_to_an_article_analysed_days_ago_is_still_swept(matching_sent):
    """The window follows the claim's creation: the reviewer's claim is new even though its
    article's analysis finished well outside the sweeper's day."""
    from datetime import timedelta

    from django.utils import timezone

    old = article_with_claim(STATEMENT)
    made_minutes_ago(old, int(tasks.SWEEP_WINDOW.total_seconds() // 60) * 3)
    article_claims_match(article_id=old.article_id)  # the analysis's own claim was matched
    added = ClaimFactory(
        article=old.article, start=len(STATEMENT) + 1, end=len(old.article.body), text="Report 0."
    )
    Claim.objects.filter(pk=added.pk).update(created_at=timezone.now() - timedelta(minutes=11))
    assert tasks.match_unembedded_claims() == [old.article_id]
    assert matching_sent == [old.article_id]

    article_claims_match(article_id=old.article_id)  # the job that was sent, run
    assert ClaimEmbedding.objects.filter(claim=added).exists()
    assert tasks.match_unembedded_claims() == []


def test_the_sweeper_sends_the_newest_articles_first_and_at_most_its_limit_a_run():
    from datetime import timedelta

    from django.utils import timezone

    from claims.matching.linking import articles_with_unembedded_claims

    claims = [article_with_claim(f"The bridge cost {n} million pounds.") for n in range(4)]
    for minutes, claim in zip((50, 40, 30, 20), claims, strict=True):
        made_minutes_ago(claim, minutes)
    now = timezone.now()
    found = articles_with_unembedded_claims(
        created_before=now - timedelta(minutes=10), since=now - timedelta(days=1), limit=3
    )
    assert found == [claim.article_id for claim in reversed(claims)][:3]


def test_a_linking_lost_after_the_vectors_were_made_is_found_and_sent_again(
    monkeypatch, matching_sent
):
    """The worker embeds, then the database (and the broker, for the retry) go away while it
    links: the vectors roll back with the linking, so the sweeper still sees the work left."""
    from django.db import OperationalError

    from claims.matching import linking

    earlier = article_with_claim(STATEMENT)
    article_claims_match(article_id=earlier.article_id)
    repeat = article_with_claim(STATEMENT)
    real_link = linking.claims_link

    def database_gone(*, claim_ids):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(linking, "claims_link", database_gone)
    with pytest.raises(OperationalError):
        article_claims_match(article_id=repeat.article_id)
    assert not ClaimEmbedding.objects.filter(claim=repeat).exists()
    made_minutes_ago(repeat, 11)
    assert tasks.match_unembedded_claims() == [repeat.article_id]

    monkeypatch.setattr(linking, "claims_link", real_link)
    article_claims_match(article_id=repeat.article_id)  # the job the sweeper sent, run
    repeat.refresh_from_db()
    assert (
        repeat.group_id is not None and repeat.group_id == Claim.objects.get(pk=earlier.pk).group_id
    )
    assert tasks.match_unembedded_claims() == []


def test_imported_fact_checks_whose_vector_job_was_lost_are_embedded_by_the_sweeper(
    monkeypatch,
):
    from datetime import timedelta

    from django.utils import timezone

    from claims.models import ExternalFactCheckEmbedding

    def factcheck(n: int, minutes: int) -> ExternalFactCheck:
        row = ExternalFactCheck.objects.create(
            claim_reviewed=f"The bridge cost {n} million pounds.",
            publisher_name="Checkers Example",
            url=f"https://checkers.example/{n}",
            identity=str(n) * 64,
        )
        then = timezone.now() - timedelta(minutes=minutes)
        ExternalFactCheck.objects.filter(pk=row.pk).update(updated_at=then)
        return row

    lost, fresh = factcheck(1, 11), factcheck(2, 1)  # fresh: its job may still be queued
    too_old = factcheck(3, int(tasks.SWEEP_WINDOW.total_seconds() // 60) + 5)
    sent = []
    real_delay = tasks.embed_external_factchecks.delay
    monkeypatch.setattr(
        tasks.embed_external_factchecks, "delay", lambda ids: sent.append(ids) or real_delay(ids)
    )
    tasks.match_unembedded_claims()
    assert sent == [[lost.pk]]  # eager: it ran
    embedded = set(ExternalFactCheckEmbedding.objects.values_list("factcheck_id", flat=True))
    assert embedded == {lost.pk} and fresh.pk not in embedded and too_old.pk not in embedded
    tasks.match_unembedded_claims()
    assert sent == [[lost.pk]]


def test_the_worker_only_suggests_a_published_claim_as_a_repeat_of_another_fact_check():
    """Two fact-checks in one group give its "already checked" two answers: an editor's to
    decide (claims.appearances), so the worker suggests the match and links nothing."""
    from claims.appearances import claim_appearances
    from claims.models import MatchSuggestion
    from tests.factories import published_verdict

    first = published_verdict(claim=article_with_claim(STATEMENT)).claim
    article_claims_match(article_id=first.article_id)
    later = published_verdict(claim=article_with_claim(STATEMENT)).claim
    result = article_claims_match(article_id=later.article_id)
    later.refresh_from_db()
    first.refresh_from_db()
    assert later.group_id is None and result.linked == 0
    assert MatchSuggestion.objects.filter(claim=later, candidate=first).exists()
    assert [c.pk for c in claim_appearances(first)] == [first.pk]
    assert [c.pk for c in claim_appearances(later)] == [later.pk]


def test_the_linker_leaves_alone_a_repeat_a_reviewer_confirmed_between_its_read_and_its_lock(
    monkeypatch,
):
    from claims.matching import group_changes, linking
    from claims.models import GroupEventKind
    from tests.factories import fact_checker

    first = article_with_claim(STATEMENT)
    article_claims_match(article_id=first.article_id)
    elsewhere = article_with_claim("Rents rose 9 percent last year, the council said.")
    repeat = article_with_claim(STATEMENT)
    real_link = group_changes.claim_group_link

    def a_reviewer_confirms_it_elsewhere_first(*, claim, earlier, **kwargs):
        real_link(
            claim=Claim.objects.get(pk=claim.pk),
            earlier=elsewhere,
            actor=fact_checker(),
            kind=GroupEventKind.CONFIRMED,
        )
        return real_link(claim=claim, earlier=earlier, **kwargs)  # `claim` is the stale read

    monkeypatch.setattr(linking, "claim_group_link", a_reviewer_confirms_it_elsewhere_first)
    result = article_claims_match(article_id=repeat.article_id)
    repeat.refresh_from_db()
    elsewhere.refresh_from_db()
    assert (repeat.group_id, repeat.group_link) == (elsewhere.group_id, GroupLink.CONFIRMED)
    assert result.linked == 0


def test_the_linker_does_not_link_a_match_a_reviewer_rejected_between_its_read_and_its_lock(
    monkeypatch,
):
    from claims.matching import group_changes, linking
    from claims.models import SuggestionStatus
    from tests.factories import fact_checker

    first = article_with_claim(STATEMENT)
    article_claims_match(article_id=first.article_id)
    repeat = article_with_claim(STATEMENT)
    # Still open when the linker reads the rejected pairs (a suggestion from an earlier run).
    suggestion = MatchSuggestion.objects.create(
        claim=repeat, candidate=first, score=0.8, level="suggested"
    )
    real_link = group_changes.claim_group_link

    def a_reviewer_rejects_it_first(*, claim, earlier, **kwargs):
        group_changes.suggestion_reject(suggestion=suggestion, actor=fact_checker())
        return real_link(claim=claim, earlier=earlier, **kwargs)

    monkeypatch.setattr(linking, "claim_group_link", a_reviewer_rejects_it_first)
    result = article_claims_match(article_id=repeat.article_id)
    repeat.refresh_from_db()
    assert repeat.group_id is None and result.linked == 0
    assert MatchSuggestion.objects.get(pk=suggestion.pk).status == SuggestionStatus.REJECTED


def test_with_the_broker_away_the_sweeper_and_an_import_log_and_leave_the_work_for_later(
    monkeypatch, caplog, django_capture_on_commit_callbacks
):
    from articles.queueing import factchecks_queue_matching

    def broker_down(*args):
        raise ConnectionRefusedError("Error 111 connecting to 127.0.0.1:6379")

    monkeypatch.setattr(tasks.match_article_claims, "delay", broker_down)
    monkeypatch.setattr(tasks.embed_external_factchecks, "delay", broker_down)
    lost = article_with_claim(STATEMENT)
    made_minutes_ago(lost, 11)
    factcheck = ExternalFactCheck.objects.create(
        claim_reviewed="The bridge cost 9 million pounds.",
        publisher_name="Checkers Example",
        url="https://checkers.example/9",
        identity="9" * 64,
    )
    with django_capture_on_commit_callbacks(execute=True):
        factchecks_queue_matching(factcheck_ids=[factcheck.pk])
    assert tasks.match_unembedded_claims() == []  # nothing reached the broker, nothing raised
    queued = [r.getMessage() for r in caplog.records if r.getMessage().startswith("Could not")]
    assert f"Could not queue claims.tasks.embed_external_factchecks([{factcheck.pk}],)" in queued
    assert f"Could not queue claims.tasks.match_article_claims({lost.article_id},)" in queued


def test_the_sweeper_s_limit_is_applied_in_sql_not_to_a_list_of_every_article_of_the_day():
    from datetime import timedelta

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from claims.matching.linking import articles_with_unembedded_claims

    for n in range(3):
        made_minutes_ago(article_with_claim(f"The bridge cost {n} million pounds."), 30)
    now = timezone.now()
    with CaptureQueriesContext(connection) as queries:
        found = articles_with_unembedded_claims(
            created_before=now - timedelta(minutes=10), since=now - timedelta(days=1), limit=2
        )
    assert len(found) == 2
    article_queries = [q["sql"] for q in queries.captured_queries if '"article_id"' in q["sql"]]
    assert len(article_queries) == 1 and "LIMIT 2" in article_queries[0]
    assert " IN (" not in article_queries[0]


def test_rebuild_match_index_links_the_claims_it_embeds_as_the_worker_does(tmp_path, settings):
    """A claim whose matching job was lost, embedded by the command, still joins its group
    and gets its suggestions: with a vector, no sweeper or requeue would ever link it."""
    from django.core.management import call_command

    settings.MATCHING_INDEX_DIR = tmp_path
    first = article_with_claim(STATEMENT)
    repeat = article_with_claim(STATEMENT)
    near = article_with_claim(STATEMENT.replace("20 percent", "2 percent"))
    call_command("rebuild_match_index", stdout=io.StringIO())
    first.refresh_from_db()
    repeat.refresh_from_db()
    near.refresh_from_db()
    assert ClaimEmbedding.objects.count() == 3
    assert repeat.group_id == first.group_id is not None
    assert MatchSuggestion.objects.filter(claim=near, candidate=first).exists()


def test_rebuild_match_index_gives_a_stale_vector_the_new_model_without_relinking(
    tmp_path, settings
):
    """A claim embedded under an older model was linked then: after a model change it gets the
    new vector, and reviewers are not handed a new round of suggestions for it."""
    from django.core.management import call_command

    settings.MATCHING_INDEX_DIR = tmp_path
    first = article_with_claim(STATEMENT)
    article_claims_match(article_id=first.article_id)
    near = article_with_claim(STATEMENT.replace("20 percent", "2 percent"))
    article_claims_match(article_id=near.article_id)
    MatchSuggestion.objects.all().delete()  # say a reviewer's work removed it
    ClaimEmbedding.objects.update(model_version="an-older-model")
    out = io.StringIO()
    call_command("rebuild_match_index", stdout=out)
    assert "embedded 2 claims" in out.getvalue()
    versions = set(ClaimEmbedding.objects.values_list("model_version", flat=True))
    assert versions == {embedding.model_info().version}
    assert not MatchSuggestion.objects.exists()
