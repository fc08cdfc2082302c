"""The desk's layout on a phone and on a desk screen: the header wraps its links into three lines
on a phone, one on a desk screen; the claim page's long source addresses wrap
instead of widening the page; the queue's claims are cards below folded filters and bulk actions
on a phone, a table below unfolded ones on a desk screen; an article's very long word wraps in
its sentence table instead of pushing the other columns off a desk screen."""

from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import expect

from articles.models import Feed
from claims.models import Sentence
from tests.e2e.conftest import BROWSER_TESTS
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    drafted_verdict,
    verdict_saved_again,
)

pytestmark = BROWSER_TESTS

LONG_URL = "https://www.defense.gov/News/Releases/Release/Article/2672555/statement-by-pentagon-press-secretary-john-kirby-on-june-27-strikes/"


def test_a_claim_whose_sources_changed_fits_a_phone_screen(
    live_server, logged_in, one_sentence_claim
):
    checker = get_user_model().objects.get(username="factchecker")
    verdict = drafted_verdict(claim=one_sentence_claim, author=checker)
    verdict_saved_again(
        verdict,
        actor=checker,
        sources=[{"url": LONG_URL, "title": "Pentagon statement", "note": ""}],
    )
    page = logged_in("factchecker", viewport=(390, 844))
    for name in ["claims:detail", "claims:history"]:
        page.goto(live_server.url + reverse(name, args=[one_sentence_claim.pk]))
        assert page.locator("table.diff").count()  # the sources' change is on the page
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, name
        # A field's name and the column headings keep their words: the timeline's break-anywhere
        # wrapping split them into 'sou rces' and 'Befor e' beside a long address.
        broken = page.evaluate(
            """() => [...document.querySelectorAll('table.diff th')].filter(th => {
                const range = document.createRange();
                range.selectNodeContents(th);
                return range.getClientRects().length > 1;
            }).map(th => th.textContent)"""
        )
        assert broken == [], name


def test_the_feeds_page_and_its_intake_links_fit_a_phone_screen(live_server, logged_in):
    # The Pause button's hidden feed name, placed against the page rather than the scrolling
    # table, widened the page to 640 px.
    Feed.objects.create(url="https://news.example/world/rss.xml", title="Example Gazette, world")
    page = logged_in("editor", viewport=(375, 800))
    page.goto(live_server.url + reverse("articles:feeds"))
    expect(page.get_by_role("button", name="Pause Example Gazette, world")).to_be_attached()
    assert page.evaluate("document.scrollingElement.scrollWidth <= innerWidth")
    # The intake sub-navigation's links stand apart, none broken over two lines.
    boxes = [link.bounding_box() for link in page.locator("nav.subnav a").all()]
    assert len(boxes) == 4 and all(box["height"] < 30 for box in boxes), boxes
    same_line = [(a, b) for a, b in zip(boxes, boxes[1:], strict=False) if a["y"] == b["y"]]
    assert same_line and all(b["x"] - (a["x"] + a["width"]) >= 16 for a, b in same_line)


def _header_lines(boxes) -> int:
    """How many lines of the header these boxes take: a flex line centres its items."""
    centres = sorted(box["y"] + box["height"] / 2 for box in boxes)
    gaps = [below - above for above, below in zip(centres, centres[1:], strict=False)]
    return 1 + sum(1 for gap in gaps if gap > 5)


def test_on_a_phone_the_header_keeps_every_link_in_three_lines_and_in_tab_order(
    live_server, logged_in
):
    page = logged_in("editor", viewport=(375, 800))
    page.goto(live_server.url + reverse("claims:queue"))
    nav = page.get_by_role("navigation", name="Main")
    items = [*nav.get_by_role("link").all(), nav.get_by_role("button", name="Log out")]
    names = [item.inner_text() for item in items]
    assert {"Queue", "Review", "Dashboard", "History", "Password", "Log out"} <= set(names)
    boxes = [item.bounding_box() for item in items]
    # Each link on one line, 24 px tall or more (WCAG 2.5.8), none pushed off the screen; the
    # header took four lines and 201 px of the screen before.
    assert all(24 <= box["height"] < 30 for box in boxes), boxes
    assert all(box["x"] >= 0 and box["x"] + box["width"] <= 375 for box in boxes), boxes
    assert _header_lines(boxes) == 3
    assert page.locator(".site-header").bounding_box()["height"] < 100
    assert page.evaluate("document.scrollingElement.scrollWidth <= innerWidth")
    # The keyboard reaches them all, in the order they are read, after the skip link.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    for item in items:
        page.keyboard.press("Tab")
        expect(item).to_be_focused()
        expect(item).to_be_in_viewport()


def test_on_a_desk_screen_the_header_is_one_line(live_server, logged_in):
    page = logged_in("editor")
    page.goto(live_server.url + reverse("claims:queue"))
    nav = page.get_by_role("navigation", name="Main")
    items = [*nav.get_by_role("link").all(), nav.get_by_role("button", name="Log out")]
    assert _header_lines([item.bounding_box() for item in items]) == 1


def test_a_saved_source_s_note_takes_the_whole_row_as_a_new_one_s_does(
    live_server, logged_in, one_sentence_claim
):
    drafted_verdict(
        claim=one_sentence_claim, author=get_user_model().objects.get(username="factchecker")
    )
    page = logged_in("factchecker")
    page.goto(live_server.url + reverse("claims:detail", args=[one_sentence_claim.pk]))
    expect(page.get_by_label("Remove this source")).to_be_visible()  # source 1 is saved
    saved, new = page.locator("#id_sources-0-note"), page.locator("#id_sources-1-note")
    assert saved.bounding_box()["width"] == new.bounding_box()["width"]


def _queue_of_claims(count=3):
    for number in range(count):
        text = f"Unemployment fell by {number + 10} percent last year."
        article = ArticleFactory(body=text)
        ClaimFactory(article=article, start=0, end=len(text), text=text)


def test_on_a_phone_the_first_claims_show_without_scrolling_past_the_filters(
    live_server, logged_in
):
    _queue_of_claims()
    page = logged_in("factchecker", viewport=(375, 800))
    page.goto(live_server.url + reverse("claims:queue"))
    first_row = page.locator("table.queue tbody tr").first
    expect(first_row).to_contain_text("Unemployment fell")
    # Nothing scrolls sideways: neither the page nor the table in its wrapper (the table was
    # 511 px wide in a 335 px wrapper before its rows became cards).
    assert page.evaluate("document.scrollingElement.scrollWidth <= innerWidth")
    assert page.locator(".table-wrap").evaluate("wrap => wrap.scrollWidth <= wrap.clientWidth")
    # Below the folded filters and bulk actions the first card starts in the top 60% of the
    # screen (at 379 px; at 651 px before the cards and the fold) and ends on it.
    assert page.evaluate("window.scrollY") == 0
    card = first_row.bounding_box()
    assert card["y"] < 480 and card["y"] + card["height"] < 800, card
    # Still a table to a screen reader, its cells named once: by the column headers, not also by
    # the cards' visible labels.
    tree = page.context.new_cdp_session(page).send("Accessibility.getFullAXTree")["nodes"]
    roles = [node.get("role", {}).get("value") for node in tree]
    assert roles.count("table") == 1 and roles.count("columnheader") == 7
    assert roles.count("row") == 4 and roles.count("cell") == 3 * 7
    names = [
        node.get("name", {}).get("value")
        for node in tree
        if node.get("role", {}).get("value") == "cell"
    ]
    assert "narration" in names and not [name for name in names if "Speaker" in name]
    # The filters are one key press away, and opening them reaches every field by its label.
    page.locator(".filters summary").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Search claims")).to_be_visible()
    expect(page.get_by_label("Order")).to_be_visible()


def test_on_a_phone_the_bulk_actions_unfold_assign_a_ticked_claim_and_stay_open_when_refused(
    live_server, logged_in
):
    _queue_of_claims()
    page = logged_in("factchecker", viewport=(375, 800))
    page.goto(live_server.url + reverse("claims:queue"))
    expect(page.get_by_label("Action", exact=True)).to_be_hidden()
    first_row = page.locator("table.queue tbody tr").first
    text = first_row.locator("td.claim a").inner_text()
    first_row.get_by_role("checkbox").check()
    page.locator(".bulk-disclosure summary").click()
    page.get_by_label("Action", exact=True).select_option(label="Assign to me")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator(".messages")).to_contain_text("1 claim assigned to you.")
    row = page.locator("table.queue tbody tr", has_text=text)
    expect(row.locator("td[data-label='Assignee']")).to_have_text("factchecker")
    expect(page.get_by_label("Action", exact=True)).to_be_hidden()  # folded again
    # A dismissal without a reason is refused: the bulk actions come back open, as they were.
    row.get_by_role("checkbox").check()
    page.locator(".bulk-disclosure summary").click()
    page.get_by_label("Action", exact=True).select_option(label="Dismiss as not check-worthy")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator(".messages")).to_contain_text("Say why the claims are not check-worthy.")
    expect(page.get_by_label("Action", exact=True)).to_have_value("dismiss")
    expect(page.get_by_label("Reason (for a dismissal)")).to_be_visible()
    expect(row.get_by_role("checkbox")).to_be_checked()


def test_on_a_phone_the_open_filters_take_less_than_a_screen(live_server, logged_in):
    page = logged_in("factchecker", viewport=(375, 800))
    page.goto(live_server.url + reverse("claims:queue"))
    page.locator(".filters summary").click()
    # The from-to pairs share a row (the fields took 847 px, one a row).
    for first, second in [("Article from", "Article to"), ("Score from", "Score to")]:
        assert (
            page.get_by_label(first).bounding_box()["y"]
            == (page.get_by_label(second).bounding_box()["y"])
        )
    assert page.locator(".filter-grid").bounding_box()["height"] < 700
    assert page.evaluate("document.scrollingElement.scrollWidth <= innerWidth")


def test_on_a_phone_a_bad_filter_s_field_is_shown_and_its_error_link_reaches_it(
    live_server, logged_in
):
    _queue_of_claims()
    page = logged_in("factchecker", viewport=(375, 800))
    page.goto(live_server.url + reverse("claims:queue") + "?score_min=2")
    page.locator(".error-summary a[href='#id_score_min']").click()
    expect(page.locator("#id_score_min")).to_be_visible()
    expect(page.locator("#id_score_min")).to_be_in_viewport()


def test_on_a_desk_screen_the_filters_show_without_a_disclosure(live_server, logged_in):
    page = logged_in("factchecker")
    page.goto(live_server.url + reverse("claims:queue"))
    expect(page.get_by_label("Search claims")).to_be_visible()
    expect(page.get_by_label("Already checked")).to_be_visible()
    expect(page.locator(".filters summary")).to_be_hidden()
    # Focus does not land in folded content: this passes only when the fields are unfolded.
    page.get_by_label("Search claims").focus()
    expect(page.get_by_label("Search claims")).to_be_focused()
    # The bulk actions too; the queue is a table with its header row.
    expect(page.locator(".bulk-disclosure summary")).to_be_hidden()
    expect(page.get_by_label("Action", exact=True)).to_be_visible()
    expect(page.get_by_role("columnheader", name="Speaker")).to_be_visible()


def test_an_article_with_a_very_long_word_keeps_its_sentence_table_on_a_desk_screen(
    live_server, logged_in
):
    body = "x" * 10_000
    article = ArticleFactory(body=body)
    Sentence.objects.create(article=article, index=0, start=0, end=len(body), text=body)
    page = logged_in("factchecker", viewport=(1280, 900))
    page.goto(live_server.url + reverse("articles:detail", args=[article.pk]))
    table = page.locator("table.sentences")
    # The table scrolls inside its wrap, so the page's own width would not show it overflowing.
    for heading in ["Speaker", "Check-worthiness", "Claim"]:
        box = table.get_by_role("columnheader", name=heading).bounding_box()
        assert box["x"] + box["width"] <= 1280, heading
