"""URL intake jobs: a URL submitted (form, API, command, feed entry, import row) becomes a job
that a worker fetches, extracts and stores as an article (jobrun.py); every step leaves a visible
status. Without a worker (tasks in-process) a job is run by inprocess.py, under its rules."""

from datetime import datetime, timedelta
from functools import partial

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from ..lengths import text_check
from ..models import Article, IntakeJob, IntakeStatus, SourceKind
from ..publication_dates import published_at_refusal
from ..services import (
    BYLINE_LENGTH,
    OUTLET_NAME_LENGTH,
    TITLE_LENGTH,
    DuplicateArticle,
    is_blank,
    language_normalize,
    language_refusal,
    outlet_name_refusal,
    url_normalize,
)
from .fetch import url_refusal
from .inprocess import intake_jobs_run_in_process
from .jobrun import reason_sentence
from .queue import not_in_broker, task_send, tasks_run_in_process
from .storable import storable_line

FETCH_TASK = "articles.tasks.intake_fetch"
BROKER_DOWN_REASON = (
    "The task queue could not be reached; the job stays queued and is sent again by "
    "`manage.py requeue_intake` (and by Celery beat)."
)
DUPLICATE_OF_OTHERS_REASON = "This page is already stored (submitted by someone else)."


def intake_job_submit(
    *,
    url: str,
    source_kind: str = SourceKind.URL,
    created_by=None,
    feed=None,
    outlet_name: str = "",
    byline: str = "",
    title: str = "",
    published_at: datetime | None = None,
    language: str = "",
    feed_published_at: datetime | None = None,
    import_batch=None,
    import_line: int | None = None,
    queue: bool = True,
    send: bool = True,
) -> IntakeJob:
    """A job for this URL, queued once committed. Raises ValidationError for a URL that is never
    fetched, DuplicateArticle when an article with this URL is already stored. A URL already in
    flight gives the job that is fetching it (its `import_batch` says whose it is).
    `outlet_name`, `byline`, `title`, `published_at` and `language`, where given, are the
    stored article's, over what the page says (jobrun.py); `feed_published_at` is only used
    where the page states no date.
    `send=False`: queued, but not sent; the caller runs it once committed (inprocess.py)."""
    url = fetch_url = (url or "").strip()
    refusal = url_refusal(url)
    if refusal:
        raise ValidationError({"url": [reason_sentence(refusal)]}, code="url")
    try:
        url = url_normalize(url)
    except ValidationError as error:
        raise ValidationError({"url": error.messages}) from None
    # Refused as the article would refuse them (articles.services.article_clean), before the
    # repeat is named: the fetch is no time to find out, and an outlet's name was cut at 200
    # characters without a word (the job's column is the outlet's).
    outlet_name, byline = outlet_name.strip(), byline.strip()
    title = storable_line(title)
    # A title of nothing visible is none given: the page's is used, as where a row has none.
    title = "" if is_blank(title) else title
    language = language_normalize(language)
    for field, text, length in [
        ("outlet", outlet_name, OUTLET_NAME_LENGTH),
        ("byline", byline, BYLINE_LENGTH),
        ("title", title, TITLE_LENGTH),
    ]:
        try:
            text_check(text, length.what)
            length(text)
        except ValidationError as error:
            raise ValidationError({field: error.messages}) from None
    for field, refusal in [
        ("published_at", published_at_refusal(published_at)),
        ("language", language and language_refusal(language)),
    ]:
        if refusal:
            raise ValidationError({field: [refusal]})
    refusal = outlet_name_refusal(outlet_name)
    if refusal:
        raise ValidationError({"outlet": [refusal]})
    existing = Article.objects.filter(url=url).first()
    if existing is not None:
        raise DuplicateArticle(
            f"This URL is already stored as article #{existing.pk} ({existing.title}).",
            existing=existing,
        )
    active = IntakeJob.objects.active().filter(url=url).first()
    if active is not None:
        return active
    try:
        with transaction.atomic():
            job = IntakeJob.objects.create(
                url=url,
                fetch_url=fetch_url[:2000],
                source_kind=source_kind,
                created_by=created_by,
                feed=feed,
                outlet_name=outlet_name,
                byline=byline,
                title=title,
                published_at=published_at,
                language=language,
                feed_published_at=feed_published_at,
                import_batch=import_batch,
                import_line=import_line,
            )
            if queue:
                intake_job_queue(job=job, send=send)
    except IntegrityError:
        # Lost the race with the same URL submitted at the same moment: that job is ours too.
        active = IntakeJob.objects.active().filter(url=url).first()
        if active is None:
            raise
        return active
    return job


def intake_job_queue(*, job: IntakeJob, send: bool = True) -> None:
    now = timezone.now()
    IntakeJob.objects.filter(pk=job.pk).update(
        status=IntakeStatus.QUEUED, queued_at=now, sent_at=None, reason="", finished_at=None
    )
    job.status, job.queued_at, job.reason, job.finished_at = IntakeStatus.QUEUED, now, "", None
    job.sent_at = None
    if send:
        job_id = job.pk
        transaction.on_commit(lambda: _send(job_id))


def _send(job_id: int) -> None:
    if tasks_run_in_process():
        # No worker: the job runs here, as a bulk file's URL rows and feed entries do, under
        # inprocess.py's one rule (a database error tried again after short waits). Celery's
        # eager task would retry it three times at once, its countdowns skipped.
        intake_jobs_run_in_process(job_ids=[job_id])
        return
    this_job = IntakeJob.objects.filter(pk=job_id, status=IntakeStatus.QUEUED)
    if task_send(FETCH_TASK, job_id):
        # The broker has it: the recovery leaves it there (not_in_broker) however long it waits.
        this_job.update(sent_at=timezone.now())
    else:
        this_job.update(reason=BROKER_DOWN_REASON)


def intake_job_retry(*, job: IntakeJob) -> IntakeJob:
    """Queue a failed job again (the attempts start over)."""
    with transaction.atomic():
        job = IntakeJob.objects.select_for_update().get(pk=job.pk)
        if job.status != IntakeStatus.FAILED:
            raise ValidationError(
                f"Only a failed job can be retried; this one is {job.get_status_display()}."
            )
        if IntakeJob.objects.active().filter(url=job.url).exists():
            raise ValidationError("Another job is already fetching this URL.")
        IntakeJob.objects.filter(pk=job.pk).update(attempts=0)
        job.attempts = 0
        intake_job_queue(job=job)
    return job


def intake_job_unsent(*, job_id: int) -> None:
    """The task's retry could not reach the broker (it went away with the database) and
    Celery dropped the job: it is left to the recovery, as if submitted while the broker was
    down, instead of waiting to be presumed lost."""
    IntakeJob.objects.filter(pk=job_id, status=IntakeStatus.QUEUED).update(
        sent_at=None, queued_at=timezone.now(), reason=BROKER_DOWN_REASON
    )


def intake_jobs_requeue_stale(*, queued_for: timedelta, fetching_for: timedelta) -> list[int]:
    """Send again the jobs that never reached the broker (it was down) or whose message is
    presumed lost, and those whose worker died while fetching. A job waiting in the broker is
    left there, so a backlog does not grow at every run. Running a job twice is harmless
    (intake_job_run claims it). Without a worker they run here together once committed, as an
    import's URL rows do (inprocess.py): fetched several at once, sharing one retry budget."""
    now = timezone.now()
    stale = IntakeJob.objects.filter(
        not_in_broker(now=now), status=IntakeStatus.QUEUED, queued_at__lt=now - queued_for
    ) | IntakeJob.objects.filter(status=IntakeStatus.FETCHING, started_at__lt=now - fetching_for)
    ids = list(stale.values_list("pk", flat=True))
    in_process = tasks_run_in_process()
    for job in IntakeJob.objects.filter(pk__in=ids):
        with transaction.atomic():
            if job.status == IntakeStatus.FETCHING:
                # Its worker is gone; the retry counts as a new attempt, not a failure.
                job.status = IntakeStatus.QUEUED
            intake_job_queue(job=job, send=not in_process)
    if in_process and ids:
        transaction.on_commit(partial(intake_jobs_run_in_process, job_ids=ids))
    return ids
