"""A keyboard-only visit, in a real browser: the skip link, logging in, and a failed submit whose
error summary takes focus and leads to the field."""

from playwright.sync_api import expect

from tests.e2e.conftest import BROWSER_TESTS, PASSWORD

pytestmark = BROWSER_TESTS


def focused(page) -> str:
    return page.evaluate(
        "() => document.activeElement.id || document.activeElement.textContent.trim()"
    )


def test_a_keyboard_user_skips_the_navigation_logs_in_and_is_led_to_a_wrong_field(
    live_server, open_page, desk_users
):
    page = open_page()
    page.goto(f"{live_server.url}/fact-checks/")
    page.keyboard.press("Tab")
    assert focused(page) == "Skip to content"
    expect(page.locator(".skip-link")).to_be_in_viewport()
    page.keyboard.press("Enter")
    assert focused(page) == "main"

    page.goto(f"{live_server.url}/accounts/login/")
    assert focused(page) == "id_username"  # autofocus
    page.keyboard.type("factchecker")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator(".who")).to_have_text("factchecker")

    page.goto(f"{live_server.url}/articles/new/")
    page.locator("#id_url").fill("not an address")
    page.get_by_role("button", name="Submit for analysis").focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    page.keyboard.press("Tab")
    first_link = summary.get_by_role("link").first
    expect(first_link).to_be_focused()
    target = first_link.get_attribute("href")[1:]
    page.keyboard.press("Enter")
    assert focused(page) == target
    expect(page.locator(f"#{target}")).to_have_attribute("aria-invalid", "true")
