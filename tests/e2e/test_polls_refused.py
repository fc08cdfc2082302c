"""A page that follows a task's progress stops and says why when its poll is refused (logged
out, the row gone), where it used to poll on quietly with nothing to show."""

from playwright.sync_api import expect

from articles.models import AnalysisStatus, ImportBatch, ImportStatus
from tests.e2e.conftest import BROWSER_TESTS
from tests.factories import ArticleFactory

pytestmark = BROWSER_TESTS


def test_the_article_page_says_when_its_poll_finds_the_user_logged_out(live_server, logged_in):
    article = ArticleFactory(analysis_status=AnalysisStatus.QUEUED)
    page = logged_in("factchecker")
    page.goto(f"{live_server.url}/articles/{article.pk}/")
    expect(page.locator("#analysis-status")).to_have_text("Queued")
    page.context.clear_cookies()  # the session ends in another tab, or expires
    expect(page.locator("#analysis-error")).to_have_text(
        "You are logged out: log in again, then reload this page."
    )


def test_the_import_page_says_when_its_import_is_gone(live_server, logged_in):
    batch = ImportBatch.objects.create(
        file_name="wire.csv", file_format="csv", content="title,body\n", status=ImportStatus.RUNNING
    )
    page = logged_in("factchecker")
    page.goto(f"{live_server.url}/intake/imports/{batch.pk}/")
    expect(page.locator("#import-status")).to_have_text("Running")
    ImportBatch.objects.filter(pk=batch.pk).delete()
    expect(page.locator("#import-progress-stopped")).to_contain_text(f"#{batch.pk}")
