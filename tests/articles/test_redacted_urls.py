"""A URL that a fetch's reason or a command's output names shows its host and path only: its
query string (a feed's or a page's key, "?token=…") and its user name and password stay out of
job reasons, feed errors, terminals, cron mails and the intake pages that show a job's URLs
(articles.intake.storable.url_redacted)."""

import re

import pytest
from django.core.management import call_command
from urllib3.exceptions import LocationParseError, MaxRetryError

from articles.intake import download
from articles.intake.fetch import FetchError, fetch
from articles.intake.jobs import intake_job_submit
from articles.intake.storable import url_redacted
from articles.models import Feed, ImportBatch, IntakeJob
from tests.factories import fact_checker

pytestmark = pytest.mark.django_db

SECRET = "s3cr3t-token"


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (f"https://news.example/feed.xml?token={SECRET}", "https://news.example/feed.xml?…"),
        (f"https://desk:{SECRET}@news.example:8443/rss", "https://news.example:8443/rss"),
        (f"http://a@{SECRET}@news.example/x#key={SECRET}", "http://news.example/x"),
        ("https://news.example/world/", "https://news.example/world/"),
        # Not parseable: read as text all the same, never a crash on the address that failed.
        (f"http://[::1/x?token={SECRET}", "http://[::1/x?…"),
    ],
)
def test_a_shown_url_keeps_its_host_and_path_and_drops_its_query_and_password(url, shown):
    assert url_redacted(url) == shown


class _FailingManager:
    """A pool manager whose request fails as urllib3 does when it quotes the address."""

    def __init__(self, error):
        self.error = error

    def request(self, *args, **kwargs):
        raise self.error

    def clear(self):
        pass


@pytest.mark.parametrize(
    "error",
    [
        MaxRetryError(None, f"/page?token={SECRET}"),
        LocationParseError(f"http://127.0.0.1/page?token={SECRET}"),
    ],
)
def test_a_failed_request_names_no_query_string(intake_server, monkeypatch, error):
    monkeypatch.setattr(download, "pool_manager", lambda: _FailingManager(error))
    with pytest.raises(FetchError) as failed:
        fetch(intake_server.url(f"/page?token={SECRET}"), check_robots=False)
    assert failed.value.reason.startswith("the request failed: ")
    assert SECRET not in failed.value.reason
    assert "/page?…" in failed.value.reason


def test_a_robots_refusal_and_a_malformed_redirect_name_no_query_string(intake_server):
    with pytest.raises(FetchError) as refused:
        fetch(intake_server.url(f"/private/page?token={SECRET}"))
    assert refused.value.reason == (
        f"refused: the site's robots.txt disallows {intake_server.url('/private/page')}?…"
    )
    intake_server.set(
        "/moved", "", status=302, headers={"Location": f"http://a b.example/x?token={SECRET}"}
    )
    with pytest.raises(FetchError) as refused:
        fetch(intake_server.url("/moved"))
    assert refused.value.reason == "refused: 'http://a b.example/x?…' is not a valid URL"


def test_add_feed_and_poll_feeds_print_no_key_or_password(intake_server, capsys):
    keyed = intake_server.url(f"/feed.xml?token={SECRET}")
    call_command("add_feed", keyed)
    feed = Feed.objects.get()
    assert feed.url == keyed  # fetched as given: only what is printed leaves the key out
    # Stored before user names were refused, or by hand: its poll fails, naming no password.
    Feed.objects.create(url=f"http://desk:{SECRET}@news.example/rss")
    call_command("poll_feeds")
    output = capsys.readouterr().out
    assert SECRET not in output
    assert f"Feed #{feed.pk} {intake_server.url('/feed.xml')}?…, polled every 30 minutes." in output
    assert f"{intake_server.url('/feed.xml')}?…: 3 new, 0 skipped, 0 failed" in output
    refused = "http://news.example/rss: 0 new, 0 skipped, 0 failed; error: Refused: URLs with"
    assert refused in output


def test_the_intake_pages_show_a_jobs_urls_without_their_keys(
    intake_server, client, django_capture_on_commit_callbacks
):
    # The pages are staff's, but shared on a screen or in a screenshot: a key in a URL shows
    # there as it would in a reason. The URL submitted stays a link to the whole address (to
    # open the page, to paste its text instead); where the fetch ended is text only, as a
    # redirect's Location is anything a site sends.
    intake_server.set(
        "/moved",
        "",
        status=302,
        headers={"Location": f"http://desk:{SECRET}@news.example/gone?token={SECRET}"},
    )
    submitted = intake_server.url(f"/moved?token={SECRET}")
    with django_capture_on_commit_callbacks(execute=True):
        job = intake_job_submit(url=submitted)
    job.refresh_from_db()
    assert job.fetched_url == f"http://desk:{SECRET}@news.example/gone?token={SECRET}"
    client.force_login(fact_checker())
    page = client.get(f"/intake/jobs/{job.pk}/").content.decode()
    link = f'<a href="{submitted}" rel="noopener noreferrer nofollow">'
    assert f"{link}{intake_server.url('/moved')}?…</a>" in page
    assert "http://news.example/gone?… (where the fetch ended, after redirects)" in page
    # Only links hold the key (this one, and "Paste the article's text instead"'s to the form).
    assert SECRET not in re.sub(r' href="[^"]*"', "", page)
    listing = client.get("/intake/").content.decode()
    assert f"{intake_server.url('/moved')}?…" in listing
    assert "→ http://news.example/gone?…" in listing
    assert SECRET not in listing
    # An import's page lists the jobs of its URL rows alike.
    batch = ImportBatch.objects.create(file_name="wire.csv", file_format="csv", content="url\n")
    IntakeJob.objects.filter(pk=job.pk).update(import_batch=batch, import_line=2)
    imported = client.get(f"/intake/imports/{batch.pk}/").content.decode()
    assert f"{intake_server.url('/moved')}?…</a>" in imported
    assert SECRET not in imported


def test_a_redirect_to_a_script_address_is_not_made_a_link(
    intake_server, client, django_capture_on_commit_callbacks
):
    intake_server.set("/moved", "", status=302, headers={"Location": "javascript:alert(1)"})
    with django_capture_on_commit_callbacks(execute=True):
        job = intake_job_submit(url=intake_server.url("/moved"))
    job.refresh_from_db()
    assert job.fetched_url == "javascript:alert(1)"
    client.force_login(fact_checker())
    page = client.get(f"/intake/jobs/{job.pk}/").content.decode()
    assert "javascript:alert(1) (where the fetch ended" in page
    assert 'href="javascript:' not in page
