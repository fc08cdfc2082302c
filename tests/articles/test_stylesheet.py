"""The desk's stylesheet meets WCAG 2.2 AA contrast: text 4.5:1 (1.4.3), focus outlines, form
control borders and chart bars 3:1 (1.4.11). The colours are read from app.css itself (the bars'
from the pages, on app.css's background), so a change that breaks a pair fails here."""

import re
from pathlib import Path

import pytest

from claims.colours import TEXT_CONTRAST_MINIMUM, contrast_ratio

STYLESHEET = Path(__file__).resolve().parents[2] / "articles/static/factcheck/app.css"


def rules() -> dict[str, dict[str, str]]:
    """selector -> {property: value}, later rules overriding earlier ones, var() resolved."""
    css = re.sub(r"/\*.*?\*/", "", STYLESHEET.read_text(), flags=re.S)
    css = re.sub(r"@media[^{]*\{((?:[^{}]*\{[^}]*\})*)\s*\}", "", css)  # narrow screens only
    found: dict[str, dict[str, str]] = {}
    for selectors, body in re.findall(r"([^{}]+)\{([^}]*)\}", css):
        declarations = dict(
            (name.strip(), value.strip())
            for name, _, value in (d.partition(":") for d in body.split(";") if ":" in d)
        )
        for selector in selectors.split(","):
            found.setdefault(" ".join(selector.split()), {}).update(declarations)
    variables = found[":root"]

    def resolve(value: str) -> str:
        return re.sub(
            r"var\((--[\w-]+)(?:,\s*([^)]+))?\)",
            lambda m: variables.get(m.group(1), m.group(2) or ""),
            value,
        )

    return {s: {p: resolve(v) for p, v in d.items()} for s, d in found.items()}


def colour(rules_, selector: str, prop: str) -> str:
    value = rules_[selector][prop]
    match = re.search(r"#[0-9a-fA-F]{3,6}\b", value)
    assert match, f"{selector} {prop}: {value}"
    return match.group(0)


CSS = rules()
PAGE = colour(CSS, "body", "background")
TEXT = colour(CSS, "body", "color")

# (what, foreground (selector, property), background (selector, property) or the page)
TEXT_PAIRS = [
    ("body text", ("body", "color"), None),
    ("links", ("a", "color"), None),
    ("muted text", (".muted", "color"), None),
    ("muted text on the filters panel", (".muted", "color"), (".filters", "background")),
    ("muted text on a claim's row", (".muted", "color"), ("tr.is-claim td", "background")),
    ("errors", (".error", "color"), None),
    ("errors on an alert", (".error", "color"), (".alert", "background")),
    ("the error summary", (".error-summary p", "color"), (".error-summary", "background")),
    ("a failed status", (".status-failed", "color"), (".status-failed", "background")),
    ("a done status", (".status-done", "color"), (".status-done", "background")),
    ("a published status", (".status-published", "color"), (".status-published", "background")),
    ("a dismissed status", (".status-dismissed", "color"), (".status-dismissed", "background")),
    ("button labels", ("button", "color"), ("button", "background")),
    ("danger button labels", ("button", "color"), ("button.danger", "background")),
    ("secondary button labels", ("button.secondary", "color"), ("button.secondary", "background")),
    ("the highlighted claim", ("mark", "color"), ("mark", "background")),
    ("deleted words", ("del", "color"), None),
    ("inserted words", ("ins", "color"), None),
]
# Backgrounds drawn behind body text with no colour of their own.
BODY_TEXT_ON = [
    ".status",
    ".badge",
    ".status-new",
    ".status-in_progress, .status-running, .status-queued",
    ".status-in_review",
    ".messages li",
    ".claim-text",
    ".alert",
    ".alert.returned",
    ".alert.checked",
    ".warning",
    ".notice",
    ".filters",
]


@pytest.mark.parametrize(("what", "foreground", "background"), TEXT_PAIRS, ids=lambda v: v)
def test_text_reaches_4_5_to_1(what, foreground, background):
    fg = colour(CSS, *foreground)
    bg = colour(CSS, *background) if background else PAGE
    assert contrast_ratio(fg, bg) >= TEXT_CONTRAST_MINIMUM, f"{what}: {fg} on {bg}"


@pytest.mark.parametrize("selectors", BODY_TEXT_ON)
def test_body_text_reaches_4_5_to_1_on_each_tinted_box(selectors):
    for selector in selectors.split(", "):
        bg = colour(CSS, selector, "background")
        assert contrast_ratio(TEXT, bg) >= TEXT_CONTRAST_MINIMUM, f"{selector}: {TEXT} on {bg}"


def test_focus_outlines_and_control_borders_reach_3_to_1():
    focus = colour(CSS, "a:focus-visible", "outline")
    for background in [PAGE, colour(CSS, ".filters", "background")]:
        assert contrast_ratio(focus, background) >= 3
    border = colour(CSS, "input", "border")
    assert contrast_ratio(border, PAGE) >= 3
    assert "outline" in CSS["summary:focus-visible"] and "outline" in CSS["button:focus-visible"]


def test_the_rating_badge_takes_its_text_colour_from_the_rating():
    # The page sets --rating-text per rating (Rating.text_colour, tests/claims/test_colours.py).
    rating = re.search(r"\.rating \{([^}]*)\}", STYLESHEET.read_text()).group(1)
    assert re.search(r"(?<![-\w])color:\s*var\(--rating-text", rating)


def bar_stands_out(rect, background: str) -> bool:
    """WCAG 1.4.11: a bar is seen by its fill, or by an outline wide enough to see, at 3:1."""
    if contrast_ratio(rect["fill"], background) >= 3:
        return True
    outlined = float(rect.get("stroke-width", 0)) >= 1 and rect.get("stroke")
    return bool(outlined) and contrast_ratio(rect["stroke"], background) >= 3


@pytest.mark.django_db
def test_every_bar_of_the_desk_s_charts_stands_out_3_to_1_from_the_page(client):
    from django.urls import reverse

    from claims.models import Claim, Rating
    from tests.a11y import parse
    from tests.factories import ClaimFactory, SpeakerFactory, editor, published_verdict

    speaker = SpeakerFactory()
    ratings = list(Rating.objects.filter(scale__is_active=True))
    for rating in ratings:  # one published verdict for each rating, so every bar is drawn
        verdict = published_verdict(claim=ClaimFactory(), rating=rating)
        Claim.objects.filter(pk=verdict.claim_id).update(speaker=speaker)
    client.force_login(editor())
    speaker_page = client.get(reverse("claims:speaker_detail", args=[speaker.slug]))
    dashboard = client.get(reverse("claims:dashboard"))

    speaker_bars = parse(speaker_page.content.decode()).select("svg.chart rect")
    assert len(speaker_bars) == len(ratings) == 6
    dashboard_bars = parse(dashboard.content.decode()).select("svg.chart rect")
    assert dashboard_bars
    for rect in speaker_bars + dashboard_bars:
        assert bar_stands_out(rect, PAGE), f"{rect['fill']} / {rect.get('stroke')} on {PAGE}"


def test_an_intake_job_s_facts_set_each_name_apart_from_its_value():
    # They were the browser's default: 'Status', 'Reason', 'Attempts' in the weight of their
    # values, read as one run of text.
    assert rules()[".facts dt"]["font-weight"] == "600"
    assert rules()[".facts dd"]["margin-left"] == "0"
