"""Other fact-checkers' ClaimReview: read from a fact-check page's JSON-LD or microdata (extruct)
or from a JSON file (one object, a list, a schema.org @graph, or a Fact Check Tools API export
with "claims"), and stored as ExternalFactCheck rows, never as the desk's own verdicts."""

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

import extruct
import jstyleson
import lxml.etree
from django.core.exceptions import ValidationError
from django.db import transaction
from extruct.jsonld import HTML_OR_JS_COMMENTLINE
from extruct.utils import parse_html

from ..models import ExternalFactCheck
from ..publication_dates import published_at_for_intake
from ..queueing import factchecks_queue_matching
from ..services import (
    language_named,
    language_normalize,
    language_refusal,
    url_normalize,
)
from .addresses import url_host_refused
from .claimreview_values import (
    claim_read,
    date_read,
    first_object,
    party,
    rating_read,
    review_text,
)
from .extract import day_at_noon, page_encoding
from .storable import (
    json_controls_dropped,
    json_error_reason,
    json_unstorable,
    url_shown,
)

_WHITESPACE = re.compile(r"\s+")


@dataclass
class ClaimReviewImport:
    """What an import did: `errors` are the reviews refused (not stored), `notes` the reviews
    stored, but not quite as published (a future date left out); a note is not a refusal."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0  # imported again exactly as stored: the row is left as it was
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    items: list[ExternalFactCheck] = field(default_factory=list)


TOO_DEEP = "the document is nested too deeply to read"
# The most characters kept of each text a ClaimReview gives, with why: (where the ClaimReview
# says it, model field, cap, reason). Longer refuses the review, naming the field: cutting a
# claim or a rating could change what it says, and a longer address is cut to a wrong one.
TEXT_CAPS = [
    (
        "claimReviewed",
        "claim_reviewed",
        2000,
        "a claim reviewed is a sentence or two: a longer text is most likely the article, "
        "not the claim",
    ),
    ("url", "url", 2000, "longer addresses are not links a reader can follow"),
    ("author.url", "publisher_url", 2000, "longer addresses are not links a reader can follow"),
    ("reviewRating", "rating_text", 500, "a rating is a word or a phrase"),
    ("author", "publisher_name", 300, "a publisher's name"),
    ("itemReviewed.author", "claimant", 500, "a claimant's name"),
]


def claimreviews_from_html(
    html: bytes | str, *, url: str, charset: str | None = None
) -> list[dict]:
    """The ClaimReview items embedded in a page, as JSON-LD or microdata. A JSON-LD block that
    is not valid JSON is passed over (pages carry many, for other purposes); it is named only
    when the page gives no ClaimReview."""
    if isinstance(html, bytes):
        encoding = page_encoding(html, charset) or "utf-8"
    else:
        html, encoding = html.encode("utf-8"), "utf-8"
    try:
        tree = parse_html(html, encoding=encoding)
    except (lxml.etree.ParserError, ValueError):
        raise ValidationError("the page is empty") from None
    try:
        blocks, broken = _json_ld_blocks(tree)
        microdata = extruct.extract(tree, base_url=url, syntaxes=["microdata"], uniform=True)
    except RecursionError:  # json.loads recurses once per level of a page's JSON-LD
        raise ValidationError(TOO_DEEP) from None
    items = [*_claimreviews(blocks), *_claimreviews(microdata["microdata"])]
    if not items and broken:
        raise ValidationError(
            f"JSON-LD block {broken[0][0]} of the page is not valid JSON ({broken[0][1]}), and "
            "no other block holds a ClaimReview"
        )
    return items


def _json_ld_blocks(tree) -> tuple[list, list[tuple[int, str]]]:
    """Every JSON-LD block that reads as JSON, and (number, reason) for those that do not."""
    blocks, broken = [], []
    for number, node in enumerate(tree.xpath('//script[@type="application/ld+json"]'), 1):
        script = node.xpath("string()")
        try:
            blocks.append(json.loads(script, strict=False))
            continue
        except json.JSONDecodeError as error:
            reason = json_error_reason(error)
        try:  # as extruct reads them: comments and trailing commas are common
            blocks.append(jstyleson.loads(HTML_OR_JS_COMMENTLINE.sub("", script), strict=False))
        except ValueError:
            broken.append((number, reason))
    return blocks, broken


def claimreviews_from_json(data) -> list[dict]:
    """The ClaimReview items in a JSON document, as schema.org or Fact Check Tools API writes."""
    if isinstance(data, dict) and isinstance(data.get("claims"), list):
        return [item for claim in data["claims"] for item in _from_fact_check_tools(claim)]
    return list(_claimreviews(data))


def _claimreviews(node, ids: dict | None = None) -> Iterator[dict]:
    """Every ClaimReview in `node`, its references to other nodes of the document (an @graph's
    {"@id": "#org"}, as Yoast writes the publisher) replaced by those nodes."""
    if ids is None:
        ids = {}
        _collect_ids(node, ids)
    if isinstance(node, list):
        for item in node:
            yield from _claimreviews(item, ids)
    elif isinstance(node, dict):
        types = node.get("@type")
        types = types if isinstance(types, list) else [types]
        if "ClaimReview" in types:
            yield _references_resolved(node, ids) if ids else node
            return
        for value in node.values():
            if isinstance(value, list | dict):
                yield from _claimreviews(value, ids)


def _collect_ids(node, ids: dict) -> None:
    """The document's nodes by @id: those that say more than their @id (not references)."""
    if isinstance(node, list):
        for item in node:
            _collect_ids(item, ids)
    elif isinstance(node, dict):
        if isinstance(node.get("@id"), str) and not _is_reference(node):
            ids.setdefault(node["@id"], node)
        for value in node.values():
            if isinstance(value, list | dict):
                _collect_ids(value, ids)


def _is_reference(value) -> bool:
    return (
        isinstance(value, dict)
        and isinstance(value.get("@id"), str)
        and set(value)
        <= {
            "@id",
            "@type",
        }
    )


def _dereferenced(value, ids: dict):
    if isinstance(value, list):
        return [_dereferenced(item, ids) for item in value]
    if _is_reference(value):
        return ids.get(value["@id"], value)
    return value


def _references_resolved(item: dict, ids: dict) -> dict:
    """A copy of the ClaimReview with the parties and the claim it reads resolved (one level:
    a node that refers back to the review is not followed round)."""
    item = dict(item)
    for key in ("author", "publisher", "itemReviewed", "reviewRating"):
        if key in item:
            item[key] = _dereferenced(item[key], ids)
    reviewed = item.get("itemReviewed")
    if isinstance(reviewed, dict) and "author" in reviewed:
        item["itemReviewed"] = {**reviewed, "author": _dereferenced(reviewed["author"], ids)}
    return item


def _from_fact_check_tools(claim) -> Iterator[dict]:
    """A Fact Check Tools API claim becomes one schema.org-shaped ClaimReview per review."""
    if not isinstance(claim, dict) or not isinstance(claim.get("claimReview"), list):
        return
    for review in claim["claimReview"]:
        if not isinstance(review, dict):
            continue
        publisher = first_object(review.get("publisher"))
        site = review_text(publisher.get("site"))
        yield {
            "@type": "ClaimReview",
            "claimReviewed": claim.get("text", ""),
            "itemReviewed": {
                "@type": "Claim",
                "author": {"name": claim.get("claimant", "")},
                "datePublished": claim.get("claimDate", ""),
            },
            "author": {
                "name": publisher.get("name", ""),
                "url": f"https://{site}" if site and "://" not in site else site,
            },
            "url": review.get("url", ""),
            "datePublished": review.get("reviewDate", ""),
            "reviewRating": {"alternateName": review.get("textualRating", "")},
            "inLanguage": review.get("languageCode", ""),
        }


def claimreview_clean(item: dict, *, page_url: str = "") -> tuple[dict, list[str]]:
    """ExternalFactCheck fields from one ClaimReview, and notes of what they leave out (a
    rating or a date that cannot be read): the review is stored without it. Raises
    ValidationError naming what is missing."""
    claim_reviewed, notes = claim_read(item.get("claimReviewed"))
    author = party(item.get("author")) or party(item.get("publisher"))
    reviewed = first_object(item.get("itemReviewed"))
    publisher_name = review_text(author.get("name")) if author else ""
    url = review_text(item.get("url")) or page_url
    missing = [
        name
        for name, value in [("claimReviewed", claim_reviewed), ("author", publisher_name)]
        if not value
    ]
    if missing:
        raise ValidationError(f"the ClaimReview has no {' and no '.join(missing)}")
    try:
        url = url_normalize(url)
    except ValidationError:
        raise ValidationError(
            f"the ClaimReview's url {url_shown(url)!r} is not an http(s) URL"
        ) from None
    if not url:
        raise ValidationError("the ClaimReview has no url")
    if url_host_refused(url):
        # The rule of an article's link (articles.services.article_url_refusal): the desk
        # shows this address as a link, and a review naming one inside its network is no
        # public fact-check.
        raise ValidationError(
            f"the ClaimReview's url {url_shown(url)!r} is at an address that is not allowed; "
            "only public internet addresses are kept"
        )
    claimant = party(reviewed.get("author")) if reviewed else {}
    publisher_url = review_text(author.get("url")) if author else ""
    try:
        publisher_url = url_normalize(publisher_url)
    except ValidationError:
        publisher_url = ""
    if url_host_refused(publisher_url):
        publisher_url = ""  # left out as a malformed one is: the review stands without it
    rating, rating_notes = rating_read(item.get("reviewRating"))
    claim_date, claim_date_notes = date_read(
        reviewed.get("datePublished") if reviewed else None, name="claim date"
    )
    review_date, review_date_notes = date_read(item.get("datePublished"), name="review date")
    fields = {
        "claim_reviewed": claim_reviewed,
        "claimant": review_text(claimant.get("name") if claimant else ""),
        "claim_date": claim_date,
        **rating,
        "publisher_name": publisher_name,
        "publisher_url": publisher_url,
        "url": url,
        "review_date": review_date,
        "language": _language(item.get("inLanguage")),
    }
    for name, field_name, cap, reason in TEXT_CAPS:
        if len(fields[field_name]) > cap:
            raise ValidationError(
                f"{name} has {len(fields[field_name]):,} characters; the most kept is {cap:,} "
                f"({reason})"
            )
    return fields, [*notes, *rating_notes, *claim_date_notes, *review_date_notes]


def external_factchecks_store(items: list[dict], *, imported_from: str = "") -> ClaimReviewImport:
    """Store (or refresh) each ClaimReview: a review imported again updates its row when
    anything in it changed, and leaves it as it was (counted unchanged) when nothing did."""
    result = ClaimReviewImport()
    for number, item in enumerate(items, start=1):
        # The whole item is kept (`raw`), so a NUL anywhere in it refuses it, not only in the
        # fields read.
        unstorable = json_unstorable(item)
        if unstorable:
            result.errors.append(f"ClaimReview {number}: {unstorable}")
            continue
        try:
            fields, notes = claimreview_clean(item, page_url=imported_from)
        except ValidationError as error:
            result.errors.append(f"ClaimReview {number}: {error.messages[0]}")
            continue
        result.notes.extend(f"ClaimReview {number} (stored): {note}" for note in notes)
        for name, field_name in [("claim date", "claim_date"), ("review date", "review_date")]:
            fields[field_name], note = _day_for_intake(fields[field_name])
            if note:  # kept, as an article from a feed is, without the date
                result.notes.append(
                    f"ClaimReview {number} (stored): its {name} is left out. {note}"
                )
        values = {
            **fields,
            "imported_from": imported_from[:2000],
            # Kept as published, less the control characters no field keeps either.
            "raw": json_controls_dropped(item),
        }
        with transaction.atomic():
            factcheck, created = ExternalFactCheck.objects.select_for_update().get_or_create(
                identity=_identity(fields["url"], fields["claim_reviewed"]), defaults=values
            )
            if created:
                result.created += 1
            elif all(getattr(factcheck, name) == value for name, value in values.items()):
                # The same review again is no update: its row, and the updated_at the
                # matching sweeper reads, stay as they were.
                result.unchanged += 1
            else:
                for name, value in values.items():
                    setattr(factcheck, name, value)
                factcheck.save()
                result.updated += 1
        result.items.append(factcheck)
    factchecks_queue_matching(factcheck_ids=[factcheck.pk for factcheck in result.items])
    return result


def _identity(url: str, claim: str) -> str:
    key = f"{url}\n{_WHITESPACE.sub(' ', claim).strip().casefold()}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _day_for_intake(day: date | None) -> tuple[date | None, str]:
    """The day under the articles' rule for a future publication date (a day, read at noon)."""
    moment, note = published_at_for_intake(day_at_noon(day) if day else None)
    return (moment.date() if moment else None), note


def _language(value) -> str:
    """The review's language as a code the desk's filters know, or "" (not known). schema.org
    takes a code or a Language, whose name publishers write in English ("English") as often as
    a code: a name is looked up in CLDR's English names. Anything else is not known, rather
    than the review refused: the language is what the review says of itself, not its content."""
    if isinstance(value, dict):
        value = value.get("alternateName") or value.get("name") or ""
    text = review_text(value)
    code = language_normalize(text)
    if language_refusal(code) is None:
        return code
    return language_named(text) or ""
