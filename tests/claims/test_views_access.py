"""Every review-desk view, for every role: who gets in, who is sent to log in, who gets 403."""

import re

import pytest
from django.urls import URLResolver, get_resolver, reverse

from tests.factories import (
    ClaimFactory,
    UserFactory,
    active_rating,
    admin_user,
    editor,
    fact_checker,
    published_verdict,
    submitted_verdict,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

ROLES = {
    "anonymous": None,
    "fact_checker": fact_checker,
    "editor": editor,
    "admin": admin_user,
}


@pytest.fixture
def objects():
    claim = ClaimFactory()
    published = published_verdict()
    return {
        "claim": claim,
        "published": published,
        "speaker_slug": _speaker(claim),
    }


def _speaker(claim):
    from tests.factories import SpeakerFactory

    claim.speaker = SpeakerFactory(slug="ada-speaker")
    claim.save()
    return claim.speaker.slug


# (url name, args from objects, status for fact_checker, editor, admin)
READ_PAGES = [
    ("claims:queue", lambda o: [], 200, 200, 200),
    ("claims:detail", lambda o: [o["claim"].pk], 200, 200, 200),
    ("claims:history", lambda o: [o["claim"].pk], 200, 200, 200),
    ("claims:speaker_detail", lambda o: [o["speaker_slug"]], 200, 200, 200),
    ("claims:review_queue", lambda o: [], 403, 200, 200),
    ("claims:desk_history", lambda o: [], 403, 200, 200),
    ("claims:dashboard", lambda o: [], 403, 200, 200),
    ("claims:speakers", lambda o: [], 200, 200, 200),
    ("claims:speaker_duplicates", lambda o: [], 403, 200, 200),
    ("claims:verdict_export", lambda o: [], 403, 200, 200),
    ("articles:list", lambda o: [], 200, 200, 200),
    ("articles:submit", lambda o: [], 200, 200, 200),
    ("articles:detail", lambda o: [o["claim"].article_id], 200, 200, 200),
    # The JSON the article page polls answers refusals in JSON: tests/test_json_polls.py.
    ("articles:status", lambda o: [o["claim"].article_id], 200, 200, 200),
]
JSON_POLLS = {"articles:status"}


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize(
    "name,args,checker_status,editor_status,admin_status",
    READ_PAGES,
    ids=[page[0] for page in READ_PAGES],
)
def test_each_page_answers_each_role_as_its_permissions_say(
    client, objects, role, name, args, checker_status, editor_status, admin_status
):
    url = reverse(name, args=args(objects))
    if ROLES[role] is not None:
        client.force_login(ROLES[role]())
    response = client.get(url)
    if role == "anonymous" and name in JSON_POLLS:
        assert response.status_code == 401
    elif role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    else:
        expected = {
            "fact_checker": checker_status,
            "editor": editor_status,
            "admin": admin_status,
        }[role]
        assert response.status_code == expected


@pytest.mark.parametrize(
    "role,lands_on",
    [
        ("anonymous", "claims:public_index"),
        ("no_role", "claims:public_index"),
        ("fact_checker", "claims:queue"),
        ("editor", "claims:queue"),
        ("admin", "claims:queue"),
    ],
)
def test_the_site_s_address_sends_readers_to_the_fact_checks_and_the_desk_to_its_queue(
    client, role, lands_on
):
    from tests.factories import UserFactory

    if role == "no_role":
        client.force_login(UserFactory())
    elif ROLES[role] is not None:
        client.force_login(ROLES[role]())
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == reverse(lands_on)
    assert "no-store" in response["Cache-Control"]
    assert client.get(response["Location"]).status_code == 200


def test_a_desk_page_still_sends_a_reader_to_log_in_and_back(client):
    asked = reverse("claims:review_queue")
    response = client.get(asked)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={asked}"


@pytest.mark.parametrize("role", list(ROLES))
def test_the_public_page_of_a_published_verdict_is_open_to_everyone(client, objects, role):
    if ROLES[role] is not None:
        client.force_login(ROLES[role]())
    response = client.get(reverse("claims:public", args=[objects["published"].pk]))
    assert response.status_code == 200
    assert b"application/ld+json" in response.content


@pytest.mark.parametrize("role", list(ROLES))
def test_an_unpublished_verdict_has_no_public_page(client, role):
    verdict = submitted_verdict()
    if ROLES[role] is not None:
        client.force_login(ROLES[role]())
    assert client.get(reverse("claims:public", args=[verdict.pk])).status_code == 404
    assert client.get(reverse("claims:public", args=[999999])).status_code == 404


# A fact-checker writes corrections; an editor publishes them (claims:correction_approve, in
# tests/claims/test_permission_matrix.py with the rest of its row).
EDITOR_ACTIONS = ["claims:publish", "claims:return"]


@pytest.mark.parametrize("name", EDITOR_ACTIONS)
def test_fact_checkers_cannot_reach_editor_actions(client, name):
    verdict = submitted_verdict()
    client.force_login(fact_checker())
    response = client.post(
        reverse(name, args=[verdict.claim_id]), {"version": verdict.version, "comment": "x"}
    )
    assert response.status_code == 403
    verdict.refresh_from_db()
    assert verdict.status == "submitted"


ALL_ACTIONS = [
    "claims:assign",
    "claims:unassign",
    "claims:dismiss",
    "claims:reopen",
    "claims:speaker",
    "claims:verdict_save",
    "claims:submit",
    *EDITOR_ACTIONS,
]


@pytest.mark.parametrize("name", ALL_ACTIONS)
def test_anonymous_visitors_cannot_act(client, name):
    claim = ClaimFactory()
    response = client.post(reverse(name, args=[claim.pk]), {})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    claim.refresh_from_db()
    assert claim.status == "new" and claim.assignee is None


@pytest.mark.parametrize("name", ALL_ACTIONS)
def test_actions_refuse_get(client, name):
    claim = ClaimFactory()
    client.force_login(admin_user())
    assert client.get(reverse(name, args=[claim.pk])).status_code == 405


def test_an_action_opened_as_a_page_says_nothing_changed_and_leads_back_to_the_claim(client):
    claim = ClaimFactory()
    client.force_login(admin_user())
    response = client.get(reverse("claims:verdict_save", args=[claim.pk]))
    assert response.status_code == 405 and response["Allow"] == "POST"
    page = response.content.decode()
    assert "Nothing was changed" in page
    assert f'href="{reverse("claims:detail", args=[claim.pk])}"' in page
    claim.refresh_from_db()
    assert claim.status == "new"


def test_a_user_without_a_desk_role_gets_403(client):
    from tests.factories import UserFactory

    claim = ClaimFactory()
    client.force_login(UserFactory(is_staff=False))
    assert client.get(reverse("claims:queue")).status_code == 403
    assert client.get(reverse("claims:detail", args=[claim.pk])).status_code == 403
    assert client.post(reverse("claims:assign", args=[claim.pk])).status_code == 403
    claim.refresh_from_db()
    assert claim.assignee is None


def test_every_form_on_the_claim_page_carries_a_csrf_token(client):
    verdict = submitted_verdict()
    client.force_login(editor())
    html = client.get(reverse("claims:detail", args=[verdict.claim_id])).content.decode()
    assert html.count('method="post"') == html.count("csrfmiddlewaretoken")
    assert html.count('method="post"') >= 3


def test_posts_without_a_csrf_token_are_refused(objects):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    claim = objects["claim"]
    client.force_login(fact_checker())
    assert client.post(reverse("claims:assign", args=[claim.pk])).status_code == 403
    claim.refresh_from_db()
    assert claim.assignee is None


@pytest.mark.parametrize("role", ["fact_checker", "editor", "admin"])
def test_every_desk_role_can_work_a_claim(client, role):
    from claims.models import ClaimStatus

    claim = ClaimFactory()
    user = ROLES[role]()
    client.force_login(user)
    assert client.post(reverse("claims:assign", args=[claim.pk])).status_code == 302
    claim.refresh_from_db()
    assert claim.assignee == user and claim.status == ClaimStatus.IN_PROGRESS
    data = {
        "version": "",
        "rating": active_rating("false").pk,
        "conclusion": "Wrong.",
        "explanation": "",
        "sources-TOTAL_FORMS": "1",
        "sources-INITIAL_FORMS": "0",
        "sources-0-url": "https://a.example.org",
        "sources-0-title": "A",
        "submit": "1",
    }
    assert client.post(reverse("claims:verdict_save", args=[claim.pk]), data).status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.IN_REVIEW


@pytest.mark.parametrize("role", ["editor", "admin"])
def test_editors_and_admins_can_return_and_publish(client, role):
    from claims.models import VerdictStatus

    returned, published = submitted_verdict(), submitted_verdict()
    client.force_login(ROLES[role]())
    client.post(
        reverse("claims:return", args=[returned.claim_id]),
        {"version": returned.version, "comment": "Again."},
    )
    client.post(
        reverse("claims:publish", args=[published.claim_id]), {"version": published.version}
    )
    returned.refresh_from_db()
    published.refresh_from_db()
    assert returned.status == VerdictStatus.RETURNED
    assert published.status == VerdictStatus.PUBLISHED


def test_a_refused_page_keeps_the_desk_around_it_and_says_what_to_do(client):
    client.force_login(fact_checker(username="fc"))
    response = client.get(reverse("claims:review_queue"))
    assert response.status_code == 403
    html = response.content.decode()
    assert '<nav aria-label="Main">' in html and "fc" in html
    assert "<h1>You cannot open this page</h1>" in html
    assert f'href="{reverse("claims:queue")}"' in html


def test_a_missing_page_keeps_the_site_around_it_and_leads_back(client):
    response = client.get(reverse("claims:public", args=[999_999]))
    assert response.status_code == 404
    html = response.content.decode()
    assert '<nav aria-label="Main">' in html
    assert "<h1>Page not found</h1>" in html
    assert f'href="{reverse("claims:public_index")}"' in html


# What anyone may open without signing in; every other page outside the admin and the API (each
# with its own test of who gets in) is the desk's.
PUBLIC_PAGES = {
    "",
    "accounts/login/",
    "accounts/logout/",
    "sitemap.xml",
    "sitemap-<section>.xml",
    "fact-checks/",
    "fact-checks/feed/",
    "fact-checks/<int:pk>/",
    "favicon.ico",  # an empty answer (204) for browsers that ask on the admin's and feed's pages
}
# Any signed-in account's own: changing its password.
ACCOUNT_PAGES = {"accounts/password/", "accounts/password/done/"}
# Pages of one's own work whatever one's role: following an intake job one submitted, and
# withdrawing a correction one wrote. Anyone else's is refused by the view itself (404 or 403:
# test_own_work_pages_refuse_an_account_with_no_desk_role_someone_else_s_work).
OWN_WORK_PAGES = {
    "intake/jobs/<int:pk>/",
    "intake/jobs/<int:pk>/status/",
    "corrections/<int:pk>/withdraw/",
}


def _pages(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _pages(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern)


def test_every_page_outside_the_public_ones_needs_a_desk_sign_in_and_a_desk_role(client, objects):
    """A page added without its login and permission checks is open to the world: each one
    found in the URL configuration, not a list kept by hand, sends a visitor to log in and
    gives a signed-in account with no desk role nothing."""
    desk_pages = [
        route
        for route in _pages(get_resolver().url_patterns)
        if route not in PUBLIC_PAGES and not route.startswith(("admin/", "api/", "^api/"))
    ]
    assert len(desk_pages) > 40
    pk = str(objects["claim"].pk)
    for route in desk_pages:
        url = "/" + re.sub(r"<slug:\w+>", objects["speaker_slug"], re.sub(r"<int:\w+>", pk, route))
        client.logout()
        for method in (client.get, client.post):
            response = method(url)
            # An action refuses a GET before anything else (405), whoever asks; the JSON a
            # page polls refuses in JSON (401), having no login page to send a script to.
            assert response.status_code in (302, 401, 405), (method.__name__, url)
            if response.status_code == 401:
                assert response.json()["error"] == "not_authenticated", url
            if response.status_code == 302:
                assert response["Location"].startswith(reverse("login")), url
        if route in ACCOUNT_PAGES:
            continue
        client.force_login(UserFactory(is_staff=True))
        # Not 404: a view that looks its row up before checking a permission answers 404 here
        # for a row that does not exist, and the page itself to anyone once one does.
        refusals = (403, 404, 405) if route in OWN_WORK_PAGES else (403, 405)
        for method in (client.get, client.post):
            assert method(url).status_code in refusals, (method.__name__, url)


def test_own_work_pages_refuse_an_account_with_no_desk_role_someone_else_s_work(client):
    from articles.models import IntakeJob
    from tests.factories import correction_sent

    job = IntakeJob.objects.create(url="https://example.org/story", created_by=fact_checker())
    correction = correction_sent(
        published_verdict(), writer=fact_checker(), conclusion="Fixed by its author."
    )
    client.force_login(UserFactory(is_staff=True))
    assert client.get(reverse("articles:intake_job", args=[job.pk])).status_code == 404
    assert client.get(reverse("articles:intake_job_status", args=[job.pk])).status_code == 404
    withdraw = reverse("claims:correction_withdraw", args=[correction.pk])
    assert client.post(withdraw).status_code == 403
    assert {
        route for route in OWN_WORK_PAGES if route in set(_pages(get_resolver().url_patterns))
    } == OWN_WORK_PAGES
