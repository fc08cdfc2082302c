"""The claim page's layout: on a phone long source addresses wrap instead of widening the page
past the screen; on a desk screen a saved source's note is as wide as a new one's."""

from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.conftest import BROWSER_TESTS
from tests.factories import drafted_verdict, verdict_saved_again

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
