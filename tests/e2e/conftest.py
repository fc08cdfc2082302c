"""What every browser test shares: Playwright driving Debian's Chromium, pages of their own, the
desk's two users and a page logged in as one of them.

`make install` puts Chromium at /usr/bin/chromium (apt packages chromium and chromium-driver);
pip's playwright package brings only its driver, so nothing is downloaded. A test module marks
itself with `pytestmark = BROWSER_TESTS`.
"""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.factories import ArticleFactory, ClaimFactory, UserFactory, restore_migration_data

CHROMIUM = Path("/usr/bin/chromium")
PASSWORD = "correct horse battery"  # UserFactory's
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

BROWSER_TESTS = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Debian's Chromium is missing: `make install` installs the chromium package",
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(scope="module", autouse=True)
def allow_orm_beside_playwright():
    # Playwright's sync API runs an event loop in this thread; Django's ORM would refuse to run
    # next to it (SynchronousOnlyOperation) although the calls stay synchronous. Set only while
    # a browser module runs: `check --deploy` in other tests rightly rejects it.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser):
    contexts = []

    def open_as(viewport=(1280, 900)):
        context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_as
    for context in contexts:
        context.close()


def log_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    expect(page.locator(".who")).to_have_text(username)


def log_out(page) -> None:
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))


@pytest.fixture
def desk_users():
    restore_migration_data()
    UserFactory(username="factchecker", groups=["Fact-checkers"])
    UserFactory(username="editor", groups=["Editors"])


@pytest.fixture
def logged_in(live_server, open_page, desk_users):
    """A page of its own, logged in through the form as one of desk_users:
    `logged_in("editor")`, `logged_in(viewport=(390, 844))` for a phone."""

    def open_logged_in(username="factchecker", viewport=(1280, 900)):
        page = open_page(viewport=viewport)
        log_in(page, live_server.url, username)
        return page

    return open_logged_in


@pytest.fixture
def one_sentence_claim():
    """A claim that is the whole of its article: "Crime fell by 40 percent last year.\""""
    article = ArticleFactory(body="Crime fell by 40 percent last year.")
    return ClaimFactory(article=article, start=0, end=len(article.body), text=article.body)
