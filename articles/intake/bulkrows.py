"""One row of a bulk file: its fields cleaned as the services take them, then stored as an
article (a row with a body) or queued as an intake job of its batch (a URL alone)."""

from collections.abc import Iterable, Iterator

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from ..models import ImportBatch, IntakeJob, IntakeStatus, SourceKind
from ..services import (
    LANGUAGE_CODE_EXAMPLE,
    DuplicateArticle,
    article_submit,
    language_normalize,
    language_refusal,
    url_normalize,
)
from .extract import day_at_noon
from .jobs import intake_job_submit
from .storable import storable_line

# A URL with a job in one of these states is skipped: it is being fetched or has been stored.
_IN_FLIGHT = (IntakeStatus.QUEUED, IntakeStatus.FETCHING, IntakeStatus.STORED)


class RowOutcome:
    STORED = "stored"
    QUEUED = "queued"
    SKIPPED = "skipped"


def import_row_clean(row: dict) -> dict:
    """The row's fields as article_submit / intake_job_submit take them."""
    body, url = (row.get("body") or "").strip(), (row.get("url") or "").strip()
    title = storable_line(row.get("title") or "")
    if not body and not url:
        raise ValidationError(
            "the row has neither a body nor a url: give the article's text (body) or its "
            "address (url)"
        )
    if body and not title:
        raise ValidationError("a row with a body needs a title: give one (title)")
    published_raw = (row.get("published_at") or "").strip()
    published_at = None
    if published_raw:
        try:
            day = parse_date(published_raw)
            published_at = day_at_noon(day) if day else parse_datetime(published_raw)
        except ValueError:
            published_at = None
        if published_at is None:
            raise ValidationError(
                f"published_at {published_raw!r} is not an ISO 8601 date: write it as "
                "2026-11-18, or 2026-11-18T09:30:00+00:00 with a time"
            )
        if timezone.is_naive(published_at):
            published_at = timezone.make_aware(published_at)
    # A URL row without one takes its page's (jobrun.py): "en" is assumed only with a body.
    given_language = row.get("language") or ("en" if body else "")
    language = language_normalize(given_language)
    if given_language and language_refusal(language):
        raise ValidationError(
            f"language {language[:20]!r} is not a language code {LANGUAGE_CODE_EXAMPLE}"
        )
    return {
        "title": title,
        "body": body,
        "url": url,
        "published_at": published_at,
        # Not cut to their columns: a longer one is refused, naming it, by the service that
        # stores the row (articles.services.OUTLET_NAME_LENGTH, BYLINE_LENGTH), as the paste
        # form and the API refuse it.
        "outlet_name": storable_line(row.get("outlet") or ""),
        "byline": storable_line(row.get("byline") or ""),
        "language": language,
    }


def import_urls_in_flight(urls: Iterable[str]) -> set[str]:
    """The normalised URLs among `urls` that an intake job is fetching or has stored (one query)."""
    urls = set(urls)
    if not urls:
        return set()
    return set(
        IntakeJob.objects.filter(status__in=_IN_FLIGHT, url__in=urls).values_list("url", flat=True)
    )


def import_row_store(
    fields: dict,
    *,
    created_by=None,
    in_flight: set[str] | None = None,
    batch: ImportBatch | None = None,
    line: int | None = None,
    fetch_here: list[int] | None = None,
) -> str:
    """Store one clean row: a RowOutcome, STORED (an article), QUEUED (a URL alone, now an
    intake job of `batch`, from `line`) or SKIPPED (already there). Raises ValidationError for
    a row the services refuse.

    `in_flight` is import_urls_in_flight() of the rows around this one, read once for them; a
    URL queued here is added to it, so the same URL again in those rows is skipped.
    `fetch_here`: the job is not sent to a worker; its id is added to the list, for the caller
    to run once committed (intake_jobs_run_in_process)."""
    try:
        if fields["body"]:
            article_submit(
                source_kind=SourceKind.IMPORT, created_by=created_by, import_batch=batch, **fields
            )
            return RowOutcome.STORED
        url = url_normalize(fields["url"])
        if in_flight is None:
            in_flight = import_urls_in_flight([url])
        if url in in_flight:
            return RowOutcome.SKIPPED
        job = intake_job_submit(
            url=url,
            source_kind=SourceKind.IMPORT,
            created_by=created_by,
            outlet_name=fields["outlet_name"],
            byline=fields["byline"],
            # Checked there as article_submit checks a row with a body: a title too long, a
            # date out of range, refused by line before the page is fetched.
            title=fields["title"],
            published_at=fields["published_at"],
            language=fields["language"],
            import_batch=batch,
            import_line=line,
            send=fetch_here is None,
        )
        in_flight.add(url)
        # Another submission of the URL won the race to it: that job is not this import's.
        ours = batch is None or job.import_batch_id == batch.pk
        if ours and fetch_here is not None:
            fetch_here.append(job.pk)
        return RowOutcome.QUEUED if ours else RowOutcome.SKIPPED
    except DuplicateArticle:
        return RowOutcome.SKIPPED


def import_job_urls(chunk) -> Iterator[str]:
    """The normalised URL of every row in `chunk` that would become an intake job."""
    for _line, row, _error in chunk:
        if (
            row is not None
            and (row.get("url") or "").strip()
            and not (row.get("body") or "").strip()
        ):
            try:
                yield url_normalize(row["url"])
            except ValidationError:
                continue  # the row is reported when it is stored
