import pytest
from django.urls import reverse

from articles.forms import PASTED_TEXT_ERRORS
from articles.models import Article
from articles.services import TITLE_REQUIRED
from claims import services
from claims.models import ClaimStatus
from tests.claims.admin_forms import admin_save, change_form_fields
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    EvidenceSourceFactory,
    UserFactory,
    admin_user,
    editor,
    fact_checker,
)
from tests.multipart import CONTENT_TYPE, multipart_body

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


def test_anonymous_users_are_sent_to_the_login_page(client):
    for url in [reverse("admin:index"), reverse("admin:articles_article_changelist")]:
        response = client.get(url)
        assert response.status_code == 302
        assert "login" in response["Location"]


@pytest.mark.parametrize("role", ["fact_checker", "editor", "admin"])
def test_every_role_sees_articles_and_claims_in_the_admin(client, role):
    user = {
        "fact_checker": fact_checker,
        "editor": editor,
        "admin": lambda: UserFactory(is_superuser=True),
    }[role]()
    ClaimFactory()
    login(client, user)
    for name in ["articles_article", "claims_claim", "claims_verdict", "claims_speaker"]:
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200


def test_a_fact_checker_cannot_delete_articles_but_an_editor_can(client):
    article = ArticleFactory()
    url = reverse("admin:articles_article_delete", args=[article.pk])
    assert login(client, fact_checker()).get(url).status_code == 403
    client.logout()
    response = login(client, editor()).post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not Article.objects.filter(pk=article.pk).exists()


def test_the_publish_action_is_offered_to_editors_only(client):
    url = reverse("admin:claims_verdict_changelist")
    EvidenceSourceFactory()
    checker_page = login(client, fact_checker()).get(url).content.decode()
    assert 'value="submit_for_review"' in checker_page
    assert 'value="publish"' not in checker_page
    client.logout()
    assert 'value="publish"' in login(client, editor()).get(url).content.decode()


def test_a_fact_checker_cannot_publish_by_posting_the_action_anyway(client):
    source = EvidenceSourceFactory()
    verdict = source.verdict
    url = reverse("admin:claims_verdict_changelist")
    login(client, fact_checker()).post(url, {"action": "publish", "_selected_action": [verdict.pk]})
    verdict.refresh_from_db()
    assert verdict.status == "draft"


def test_adding_an_article_in_the_admin_validates_and_queues_analysis(
    client, django_capture_on_commit_callbacks
):
    login(client, fact_checker())
    url = reverse("admin:articles_article_add")
    empty = client.post(url, {"title": "Empty", "body": "  ", "language": "en"})
    assert empty.status_code == 200
    assert "The article text is empty." in empty.content.decode()
    # A field that refused its own value says why, once: not also that it is empty.
    refused = client.post(url, {"title": "", "body": "PK\x03\x04\x00 zip", "language": "en"})
    form = refused.context["adminform"].form
    assert form.errors["title"] == [TITLE_REQUIRED]
    assert form.errors["body"] == [PASTED_TEXT_ERRORS["null_characters_not_allowed"]]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "title": "Budget",
                "body": "The budget grew 4 percent.",
                "language": "en",
                "outlet_name": "Gazette",
            },
        )
    assert response.status_code == 302
    article = Article.objects.get(title="Budget")
    assert article.analysis_status == "done"
    assert article.outlet.name == "Gazette"

    duplicate = client.post(
        url, {"title": "Again", "body": "The budget  grew 4 percent.", "language": "en"}
    )
    assert "already stored as article" in duplicate.content.decode()
    assert Article.objects.count() == 1


def test_an_uploaded_file_that_is_not_utf8_is_refused_in_the_admin(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    login(client, fact_checker())
    response = client.post(
        reverse("admin:articles_article_add"),
        {
            "title": "Latin-1",
            "language": "en",
            "body_file": SimpleUploadedFile("a.txt", "Café".encode("latin-1")),
        },
    )
    assert "not valid UTF-8" in response.content.decode()
    assert not Article.objects.exists()


def test_an_uploaded_file_too_big_for_an_article_is_refused_by_its_size_unread(client, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.ARTICLE_MAX_CHARS = 10
    login(client, fact_checker())
    response = client.post(
        reverse("admin:articles_article_add"),
        {
            "title": "Big",
            "language": "en",
            "body_file": SimpleUploadedFile("big.txt", b"x" * 41),
        },
    )
    form = response.context["adminform"].form
    assert form.errors["body_file"] == [
        "The file has 41 bytes; an article text of at most 10 characters is at most 40 bytes."
    ]
    assert "body" not in form.errors and not Article.objects.exists()
    # Up to the bound, the text itself is measured: 40 bytes of 4-byte characters are 10 (CJK
    # ideographs, each of them a word of a text written without spaces).
    ideographs = SimpleUploadedFile("ok.txt", ("\N{CJK UNIFIED IDEOGRAPH-20B9F}" * 10).encode())
    response = client.post(
        reverse("admin:articles_article_add"),
        {"title": "Faces", "language": "en", "body_file": ideographs},
    )
    assert response.status_code == 302 and Article.objects.count() == 1


def test_assign_to_me_goes_through_the_workflow(client):
    claim = ClaimFactory()
    user = fact_checker()
    login(client, user).post(
        reverse("admin:claims_claim_changelist"),
        {"action": "assign_to_me", "_selected_action": [claim.pk]},
    )
    claim.refresh_from_db()
    assert claim.assignee == user
    assert claim.status == ClaimStatus.IN_PROGRESS
    assert claim.events.get().actor == user


def test_the_article_page_shows_sentences_and_claims_escaped(client):
    article = ArticleFactory(body="<script>alert(1)</script> said 5 people were hurt.")
    from claims.analysis import article_analyze

    article_analyze(article_id=article.pk)
    login(client, fact_checker())
    page = client.get(reverse("admin:articles_article_change", args=[article.pk])).content
    assert b"<script>alert(1)</script>" not in page
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_speaker_added_in_the_admin_answers_to_its_name_and_spellings_stay_unique(client):
    from claims.models import Speaker, SpeakerAlias

    other = services.speaker_resolve(name="Jen Psaki", aliases=["Psaki"])
    login(client, editor())
    url = reverse("admin:claims_speaker_add")
    data = {
        "name": "Antony Blinken",
        "slug": "antony-blinken",
        "role": "",
        "kind": "person",
        "aliases-TOTAL_FORMS": "1",
        "aliases-INITIAL_FORMS": "0",
        "aliases-0-alias": "Psaki",
    }
    page = client.post(url, data)
    assert page.status_code == 200  # the form again, with the reason
    assert "Psaki is already a spelling of Jen Psaki." in page.content.decode()
    assert not Speaker.objects.filter(slug="antony-blinken").exists()
    data["aliases-0-alias"] = "Tony Blinken"
    assert client.post(url, data).status_code == 302
    speaker = Speaker.objects.get(slug="antony-blinken")
    assert set(speaker.aliases.values_list("alias", flat=True)) == {
        "Antony Blinken",
        "Tony Blinken",
    }
    assert services.speaker_resolve(name="Antony Blinken") == speaker
    assert SpeakerAlias.objects.get(alias="Psaki").speaker == other


@pytest.mark.parametrize("value", ["abc", "1.5", "2\x00"])
def test_an_autocomplete_field_given_no_id_is_a_form_error_not_a_500(client, value):
    # The admin draws the form again with what was posted; its autocomplete widget looked the
    # value up as an id and failed.
    admin = UserFactory(is_superuser=True, is_staff=True)
    login(client, admin)
    token = client.post(
        reverse("admin:claims_apitoken_add"), {"name": "Partner", "user": value, "can_read": "on"}
    )
    assert token.status_code == 200
    assert 'class="errorlist' in token.content.decode()
    claim = ClaimFactory()
    page = reverse("admin:claims_claim_change", args=[claim.pk])
    changed = client.post(page, {**change_form_fields(client, page), "speaker": value})
    assert changed.status_code == 200
    assert 'class="errorlist' in changed.content.decode()


def test_a_nul_in_an_admin_list_filter_or_search_is_a_400_not_a_database_error(client):
    client.force_login(admin_user())
    for query in ["status__exact=%00", "q=ab%00c", "o=1%00", "%00=1"]:
        response = client.get(f"/admin/claims/claim/?{query}")
        assert response.status_code == 400, query
        assert b"NUL character" in response.content
    assert client.get("/admin/claims/claim/?status__exact=new").status_code == 200


def test_an_admin_action_on_a_row_id_that_is_not_a_number_is_a_400_not_a_500(client):
    client.force_login(admin_user())
    for page, action in [
        ("/admin/claims/claim/", "assign_to_me"),
        ("/admin/articles/intakejob/", "retry"),
    ]:
        response = client.post(page, {"action": action, "_selected_action": ["1", "x1"]})
        assert response.status_code == 400, page
        assert b"not a row id" in response.content
    claim = ClaimFactory()
    done = client.post(
        "/admin/claims/claim/", {"action": "assign_to_me", "_selected_action": [str(claim.pk)]}
    )
    assert done.status_code == 302


def test_a_refused_admin_row_id_is_sent_back_as_plain_text_never_as_html(client):
    # The guard answers before the CSRF check, so a page elsewhere can post this here: an HTML
    # answer that echoes the value would run the attacker's script on the admin's origin.
    payload = "<svg onload=alert(document.domain)>"
    response = client.post("/admin/claims/claim/", {"action": "x", "_selected_action": payload})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    nul = client.get("/admin/claims/claim/", {"q": "a\x00"})
    assert nul.status_code == 400 and nul["Content-Type"].startswith("text/plain")


def test_the_admin_s_re_run_action_queues_finished_analyses_and_names_those_still_running(
    client, django_capture_on_commit_callbacks
):
    from articles.models import AnalysisStatus

    done = ArticleFactory(title="Done one", analysis_status=AnalysisStatus.DONE)
    running = ArticleFactory(
        title="Running one", analysis_status=AnalysisStatus.RUNNING, analysis_task_id="job-1"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = login(client, editor()).post(
            reverse("admin:articles_article_changelist"),
            {"action": "rerun_analysis", "_selected_action": [done.pk, running.pk]},
            follow=True,
        )
    html = response.content.decode()
    assert "Queued 1 article(s) for analysis." in html
    assert "Running one: The analysis of this article is running already" in html
    assert Article.objects.get(pk=running.pk).analysis_task_id == "job-1"
    assert Article.objects.get(pk=done.pk).analysis_task_id not in ("", "job-1")


def test_the_admin_s_stale_save_names_the_time_in_the_desk_s_time_zone(settings):
    from datetime import UTC, datetime

    from claims.admin.verdicts import VerdictAdminForm
    from claims.models import Verdict
    from tests.factories import drafted_verdict

    settings.TIME_ZONE = "Asia/Tokyo"
    verdict = drafted_verdict()
    saved_at = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)  # 08:30 the next day in Tokyo
    Verdict.objects.filter(pk=verdict.pk).update(updated_at=saved_at, version=verdict.version + 1)
    form_class = type("Form", (VerdictAdminForm,), {"actor": editor()})
    form = form_class(
        data={
            "rating": verdict.rating_id,
            "conclusion": "Mine.",
            "explanation": "",
            "expected_version": verdict.version,
        },
        instance=verdict,
    )
    assert not form.is_valid()
    assert "at 2 Mar 2026 08:30 JST — reload" in form.non_field_errors()[0]


def test_an_admin_form_whose_bytes_are_not_utf8_is_a_400_and_stores_nothing(client):
    from claims.models import Speaker

    login(client, editor())
    response = client.post(
        reverse("admin:claims_speaker_add"),
        b"name=Antony+Blinken+%FF%FE&slug=antony-blinken&kind=person"
        b"&aliases-TOTAL_FORMS=0&aliases-INITIAL_FORMS=0",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert "'name' is not valid UTF-8" in response.content.decode()
    assert not Speaker.objects.filter(slug="antony-blinken").exists()


def test_an_admin_form_sent_as_multipart_whose_text_is_not_utf8_is_a_400_naming_the_field(
    client,
):
    login(client, fact_checker())
    response = client.post(
        reverse("admin:articles_article_add"),
        multipart_body({"title": "Budget", "language": "en", "body": b"Le maire a dit caf\xe9."}),
        content_type=CONTENT_TYPE,
    )
    assert response.status_code == 400
    assert "'body' is not valid UTF-8" in response.content.decode()
    assert not Article.objects.exists()


def test_an_admin_multipart_form_in_utf8_with_a_file_is_still_saved(client):
    login(client, fact_checker())
    response = client.post(
        reverse("admin:articles_article_add"),
        multipart_body(
            {"title": "Café", "language": "fr", "body": ""},
            files={"body_file": ("café.txt", "Le maire a dit que les prix ont augmenté.".encode())},
        ),
        content_type=CONTENT_TYPE,
    )
    assert response.status_code == 302
    assert Article.objects.get(title="Café").body.startswith("Le maire")


def test_an_admin_form_in_utf8_with_accents_is_still_saved(client):
    from claims.models import Speaker

    login(client, editor())
    client.post(
        reverse("admin:claims_speaker_add"),
        {
            "name": "Søren Ørsted",
            "slug": "soren-orsted",
            "role": "",
            "kind": "person",
            "aliases-TOTAL_FORMS": "0",
            "aliases-INITIAL_FORMS": "0",
        },
    )
    assert Speaker.objects.get(slug="soren-orsted").name == "Søren Ørsted"


def test_a_claim_change_the_service_refuses_says_so_and_saves_nothing_not_a_500(client):
    # The refusal skipped the inlines' save, and Django's change message then read what that
    # save sets on each inline formset: an AttributeError on every refused claim save.
    claim = ClaimFactory(attribution_cue="said")
    services.claim_dismiss(claim=claim, actor=admin_user(), reason="Not a claim.")
    client.force_login(admin_user())
    page = reverse("admin:claims_claim_change", args=[claim.pk])
    response = admin_save(client, page, attribution_cue="claimed")
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.attribution_cue == "said"
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any(m.startswith("Nothing was saved: ") for m in messages), messages
