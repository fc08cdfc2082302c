"""URL intake jobs: submit, fetch, store, duplicates, failures with reasons, retry; and the
form, API and command that start them."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from articles.intake import jobrun, jobs
from articles.intake.extract import day_at_noon
from articles.intake.jobs import intake_job_retry, intake_job_submit
from articles.intake.queue import presumed_lost_after
from articles.models import AnalysisStatus, Article, IntakeJob, IntakeStatus, SourceKind
from articles.services import DuplicateArticle
from articles.times import desk_time
from tests.api_clients import client_with, make_key
from tests.factories import ArticleFactory, UserFactory, fact_checker, restore_migration_data

pytestmark = pytest.mark.django_db


def take_in(url: str, capture, **kwargs) -> IntakeJob:
    with capture(execute=True):
        job = intake_job_submit(url=url, **kwargs)
    job.refresh_from_db()
    return job


def test_a_url_is_fetched_stored_as_a_url_article_and_analysed(
    intake_server, django_capture_on_commit_callbacks
):
    job = take_in(
        intake_server.url("/news/budget?utm_source=feed"), django_capture_on_commit_callbacks
    )
    assert job.status == IntakeStatus.STORED and job.reason == "" and not job.duplicate
    article = job.article
    assert article.source_kind == SourceKind.URL
    assert article.title == "Council passes budget after transport row"
    assert article.url == intake_server.url("/news/budget")
    assert article.byline == "Ada Reporter"
    assert article.published_at.date().isoformat() == "2026-11-18"
    assert article.analysis_status == AnalysisStatus.DONE
    assert article.claims.filter(text__contains="40 percent").exists()


def test_the_same_canonical_url_is_not_stored_twice(
    intake_server, django_capture_on_commit_callbacks
):
    first = take_in(intake_server.url("/news/budget"), django_capture_on_commit_callbacks)
    copy = take_in(intake_server.url("/amp/budget"), django_capture_on_commit_callbacks)
    assert copy.status == IntakeStatus.STORED and copy.duplicate
    assert copy.article == first.article
    assert f"already stored as #{first.article_id}" in copy.reason
    assert Article.objects.count() == 1


def test_a_url_already_stored_points_the_submitter_to_the_article(
    intake_server, django_capture_on_commit_callbacks
):
    first = take_in(intake_server.url("/news/budget"), django_capture_on_commit_callbacks)
    with pytest.raises(DuplicateArticle) as duplicate:
        intake_job_submit(url=intake_server.url("/news/budget/"))
    assert duplicate.value.existing == first.article


def test_a_url_in_flight_gives_the_same_job(intake_server):
    first = intake_job_submit(url=intake_server.url("/news/one"))
    again = intake_job_submit(url=intake_server.url("/news/one?utm_campaign=x"))
    assert again.pk == first.pk and IntakeJob.objects.count() == 1


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/missing", "The page answered 404."),
        ("/gone", "The page answered 410."),
        ("/report.pdf", "Refused: the address serves a PDF (application/pdf), not an HTML page."),
        (
            "/feed.xml",
            "Refused: the address serves an RSS feed (subscribe to it under Feeds) "
            "(application/rss+xml), not an HTML page.",
        ),
        ("/short", "No article text found: 34 characters extracted."),
        ("/redirect-private", "Refused: the address of 169.254.169.254 is not allowed"),
    ],
)
def test_a_failed_job_keeps_a_reason_a_person_understands(
    intake_server, django_capture_on_commit_callbacks, path, reason
):
    job = take_in(intake_server.url(path), django_capture_on_commit_callbacks)
    assert job.status == IntakeStatus.FAILED
    assert job.reason.startswith(reason)
    assert job.article is None and job.finished_at is not None


def test_a_slow_page_fetched_inside_the_request_is_tried_once_and_the_job_kept(
    intake_server, django_capture_on_commit_callbacks
):
    intake_server.slow_seconds = 1.5
    job = take_in(intake_server.url("/slow"), django_capture_on_commit_callbacks)
    assert job.status == IntakeStatus.FAILED
    assert job.reason == f"Timed out after 1 s. {jobrun.in_request_note()}"
    # Not three tries back to back: Celery runs an eager task's retry at once.
    assert job.attempts == 1 and len(intake_server.hits("/slow")) == 1


def test_a_worker_still_waits_out_its_time_outs_and_tries_a_slow_page_again(
    intake_server, settings, tmp_path
):
    from celery.exceptions import Retry

    from articles import tasks
    from tests.processes import RedisServer
    from tests.workers import publishing_to, run_as_a_worker

    settings.INTAKE_IN_REQUEST_FETCH_SECONDS = 0.2  # a worker's fetch is not cut to this
    intake_server.slow_seconds = 1.5
    job = intake_job_submit(url=intake_server.url("/slow"), queue=False)
    with (
        RedisServer(tmp_path) as redis,
        publishing_to(redis.url, "unused", settings),
        pytest.raises(Retry),  # sent to the broker with its countdown
    ):
        run_as_a_worker(tasks.intake_fetch, job.pk)
    job.refresh_from_db()
    assert job.status == IntakeStatus.QUEUED and job.attempts == 1
    assert job.reason == "Will try again: timed out after 1 s."


@pytest.mark.parametrize(
    ("hangs", "reason"),
    [
        ("/robots.txt", "The site&#x27;s robots.txt could not be read (timed out after 1 s)."),
        ("/news/one", "Timed out after 1 s."),
    ],
)
@pytest.mark.django_db(transaction=True)  # the fetch runs on commit, inside the request
def test_submitting_a_url_whose_site_hangs_answers_within_the_in_request_time(
    client, intake_server, settings, hangs, reason
):
    restore_migration_data()  # an earlier transactional test flushed the groups
    # The read time-out would wait 30 s, three times over (once a try); the fetch inside the
    # request is cut to its own second. The server hangs on for a minute: a submit page that
    # waited for it would say another time, or none.
    settings.INTAKE_READ_TIMEOUT = 30.0
    settings.INTAKE_IN_REQUEST_FETCH_SECONDS = 1.0
    intake_server.hang_once[hangs] = 60
    client.force_login(fact_checker())
    response = client.post("/articles/new/", {"url": intake_server.url("/news/one")})
    job = IntakeJob.objects.get()
    assert response["Location"] == f"/intake/jobs/{job.pk}/"
    assert job.status == IntakeStatus.FAILED and job.attempts == 1
    assert len(intake_server.hits(hangs)) == 1
    # Where the fetch stood: the page, never its robots.txt shown as where redirects ended.
    assert job.fetched_url == intake_server.url("/news/one")
    page = client.get(response["Location"]).content.decode()
    assert "after redirects" not in page
    assert "The page could not be taken in: the reason is below." in page
    assert reason in page and "The submission is kept in this job" in page
    assert "for at most 1 s" in page and "Retry</button>" in page
    assert "Paste the article's text instead" in page


def test_a_failed_job_can_be_retried(intake_server, django_capture_on_commit_callbacks):
    job = take_in(intake_server.url("/news/later"), django_capture_on_commit_callbacks)
    assert job.status == IntakeStatus.FAILED
    intake_server.set(
        "/news/later", intake_server.responses["/news/one"][2].replace(b"/news/one", b"/news/later")
    )
    with django_capture_on_commit_callbacks(execute=True):
        intake_job_retry(job=job)
    job.refresh_from_db()
    assert job.status == IntakeStatus.STORED and job.article.url.endswith("/news/later")
    with pytest.raises(Exception, match="Only a failed job can be retried"):
        intake_job_retry(job=job)


def test_an_unreachable_broker_leaves_the_job_queued_and_requeue_sends_it(
    intake_server, django_capture_on_commit_callbacks, monkeypatch
):
    # A desk with a task queue, its broker away; then one without, where requeue runs it here.
    monkeypatch.setattr(jobs, "tasks_run_in_process", lambda: False)
    monkeypatch.setattr(jobs, "task_send", lambda name, *args: False)
    job = take_in(intake_server.url("/news/two"), django_capture_on_commit_callbacks)
    assert job.status == IntakeStatus.QUEUED and "requeue_intake" in job.reason
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("requeue_intake", "--queued-minutes", "0")
    job.refresh_from_db()
    assert job.status == IntakeStatus.STORED


def test_running_a_finished_job_again_changes_nothing(
    intake_server, django_capture_on_commit_callbacks
):
    job = take_in(intake_server.url("/news/three"), django_capture_on_commit_callbacks)
    outcome = jobrun.intake_job_run(job_id=job.pk)  # a redelivered message
    assert outcome.job.status == IntakeStatus.STORED and outcome.job.attempts == 1
    assert Article.objects.count() == 1


def test_fetch_url_prints_the_article_id(intake_server, capsys):
    call_command("fetch_url", intake_server.url("/news/one"))
    article = Article.objects.get()
    assert capsys.readouterr().out.strip() == str(article.pk)
    assert article.source_kind == SourceKind.URL


def test_fetch_url_prints_the_reason_it_failed(intake_server):
    with pytest.raises(CommandError, match=r"failed: The page answered 404\."):
        call_command("fetch_url", intake_server.url("/missing"))
    with pytest.raises(CommandError, match="only http and https"):
        call_command("fetch_url", "ftp://example.org/x")


def test_fetch_url_of_a_stored_url_prints_the_existing_id(intake_server, capsys):
    call_command("fetch_url", intake_server.url("/news/one"))
    first = capsys.readouterr().out.strip()
    call_command("fetch_url", intake_server.url("/news/one"))
    output = capsys.readouterr()
    assert output.out.strip() == first and "already stored" in output.err


def test_the_submit_form_takes_a_url_alone(
    client, intake_server, django_capture_on_commit_callbacks
):
    client.force_login(fact_checker())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/articles/new/", {"url": intake_server.url("/news/two")})
    job = IntakeJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/intake/jobs/{job.pk}/"
    page = client.get(response["Location"])
    assert (
        "Stored" in page.content.decode() and "Assembly votes on two plan" in page.content.decode()
    )
    article = client.get(f"/articles/{job.article_id}/").content.decode()
    assert "Fetched from a URL" in article


def test_the_submit_form_needs_a_text_or_a_url(client):
    client.force_login(fact_checker())
    response = client.post("/articles/new/", {"title": "T"})
    assert "Paste the article&#x27;s text, or a URL to fetch it from." in response.content.decode()
    response = client.post("/articles/new/", {"body": "Prices rose 5 percent."})
    assert "A title is required with pasted text." in response.content.decode()


def test_the_submit_form_points_to_the_article_a_url_already_gave(
    client, intake_server, django_capture_on_commit_callbacks
):
    first = take_in(intake_server.url("/news/one"), django_capture_on_commit_callbacks)
    client.force_login(fact_checker())
    response = client.post("/articles/new/", {"url": intake_server.url("/news/one")})
    assert response["Location"] == f"/articles/{first.article_id}/"


def test_the_intake_page_lists_jobs_with_status_and_reason(
    client, intake_server, django_capture_on_commit_callbacks
):
    take_in(intake_server.url("/missing"), django_capture_on_commit_callbacks)
    client.force_login(fact_checker())
    page = client.get("/intake/?status=failed").content.decode()
    assert "The page answered 404." in page and "Failed" in page


def test_the_intake_page_marks_an_unknown_status_filter_and_leaves_it_out(
    client, intake_server, django_capture_on_commit_callbacks
):
    take_in(intake_server.url("/missing"), django_capture_on_commit_callbacks)
    take_in(intake_server.url("/news/one"), django_capture_on_commit_callbacks)
    client.force_login(fact_checker())
    response = client.get("/intake/?status=bogus")
    assert response.status_code == 200
    assert response.context["form"].errors["status"]
    assert len(response.context["page"]) == 2  # every job: the refused filter is left out
    assert "The marked filter is left out until it is corrected." in response.content.decode()
    filtered = client.get("/intake/?status=failed")
    assert not filtered.context["form"].errors
    assert [job.status for job in filtered.context["page"]] == [IntakeStatus.FAILED]
    assert "left out until it is corrected" not in filtered.content.decode()


def test_the_intake_pages_need_the_permission(client):
    assert client.get("/intake/").status_code == 302  # to the log-in page
    client.force_login(UserFactory(is_staff=False))
    assert client.get("/intake/").status_code == 403
    assert client.get("/intake/feeds/").status_code == 403
    assert client.get("/intake/imports/").status_code == 403


def test_the_retry_button_queues_a_failed_job(
    client, intake_server, django_capture_on_commit_callbacks
):
    job = take_in(intake_server.url("/unavailable"), django_capture_on_commit_callbacks)
    assert job.status == IntakeStatus.FAILED
    assert job.reason == f"The page answered 503. {jobrun.in_request_note()}"
    client.force_login(fact_checker())
    intake_server.set("/unavailable", intake_server.responses["/news/three"][2])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/intake/jobs/{job.pk}/retry/")
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == IntakeStatus.STORED


@pytest.mark.django_db(transaction=True)
def test_a_retry_run_inside_the_request_says_how_it_ended_not_that_it_is_queued(
    client, intake_server
):
    restore_migration_data()  # an earlier transactional test flushed the groups
    job = intake_job_submit(url=intake_server.url("/unavailable"))
    job.refresh_from_db()
    assert job.status == IntakeStatus.FAILED
    client.force_login(fact_checker())
    failed_again = client.post(f"/intake/jobs/{job.pk}/retry/", follow=True).content.decode()
    assert "The page could not be taken in: the reason is below." in failed_again
    assert "queued again" not in failed_again
    intake_server.set("/unavailable", intake_server.responses["/news/three"][2])
    stored = client.post(f"/intake/jobs/{job.pk}/retry/", follow=True).content.decode()
    assert "The page was fetched and stored." in stored


def test_the_api_accepts_a_url_without_a_body(intake_server, django_capture_on_commit_callbacks):
    token, key = make_key(read=False, submit=True)
    api = client_with(key)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/api/v1/articles/", {"url": intake_server.url("/news/three")}, format="json"
        )
    assert response.status_code == 202, response.json()
    assert response.json()["status"] == "queued"
    status = api.get(response["Location"]).json()
    assert status["status"] == "stored" and status["reason"] == ""
    article = Article.objects.get()
    assert status["article_url"].endswith(f"/api/v1/articles/{article.pk}/")
    assert article.created_by == token.user
    again = api.post("/api/v1/articles/", {"url": intake_server.url("/news/three")}, format="json")
    assert again.status_code == 409 and again.json()["existing_url"] == status["article_url"]


def test_a_byline_sent_with_a_url_alone_is_the_fetched_articles(
    intake_server, django_capture_on_commit_callbacks
):
    api = client_with(make_key(read=False, submit=True)[1])
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/api/v1/articles/",
            {"url": intake_server.url("/news/three"), "byline": "Ada R"},
            format="json",
        )
    assert response.status_code == 202, response.json()
    assert Article.objects.get().byline == "Ada R"


def test_a_title_date_and_language_sent_with_a_url_alone_are_the_fetched_articles(
    intake_server, django_capture_on_commit_callbacks
):
    api = client_with(make_key(read=False, submit=True)[1])
    given = {"title": "Budget vote", "published_at": "2026-11-18T09:00:00Z", "language": "pt-BR"}
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/api/v1/articles/", {"url": intake_server.url("/news/three"), **given}, format="json"
        )
    assert response.status_code == 202, response.json()
    article = Article.objects.get()  # the page: "Assembly votes on three plan", 2026-11-23, en
    assert (article.title, article.published_at, article.language) == (
        "Budget vote",
        datetime(2026, 11, 18, 9, tzinfo=UTC),
        "pt-br",
    )


def test_a_url_sent_alone_without_a_language_takes_its_pages_not_english(
    intake_server, django_capture_on_commit_callbacks
):
    page = intake_server.responses["/news/one"][2].replace(b'lang="en"', b'lang="fr"')
    intake_server.set("/news/french", page.replace(b"/news/one", b"/news/french"))
    api = client_with(make_key(read=False, submit=True)[1])
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/api/v1/articles/", {"url": intake_server.url("/news/french")}, format="json"
        )
    assert response.status_code == 202, response.json()
    article = Article.objects.get()
    assert (article.title, article.language) == ("Assembly votes on one plan", "fr")
    assert article.published_at == datetime(2026, 11, 21, 8, tzinfo=UTC)


def test_the_api_refuses_a_url_alone_dated_in_the_future_as_it_refuses_an_article(
    intake_server,
):
    api = client_with(make_key(read=False, submit=True)[1])
    response = api.post(
        "/api/v1/articles/",
        {"url": intake_server.url("/news/three"), "published_at": "2099-01-01T00:00:00Z"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["fields"] == {
        "published_at": [
            "The publication date 2099-01-01 is in the future: an article can be dated from "
            "1800-01-01 to tomorrow."
        ]
    }
    assert not IntakeJob.objects.exists()


def test_the_title_and_date_typed_beside_a_url_on_the_submit_form_are_the_articles(
    client, intake_server, django_capture_on_commit_callbacks
):
    client.force_login(fact_checker())
    typed = {
        "url": intake_server.url("/news/two"),
        "title": "Rail vote",
        "published_on": "2026-11-18",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/articles/new/", typed)
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.title == "Rail vote"
    assert article.published_at == day_at_noon(date(2026, 11, 18))  # the page's is 2026-11-22


_UNTITLED_PAGE = (
    b"<html><body><article><p>The council voted on Tuesday to raise bus fares by twelve "
    b"percent, the mayor said, and officials claimed the rise would pay for forty new electric "
    b"buses by 2027.</p><p>Critics said the plan was unfunded and would hurt commuters in the "
    b"outer districts, who already pay the most.</p></article></body></html>"
)


def test_a_page_without_a_title_is_stored_under_the_title_typed_beside_its_url(
    client, intake_server, django_capture_on_commit_callbacks
):
    # The typed title is the article's over the page's: a page that names none failed with
    # "The page has no title." all the same, and the title typed was no way forward.
    intake_server.set("/news/untitled", _UNTITLED_PAGE)
    client.force_login(fact_checker())
    typed = {"url": intake_server.url("/news/untitled"), "title": "Fares rise"}
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/articles/new/", typed).status_code == 302
    assert Article.objects.get().title == "Fares rise"


def test_a_page_without_a_title_and_none_given_fails_saying_where_to_give_one(intake_server):
    intake_server.set("/news/untitled", _UNTITLED_PAGE)
    job = intake_job_submit(url=intake_server.url("/news/untitled"), send=False)
    jobrun.intake_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == IntakeStatus.FAILED
    assert job.reason.startswith("The page has no title: ")
    assert "give a title with the URL" in job.reason


@pytest.mark.django_db(transaction=True)
def test_the_api_answers_with_what_the_job_became_when_tasks_run_in_the_request(intake_server):
    # Without a broker the fetch runs on commit, inside the request: a 202 saying "queued",
    # attempts 0, described a job that was already stored.
    restore_migration_data()  # an earlier transactional test flushed the groups
    _, key = make_key(read=False, submit=True)
    api = client_with(key)
    response = api.post(
        "/api/v1/articles/", {"url": intake_server.url("/news/three")}, format="json"
    )
    assert response.status_code == 202, response.json()
    body = response.json()
    assert (body["status"], body["attempts"], body["duplicate"]) == ("stored", 1, False)
    assert body == api.get(response["Location"]).json()
    article = Article.objects.get()
    intake_server.set("/moved", "", status=302, headers={"Location": "/news/three"})
    moved = api.post("/api/v1/articles/", {"url": intake_server.url("/moved")}, format="json")
    # The answer a worker's fetch would lead to as well: the job, stored as a duplicate.
    assert moved.status_code == 202, moved.json()
    assert (moved.json()["status"], moved.json()["duplicate"]) == ("stored", True)
    assert moved.json()["article_url"].endswith(f"/api/v1/articles/{article.pk}/")
    assert Article.objects.count() == 1


def test_the_api_refuses_an_empty_submission_and_hides_other_clients_jobs(intake_server):
    _, key = make_key(read=False, submit=True)
    api = client_with(key)
    response = api.post("/api/v1/articles/", {"title": "T"}, format="json")
    assert response.status_code == 400 and "body" in response.json()["fields"]
    response = api.post("/api/v1/articles/", {"url": "ftp://example.org/x"}, format="json")
    assert response.status_code == 400 and "only http and https" in str(response.json())
    other = intake_job_submit(url=intake_server.url("/news/one"), queue=False)
    assert api.get(f"/api/v1/intake-jobs/{other.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("url", "private_allowed"),
    [
        ("http://169.254.169.254/latest/meta-data/", True),  # cloud metadata: never
        ("http://127.0.0.1:8077/admin/", False),
        ("http://localhost/admin/", False),
        ("http://[::1]/", False),
        ("http://10.0.0.7/intranet", False),
    ],
)
def test_an_address_that_is_never_fetched_is_refused_at_submission(settings, url, private_allowed):
    settings.INTAKE_ALLOW_PRIVATE_NETWORKS = private_allowed
    _, key = make_key(read=False, submit=True)
    response = client_with(key).post("/api/v1/articles/", {"url": url}, format="json")
    assert response.status_code == 400
    assert "only public internet addresses are fetched" in str(response.json())
    assert not IntakeJob.objects.exists()


def test_the_url_is_fetched_as_submitted_not_as_normalised(
    intake_server, django_capture_on_commit_callbacks
):
    page = intake_server.responses["/news/one"][2].replace(b"/news/one", b"/news/slash/")
    intake_server.set("/news/slash/", page)  # this server answers only with the slash
    job = take_in(intake_server.url("/news/slash/"), django_capture_on_commit_callbacks)
    assert job.url == intake_server.url("/news/slash") and job.status == IntakeStatus.STORED
    assert intake_server.hits("/news/slash/") and not intake_server.hits("/news/slash")


def test_a_job_being_fetched_is_left_to_its_worker_until_its_lease_runs_out(intake_server):
    job = intake_job_submit(url=intake_server.url("/news/two"), queue=False)
    IntakeJob.objects.filter(pk=job.pk).update(
        status=IntakeStatus.FETCHING, started_at=timezone.now(), attempts=1
    )
    assert jobrun.intake_job_run(job_id=job.pk).job.status == IntakeStatus.FETCHING
    assert intake_server.hits("/news/two") == []  # a second delivery did not fetch again
    IntakeJob.objects.filter(pk=job.pk).update(
        started_at=timezone.now() - jobrun.fetch_lease() - timedelta(seconds=1)
    )
    taken_over = jobrun.intake_job_run(job_id=job.pk).job
    assert taken_over.status == IntakeStatus.STORED and taken_over.attempts == 2


def test_the_intake_page_pages_through_many_jobs_keeping_the_filter(client):
    for n in range(55):
        intake_job_submit(url=f"https://news.example/story-{n}", queue=False)
    client.force_login(fact_checker())
    page = client.get("/intake/?status=queued").content.decode()
    assert "Page 1 of 2" in page and 'href="?status=queued&amp;page=2"' in page
    assert '<nav class="pagination" aria-label="Pages">' in page  # the desk's one pager
    assert "story-54" in page and "story-0<" not in page
    assert "story-0<" in client.get("/intake/?status=queued&page=2").content.decode()


def test_a_canonical_url_on_another_site_is_not_trusted(
    intake_server, django_capture_on_commit_callbacks
):
    page = intake_server.responses["/news/one"][2].replace(
        f"{intake_server.base}/news/one".encode(), b"https://www.reuters.com/world/budget"
    )
    intake_server.set("/copy/one", page)
    job = take_in(intake_server.url("/copy/one"), django_capture_on_commit_callbacks)
    assert job.status == IntakeStatus.STORED
    assert job.article.url == intake_server.url("/copy/one")


def test_a_job_that_found_another_clients_article_does_not_name_it(
    intake_server, django_capture_on_commit_callbacks
):
    first = take_in(intake_server.url("/news/budget"), django_capture_on_commit_callbacks)
    _, key = make_key(read=False, submit=True)
    api = client_with(key)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/api/v1/articles/", {"url": intake_server.url("/amp/budget")}, format="json"
        )
    status = api.get(response["Location"]).json()
    assert status["status"] == "stored" and status["duplicate"]
    assert status["article_id"] is None and status["article_url"] is None
    assert status["reason"] == "This page is already stored (submitted by someone else)."
    assert first.article.title not in str(status)


def test_an_unexpected_error_fails_the_job_without_its_internal_text(intake_server, monkeypatch):
    from articles import tasks

    def broken(**kwargs):
        raise RuntimeError("connection to server at 10.0.0.5 failed: password rejected")

    monkeypatch.setattr(jobrun, "intake_job_run", broken)
    job = intake_job_submit(url=intake_server.url("/news/one"), queue=False)
    tasks.intake_fetch.apply(args=[job.pk])
    job.refresh_from_db()
    assert job.status == IntakeStatus.FAILED
    assert job.reason == jobrun.INTERNAL_ERROR_REASON and "10.0.0.5" not in job.reason


def test_a_url_another_client_is_fetching_answers_409_without_their_job():
    theirs = intake_job_submit(
        url="https://news.example/in-flight", created_by=UserFactory(), queue=False
    )
    _, key = make_key(read=False, submit=True)
    api = client_with(key)
    response = api.post(
        "/api/v1/articles/", {"url": "https://news.example/in-flight"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["detail"] == (
        "This URL is already being fetched (submitted by someone else)."
    )
    assert f"/intake-jobs/{theirs.pk}/" not in response.content.decode()
    assert "Location" not in response


@pytest.mark.parametrize(
    "in_flight",
    [
        pytest.param(lambda: {"source_kind": SourceKind.FEED}, id="feed"),  # nobody's
        pytest.param(
            lambda: {"source_kind": SourceKind.IMPORT, "created_by": UserFactory()},
            id="bulk import",
        ),
    ],
)
def test_a_url_a_feed_or_an_import_is_fetching_answers_409_without_that_job(in_flight):
    url = "https://news.example/from-a-feed"
    theirs = intake_job_submit(url=url, queue=False, **in_flight())
    _, key = make_key(read=True, submit=True)
    api = client_with(key)
    response = api.post("/api/v1/articles/", {"url": url}, format="json")
    assert response.status_code == 409
    assert response.json()["detail"] == (
        "This URL is already being fetched (submitted by someone else)."
    )
    assert response.json().get("existing_url") is None and "Location" not in response
    assert f"/intake-jobs/{theirs.pk}/" not in response.content.decode()
    assert api.get(f"/api/v1/intake-jobs/{theirs.pk}/").status_code == 404


def test_a_client_resubmitting_its_own_url_in_flight_gets_its_job_back():
    token, key = make_key(read=False, submit=True)
    mine = intake_job_submit(url="https://news.example/mine", created_by=token.user, queue=False)
    api = client_with(key)
    response = api.post("/api/v1/articles/", {"url": "https://news.example/mine"}, format="json")
    assert response.status_code == 202 and response.json()["id"] == mine.pk
    assert api.get(response["Location"]).status_code == 200


def _submitter(codenames=("add_article", "view_article")):
    """May submit and read articles, but not browse the intake jobs."""
    from django.contrib.auth.models import Permission

    user = UserFactory()
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="articles", codename__in=codenames)
    )
    return user


def _blind_submitter():
    """May submit articles, but not open them (nor browse the intake jobs)."""
    return _submitter(codenames=["add_article"])


def submit_on_the_desk(client, url: str, capture):
    """The desk form with a URL alone, fetched at once: its answer and the job."""
    with capture(execute=True):
        response = client.post("/articles/new/", {"url": url})
    return response, IntakeJob.objects.get(url=url)


def test_whoever_submits_a_url_on_the_desk_may_follow_their_job(
    client, intake_server, django_capture_on_commit_callbacks
):
    someone_elses = intake_job_submit(
        url="https://news.example/other", created_by=UserFactory(), queue=False
    )
    client.force_login(_submitter())
    response, job = submit_on_the_desk(
        client, intake_server.url("/news/two"), django_capture_on_commit_callbacks
    )
    assert response["Location"] == f"/intake/jobs/{job.pk}/"
    page = client.get(response["Location"])
    assert page.status_code == 200 and "Assembly votes on two plan" in page.content.decode()
    assert client.get(f"/intake/jobs/{job.pk}/status/").json()["status"] == "stored"
    assert client.get(f"/intake/jobs/{someone_elses.pk}/").status_code == 404
    assert client.get(f"/intake/jobs/{someone_elses.pk}/status/").status_code == 404
    assert client.get("/intake/").status_code == 403


def test_a_submitter_who_cannot_open_articles_sees_where_the_article_stands_not_a_dead_link(
    client, intake_server, django_capture_on_commit_callbacks
):
    client.force_login(_blind_submitter())
    response, job = submit_on_the_desk(
        client, intake_server.url("/news/two"), django_capture_on_commit_callbacks
    )
    article_url = f"/articles/{job.article_id}/"
    assert client.get(article_url).status_code == 403  # the link would lead nowhere
    page = client.get(response["Location"]).content.decode()
    assert article_url not in page
    assert f"Stored as article #{job.article_id}: analysed, and available to the desk." in page

    Article.objects.filter(pk=job.article_id).update(analysis_status=AnalysisStatus.RUNNING)
    page = client.get(response["Location"]).content.decode()
    assert "being analysed; the desk reviews its claims once it is done." in page


def test_the_job_page_keeps_following_a_stored_article_until_its_analysis_ends(
    client, intake_server, django_capture_on_commit_callbacks
):
    client.force_login(_blind_submitter())
    response, job = submit_on_the_desk(
        client, intake_server.url("/news/two"), django_capture_on_commit_callbacks
    )
    status_url = f"/intake/jobs/{job.pk}/status/"
    Article.objects.filter(pk=job.article_id).update(analysis_status=AnalysisStatus.RUNNING)
    status = client.get(status_url).json()
    assert status["finished"] and not status["settled"]
    assert 'data-in-progress="true"' in client.get(response["Location"]).content.decode()

    Article.objects.filter(pk=job.article_id).update(analysis_status=AnalysisStatus.DONE)
    assert client.get(status_url).json()["settled"]
    assert 'data-in-progress="false"' in client.get(response["Location"]).content.decode()


def test_a_submitter_who_may_open_articles_gets_the_link_on_the_job_page(
    client, intake_server, django_capture_on_commit_callbacks
):
    client.force_login(_submitter())
    response, job = submit_on_the_desk(
        client, intake_server.url("/news/two"), django_capture_on_commit_callbacks
    )
    page = client.get(response["Location"]).content.decode()
    assert f'href="/articles/{job.article_id}/"' in page
    assert "Stored as article" not in page


def test_a_submitter_who_cannot_open_articles_is_told_of_a_duplicate_without_a_redirect(client):
    stored = ArticleFactory(title="A headline only the desk sees")
    client.force_login(_blind_submitter())
    response = client.post("/articles/new/", {"title": "Mine", "body": stored.body})
    assert response.status_code == 400
    page = response.content.decode()
    assert f"This article is already stored (#{stored.pk}) and is available to the desk." in page
    assert stored.title not in page and f"/articles/{stored.pk}/" not in page


def test_the_desk_form_says_when_someone_else_is_fetching_the_url(client):
    theirs = intake_job_submit(
        url="https://news.example/theirs", created_by=UserFactory(), queue=False
    )
    client.force_login(_submitter())
    response = client.post("/articles/new/", {"url": "https://news.example/theirs"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "This URL is already being fetched (submitted by someone else)." in page
    assert f"/intake/jobs/{theirs.pk}/" not in page


def test_requeue_leaves_a_job_waiting_out_its_retry_countdown_alone(intake_server, capsys):
    job = intake_job_submit(url=intake_server.url("/unavailable"))  # sent once committed
    outcome = jobrun.intake_job_run(job_id=job.pk)
    assert outcome.job.status == IntakeStatus.QUEUED and "Will try again" in outcome.job.reason
    call_command("requeue_intake", "--queued-minutes", "0")
    assert capsys.readouterr().out.strip() == "Requeued 0 intake job(s)"
    # Overdue, but its retry's message was sent lately: it is with the broker (or a worker),
    # which delivers it; the recovery does not add a second copy.
    IntakeJob.objects.filter(pk=job.pk).update(queued_at=timezone.now() - timedelta(seconds=1))
    call_command("requeue_intake", "--queued-minutes", "0")
    assert capsys.readouterr().out.strip() == "Requeued 0 intake job(s)"
    # The retry never came and was sent so long ago that it is presumed lost: sent again.
    IntakeJob.objects.filter(pk=job.pk).update(
        sent_at=timezone.now() - presumed_lost_after() - timedelta(seconds=1)
    )
    call_command("requeue_intake", "--queued-minutes", "0")
    assert capsys.readouterr().out.strip() == f"Requeued 1 intake job(s): #{job.pk}"


def test_requeue_leaves_jobs_waiting_in_the_broker_so_a_backlog_does_not_grow(
    intake_server, worker_queue, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(jobs, "task_send", lambda name, *args: sent.append(args[0]) or True)
    with django_capture_on_commit_callbacks(execute=True):
        backlog = [intake_job_submit(url=intake_server.url(f"/news/{n}")) for n in range(3)]
    assert sent == [job.pk for job in backlog]
    # Ten minutes behind a backlog, no worker has taken them yet.
    IntakeJob.objects.update(queued_at=timezone.now() - timedelta(minutes=10))
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            jobs.intake_jobs_requeue_stale(
                queued_for=timedelta(minutes=5), fetching_for=timedelta(minutes=15)
            )
            == []
        )
    assert len(sent) == 3  # the queue did not grow
    # One was sent so long ago that its message is presumed lost; one never reached the broker.
    lost, unsent, waiting = backlog
    IntakeJob.objects.filter(pk=lost.pk).update(
        sent_at=timezone.now() - presumed_lost_after() - timedelta(minutes=1)
    )
    IntakeJob.objects.filter(pk=unsent.pk).update(sent_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        again = jobs.intake_jobs_requeue_stale(
            queued_for=timedelta(minutes=5), fetching_for=timedelta(minutes=15)
        )
    assert sorted(again) == sorted([lost.pk, unsent.pk]) and sorted(sent[3:]) == sorted(again)
    assert IntakeJob.objects.get(pk=waiting.pk).sent_at is not None
    assert all(
        IntakeJob.objects.get(pk=pk).sent_at > timezone.now() - timedelta(minutes=1) for pk in again
    )


def test_a_job_whose_retry_cannot_reach_the_broker_is_left_to_the_recovery(
    intake_server, tmp_path, settings, monkeypatch
):
    """The fetch timed out and the broker went away too: Celery drops the retry. The job must
    not read 'queued' (and sent) until it is presumed lost, but go to the next recovery."""
    from celery.exceptions import Reject

    from articles import tasks
    from tests.processes import RedisServer
    from tests.workers import publishing_to, run_as_a_worker

    job = intake_job_submit(url=intake_server.url("/unavailable"), queue=False)
    with RedisServer(tmp_path) as redis, publishing_to(redis.url, "unused", settings):
        redis.stop()
        with pytest.raises(Reject):
            run_as_a_worker(tasks.intake_fetch, job.pk)
    job.refresh_from_db()
    assert job.status == IntakeStatus.QUEUED and job.sent_at is None
    assert job.reason == jobs.BROKER_DOWN_REASON
    monkeypatch.setattr(jobs, "task_send", lambda name, *args: True)
    assert jobs.intake_jobs_requeue_stale(
        queued_for=timedelta(0), fetching_for=timedelta(minutes=15)
    ) == [job.pk]


def test_a_failed_url_leads_to_the_submit_form_with_the_url_and_outlet_kept(client):
    user = fact_checker()
    job = IntakeJob.objects.create(
        url="https://news.example/story?id=7&lang=en",
        outlet_name="News Example",
        status=IntakeStatus.FAILED,
        reason="The host news.example could not be found.",
        created_by=user,
    )
    client.force_login(user)
    page = client.get(f"/intake/jobs/{job.pk}/").content.decode()
    link = (
        "/articles/new/?url=https%3A//news.example/story%3Fid%3D7%26lang%3Den"
        "&amp;outlet=News%20Example"
    )
    assert f'href="{link}"' in page and "Paste the article" in page
    form = client.get("/articles/new/", {"url": job.url, "outlet": job.outlet_name}).context["form"]
    assert form["url"].value() == job.url and form["outlet"].value() == "News Example"
    assert not form.is_bound  # nothing is submitted, and no error shows, until the user sends it
    response = client.post(
        "/articles/new/",
        {
            "url": job.url,
            "outlet": job.outlet_name,
            "title": "Story seven",
            "body": "The minister said exports rose 4 percent.",
        },
    )
    article = Article.objects.get()
    assert response["Location"] == f"/articles/{article.pk}/"
    assert article.url.startswith("https://news.example/story")


def test_the_job_page_shows_the_url_submitted_and_where_the_fetch_ended(
    intake_server, client, django_capture_on_commit_callbacks
):
    port = intake_server.base.rsplit(":", 1)[1]
    # The failure names the host the redirect went to, which the submitter never wrote.
    intake_server.set(
        "/moved", "", status=302, headers={"Location": f"http://localhost:{port}/gone"}
    )
    submitted = intake_server.url("/moved?utm_source=feed")
    job = take_in(submitted, django_capture_on_commit_callbacks)
    assert job.status == IntakeStatus.FAILED and job.reason == "The page answered 410."
    assert job.fetch_url == submitted and job.url == intake_server.url("/moved")
    assert job.fetched_url == f"http://localhost:{port}/gone"
    client.force_login(fact_checker())
    page = client.get(f"/intake/jobs/{job.pk}/").content.decode()
    # Shown without its query string (tests/articles/test_redacted_urls.py), linked in full.
    shown = f'<a href="{submitted}" rel="noopener noreferrer nofollow">{job.url}?…</a>'
    assert shown in page.replace("&amp;", "&")
    assert f"http://localhost:{port}/gone (where the fetch ended" in page
    listing = client.get("/intake/").content.decode()
    assert f"→ http://localhost:{port}/gone" in listing
    # A fetch that ends where it began says it once.
    stored = take_in(intake_server.url("/news/one"), django_capture_on_commit_callbacks)
    assert stored.fetched_url == intake_server.url("/news/one")
    assert "URL fetched" not in client.get(f"/intake/jobs/{stored.pk}/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_job_whose_database_connection_dies_mid_fetch_is_retried_on_a_new_one(
    intake_server, monkeypatch
):
    """PostgreSQL closes the worker's connection while it fetches (a restart, a failover): the
    job is not marked failed down the dead connection (it stayed 'fetching'), but retried."""
    from django.db import connection

    from articles import tasks

    if connection.vendor != "postgresql":
        pytest.skip("closes a connection from PostgreSQL's side")
    real_fetch, fetches = jobrun.fetch, []

    def fetch_while_postgresql_restarts(url, **kwargs):
        fetches.append(url)
        if len(fetches) == 1:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")
        return real_fetch(url, **kwargs)

    monkeypatch.setattr(jobrun, "fetch", fetch_while_postgresql_restarts)
    job = intake_job_submit(url=intake_server.url("/news/one"), queue=False)
    tasks.intake_fetch.apply(args=[job.pk])  # an eager retry runs at once
    job.refresh_from_db()
    assert len(fetches) == 2
    assert job.status == IntakeStatus.STORED, job.reason
    assert job.attempts == 2 and job.article.title == "Assembly votes on one plan"


@pytest.mark.django_db(transaction=True)
def test_the_message_after_a_submission_says_what_it_became_when_tasks_run_in_the_request(
    client, intake_server
):
    # Without a broker (the zero-config demo) the fetch and the analysis run inside the
    # request: "queued for fetching" then sat above a job page that said "Stored".
    restore_migration_data()  # an earlier transactional test flushed the groups
    client.force_login(fact_checker())
    fetched = client.post("/articles/new/", {"url": intake_server.url("/news/one")}, follow=True)
    page = fetched.content.decode()
    assert IntakeJob.objects.get().status == IntakeStatus.STORED
    assert "The page was fetched and stored." in page and "queued for fetching" not in page
    missing = client.post("/articles/new/", {"url": intake_server.url("/missing")}, follow=True)
    assert "The page could not be taken in: the reason is below." in missing.content.decode()
    pasted = client.post(
        "/articles/new/",
        {"title": "Rates", "body": "The mayor said rates rose by 40 percent last year."},
        follow=True,
    )
    assert Article.objects.get(title="Rates").analysis_status == AnalysisStatus.DONE
    assert "Article stored and analysed." in pasted.content.decode()
    rates = Article.objects.get(title="Rates")
    again = client.post(f"/articles/{rates.pk}/analyse-again/", follow=True).content.decode()
    assert "The article is analysed again." in again and "queued again" not in again


@pytest.mark.django_db(transaction=True)
def test_a_url_that_redirects_to_a_stored_article_says_duplicate_and_leads_to_it(
    client, intake_server
):
    # The fetch ran inside the request and found the page already stored: "fetched and
    # stored" above a job marked a duplicate said the opposite of what happened.
    restore_migration_data()  # an earlier transactional test flushed the groups
    client.force_login(fact_checker())
    client.post("/articles/new/", {"url": intake_server.url("/news/one")}, follow=True)
    stored = Article.objects.get()
    intake_server.set("/moved", "", status=302, headers={"Location": "/news/one"})
    page = client.post("/articles/new/", {"url": intake_server.url("/moved")}, follow=True)
    job = IntakeJob.objects.get(fetch_url=intake_server.url("/moved"))
    assert job.duplicate and job.article == stored
    assert page.redirect_chain[-1][0] == f"/articles/{stored.pk}/"
    said = [str(message) for message in page.context["messages"]]
    assert said == [f"This text is already stored as article #{stored.pk} ({stored.title})."]
    assert Article.objects.count() == 1


def test_the_message_after_a_submission_says_queued_while_it_is(client, intake_server):
    # With a broker the job waits for a worker (here: the commit never comes, inside the test).
    client.force_login(fact_checker())
    page = client.post("/articles/new/", {"url": intake_server.url("/news/one")}, follow=True)
    assert "The page is queued for fetching." in page.content.decode()


def test_a_database_error_between_storing_the_article_and_saving_the_job_leaves_no_duplicate(
    intake_server, monkeypatch, django_capture_on_commit_callbacks
):
    """The article was written, then the job's save hit a database error: the task's retry
    found the page 'already stored' and marked the job a duplicate of its own article."""
    from django.db import OperationalError

    from articles import tasks

    real_finish, saves = jobrun._finish, []

    def database_blinks_at_the_first_store(job, status, reason):
        saves.append(status)
        if status == IntakeStatus.STORED and saves.count(IntakeStatus.STORED) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real_finish(job, status, reason)

    monkeypatch.setattr(jobrun, "_finish", database_blinks_at_the_first_store)
    job = intake_job_submit(url=intake_server.url("/news/one"), queue=False)
    with django_capture_on_commit_callbacks():
        tasks.intake_fetch.apply(args=[job.pk])  # an eager retry runs at once
    job.refresh_from_db()
    assert saves.count(IntakeStatus.STORED) == 2  # the retry ran
    assert job.status == IntakeStatus.STORED and not job.duplicate and job.reason == ""
    assert job.article == Article.objects.get(url=job.url)
    assert job.article.title == "Assembly votes on one plan"


def test_the_job_page_writes_its_times_to_the_second_as_the_requeue_reasons_do(client, settings):
    settings.TIME_ZONE = "Europe/Berlin"
    submitted = datetime(2026, 12, 2, 19, 5, 9, tzinfo=UTC)
    job = IntakeJob.objects.create(url="https://news.example/timed", source_kind=SourceKind.URL)
    IntakeJob.objects.filter(pk=job.pk).update(created_at=submitted)
    client.force_login(fact_checker())
    page = client.get(f"/intake/jobs/{job.pk}/").content.decode()
    assert desk_time(submitted, seconds=True) == "2 Dec 2026 20:05:09 CET"
    assert "<dt>Submitted</dt><dd>2 Dec 2026 20:05:09 CET" in page
    assert "<dt>Finished</dt><dd>—</dd>" in page
