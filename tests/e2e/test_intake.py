"""The bulk import page follows its task's progress live, in a real browser."""

from playwright.sync_api import expect

from articles.models import ImportBatch, ImportStatus
from tests.e2e.conftest import BROWSER_TESTS
from tests.factories import ArticleFactory

pytestmark = BROWSER_TESTS


def test_the_import_page_shows_a_live_progress_bar(live_server, logged_in):
    batch = ImportBatch.objects.create(
        file_name="wire.csv",
        file_format="csv",
        content="title,body\n",
        status=ImportStatus.RUNNING,
        total_rows=None,  # the task is counting the rows
    )
    page = logged_in("factchecker")
    page.goto(f"{live_server.url}/intake/imports/{batch.pk}/")
    expect(page.locator("#import-total")).to_have_text("… (counting rows…)")
    ImportBatch.objects.filter(pk=batch.pk).update(total_rows=10, rows_done=2, stored=2)
    expect(page.locator("#import-total")).to_have_text("10")
    expect(page.locator("#import-done")).to_have_text("2")

    # The task moves on; the page follows without a reload.
    ImportBatch.objects.filter(pk=batch.pk).update(rows_done=7, stored=5, skipped=1, failed=1)
    expect(page.locator("#import-done")).to_have_text("7")
    expect(page.locator("#import-bar")).to_have_js_property("value", 7)
    expect(page.locator("#import-stored")).to_have_text("5")
    expect(page.locator("#import-failed")).to_have_text("1")
    # A URL row's page fetched meanwhile: the import's article count follows too.
    ArticleFactory.create_batch(6, import_batch=batch)
    expect(page.locator("#import-articles")).to_have_text("6")

    ImportBatch.objects.filter(pk=batch.pk).update(
        rows_done=10, stored=8, status=ImportStatus.DONE, errors=[{"line": 4, "reason": "bad"}]
    )
    expect(page.locator("#import-status")).to_have_text("Done")
    expect(page.get_by_role("cell", name="bad")).to_be_visible()  # the reload lists bad rows
