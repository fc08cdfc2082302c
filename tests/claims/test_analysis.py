import pytest
from django.core.management import call_command

from articles.models import AnalysisStatus
from articles.queueing import article_queue_analysis
from articles.services import article_submit
from claims import analysis
from claims.models import Claim, ClaimEvent, ClaimEventKind, ClaimStatus, Sentence, Speaker
from claims.notes import claim_note_add
from claims.services import claim_assign, claim_dismiss
from tests.conftest import FAKE_VERSION, fake_embed_sentences
from tests.factories import ArticleFactory, fact_checker

pytestmark = pytest.mark.django_db


def rows(article):
    sentences = list(
        Sentence.objects.filter(article=article).values_list(
            "index", "start", "end", "text", "speaker__name", "check_worthiness"
        )
    )
    claims = list(
        Claim.objects.filter(article=article)
        .order_by("start")
        .values_list("start", "end", "text", "speaker__name", "status")
    )
    return sentences, claims


def queued_job(article) -> str:
    """Queue the article as submitting does; the job's id is the one the worker would run."""
    return article_queue_analysis(article=article)


@pytest.fixture
def seed_article(seed_text):
    return ArticleFactory(body=seed_text, title="Seed")


def test_analysis_stores_every_sentence_with_offsets_and_marks_the_article_done(seed_article):
    result = analysis.article_analyze(article_id=seed_article.pk)

    seed_article.refresh_from_db()
    assert seed_article.analysis_status == AnalysisStatus.DONE
    assert seed_article.analysis_model_version == FAKE_VERSION
    sentences = Sentence.objects.filter(article=seed_article)
    assert result.sentences == sentences.count() > 10
    for sentence in sentences:
        assert seed_article.body[sentence.start : sentence.end] == sentence.text


def test_check_worthy_sentences_become_claims_with_speaker_score_and_a_detected_event(
    seed_article,
):
    analysis.article_analyze(article_id=seed_article.pk)

    claim = Claim.objects.get(article=seed_article, text__startswith="The U.S. military said")
    assert claim.speaker.name == "U.S. military"
    assert claim.check_worthiness == pytest.approx(0.9)
    assert claim.model_version == FAKE_VERSION
    assert claim.status == ClaimStatus.NEW
    event = ClaimEvent.objects.get(claim=claim)
    assert event.kind == ClaimEventKind.DETECTED
    assert event.data["model_version"] == FAKE_VERSION
    assert not Claim.objects.filter(text__startswith="This report produced by").exists()


def test_running_the_analysis_twice_gives_the_same_rows(seed_article):
    analysis.article_analyze(article_id=seed_article.pk)
    first = rows(seed_article)
    speakers = Speaker.objects.count()

    analysis.article_analyze(article_id=seed_article.pk)

    assert rows(seed_article) == first
    assert Speaker.objects.count() == speakers
    assert ClaimEvent.objects.filter(kind=ClaimEventKind.DETECTED).count() == len(first[1])


def test_the_same_speaker_in_two_articles_is_one_speaker(seed_text):
    one = ArticleFactory(body="Antony Blinken said 40 diplomats left the embassy.")
    two = ArticleFactory(body="Blinken said the talks had failed twice in 2020.")
    analysis.article_analyze(article_id=one.pk)
    analysis.article_analyze(article_id=two.pk)
    speakers = set(Claim.objects.values_list("speaker__name", flat=True))
    assert speakers == {"Antony Blinken"}


def test_reanalysis_with_a_new_model_rescores_and_keeps_reviewer_work(seed_article, monkeypatch):
    analysis.article_analyze(article_id=seed_article.pk)
    reviewer = fact_checker()
    worked = Claim.objects.get(text__startswith="The U.S. military said")
    claim_assign(claim=worked, actor=reviewer)
    dismissed = Claim.objects.get(text__startswith="Two anonymous U.S. officials")
    claim_dismiss(claim=dismissed, actor=reviewer, reason="Sourcing only")
    untouched = Claim.objects.get(text__startswith="Iraq's government condemned")
    noted = Claim.objects.exclude(pk__in=[worked.pk, dismissed.pk, untouched.pk]).first()
    claim_note_add(claim=noted, author=reviewer, text="Asked the Pentagon for the figures.")

    # The new model finds nothing check-worthy: untouched claims go, worked ones stay.
    from claims.nlp import checkworthiness

    def nothing_check_worthy(texts, **kwargs):
        return checkworthiness.SentenceOutputs([0.2] * len(texts), fake_embed_sentences(texts))

    monkeypatch.setattr(checkworthiness, "score_and_embed_sentences", nothing_check_worthy)
    monkeypatch.setattr(
        checkworthiness, "model_info", lambda: checkworthiness.ModelInfo("fake-2", 0.5)
    )
    result = analysis.article_analyze(article_id=seed_article.pk)

    assert not Claim.objects.filter(pk=untouched.pk).exists()
    assert noted.notes.get().text == "Asked the Pentagon for the figures."  # research kept
    worked.refresh_from_db()
    dismissed.refresh_from_db()
    assert (worked.check_worthiness, worked.model_version) == (0.2, "fake-2")
    assert worked.assignee == reviewer and worked.status == ClaimStatus.IN_PROGRESS
    assert dismissed.status == ClaimStatus.DISMISSED
    assert ClaimEvent.objects.filter(claim=worked, kind=ClaimEventKind.RESCORED).exists()
    assert result.claims_updated >= 2


def test_a_failure_while_writing_leaves_the_previous_rows_and_marks_the_article_failed(
    seed_article, monkeypatch
):
    from claims import tasks

    analysis.article_analyze(article_id=seed_article.pk)
    before = rows(seed_article)

    def explode(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(analysis, "_sync_claims", explode)
    tasks.analyze_article.apply(args=[seed_article.pk], task_id=queued_job(seed_article))

    seed_article.refresh_from_db()
    assert seed_article.analysis_status == AnalysisStatus.FAILED
    assert "disk on fire" in seed_article.analysis_error
    assert rows(seed_article) == before


def test_a_model_error_fails_the_article_with_the_reason_and_writes_nothing(
    seed_article, monkeypatch
):
    from claims import tasks
    from claims.nlp import checkworthiness

    def unavailable(texts, **kwargs):
        raise checkworthiness.ModelUnavailable("model.onnx: check-worthiness model not found")

    monkeypatch.setattr(checkworthiness, "score_and_embed_sentences", unavailable)
    tasks.analyze_article.apply(args=[seed_article.pk], task_id=queued_job(seed_article))

    seed_article.refresh_from_db()
    assert seed_article.analysis_status == AnalysisStatus.FAILED
    assert "model not found" in seed_article.analysis_error
    assert not Sentence.objects.filter(article=seed_article).exists()


def test_a_transient_database_error_puts_the_article_back_in_the_queue_for_a_retry(
    seed_article, monkeypatch
):
    from django.db import OperationalError

    from claims import tasks

    calls = []

    def flaky(*, article_id, task_id=None):
        calls.append(article_id)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return analysis.AnalysisResult(0, 0, 0, 0)

    monkeypatch.setattr(analysis, "article_analyze", flaky)
    monkeypatch.setattr(tasks.analyze_article, "retry", _retry_now(tasks, seed_article.pk))
    tasks.analyze_article.apply(args=[seed_article.pk], task_id=queued_job(seed_article))
    assert calls == [seed_article.pk, seed_article.pk]


def _retry_now(tasks, article_id):
    def retry(exc=None, countdown=None):
        seed = type(exc)
        assert issubclass(seed, Exception)
        tasks.analyze_article.run(article_id)
        return RuntimeError("retried")

    return retry


def test_submitting_an_article_queues_its_analysis_after_commit(
    django_capture_on_commit_callbacks, seed_text
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        article = article_submit(title="Seed", body=seed_text, source_kind="pasted")
    assert len(callbacks) == 1
    article.refresh_from_db()
    assert article.analysis_status == AnalysisStatus.DONE
    assert article.claims.exists()


def test_an_unreachable_broker_keeps_the_article_queued_with_an_explanation(
    django_capture_on_commit_callbacks, monkeypatch
):
    from claims import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("Error 111 connecting to 127.0.0.1:6379")

    working_send = tasks.analyze_article.apply_async
    monkeypatch.setattr(tasks.analyze_article, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        article = article_submit(
            title="T", body="Prices rose 5 percent this year.", source_kind="api"
        )
    article.refresh_from_db()
    assert article.analysis_status == AnalysisStatus.QUEUED
    assert article.analysis_problem == "queue_unavailable"
    assert "recovery sends it again" in article.analysis_error
    assert article.analysis_sent_at is None

    monkeypatch.setattr(tasks.analyze_article, "apply_async", working_send)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("requeue_analysis", "--queued-minutes", "0")
    article.refresh_from_db()
    assert article.analysis_status == AnalysisStatus.DONE


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_outlives_its_database_connection_being_closed(settings):
    """PostgreSQL closes the heartbeat's connection (a restart, a failover): the next beats come
    on a new one, so a long analysis is not taken for a stalled one and sent again."""
    import time

    from django.db import connection
    from django.utils import timezone

    if connection.vendor != "postgresql":
        pytest.skip("closes a connection from PostgreSQL's side")
    settings.ANALYSIS_HEARTBEAT_SECONDS = 0.2
    article = ArticleFactory()
    task_id = "the-running-job"
    type(article).objects.filter(pk=article.pk).update(analysis_task_id=task_id)
    analysis.article_mark_running(article_id=article.pk, task_id=task_id)

    def heartbeat_at():
        article.refresh_from_db(fields=["analysis_heartbeat_at"])
        return article.analysis_heartbeat_at

    def wait_for_beat_after(moment):
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if heartbeat_at() > moment:
                return True
            time.sleep(0.1)
        return False

    with analysis._heartbeat(article.pk, task_id):
        assert wait_for_beat_after(heartbeat_at())  # the thread has its own connection now
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            assert cursor.rowcount >= 1
        closed_at = timezone.now()
        assert wait_for_beat_after(closed_at), "the heartbeat stopped with its connection"


@pytest.mark.model
@pytest.mark.parametrize(
    ("model_bytes", "reason"),
    [(None, "check-worthiness model not found"), (b"not an onnx graph", "INVALID_PROTOBUF")],
)
def test_a_missing_or_corrupt_model_file_fails_the_article_once_with_the_reason(
    model_bytes, reason, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    """The real loader, not a stand-in: the article says why, and the job is not retried (the
    same file fails the same way), so a broken artefact never becomes a crash loop."""
    import shutil

    from claims import tasks
    from claims.nlp import checkworthiness

    shutil.copy(checkworthiness.MODEL_DIR / checkworthiness.METADATA_FILE, tmp_path)
    if model_bytes is not None:
        (tmp_path / checkworthiness.MODEL_FILE).write_bytes(model_bytes)
    monkeypatch.setattr(checkworthiness, "MODEL_DIR", tmp_path)
    checkworthiness._session.cache_clear()
    retries = []
    monkeypatch.setattr(tasks.analyze_article, "retry", lambda **kwargs: retries.append(kwargs))
    article = ArticleFactory(body="The mayor said the budget grew 12 percent in 2024.")
    try:
        tasks.analyze_article.apply(args=[article.pk], task_id=queued_job(article))
    finally:
        checkworthiness._session.cache_clear()  # the next test loads the shipped model again
    article.refresh_from_db()
    assert article.analysis_status == AnalysisStatus.FAILED
    assert reason in article.analysis_error
    assert retries == [] and not Sentence.objects.filter(article=article).exists()
