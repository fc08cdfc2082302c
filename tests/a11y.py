"""Structural accessibility checks on a rendered page (WCAG 2.2 AA, the parts a parser can see).

`page_problems(html)` parses the page as a browser would (html5lib) and returns what is wrong,
each in a sentence; `assert_accessible(response)` fails with all of them at once. What it
checks: the document language and a page title; one banner, main navigation, main and footer,
with every navigation named; a skip link first, aiming at an element that exists; one h1 and no
skipped heading level; every form control named by a label (or aria-label/labelledby), and a
required one saying so in its label; ids unique and ARIA references resolving; a control marked
invalid described by its error; every table with header cells, each with a scope; buttons and
links with a name, links with a real address; no positive tabindex; every chart with a name;
buttons that do different things named apart; no block (a form, a list) inside an inline one.
Contrast is checked on the stylesheet itself (tests/articles/test_stylesheet.py).
"""

import re

from bs4 import BeautifulSoup

SITE_NAME = "Fact-check desk"
# Every page's title names the page, then the site (templates/base.html): one pattern, so a
# list of tabs or of search results reads alike.
TITLE_PATTERN = rf"(?!{SITE_NAME} ·).+ · {SITE_NAME}"

CONTROLS = ["input", "select", "textarea"]
UNLABELLED_INPUT_TYPES = {"hidden", "submit", "button", "reset", "image"}


def parse(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html5lib")


def text_of(element) -> str:
    return " ".join(element.get_text(" ").split())


def _ids(soup) -> dict:
    found = {}
    for element in soup.find_all(id=True):
        found.setdefault(element["id"], []).append(element)
    return found


def _referenced(soup, element, attribute: str) -> list:
    ids = _ids(soup)
    return [ids[name][0] for name in element.get(attribute, "").split() if name in ids]


def accessible_name(soup, control) -> str:
    """The name a screen reader gives a control: aria-labelledby, aria-label, its <label>s."""
    if control.get("aria-labelledby"):
        return " ".join(text_of(e) for e in _referenced(soup, control, "aria-labelledby"))
    if control.get("aria-label", "").strip():
        return control["aria-label"].strip()
    labels = []
    if control.get("id"):
        labels = soup.find_all("label", attrs={"for": control["id"]})
    wrapping = control.find_parent("label")
    if wrapping is not None:
        labels.append(wrapping)
    return " ".join(text_of(label) for label in labels)


def _landmark_problems(soup) -> list[str]:
    problems = []
    body = soup.body
    banners = [h for h in body.find_all("header") if not h.find_parent(["article", "section"])]
    if len(banners) != 1:
        problems.append(f"{len(banners)} page headers (banner), not one.")
    mains = body.find_all("main")
    if len(mains) != 1:
        problems.append(f"{len(mains)} <main> elements, not one.")
    footers = [f for f in body.find_all("footer") if not f.find_parent(["article", "section"])]
    if len(footers) != 1:
        problems.append(f"{len(footers)} page footers (contentinfo), not one.")
    navs = body.find_all("nav")
    labels = []
    for nav in navs:
        label = nav.get("aria-label") or " ".join(
            text_of(e) for e in _referenced(soup, nav, "aria-labelledby")
        )
        if not label:
            problems.append(f"A <nav> without a name: {str(nav)[:80]}")
        labels.append(label)
    if len(set(labels)) != len(labels):
        problems.append(f"Two navigation landmarks share a name: {labels}.")
    return problems


def _skip_link_problems(soup) -> list[str]:
    first = soup.body.find(["a", "button", "input", "select", "textarea", "summary"])
    if first is None or first.name != "a" or not first.get("href", "").startswith("#"):
        return ["The first thing to tab to is not a skip link."]
    target = soup.find(id=first["href"][1:])
    if target is None:
        return [f"The skip link aims at {first['href']}, which is not on the page."]
    if target.name != "main" and target.find_parent("main") is None:
        return ["The skip link does not lead into <main>."]
    return []


def _heading_problems(soup) -> list[str]:
    problems = []
    headings = soup.body.find_all(re.compile(r"^h[1-6]$"))
    ones = [h for h in headings if h.name == "h1"]
    if len(ones) != 1:
        problems.append(f"{len(ones)} h1 headings, not one: {[text_of(h) for h in ones]}.")
    elif ones[0].find_parent("main") is None:
        problems.append("The h1 is outside <main>.")
    previous = 0
    for heading in headings:
        level = int(heading.name[1])
        if not text_of(heading):
            problems.append(f"An empty {heading.name}.")
        if previous and level > previous + 1:
            problems.append(
                f"Heading level skipped: h{previous} then {heading.name} “{text_of(heading)}”."
            )
        if not previous and level != 1:
            problems.append(f"The first heading is a {heading.name}, not the h1.")
        previous = level
    return problems


def _control_problems(soup) -> list[str]:
    problems = []
    for control in soup.find_all(CONTROLS):
        if control.name == "input" and control.get("type", "text") in UNLABELLED_INPUT_TYPES:
            continue
        described = f"<{control.name} name={control.get('name')!r} id={control.get('id')!r}>"
        name = accessible_name(soup, control)
        if not name:
            problems.append(f"{described} has no label.")
        if control.has_attr("required") and "required" not in name.lower():
            problems.append(f"{described} is required but its label “{name}” does not say so.")
        if control.get("aria-invalid") == "true":
            errors = _referenced(soup, control, "aria-describedby")
            if not any(
                "error" in " ".join(e.get("class", [])) or e.find(class_="error") for e in errors
            ):
                problems.append(f"{described} is marked invalid but no error describes it.")
    return problems


def _reference_problems(soup) -> list[str]:
    problems = []
    for name, elements in _ids(soup).items():
        if len(elements) > 1:
            problems.append(f"The id {name!r} is used {len(elements)} times.")
    ids = _ids(soup)
    for attribute in ["aria-describedby", "aria-labelledby", "aria-controls"]:
        for element in soup.find_all(attrs={attribute: True}):
            for name in element[attribute].split():
                if name not in ids:
                    problems.append(f"{attribute}={name!r} points at nothing.")
    for label in soup.find_all("label", attrs={"for": True}):
        if label["for"] not in ids:
            problems.append(f"<label for={label['for']!r}> points at nothing.")
    return problems


def _table_problems(soup) -> list[str]:
    problems = []
    for table in soup.find_all("table"):
        cells = table.find_all("th")
        if not cells:
            problems.append(f"A table without header cells: {text_of(table)[:60]}")
        for cell in cells:
            if cell.get("scope") not in {"col", "row", "colgroup", "rowgroup"}:
                problems.append(f"<th> “{text_of(cell)}” has no scope.")
            if not text_of(cell):
                problems.append("An empty <th>: a screen reader announces nothing for its column.")
    return problems


def _interactive_problems(soup) -> list[str]:
    problems = []
    for button in soup.find_all("button"):
        if not (text_of(button) or button.get("aria-label", "").strip()):
            problems.append(f"A button without a name: {str(button)[:80]}")
    for link in soup.find_all("a"):
        href = link.get("href", "")
        if not href or href == "#" or href.lower().startswith("javascript:"):
            problems.append(f"A link that goes nowhere (use a button): {str(link)[:80]}")
        if not (text_of(link) or link.get("aria-label", "").strip()):
            problems.append(f"A link without a name: {str(link)[:80]}")
    for element in soup.find_all(attrs={"tabindex": True}):
        if element["tabindex"].strip().lstrip("-").isdigit() and int(element["tabindex"]) > 0:
            problems.append(f"A positive tabindex changes the tab order: {str(element)[:80]}")
    for element in soup.find_all(attrs={"onclick": True}):
        problems.append(f"A click handler in the markup: {str(element)[:80]}")
    for chart in soup.find_all("svg"):
        if chart.get("aria-hidden") == "true":
            continue
        if chart.get("role") != "img" or not accessible_name(soup, chart):
            problems.append("An <svg> chart without role=img and a name.")
    for image in soup.find_all("img"):
        if not image.has_attr("alt"):
            problems.append(f"An image without alt: {str(image)[:80]}")
    return problems


def button_name(button) -> str:
    return button.get("aria-label", "").strip() or text_of(button)


def _button_target(button) -> tuple:
    """What a submit button does: its form's address and the fields it sends."""
    form = button.find_parent("form")
    fields = (
        ()
        if form is None
        else tuple(
            (field.get("name"), field.get("value"))
            for field in form.find_all("input", attrs={"type": "hidden"})
            if field.get("name") != "csrfmiddlewaretoken"
        )
    )
    action = button.get("formaction") or (form.get("action", "") if form is not None else "")
    return action, button.get("name"), button.get("value"), fields


def _repeated_button_problems(soup) -> list[str]:
    """Buttons with one name that do different things (one per row of a list): a screen
    reader's list of buttons reads "Undo, Undo, Undo" with nothing to tell them apart."""
    targets: dict[str, set] = {}
    for button in soup.find_all("button"):
        targets.setdefault(button_name(button), set()).add(_button_target(button))
    return [
        f"{len(found)} buttons are all named “{name}” but do different things."
        for name, found in targets.items()
        if name and len(found) > 1
    ]


# Phrasing elements, which may hold only phrasing content: no form, list, table or paragraph.
INLINE = ["span", "small", "em", "strong", "b", "i", "code", "q", "label", "button"]
BLOCKS = ["form", "div", "p", "ul", "ol", "dl", "table", "section", "fieldset", "blockquote"]


def _nesting_problems(soup) -> list[str]:
    return [
        f"A <{block.name}> inside a <{block.find_parent(INLINE).name}>: {str(block)[:80]}"
        for block in soup.body.find_all(BLOCKS)
        if block.find_parent(INLINE) is not None
    ]


def page_problems(html: str) -> list[str]:
    soup = parse(html)
    problems = []
    if not soup.html.get("lang", "").strip():
        problems.append("The page does not say its language (<html lang>).")
    title = soup.title
    if title is None or not text_of(title):
        problems.append("The page has no <title>.")
    return (
        problems
        + _landmark_problems(soup)
        + _skip_link_problems(soup)
        + _heading_problems(soup)
        + _control_problems(soup)
        + _reference_problems(soup)
        + _table_problems(soup)
        + _interactive_problems(soup)
        + _repeated_button_problems(soup)
        + _nesting_problems(soup)
    )


def assert_accessible(response, *, title: str, status: int = 200) -> BeautifulSoup:
    """The page's structural problems, all at once; `title` is what its <title> must name
    (before " · Fact-check desk", as every page's)."""
    assert response.status_code == status, response.status_code
    html = response.content.decode()
    problems = page_problems(html)
    soup = parse(html)
    if title not in text_of(soup.title):
        problems.append(f"The title “{text_of(soup.title)}” does not say “{title}”.")
    if not re.fullmatch(TITLE_PATTERN, text_of(soup.title)):
        problems.append(f"The title “{text_of(soup.title)}” is not “<page> · {SITE_NAME}”.")
    assert not problems, "\n".join(problems)
    return soup


def error_summary(soup):
    """The summary of a failed submit, after checking it is announced and can take focus."""
    summary = soup.find(attrs={"data-error-summary": True})
    assert summary is not None, "No error summary on the page."
    assert summary.get("role") == "alert" and summary.get("tabindex") == "-1"
    for link in summary.find_all("a"):
        field = soup.find(id=link["href"][1:])
        assert field is not None and field.get("aria-invalid") == "true", link
    return summary
