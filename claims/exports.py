"""The editors' spreadsheet of published fact-checks (for partner reports and the newsroom's own
counts): the rows `Verdict.objects.published()` gives, one per verdict, as CSV cells that a
spreadsheet reads as text, never as a formula."""

import csv
from collections.abc import Iterator
from datetime import date

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from .models import Verdict

COLUMNS = [
    "fact_check_id",
    "public_url",
    "claim",
    "speaker",
    "outlet",
    "article_url",
    "rating",
    "conclusion",
    "published_at",
    "corrections",
    "author",
    "editor",
]
# A cell a spreadsheet would run as a formula (OWASP "CSV injection"): one that starts with a
# tab or a line break, or with these also behind leading whitespace, which some spreadsheets
# skip before reading a formula.
_FORMULA_START = ("=", "+", "-", "@")
_CONTROL_START = ("\t", "\r", "\n")


def spreadsheet_text(value) -> str:
    text = "" if value is None else str(value)
    if text.startswith(_CONTROL_START) or text.lstrip().startswith(_FORMULA_START):
        return "'" + text
    return text


def published_verdict_rows(
    *, date_from: date | None, date_to: date | None, absolute_url
) -> Iterator[list[str]]:
    """The header, then each published verdict of the period (by publication day in the
    desk's TIME_ZONE), oldest first. `absolute_url(path)` makes the public page's address."""
    verdicts = (
        Verdict.objects.published()
        .select_related(
            "claim", "claim__speaker", "claim__article", "claim__article__outlet", "rating"
        )
        .select_related("author", "editor")
        .annotate(correction_count=Count("corrections"))
        .order_by("published_at", "pk")
    )
    if date_from:
        verdicts = verdicts.filter(published_at__date__gte=date_from)
    if date_to:
        verdicts = verdicts.filter(published_at__date__lte=date_to)
    yield COLUMNS
    for verdict in verdicts.iterator(chunk_size=500):
        claim, article = verdict.claim, verdict.claim.article
        yield [
            spreadsheet_text(cell)
            for cell in [
                verdict.pk,
                absolute_url(reverse("claims:public", args=[verdict.pk])),
                claim.text,
                claim.speaker.name if claim.speaker else "",
                article.outlet.name if article.outlet else "",
                article.url,
                verdict.rating.label,
                verdict.conclusion,
                # In the desk's time zone, as the period is read: a row of 4 May says 4 May.
                timezone.localtime(verdict.published_at).isoformat(timespec="seconds"),
                verdict.correction_count,
                verdict.author.get_username() if verdict.author else "",
                verdict.editor.get_username() if verdict.editor else "",
            ]
        ]


class _Echo:
    def write(self, value):
        return value


def csv_lines(rows) -> Iterator[str]:
    """The CSV text, starting with a byte-order mark: Excel, the newsroom's usual reader, takes
    a file without one for the local code page and garbles every accent."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    for row in rows:
        yield writer.writerow(row)
