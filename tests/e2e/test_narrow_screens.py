"""The claim page's layout: on a phone long source addresses wrap instead of widening the page
past the screen; on a desk screen a saved source's note is as wide as a new one's."""

from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import expect

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
    # Its top within the first screen, with room below for the start of the claim's text.
    assert page.evaluate("window.scrollY") == 0
    assert first_row.bounding_box()["y"] < 800 - 100, first_row.bounding_box()
    # The filters are one key press away, and opening them reaches every field by its label.
    page.locator(".filters summary").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Search claims")).to_be_visible()
    expect(page.get_by_label("Order")).to_be_visible()


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
