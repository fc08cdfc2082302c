"""The page checker itself: a sound page passes, and each defect it claims to find is found."""

import pytest

from tests.a11y import page_problems

SOUND = """<!doctype html><html lang="en"><head><title>Queue — Desk</title></head><body>
<a href="#main">Skip to content</a>
<header><nav aria-label="Main"><a href="/">Home</a></nav></header>
<main id="main"><h1>Queue</h1><h2>Filters</h2>
<form><label for="q">Search</label><input id="q" name="q">
<label for="n">Note <span>(required)</span></label><textarea id="n" name="n" required></textarea>
<button type="submit">Filter</button></form>
<table><thead><tr><th scope="col">Claim</th></tr></thead><tbody><tr><td>x</td></tr></tbody></table>
</main><footer><p>Footer</p></footer></body></html>"""


def test_a_sound_page_has_no_problems():
    assert page_problems(SOUND) == []


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (('lang="en"', 'lang=""'), "does not say its language"),
        (("<title>Queue — Desk</title>", ""), "no <title>"),
        (('<a href="#main">Skip to content</a>', ""), "not a skip link"),
        (('href="#main">Skip', 'href="#content">Skip'), "which is not on the page"),
        (("<h2>Filters</h2>", "<h1>Filters</h1>"), "2 h1 headings"),
        (("<h2>Filters</h2>", "<h3>Filters</h3>"), "Heading level skipped"),
        (('<label for="q">Search</label>', ""), "has no label"),
        ((" <span>(required)</span>", ""), "is required but its label"),
        (
            ('<input id="q" name="q">', '<input id="q" name="q" aria-invalid="true">'),
            "marked invalid",
        ),
        (('<th scope="col">', "<th>"), "has no scope"),
        (("<footer><p>Footer</p></footer>", ""), "0 page footers"),
        (('<nav aria-label="Main">', "<nav>"), "A <nav> without a name"),
        (
            ('<button type="submit">Filter</button>', '<button type="submit"></button>'),
            "button without a name",
        ),
        (('<a href="/">Home</a>', '<a href="#">Home</a>'), "goes nowhere"),
        (('<input id="q" name="q">', '<input id="q" name="q" tabindex="2">'), "positive tabindex"),
        (('<textarea id="n"', '<textarea id="q"'), "The id 'q' is used 2 times"),
        (
            (
                "</button></form>",
                '</button></form><form action="/b"><button>Filter</button></form>',
            ),
            "2 buttons are all named “Filter” but do different things",
        ),
        (("<form>", "<span><form>"), "A <form> inside a <span>"),
    ],
)
def test_each_defect_is_reported(change, problem):
    old, new = change
    assert old in SOUND
    problems = page_problems(SOUND.replace(old, new, 1))
    assert any(problem in found for found in problems), problems
