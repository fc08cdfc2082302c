"""Running one URL intake job: claim it, fetch its page, then store the article or record why
there is none (queued for its retry, or failed with the reason). The task (articles/tasks.py)
and the in-process runner (inprocess.py) take the same steps; jobs.py submits and sends jobs.

Imports neither jobs.py nor inprocess.py: jobs.py hands a job to inprocess.py when tasks run
in-process, and inprocess.py runs these steps."""

from dataclasses import dataclass
from datetime import timedelta

from courlan import extract_domain
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from ..models import IntakeJob, IntakeStatus
from ..publication_dates import published_at_for_intake
from ..services import (
    OUTLET_NAME_LENGTH,
    DuplicateArticle,
    article_submit,
    domain_from_url,
    language_normalize,
    language_refusal,
    line_visible,
    url_normalize,
)
from .extract import ExtractionError, article_extract
from .fetch import FetchError, FetchResult, fetch, fetch_within, url_refusal
from .queue import retry_countdown

INTERNAL_ERROR_REASON = "An internal error stopped the fetch; the desk's logs have the details."
DATABASE_RETRY_REASON = "Will try again: the database could not be reached"
# A page that timed out or answered 503 is tried this many times before the job fails.
MAX_ATTEMPTS = 3


def in_request_note() -> str:
    """Said after a transient failure of a fetch run inside the submitting request (tasks run
    in-process): there is no worker to try it again later, and the submission is not lost."""
    seconds = settings.INTAKE_IN_REQUEST_FETCH_SECONDS
    return (
        "Not tried again: this desk has no task queue, so the page was fetched once, inside the "
        f"request (or command) that submitted it, for at most {seconds:g} s. The submission is "
        "kept in this job: retry it later, or paste the article's text."
    )


@dataclass(frozen=True)
class JobOutcome:
    job: IntakeJob
    retry_in: int | None = None  # a transient failure: try again in this many seconds


def fetch_lease() -> timedelta:
    """Longer than any fetch can take (every hop and its robots.txt timing out), so a job
    'fetching' for longer has lost its worker and a second delivery may take it over."""
    hop = settings.INTAKE_CONNECT_TIMEOUT + 2 * settings.INTAKE_READ_TIMEOUT
    return timedelta(seconds=2 * hop * (settings.INTAKE_MAX_REDIRECTS + 1))


def intake_job_run(
    *, job_id: int, final_attempt: bool = False, in_request: bool = False
) -> JobOutcome:
    """Fetch, extract and store the job's page. Safe to run twice: a job already stored or failed
    is left alone, and a job left 'fetching' by a worker that died is taken over.

    `in_request`: the task runs inside a web request (no broker: CELERY_TASK_ALWAYS_EAGER). A
    worker waits out every time-out of every hop and retries with a countdown; a request cannot
    (three tries of a hanging site held the submit page 45 s, and Celery runs an eager retry at
    once, without its countdown), so the fetch gets INTAKE_IN_REQUEST_FETCH_SECONDS in all and
    a transient failure fails the job, saying so (in_request_note)."""
    job, claimed = intake_job_claim(job_id=job_id)
    if not claimed:
        return JobOutcome(job)
    fetched = page_fetch(job.fetch_url or job.url, in_request=in_request)
    return intake_job_record(
        job=job, fetched=fetched, final_attempt=final_attempt, in_request=in_request
    )


def intake_job_claim(*, job_id: int) -> tuple[IntakeJob, bool]:
    """Take the job for a fetch, counting the attempt: (the job, True); (the job, False) when
    it is stored, failed, or being fetched by a live worker. Raises IntakeJob.DoesNotExist."""
    now = timezone.now()
    claimed = IntakeJob.objects.filter(
        Q(status=IntakeStatus.QUEUED)
        | Q(status=IntakeStatus.FETCHING, started_at__lt=now - fetch_lease()),
        pk=job_id,
    ).update(
        status=IntakeStatus.FETCHING,
        attempts=F("attempts") + 1,
        started_at=now,
        reason="",
    )
    jobs = IntakeJob.objects.select_related("feed__outlet", "import_batch")
    # The batch's legacy whole-file column may hold megabytes (bulkfile.py keeps pieces now).
    return jobs.defer("import_batch__content").get(pk=job_id), bool(claimed)


def page_fetch(url: str, *, in_request: bool) -> FetchResult | FetchError:
    """The page at `url`, or the FetchError that stopped it (returned, so that it can be handed
    back from another thread). Reads no database: inprocess.py runs several at once."""
    in_request_time = settings.INTAKE_IN_REQUEST_FETCH_SECONDS if in_request else None
    try:
        with fetch_within(in_request_time):
            return fetch(url)
    except FetchError as error:
        return error


def intake_job_record(
    *,
    job: IntakeJob,
    fetched: FetchResult | FetchError,
    final_attempt: bool = False,
    in_request: bool = False,
) -> JobOutcome:
    """Extract and store a claimed job's fetched page, or record why there is none (queued for
    its retry, or failed with the reason), as intake_job_run does."""
    job.fetched_url = fetched.url[:2000]
    if isinstance(fetched, FetchError):
        error = fetched
        if error.transient and in_request:
            reason = f"{reason_sentence(error.reason)} {in_request_note()}"
            return JobOutcome(_finish(job, IntakeStatus.FAILED, reason))
        if error.transient and not final_attempt and job.attempts < MAX_ATTEMPTS:
            retry_in = retry_countdown(job.attempts)
            # Queued again, due at a worker when the countdown ends: the recovery of jobs that
            # never reached one counts from then, so it does not send a second copy meanwhile.
            job.queued_at = timezone.now() + timedelta(seconds=retry_in)
            _finish(job, IntakeStatus.QUEUED, f"Will try again: {error.reason}.")
            return JobOutcome(job, retry_in=retry_in)
        return JobOutcome(_finish(job, IntakeStatus.FAILED, reason_sentence(error.reason)))
    try:
        extracted = article_extract(
            fetched.body,
            url=fetched.url,
            charset=fetched.charset,
            min_chars=settings.INTAKE_MIN_TEXT_CHARS,
            # The title given with the URL is the article's over the page's (_store).
            title_given=bool(job.title),
        )
    except ExtractionError as error:
        return JobOutcome(_finish(job, IntakeStatus.FAILED, reason_sentence(str(error))))
    return JobOutcome(_store(job, fetched.url, extracted))


def _store(job: IntakeJob, fetched_url: str, extracted) -> IntakeJob:
    canonical = (
        _same_site_url(extracted.canonical_url, fetched_url) or _usable_url(fetched_url) or job.url
    )
    outlet = job.feed.outlet if job.feed_id and job.feed.outlet_id else None
    # The page's own site name, which nobody typed, is cut to the column as extract.py cuts
    # its byline and title; a name someone gave (the job's) was refused when longer. Read as
    # the outlet will be (line_visible): a site name of markup alone is none, not a refusal.
    site_name = line_visible(extracted.site_name)[: OUTLET_NAME_LENGTH.limit_value]
    # Given with the URL (a bulk row's, the API's, the submit form's), the title, date and
    # language are the article's, as the byline and outlet are: the newsroom's file is
    # deliberate, a page's metadata a guess from its markup (a headline with the site's name
    # on it, the day it was last updated, a template's lang="en"). The page's fills in only
    # what none was given for. A given date was checked when the job was submitted.
    if job.published_at is not None:
        published_at, note = job.published_at, ""
    else:
        published_at, note = published_at_for_intake(extracted.published_at)
    try:
        # The article and the job that names it commit together: a database error between
        # the two writes would otherwise leave the article, and the task's retry would find
        # it "already stored" and mark the job a duplicate of its own article.
        with transaction.atomic():
            article = article_submit(
                title=job.title or extracted.title,
                body=extracted.body,
                source_kind=job.source_kind,
                url=canonical,
                # A feed's outlet is its articles' (one known by name alone too, which has
                # no domain to give); otherwise the name given, or the page's own.
                outlet=outlet,
                outlet_name=job.outlet_name or site_name,
                # A byline given with the URL is a newsroom's own record of who wrote the
                # piece, as its outlet name is; a page's author is a guess from its markup
                # ("Staff", the site's name) and is only used where none was given.
                byline=job.byline or extracted.byline,
                published_at=published_at,
                language=job.language or _page_language(extracted.language),
                created_by=job.created_by,
                # A URL row's article is its import's, as a row with a body is: listed under
                # ?import_batch=N, which the import's page links to.
                import_batch=job.import_batch,
                extracted=True,
            )
            job.article, job.duplicate = article, False
            return _finish(job, IntakeStatus.STORED, note)
    except DuplicateArticle as duplicate:
        if IntakeJob.objects.filter(pk=job.pk, article=duplicate.existing).exists():
            # A second delivery of this very job lost the race to the first: nothing to add.
            return IntakeJob.objects.get(pk=job.pk)
        job.article, job.duplicate = duplicate.existing, True
        return _finish(job, IntakeStatus.STORED, duplicate.messages[0])
    except ValidationError as error:
        return _finish(
            job, IntakeStatus.FAILED, "The page could not be stored: " + " ".join(error.messages)
        )


def _page_language(language: str) -> str:
    """The page's own lang attribute, which nobody at the desk typed: one that is no language
    code (lang="xx") is read as none, as a page without one is, not a reason to drop the page."""
    language = language_normalize(language)
    return language if language and not language_refusal(language) else "en"


def _same_site_url(canonical: str, fetched_url: str) -> str:
    """The page's canonical URL, if it is on the page's own site (an AMP or print copy, a
    tracking variant). A page naming another site's article as canonical would otherwise make
    that article look already stored when someone submits it."""
    canonical = _usable_url(canonical)
    if not canonical:
        return ""
    site, fetched_site = extract_domain(canonical), extract_domain(fetched_url)
    if site and site == fetched_site:
        return canonical
    same_host = domain_from_url(canonical) == domain_from_url(fetched_url)
    return canonical if same_host else ""


def _usable_url(url: str) -> str:
    try:
        return url_normalize(url) if url and not url_refusal(url) else ""
    except ValidationError:
        return ""


def reason_sentence(reason: str) -> str:
    reason = reason.strip().rstrip(".")
    return reason[:1].upper() + reason[1:] + "."


def _finish(job: IntakeJob, status: str, reason: str) -> IntakeJob:
    job.status, job.reason = status, reason[:5000]
    job.finished_at = None if status == IntakeStatus.QUEUED else timezone.now()
    if status == IntakeStatus.QUEUED:
        job.sent_at = timezone.now()  # the task sends its retry now (intake_job_unsent if not)
    job.save(
        update_fields=[
            "status",
            "reason",
            "finished_at",
            "queued_at",
            "sent_at",
            "article",
            "duplicate",
            "fetched_url",
        ]
    )
    return job


def intake_job_fail(*, job_id: int, reason: str) -> None:
    """The last word when the task itself broke: the job must not stay 'fetching' for ever."""
    IntakeJob.objects.filter(
        pk=job_id, status__in=[IntakeStatus.QUEUED, IntakeStatus.FETCHING]
    ).update(
        status=IntakeStatus.FAILED,
        reason=reason_sentence(reason)[:5000],
        finished_at=timezone.now(),
    )


def intake_job_retry_later(*, job_id: int, reason: str, retry_in: float, retry_sent: bool) -> None:
    """The task broke on a transient error (the database blinked): the job is queued again for
    the task's own retry, due in `retry_in` seconds, so the stale-job recovery leaves it be.
    `retry_sent`: the retry is a message the task sends to the broker (a worker's); an
    in-process retry is only a wait, which a kill or Ctrl-C ends, so the job reads as never
    sent and the recovery takes it once overdue, not an hour on (queue.not_in_broker)."""
    IntakeJob.objects.filter(
        pk=job_id, status__in=[IntakeStatus.QUEUED, IntakeStatus.FETCHING]
    ).update(
        status=IntakeStatus.QUEUED,
        reason=reason_sentence(reason)[:5000],
        queued_at=timezone.now() + timedelta(seconds=retry_in),
        sent_at=timezone.now() if retry_sent else None,
    )
