from urllib.parse import urlencode

import pytest
from django.urls import reverse

from articles.models import AnalysisStatus, Article, IntakeJob
from claims.models import Claim
from tests.factories import (
    ArticleFactory,
    UserFactory,
    fact_checker,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


def submission(**fields):
    return {
        "title": "Council budget",
        "outlet": "Springfield Times",
        "url": "",
        "published_on": "2024-05-02",
        "body": "The council said the budget grew by 12 percent. Residents shrugged.",
        **fields,
    }


def test_submitting_an_article_stores_it_and_runs_the_analysis(
    client, checker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("articles:submit"), submission())
    article = Article.objects.get()
    assert response["Location"] == reverse("articles:detail", args=[article.pk])
    assert article.created_by == checker and article.outlet.name == "Springfield Times"
    assert article.published_at.date().isoformat() == "2024-05-02"
    # Tests run Celery eagerly, so the (fake-model) analysis has already finished.
    article.refresh_from_db()
    assert article.analysis_status == AnalysisStatus.DONE
    assert Claim.objects.filter(article=article).exists()


def test_a_submission_with_errors_shows_them(client, checker):
    response = client.post(reverse("articles:submit"), submission(title="", url="not a url"))
    assert response.status_code == 400
    assert response.context["form"].errors.keys() == {"title", "url"}
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        # The services refuse these with per-field errors after the form accepted them.
        (
            {"url": "http://169.254.169.254/latest/meta-data/", "body": "", "title": ""},
            "url",
            "the address of 169.254.169.254 is not allowed",
        ),
        ({"url": "http://[::1]/admin", "body": "", "title": ""}, "url", "is not allowed"),
        ({"body": "\u200b\u200b\u2060"}, "body", "The article text is empty."),
    ],
)
def test_a_submission_the_services_refuse_shows_their_reason_on_the_form(
    client, checker, fields, field, message, settings
):
    settings.INTAKE_ALLOW_PRIVATE_NETWORKS = False
    response = client.post(reverse("articles:submit"), submission(**fields))
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert not Article.objects.exists() and not IntakeJob.objects.exists()


def test_a_duplicate_submission_leads_to_the_stored_article(client, checker):
    client.post(reverse("articles:submit"), submission())
    response = client.post(reverse("articles:submit"), submission(title="Again"), follow=True)
    assert Article.objects.count() == 1
    assert "already stored" in response.content.decode()


def test_the_article_page_polls_its_status_while_the_analysis_runs(client, checker):
    article = ArticleFactory(analysis_status=AnalysisStatus.RUNNING)
    html = client.get(reverse("articles:detail", args=[article.pk])).content.decode()
    assert 'data-in-progress="true"' in html and "factcheck/progress.js" in html
    status = client.get(reverse("articles:status", args=[article.pk])).json()
    assert status == {"status": "running", "label": "Running", "error": "", "finished": False}

    article.analysis_status, article.analysis_error = AnalysisStatus.FAILED, "Model missing."
    article.save()
    status = client.get(reverse("articles:status", args=[article.pk])).json()
    assert status["finished"] and status["error"] == "Model missing."
    html = client.get(reverse("articles:detail", args=[article.pk])).content.decode()
    assert "factcheck/progress.js" not in html and "Model missing." in html


def test_hostile_article_titles_and_text_are_escaped_in_the_list_and_page(client, checker):
    article = ArticleFactory(title="<script>alert(1)</script>", body="<img src=x onerror=alert(1)>")
    listing = client.get(reverse("articles:list")).content.decode()
    assert "<script>alert(1)</script>" not in listing and "&lt;script&gt;" in listing
    page = client.get(reverse("articles:detail", args=[article.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page


def test_repeated_wrong_passwords_lock_the_account_out(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    UserFactory(username="victim")
    url = reverse("login")
    for _ in range(2):
        response = client.post(url, {"username": "victim", "password": "wrong"})
        assert response.status_code == 400
        assert "didn't match" in response.content.decode()
    response = client.post(url, {"username": "victim", "password": "wrong"})
    assert response.status_code == 429  # Too Many Requests, as before: not the 400 of a refusal
    assert "<h1>Too many wrong passwords</h1>" in response.content.decode()
    assert "Try again in 15 minutes" in response.content.decode()
    # Even the right password is refused while the lockout lasts.
    response = client.post(url, {"username": "victim", "password": "correct horse battery"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_right_password_logs_in_and_force_login_still_works(client):
    user = UserFactory(username="someone", groups=["Fact-checkers"])
    response = client.post(
        reverse("login"), {"username": "someone", "password": "correct horse battery"}
    )
    assert response.status_code == 302
    assert client.get(reverse("claims:queue")).status_code == 200
    client.logout()
    client.force_login(user)
    assert client.get(reverse("claims:queue")).status_code == 200


def test_the_article_list_pages_through_every_article_most_recently_added_first(client, checker):
    oldest = ArticleFactory(title="The oldest article")
    ArticleFactory.create_batch(200)
    first = client.get(reverse("articles:list"))
    assert "The oldest article" not in first.text
    # Added, not published: beside the Published column "newest first" read as the articles'
    # own dates, which an old article added today contradicts.
    assert "201 articles, most recently added first" in first.text
    assert 'rel="next"' in first.text
    last_page = first.context["page"].paginator.num_pages
    last = client.get(reverse("articles:list"), {"page": last_page})
    assert reverse("articles:detail", args=[oldest.pk]) in last.text
    assert 'rel="prev"' in last.text


def test_a_field_error_is_the_description_its_input_points_to(client, checker):
    response = client.post(reverse("articles:submit"), submission(title=""))
    html = response.content.decode()
    assert 'aria-describedby="id_title_error"' in html and 'aria-invalid="true"' in html
    error = html.split('id="id_title_error"')[1].split("</div>")[0]
    assert "A title is required with pasted text." in error


def test_a_pasted_text_over_the_limit_is_refused_saying_so_not_cut_by_the_browser(
    client, checker, settings
):
    settings.ARTICLE_MAX_CHARS = 100
    form = client.get(reverse("articles:submit")).content.decode()
    textarea = form.split('name="body"')[1].split(">")[0]
    assert "maxlength" not in textarea
    # The limit is said beside the box, and given to paste.js, which keeps a longer text unsent.
    assert 'data-max-chars="100"' in textarea and "factcheck/paste.js" in form
    assert "Paste the full text, at most 100 characters;" in form
    body = " ".join(["Rents rose."] * 20)
    response = client.post(reverse("articles:submit"), submission(body=body))
    assert response.status_code == 400
    html = response.content.decode()
    error = html.split('id="id_body_error"')[1].split("</div>")[0]
    assert f"The article text has {len(body)} characters; the maximum is 100." in error
    assert not Article.objects.exists()


def test_a_failed_log_in_keeps_the_username_and_puts_the_cursor_on_the_password(client):
    UserFactory(username="reporter")
    response = client.post(reverse("login"), {"username": "reporter", "password": "wrong"})
    html = response.content.decode()
    username = html.split('id="id_username"')[1].split(">")[0]
    password = html.split('id="id_password"')[1].split(">")[0]
    assert 'value="reporter"' in username and "autofocus" not in username
    assert "autofocus" in password and "value=" not in password


def test_a_changed_password_leads_back_to_the_desk(client):
    user = UserFactory(username="someone", groups=["Fact-checkers"])
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "correct horse battery",
            "new_password1": "a much longer passphrase 42",
            "new_password2": "a much longer passphrase 42",
        },
        follow=True,
    )
    assert "Your password was changed." in response.text
    assert f'href="{reverse("claims:queue")}"' in response.text.split("<main")[1]


def test_the_article_page_runs_a_failed_analysis_again_through_the_queue(
    client, checker, django_capture_on_commit_callbacks
):
    article = ArticleFactory(body="The council said the budget grew by 12 percent.")
    article.analysis_status, article.analysis_error = AnalysisStatus.FAILED, "Model missing."
    article.save()
    page = reverse("articles:detail", args=[article.pk])
    assert "Run the analysis again" in client.get(page).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("articles:analyse_again", args=[article.pk]))
    assert response["Location"] == page
    # Tests run Celery eagerly: the analysis the button queued has run.
    article.refresh_from_db()
    assert article.analysis_status == AnalysisStatus.DONE and article.analysis_error == ""
    assert Claim.objects.filter(article=article).exists()
    html = client.get(page).content.decode()
    assert "The analysis is queued again" in html and "Run the analysis again" in html


def test_while_an_analysis_is_queued_the_page_says_so_and_a_second_one_is_refused(client, checker):
    article = ArticleFactory(analysis_status=AnalysisStatus.QUEUED, analysis_task_id="first-job")
    page = reverse("articles:detail", args=[article.pk])
    html = client.get(page).content.decode()
    assert "Run the analysis again" not in html
    assert "An analysis is queued: it can be run again once it has finished." in html
    response = client.post(reverse("articles:analyse_again", args=[article.pk]), follow=True)
    assert "The analysis of this article is queued already" in response.content.decode()
    assert Article.objects.get(pk=article.pk).analysis_task_id == "first-job"


def test_running_the_analysis_again_needs_the_admin_action_s_permission(client):
    article = ArticleFactory(analysis_status=AnalysisStatus.DONE)
    client.force_login(UserFactory(is_staff=True))
    response = client.post(reverse("articles:analyse_again", args=[article.pk]))
    assert response.status_code == 403
    assert Article.objects.get(pk=article.pk).analysis_status == AnalysisStatus.DONE
    client.force_login(fact_checker())
    assert client.get(reverse("articles:analyse_again", args=[article.pk])).status_code == 405


def test_the_article_list_counts_each_article_s_claims(client, checker):
    # Counted for the page's articles in a query of their own (articles.views.article_list).
    busy = ArticleFactory(title="Busy")
    ArticleFactory(title="Quiet")
    for start in (0, 10, 20):
        Claim.objects.create(article=busy, start=start, end=start + 5, text=busy.body[:5])
    page = client.get(reverse("articles:list")).context["page"]
    counts = {article.title: article.claim_count for article in page}
    assert counts == {"Busy": 3, "Quiet": 0}


# A Korean syllable as macOS may copy it, decomposed into three jamo (composed again on
# storing): 27 bytes once percent-encoded in a form, the most a stored character is sent as.
DECOMPOSED_SYLLABLE = "\u1112\u1161\u11ab"  # 한


def post_as(client, encoding: str, data: dict):
    """The paste form sent as a browser sends it: urlencoded, or multipart."""
    if encoding == "urlencoded":
        form = urlencode(data)
        return client.post(
            reverse("articles:submit"), form, content_type="application/x-www-form-urlencoded"
        )
    return client.post(reverse("articles:submit"), data)


@pytest.mark.parametrize(
    ("char", "encoding"),
    [
        (DECOMPOSED_SYLLABLE, "urlencoded"),
        (DECOMPOSED_SYLLABLE, "multipart"),
        ("\U0001f600", "urlencoded"),  # 12 bytes percent-encoded
    ],
)
def test_a_text_one_character_over_the_limit_is_read_and_counted_however_it_is_sent(
    client, checker, settings, char, encoding
):
    over = settings.ARTICLE_MAX_CHARS + 1
    response = post_as(client, encoding, submission(body=char * over))
    assert response.status_code == 400
    error = response.content.decode().split('id="id_body_error"')[1].split("</div>")[0]
    assert f"The article text has {over:,} characters; the maximum is " in error
    assert not Article.objects.exists()


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("encoding", ["urlencoded", "multipart"])
def test_a_text_too_large_to_read_gets_the_form_back_saying_so(
    client, checker, settings, debug, encoding
):
    settings.DEBUG = debug  # the demo runs with DEBUG on: Django's debug page was shown there
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = post_as(client, encoding, submission(body="Rents rose. " * 2_000))
    assert response.status_code == 413
    page = response.content.decode()
    assert "<h1>Submit an article</h1>" in page
    error = page.split('id="id_body_error"')[1].split("</div>")[0]
    assert (
        "Your text was not received: it is far longer than an article may be, so the desk "
        "could not read it and nothing was saved. Paste the article again, at most "
        f"{settings.ARTICLE_MAX_CHARS:,} characters."
    ) in error
    assert f'<span class="who">{checker.username}</span>' in page
    assert "Log in" not in page
    assert not Article.objects.exists()


def refused_paste(client, pasted: str):
    """The paste form sent back (400) for `pasted`, with nothing stored."""
    response = client.post(reverse("articles:submit"), submission(body=pasted))
    assert response.status_code == 400 and not Article.objects.exists()
    return response.context["form"]


def test_a_pasted_html_fragment_comes_back_as_its_text_to_check_and_nothing_is_stored(
    client, checker
):
    pasted = (
        "<script>alert('x')</script><p>The finance minister said taxes rose 5 percent.</p>\n"
        "<p>Critics said it was <b>3 percent</b>.</p>"
    )
    form = refused_paste(client, pasted)
    assert form.errors["body"] == [
        "The pasted text was HTML (a page's source), so the desk took the article's text out "
        "of it, as it does for a fetched page; that text is in the box now. Check it, then "
        "submit again."
    ]
    checked = form["body"].value()
    assert checked == (
        "The finance minister said taxes rose 5 percent.\n\nCritics said it was 3 percent."
    )
    assert not Article.objects.exists()

    with_claims = client.post(reverse("articles:submit"), submission(body=checked))
    assert with_claims.status_code == 302
    assert Article.objects.get().body == checked
    assert not Claim.objects.filter(text__contains="<").exists()


def test_a_pasted_html_page_with_no_text_is_refused_and_kept_in_the_box(client, checker):
    pasted = "<script>document.cookie</script><style>p { color: red }</style>"
    form = refused_paste(client, pasted)
    assert form.errors["body"] == [
        "The pasted text is HTML with no article text in it: paste the article as it reads "
        "on the page, or give its URL."
    ]
    assert form["body"].value() == pasted
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        "The council's web team said the <p> tag was misused. Nobody was hurt.",
        "Profits rose where a < b and c > d, the report said.",
        "The page used <script> and </script> tags to load the tracker.",
    ],
)
def test_a_text_that_only_mentions_markup_is_stored_as_it_was_pasted(client, checker, body):
    response = client.post(reverse("articles:submit"), submission(body=body))
    assert response.status_code == 302
    assert Article.objects.get().body == body
