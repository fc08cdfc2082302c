"""The claim page's layout: on a phone long source addresses wrap instead of widening the page
past the screen; on a desk screen a saved source's note is as wide as a new one's."""

from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import expect

from claims import verdicts
from tests.e2e.test_journeys import (  # noqa: F401 (fixtures)
    allow_orm_beside_playwright,
    browser,
    desk_users,
    log_in,
    open_page,
    pytestmark,
)
from tests.factories import ArticleFactory, ClaimFactory, active_rating, drafted_verdict

LONG_URL = "https://www.defense.gov/News/Releases/Release/Article/2672555/statement-by-pentagon-press-secretary-john-kirby-on-june-27-strikes/"


def test_a_claim_whose_sources_changed_fits_a_phone_screen(
    live_server,
    open_page,  # noqa: F811
    desk_users,  # noqa: F811
):
    article = ArticleFactory(body="Crime fell by 40 percent last year.")
    claim = ClaimFactory(article=article, start=0, end=len(article.body), text=article.body)
    checker = get_user_model().objects.get(username="factchecker")
    verdict = drafted_verdict(claim=claim, author=checker)
    verdicts.verdict_save(
        claim=claim,
        actor=checker,
        expected_version=verdict.version,
        rating=active_rating("false"),
        conclusion=verdict.conclusion,
        explanation=verdict.explanation,
        sources=[{"url": LONG_URL, "title": "Pentagon statement", "note": ""}],
    )
    page = open_page(viewport=(390, 844))
    log_in(page, live_server.url, "factchecker")
    for name in ["claims:detail", "claims:history"]:
        page.goto(live_server.url + reverse(name, args=[claim.pk]))
        assert page.locator("table.diff").count()  # the sources' change is on the page
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, name


def test_a_saved_source_s_note_takes_the_whole_row_as_a_new_one_s_does(
    live_server,
    open_page,  # noqa: F811
    desk_users,  # noqa: F811
):
    article = ArticleFactory(body="Crime fell by 40 percent last year.")
    claim = ClaimFactory(article=article, start=0, end=len(article.body), text=article.body)
    drafted_verdict(claim=claim, author=get_user_model().objects.get(username="factchecker"))
    page = open_page()
    log_in(page, live_server.url, "factchecker")
    page.goto(live_server.url + reverse("claims:detail", args=[claim.pk]))
    expect(page.get_by_label("Remove this source")).to_be_visible()  # source 1 is saved
    saved, new = page.locator("#id_sources-0-note"), page.locator("#id_sources-1-note")
    assert saved.bounding_box()["width"] == new.bounding_box()["width"]
