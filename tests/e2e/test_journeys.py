"""The main reviewer and editor journeys in a real browser (tests/e2e/conftest.py drives
Debian's Chromium). Screenshots of the main pages go to a temporary folder, so a test run leaves
the tree clean; `make screenshots` refreshes the ones in docs/screenshots/ (SCREENSHOTS_DIR picks
the folder).
"""

import json
import os
import re
import tempfile
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from articles.models import Article, SourceKind
from claims.models import Claim, Verdict, VerdictStatus
from tests.e2e.conftest import BROWSER_TESTS, log_in, log_out
from tests.factories import active_rating

SCREENSHOTS = Path(
    os.environ.get("SCREENSHOTS_DIR") or Path(tempfile.gettempdir()) / "factcheck-screenshots"
)

pytestmark = BROWSER_TESTS


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def seeded(desk_users):
    call_command("load_seeds", stdout=open(os.devnull, "w"))  # noqa: SIM115
    article = Article.objects.get(source_kind=SourceKind.SEED)
    assert article.analysis_status == "done", article.analysis_error
    return article


def test_a_verdict_goes_from_the_queue_through_review_to_the_public_page(
    live_server, open_page, logged_in, seeded
):
    base = live_server.url
    top_claim = Claim.objects.filter(article=seeded).order_by(
        "-priority", "-check_worthiness", "-created_at", "-id"
    )[0]

    # A fact-checker opens the top claim of the seed article from the queue.
    checker = logged_in("factchecker")
    checker.goto(f"{base}/claims/?outlet={seeded.outlet_id}")
    shot(checker, "queue")
    checker.locator("table.queue tbody tr").first.get_by_role("link").first.click()
    checker.wait_for_url(re.compile(rf"/claims/{top_claim.pk}/$"))
    assert checker.locator("p.paragraph mark").inner_text() == top_claim.text

    # ...assigns it, writes a verdict with one source and submits it.
    checker.get_by_role("button", name="Assign to me").click()
    # ...keeps a research note of whom she asked...
    checker.locator("#id_text").fill("Asked the Pentagon press office; reply by 5 pm.")
    checker.locator("#id_link").fill("https://www.defense.gov/News/")
    checker.get_by_role("button", name="Add note").click()
    expect(checker.get_by_text("Note added.")).to_be_visible()
    expect(checker.locator("ol.notes")).to_contain_text("Asked the Pentagon press office")
    checker.get_by_label("Rating").select_option(label="Mostly True")
    checker.get_by_label("Conclusion").fill("The strikes took place as the statement says.")
    checker.get_by_label("Explanation").fill("The Pentagon and Iraqi officials both confirm it.")
    checker.locator("#id_sources-0-url").fill("https://www.defense.gov/News/Releases/")
    checker.locator("#id_sources-0-title").fill("Pentagon statement")
    expect(checker.locator("[data-domain-warning]")).to_contain_text("1 distinct domain")
    shot(checker, "claim-verdict-form")
    checker.get_by_role("button", name="Save and submit for review").click()
    checker.wait_for_load_state()
    expect(checker.get_by_text("Verdict saved and submitted for review.")).to_be_visible()
    verdict = Verdict.objects.get(claim=top_claim)
    assert verdict.status == VerdictStatus.SUBMITTED
    checker.set_viewport_size({"width": 390, "height": 844})
    shot(checker, "claim-phone")
    checker.set_viewport_size({"width": 1280, "height": 900})
    log_out(checker)

    # An editor returns it once, with a comment.
    boss = logged_in("editor")
    boss.goto(f"{base}/review/")
    shot(boss, "review-queue")
    boss.get_by_role("link", name=re.compile(re.escape(top_claim.text[:40]))).click()
    boss.get_by_label("Comment").fill("Add an independent second source, please.")
    boss.get_by_role("button", name="Return to author").click()
    expect(boss.get_by_text("Returned to the author.")).to_be_visible()
    verdict.refresh_from_db()
    assert verdict.status == VerdictStatus.RETURNED
    log_out(boss)

    # The fact-checker sees the comment, adds a second source and submits again.
    log_in(checker, base, "factchecker")
    checker.goto(f"{base}/claims/{top_claim.pk}/")
    expect(checker.locator(".alert.returned")).to_contain_text(
        "Add an independent second source, please."
    )
    checker.locator("#id_sources-1-url").fill("https://www.reuters.com/world/middle-east/")
    checker.locator("#id_sources-1-title").fill("Reuters report")
    expect(checker.locator("[data-domain-warning]")).to_be_hidden()  # two sites now
    checker.get_by_role("button", name="Save and submit for review").click()
    expect(checker.get_by_text("Verdict saved and submitted for review.")).to_be_visible()
    verdict.refresh_from_db()
    assert verdict.status == VerdictStatus.SUBMITTED and verdict.sources.count() == 2

    # The editor publishes it.
    log_in(boss, base, "editor")
    boss.goto(f"{base}/claims/{top_claim.pk}/")
    shot(boss, "claim-editor-review")
    boss.get_by_role("button", name="Approve and publish").click()
    expect(boss.get_by_text("Published.", exact=True)).to_be_visible()
    verdict.refresh_from_db()
    assert verdict.status == VerdictStatus.PUBLISHED
    boss.goto(f"{base}/dashboard/")
    shot(boss, "dashboard")
    if top_claim.speaker:
        boss.goto(f"{base}/speakers/{top_claim.speaker.slug}/")
        shot(boss, "speaker")

    # Anyone can read the public page, with its rating and a valid ClaimReview.
    visitor = open_page(viewport=(390, 844))  # a phone
    visitor.goto(f"{base}/fact-checks/{verdict.pk}/")
    assert visitor.locator(".verdict-rating .rating").inner_text() == "Mostly True"
    review = json.loads(visitor.locator('script[type="application/ld+json"]').text_content())
    assert review["@type"] == "ClaimReview"
    assert review["claimReviewed"] == top_claim.text
    assert review["reviewRating"]["alternateName"] == "Mostly True"
    assert review["reviewRating"]["ratingValue"] == active_rating("mostly-true").value
    assert review["url"] == f"{base}/fact-checks/{verdict.pk}/"
    assert review["itemReviewed"]["@type"] == "Claim"
    shot(visitor, "public-verdict-phone")


def test_an_article_pasted_in_the_form_shows_its_analysis_finish(live_server, logged_in):
    base = live_server.url
    page = logged_in("factchecker")
    page.goto(f"{base}/articles/new/")
    page.get_by_label("Title").fill("Council budget")
    page.get_by_label("Outlet").fill("Springfield Times")
    page.get_by_label("Publication date").fill("2024-05-02")
    page.get_by_label("Article text").fill(
        "The council said the budget grew by 12 percent, the mayor said. Residents shrugged."
    )
    shot(page, "article-submit")
    page.get_by_role("button", name="Submit for analysis").click()
    page.wait_for_url(re.compile(r"/articles/\d+/$"))
    # Eager Celery analyses during the request; the page shows the finished state.
    assert page.locator("#analysis-status").inner_text() == "Done"
    assert page.get_by_role("link", name=re.compile(r"Claim #\d+")).count() >= 1
    shot(page, "article")


def test_the_article_page_follows_the_analysis_without_a_reload(live_server, logged_in):
    from articles.models import AnalysisStatus

    article = Article.objects.create(
        title="Waiting for the worker",
        body="The budget grew by 3 percent, the mayor said.",
        content_hash="e2e-progress",
        source_kind=SourceKind.PASTED,
        analysis_status=AnalysisStatus.QUEUED,
    )
    page = logged_in("factchecker")
    page.goto(f"{live_server.url}/articles/{article.pk}/")
    expect(page.locator("#analysis-status")).to_have_text("Queued")
    Article.objects.filter(pk=article.pk).update(analysis_status=AnalysisStatus.RUNNING)
    expect(page.locator("#analysis-status")).to_have_text("Running", timeout=10_000)
    Article.objects.filter(pk=article.pk).update(
        analysis_status=AnalysisStatus.FAILED, analysis_error="The model file is missing."
    )
    expect(page.locator("#analysis-error")).to_have_text("The model file is missing.")
    expect(page.locator("#analysis-status")).to_have_text("Failed", timeout=15_000)
