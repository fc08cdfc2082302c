"""A pasted text over the article limit is not sent, in a real browser: the box keeps it and
says how long it is (paste.js), where a maxlength cut it without a word and a text too large
to read came back as an empty box."""

import re

from playwright.sync_api import expect

from articles.models import Article
from tests.e2e.conftest import BROWSER_TESTS

pytestmark = BROWSER_TESTS


def test_a_text_over_the_limit_stays_in_the_box_unsent_saying_how_long_it_is(
    live_server, logged_in, settings
):
    settings.ARTICLE_MAX_CHARS = 100
    page = logged_in("factchecker")
    page.goto(f"{live_server.url}/articles/new/")
    expect(page.get_by_text("Paste the full text, at most 100 characters;")).to_be_visible()
    page.get_by_label("Title").fill("Rents")
    # 101 characters as the desk counts them: the emoji is one, though two UTF-16 units.
    too_long = "Rents rose 5 percent, the mayor said. " * 2 + "x" * 24 + "\U0001f600"
    box = page.get_by_label("Article text")
    box.fill(too_long)
    page.get_by_role("button", name="Submit for analysis").click()
    error = page.locator("#id_body_error")
    expect(error).to_have_text(
        "Error: The article text has 101 characters; the maximum is 100. Nothing was sent: "
        "shorten it, then submit again."
    )
    expect(box).to_be_focused()
    expect(box).to_have_value(too_long)
    expect(box).to_have_attribute("aria-invalid", "true")
    assert page.url == f"{live_server.url}/articles/new/"
    assert not Article.objects.exists()

    box.fill(too_long[:-1])  # 100: sent
    page.get_by_role("button", name="Submit for analysis").click()
    page.wait_for_url(re.compile(r"/articles/\d+/$"))
    assert Article.objects.get().body == too_long[:-1]
