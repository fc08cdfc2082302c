"""A ClaimReview's values as the desk reads them (claimreview.py): text from markup, the parties,
the rating and the dates, each with a note of what could not be read, so an import's report
says what a stored review left out. No database."""

import json
import math
from datetime import date

from django.utils.dateparse import parse_date, parse_datetime

from ..services import line_visible
from .storable import key_shown


def review_text(value) -> str:
    """A one-line text (the first, of a list), for search and embedding."""
    if isinstance(value, list):
        value = next((item for item in value if isinstance(item, str)), "")
    if not isinstance(value, str):
        return ""
    return line_visible(value)


def first_object(value) -> dict:
    if isinstance(value, list):
        value = next((item for item in value if isinstance(item, dict)), None)
    return value if isinstance(value, dict) else {}


def party(value) -> dict:
    """An author or publisher as an object: schema.org allows a plain name ("author": "Name")."""
    found = first_object(value)
    if not found:
        name = review_text(value)
        found = {"name": name} if name else {}
    return found


def claim_read(value) -> tuple[str, list[str]]:
    """The claim reviewed, and a note when a list gives several: a list of claims is not one
    claim, so the first is kept and the rest named as left out."""
    claims = [review_text(item) for item in value] if isinstance(value, list) else []
    claims = [claim for claim in claims if claim]
    if len(claims) > 1:
        left_out = len(claims) - 1
        return claims[0], [
            f"its claimReviewed lists {len(claims)} claims; only the first is kept "
            f"({left_out} left out)."
        ]
    return review_text(value), []


def _shown(value) -> str:
    return key_shown(json.dumps(value, ensure_ascii=False))


def rating_read(value) -> tuple[dict, list[str]]:
    """rating_text, rating_value, best_rating and worst_rating from a reviewRating, and a note
    for each part given that could not be read. A plain string is the rating's text, as
    alternateName is; a ratingValue that is not a number is the text when no other is given
    (publishers write "ratingValue": "False"); a value outside the scale it names (99 of 5) is
    left out, so no page shows it, and the rating text stands alone."""
    notes = []
    rating = first_object(value)
    text = review_text(value) if not rating else review_text(rating.get("alternateName"))
    text = text or review_text(rating.get("name"))
    numbers = {}
    for key, field_name in [
        ("ratingValue", "rating_value"),
        ("bestRating", "best_rating"),
        ("worstRating", "worst_rating"),
    ]:
        given = rating.get(key)
        numbers[field_name] = _number(given)
        if numbers[field_name] is not None or given in (None, ""):
            continue
        if key == "ratingValue" and not text and _not_numeric(given):
            text = review_text(given)
            notes.append(
                f"its ratingValue {_shown(given)} is not a number: it is kept as the rating's text."
            )
        else:
            notes.append(f"its {key} {_shown(given)} is left out: it is not a number.")
    number, best, worst = numbers["rating_value"], numbers["best_rating"], numbers["worst_rating"]
    if None not in (number, best, worst) and not min(best, worst) <= number <= max(best, worst):
        numbers["rating_value"] = None
        notes.append(
            f"its ratingValue {number:g} is left out: it is outside the review's scale, "
            f"{worst:g} to {best:g}."
        )
    if not text and numbers["rating_value"] is None and value not in (None, ""):
        notes.append("it is stored without a rating: its reviewRating gives none that can be read.")
    return {"rating_text": text, **numbers}, notes


def _not_numeric(value) -> bool:
    """Whether a value is words ("False"), not a number, however malformed ("NaN", "1e999")."""
    if not isinstance(value, str):
        return False
    try:
        float(value)
    except ValueError:
        return True
    return False


def _number(value) -> float | None:
    if isinstance(value, bool):  # JSON's true is no rating
        return None
    try:
        number = float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None
    return number if number is not None and math.isfinite(number) else None


def date_read(value, *, name: str) -> tuple[date | None, list[str]]:
    """A day, and a note when one is given that is not a date ("yesterday")."""
    text = review_text(value)
    day = None
    if text:
        try:
            moment = parse_datetime(text)
            day = moment.date() if moment else parse_date(text[:10])
        except ValueError:
            day = None
    if day is None and value not in (None, ""):
        return None, [
            f"its {name} {_shown(value)} is left out: it is not a date (give one as 2026-11-20)."
        ]
    return day, []
