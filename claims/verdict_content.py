"""What a verdict says, as the desk stores it: its texts checked against their limits, its
evidence sources checked, cleaned, compared and replaced. Draft saves (claims.verdicts) and
corrections (claims.corrections, claims.correction_requests) use the same rules."""

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from articles.intake.addresses import PORT_RULE, has_impossible_port
from articles.intake.storable import url_shown
from articles.services import visible_text

from .limits import SOURCE_TEXTS, VERDICT_TEXTS, text_refusals
from .models import EvidenceSource, Verdict


def verdict_text_check(**texts: str) -> None:
    """Refuse verdict text (claims.limits.VERDICT_TEXTS, by field name) that cannot be stored
    or is past its limit, naming the field as the forms do."""
    for field, text in texts.items():
        refused = text_refusals(text, *VERDICT_TEXTS[field])
        if refused:
            raise ValidationError({field: refused})


# What a source may link: the public page makes each one a link, so never javascript: or data:.
_source_url_check = URLValidator(schemes=["http", "https"])


def source_stored(source: dict) -> tuple[str, str, str]:
    """A given source's (url, title, note) as they are stored: the desk's one cleaning of
    typed text (visible_text), whichever way the source came, the desk's form, the admin's or
    a correction."""
    return tuple(visible_text(source.get(field)) for field in ("url", "title", "note"))


def sources_check(sources: list[dict]) -> None:
    for number, source in enumerate(sources, start=1):
        for field, (what, length) in SOURCE_TEXTS.items():
            refused = text_refusals(visible_text(source.get(field)), what, length)
            if refused:
                raise ValidationError(
                    {"sources": [f"Source {number}: {message}" for message in refused]}
                )
        url, title, _ = source_stored(source)
        try:
            _source_url_check(url)
        except ValidationError:
            raise ValidationError(
                {"sources": [f"Source {number}: give its http(s) address, not {url_shown(url)!r}."]}
            ) from None
        if has_impossible_port(url):
            message = f"Source {number}: {url_shown(url)!r} is not an address: {PORT_RULE}."
            raise ValidationError({"sources": [message]})
        if not title:
            raise ValidationError({"sources": [f"Source {number}: give its title."]})


def sources_replace(verdict: Verdict, sources: list[dict]) -> None:
    """Replace the verdict's sources with `sources`. A source given no access date keeps the
    date of the verdict's source at the same address, and a new address gets today's: a save
    or a correction that keeps a source (as it was, or retitled) did not read it again, and
    readers would be told it was checked today. The desk's draft form and corrections send no
    dates; the admin's form does."""
    sources_check(sources)
    today = timezone.localdate()
    accessed = {}
    for old in verdict.sources.order_by("id"):
        accessed.setdefault(old.url, old.accessed_on)
        old.delete()  # one by one, so each leaves its history record
    bulk_create_with_history(
        [
            EvidenceSource(
                verdict=verdict,
                url=url,
                title=title,
                note=note,
                accessed_on=source.get("accessed_on") or accessed.get(url) or today,
            )
            for source in sources
            for url, title, note in [source_stored(source)]
        ],
        EvidenceSource,
    )


def sources_changed(before, sources: list[dict]) -> dict[str, str]:
    """The sources' addresses a save or a correction added, removed, or kept with another
    title or note, against the (url, title, note) rows `before` it; the empty ones left out.
    The event data the history shows for 'Verdict drafted' and 'Correction published'."""
    old = {url: (title, note) for url, title, note in before}
    new = {url: (title, note) for url, title, note in map(source_stored, sources)}
    changes = {
        "sources_added": [url for url in new if url not in old],
        "sources_removed": [url for url in old if url not in new],
        "sources_changed": [url for url in new if url in old and new[url] != old[url]],
    }
    return {key: ", ".join(urls) for key, urls in changes.items() if urls}


def content_unchanged(
    verdict: Verdict, rating, conclusion: str, explanation: str, sources: list[dict]
) -> bool:
    """Whether a save or a correction would leave the verdict as it is: the same rating and
    wording (stripped), and the same sources in the same order (a source's access date counts
    only where the save gives one: the desk's form does not, and a save gives a new source
    today's)."""
    fields = (rating.pk if rating else None, conclusion, explanation)
    if (verdict.rating_id, verdict.conclusion, verdict.explanation) != fields:
        return False
    stored = list(verdict.sources.order_by("id").values_list("url", "title", "note", "accessed_on"))
    if len(stored) != len(sources):
        return False
    for (url, title, note, accessed_on), source in zip(stored, sources, strict=True):
        if (url, title, note) != source_stored(source):
            return False
        if source.get("accessed_on") and source["accessed_on"] != accessed_on:
            return False
    return True
