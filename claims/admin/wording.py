"""A verdict's wording as the admin shows it: its sources as a list a person reads (not the JSON
a correction request keeps them in), and a correction's proposed wording beside the published
one, so an editor compares the two before publishing. Every text here is escaped (format_html):
titles, notes and addresses are what someone typed, or what a fetched page said."""

from urllib.parse import urlsplit

from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join

from articles.times import desk_time

from ..correction_requests import pending_correction_of
from ..models import ApplicationStatus, CorrectionRequest, EvidenceSource, Verdict

WORDING = ("rating", "conclusion", "explanation")


def is_web_address(url: str) -> bool:
    """Only an http(s) address becomes a link: a javascript: or data: one, stored before the
    desk checked its sources or brought in another way, would run in the admin's page."""
    try:
        parts = urlsplit(url)
    except ValueError:  # "http://[" is no address
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def sources_html(sources) -> str:
    """Sources, as dicts (a correction's) or EvidenceSource rows (a verdict's), one a line: the
    title linked to its address, the address, the note and the day it was read. A correction's
    sources carry no day: each is dated the day the correction is published."""
    rows = [_as_dict(source) for source in sources]
    if not rows:
        return "(none)"
    return format_html(
        '<ul class="plain">{}</ul>',
        format_html_join("", "<li>{}</li>", ((_source(row),) for row in rows)),
    )


def _as_dict(source) -> dict:
    if isinstance(source, EvidenceSource):
        return {
            "url": source.url,
            "title": source.title,
            "note": source.note,
            "accessed_on": source.accessed_on,
        }
    return source


def _source(source: dict):
    url, title = source.get("url") or "", source.get("title") or ""
    if is_web_address(url):
        named = format_html(
            '<a href="{}" rel="noopener noreferrer">{}</a> <small>{}</small>',
            url,
            title or url,
            url,
        )
    else:
        named = format_html("{} <small>{}</small>", title or "(no title)", url or "(no address)")
    details = [text for text in (source.get("note"), _accessed(source.get("accessed_on"))) if text]
    return format_html_join(" · ", "{}", ((part,) for part in [named, *details]))


def _accessed(day) -> str:
    return f"accessed {date_format(day)}" if day else ""


def _compared_sources(sources) -> list[tuple]:
    # Not the day read, which a correction's sources never give.
    return [tuple(_as_dict(s).get(key) or "" for key in ("url", "title", "note")) for s in sources]


def wording_compared(correction: CorrectionRequest) -> str:
    """A table of the published wording beside the correction's, rating, conclusion,
    explanation and sources, each row saying whether the correction changes it. While the
    correction waits, "published" is the verdict as it reads now; once decided, as it read when
    the correction was written (an approved one's wording is the verdict's own since)."""
    if correction.status == ApplicationStatus.PENDING:
        heading, verdict = "Published now", correction.verdict
        published = {
            "rating": verdict.rating.label if verdict.rating else "",
            "conclusion": verdict.conclusion,
            "explanation": verdict.explanation,
            "sources": list(verdict.sources.order_by("id")),
        }
    else:
        heading = "Published when it was written"
        published = {key: correction.based_on.get(key, "") for key in WORDING}
        published["sources"] = correction.based_on.get("sources", [])
    proposed = {
        "rating": correction.rating.label,
        "conclusion": correction.conclusion,
        "explanation": correction.explanation,
        "sources": correction.sources,
    }
    changed = {key: published[key] != proposed[key] for key in WORDING}
    changed["sources"] = _compared_sources(published["sources"]) != _compared_sources(
        proposed["sources"]
    )
    rows = (
        (
            key.capitalize(),
            _shown(key, published[key]),
            _shown(key, proposed[key]),
            "Changed" if changed[key] else "Unchanged",
        )
        for key in (*WORDING, "sources")
    )
    return format_html(
        '<table class="wording-compared"><thead><tr><th scope="col">Field</th>'
        '<th scope="col">{}</th><th scope="col">Proposed by the correction</th>'
        '<th scope="col">Change</th></tr></thead><tbody>{}</tbody></table>',
        heading,
        format_html_join(
            "", '<tr><th scope="row">{}</th><td>{}</td><td>{}</td><td>{}</td></tr>', rows
        ),
    )


def pending_correction_html(verdict: Verdict) -> str:
    """A published verdict's correction waiting for an editor, if any: who wrote it and when,
    a link to it, its public note and its wording beside the published one."""
    correction = pending_correction_of(verdict)
    if correction is None:
        return "None waiting."
    correction.verdict = verdict
    return format_html(
        '<p><a href="{}">Correction request {}</a>, written by {} on {}; nothing of it is '
        "public until an editor who wrote none of this verdict publishes it.</p>"
        "<p>Public note: {}</p>{}",
        reverse("admin:claims_correctionrequest_change", args=[correction.pk]),
        correction.pk,
        correction.proposed_by.get_username(),
        desk_time(correction.proposed_at),
        correction.note,
        wording_compared(correction),
    )


def _shown(key: str, value):
    if key == "sources":
        return sources_html(value)
    if key == "explanation":
        return linebreaksbr(value or "(none)", autoescape=True)
    return value or "(none)"
