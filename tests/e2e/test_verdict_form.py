"""The claim page's verdict form in a real browser: what is typed is not dropped unasked when
another of its forms is sent, and the sources' domain count reads addresses as they are saved."""

from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.conftest import BROWSER_TESTS

pytestmark = BROWSER_TESTS


def test_adding_a_note_asks_before_dropping_an_unsaved_verdict(
    live_server, logged_in, one_sentence_claim
):
    page = logged_in("factchecker")
    page.goto(live_server.url + reverse("claims:detail", args=[one_sentence_claim.pk]))
    asked = []

    def answer(dialog):
        asked.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", answer)
    page.get_by_label("Conclusion").fill("Police figures show a 12 percent fall.")
    page.locator("#id_text").fill("Asked the police press office.")
    page.get_by_role("button", name="Add note").click()
    expect(page.get_by_label("Conclusion")).to_have_value("Police figures show a 12 percent fall.")
    assert asked == ["beforeunload"]

    page.get_by_label("Conclusion").fill("")  # nothing typed is left to lose: no question
    page.get_by_role("button", name="Add note").click()
    expect(page.get_by_text("Note added.")).to_be_visible()
    assert asked == ["beforeunload"]


def test_a_source_typed_without_https_counts_as_a_domain(
    live_server, logged_in, one_sentence_claim
):
    page = logged_in("factchecker")
    page.goto(live_server.url + reverse("claims:detail", args=[one_sentence_claim.pk]))
    page.locator("#id_sources-0-url").fill("police.example.org/annual-report")
    expect(page.locator("[data-domain-warning]")).to_contain_text("1 distinct domain")
    page.locator("#id_sources-1-url").fill("https://www.stats.example.net/crime")
    expect(page.locator("[data-domain-warning]")).to_be_hidden()


def test_a_note_form_sent_twice_at_once_goes_once_and_its_button_waits(
    live_server, logged_in, one_sentence_claim
):
    page = logged_in("factchecker")
    page.goto(live_server.url + reverse("claims:detail", args=[one_sentence_claim.pk]))
    sent = []

    def hold(route):  # 204: the browser stays on the page, as while a slow answer is awaited
        sent.append(route.request.post_data)
        route.fulfill(status=204)

    page.route("**" + reverse("claims:note_add", args=[one_sentence_claim.pk]), hold)
    page.locator("#id_text").fill("Asked the police press office.")
    prevented = page.evaluate(
        """() => {
            const seen = [];
            document.addEventListener("submit", (event) => seen.push(event.defaultPrevented));
            const button = document.querySelector("#notes-heading ~ form button[type=submit]");
            button.click();
            button.click();
            return seen;
        }"""
    )
    assert prevented == [False, True]
    expect(page.get_by_role("button", name="Add note")).to_be_disabled()
    expect(page.get_by_role("button", name="Save draft")).to_be_enabled()  # only the form sent
    assert len(sent) == 1 and "Asked+the+police+press+office." in sent[0]


def test_a_note_the_server_refuses_comes_back_with_a_button_that_sends_it_again(
    live_server, logged_in, one_sentence_claim
):
    page = logged_in("factchecker")
    page.goto(live_server.url + reverse("claims:detail", args=[one_sentence_claim.pk]))
    page.locator("#id_text").fill("Asked the police press office.")
    page.locator("#id_link").fill("not a link")
    page.get_by_role("button", name="Add note").click()
    expect(page.locator("[data-error-summary]")).to_contain_text("http or https")
    page.locator("#id_link").fill("https://police.example.org/press")
    page.get_by_role("button", name="Add note").click()
    expect(page.get_by_text("Note added.")).to_be_visible()


def test_the_sources_legend_is_one_line_on_the_border_and_the_rule_is_inside_the_box(
    live_server, logged_in, one_sentence_claim
):
    # A legend two lines long put its first line above the box, the border running between.
    for viewport in [(1280, 900), (375, 800)]:
        page = logged_in("factchecker", viewport=viewport)
        page.goto(live_server.url + reverse("claims:detail", args=[one_sentence_claim.pk]))
        sources = page.get_by_role("group", name="Evidence sources", exact=True)
        expect(sources).to_have_accessible_description(
            "At least one before review; a draft may have none yet; two independent sources or "
            "more is the rule."
        )
        box = sources.bounding_box()
        legend = sources.locator("legend").bounding_box()
        rule = sources.locator(".help").first.bounding_box()
        assert legend["height"] < 30, (viewport, legend)
        assert legend["x"] > box["x"] and legend["x"] + legend["width"] < box["x"] + box["width"]
        assert rule["y"] >= legend["y"] + legend["height"], (viewport, rule, legend)
        assert rule["x"] > box["x"] and rule["x"] + rule["width"] < box["x"] + box["width"]
