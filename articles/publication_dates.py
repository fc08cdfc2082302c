"""The one rule for an article's publication moment: the earliest year, the years every page
can show, how far ahead of the desk's calendar it may be, and what intake stores when a source
gives a wrong one."""

from datetime import UTC, datetime, timedelta

from django.utils import timezone

# The one range a publication date may take, stated whole in every refusal: from the first day
# of PUBLISHED_AT_EARLIEST_YEAR to tomorrow on the desk's calendar (a source's clock runs fast,
# or it gives a bare day that is already today where it publishes). Beyond tomorrow the date is
# wrong, and ClaimReview would show a claim made in the future. An earlier year is no news
# article the desk checks but a mistyped year or a source's placeholder for "unknown"
# (0001-01-01), which an empty date says.
PUBLISHED_AT_EARLIEST_YEAR = 1800
PUBLISHED_AT_FUTURE_TOLERANCE = timedelta(days=1)
PUBLISHED_AT_RANGE = f"an article can be dated from {PUBLISHED_AT_EARLIEST_YEAR}-01-01 to tomorrow"
PUBLISHED_AT_OUT_OF_RANGE = f"The publication date is out of range: {PUBLISHED_AT_RANGE}."

# The years every page can show a moment in, in UTC, whatever was stored before the rule above
# (migration 0016 emptied the others). Python's datetime stops at years 1 and 9999, and every
# page shows the moment in the desk's TIME_ZONE, up to a day from UTC: a moment in the first or
# the last year may not convert (0001-01-01 in UTC is in year 0 in New York), and every page
# that lists the article would fail. A year's margin at each end fits every zone.
PUBLISHED_AT_SHOWABLE_YEARS = (2, 9998)


def published_at_refusal(published_at: datetime | None) -> str | None:
    """Why a publication moment cannot be stored, or None. A naive one is read as UTC."""
    return published_at_range_refusal(published_at) or published_at_future_refusal(published_at)


def published_at_range_refusal(published_at: datetime | None) -> str | None:
    """Why a publication moment is before the earliest year or cannot be shown in every time
    zone, or None. A naive one is read as UTC."""
    if published_at is None:
        return None
    if published_at.tzinfo is None:
        published_at = published_at.replace(tzinfo=UTC)
    try:
        year = published_at.astimezone(UTC).year
    except OverflowError:  # before year 1 or after 9999 once in UTC
        year = None
    if year is None or not PUBLISHED_AT_EARLIEST_YEAR <= year <= PUBLISHED_AT_SHOWABLE_YEARS[1]:
        return PUBLISHED_AT_OUT_OF_RANGE
    return None


def published_at_future_refusal(published_at: datetime | None) -> str | None:
    """Why a publication moment is after tomorrow on the desk's calendar, or None. A naive one
    is read as UTC; one out of range is published_at_range_refusal's to refuse."""
    if published_at is None or published_at_range_refusal(published_at):
        return None
    if published_at.tzinfo is None:
        published_at = published_at.replace(tzinfo=UTC)
    # By day, not by the hour: the paste form's day is stored at noon, and tomorrow's was
    # refused before noon though "at most 1 day ahead" allowed it.
    tomorrow = timezone.localdate() + PUBLISHED_AT_FUTURE_TOLERANCE
    # Named as the day it is on the desk's calendar, the one compared: in UTC, a moment just
    # past midnight here could read as the allowed "tomorrow".
    day = timezone.localtime(published_at).date()
    if day > tomorrow:
        return f"The publication date {day:%Y-%m-%d} is in the future: {PUBLISHED_AT_RANGE}."
    return None


STORED_UNDATED = "Stored without a publication date"
# A bulk row giving a URL alone: its job stores the page's own date instead (intake.jobrun).
PAGE_DATE_INSTEAD = "The publication date given is left out, the fetched page's own used if any"


def published_at_for_intake(
    published_at: datetime | None, *, left_out: str = STORED_UNDATED
) -> tuple[datetime | None, str]:
    """The moment a feed, a fetched page or a bulk row may store, and a note saying what was left
    out (`left_out`, then why). Nobody is there to correct such a source, so a future date is
    dropped, not the article (one out of range is kept, and refused with its row, as before: it
    is no date at all). Empty rather than the fetch time: the fetch time would be a guess that
    ClaimReview shows as the day the claim was made, where empty says "unknown"."""
    refusal = published_at_future_refusal(published_at)
    if refusal:
        return None, f"{left_out}: {refusal}"
    return published_at, ""
