import hashlib

import pytest
from django.test import override_settings
from django.urls import URLResolver, get_resolver, reverse
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from claims.api.auth import token_revoke
from claims.models import ApiToken
from tests.api_clients import (
    client_with,
    draft_verdict,
    key_client,
    make_key,
    published_verdict,
)
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


def test_only_a_hash_of_the_key_is_stored():
    token, key = make_key()
    assert key.startswith(f"fc_{token.prefix}_")
    assert len(key) > 40
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in str(ApiToken.objects.filter(pk=token.pk).values().get())


def test_a_request_records_when_the_key_was_last_used():
    token, key = make_key()
    assert token.last_used_at is None
    assert client_with(key).get("/api/v1/verdicts/").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize("header", ["Bearer", "Token"])
def test_the_key_is_accepted_as_bearer_or_token(header):
    _, key = make_key()
    response = client_with().get("/api/v1/claims/", HTTP_AUTHORIZATION=f"{header} {key}")
    assert response.status_code == 200


# --- The permission matrix --------------------------------------------------------------------

ANONYMOUS, READ, SUBMIT, REVOKED, STAFF, WRONG = (
    "anonymous",
    "read",
    "submit",
    "revoked",
    "staff",
    "wrong",
)


def client_for(who):
    if who == ANONYMOUS:
        return client_with()
    if who == WRONG:
        token, key = make_key()
        return client_with(key[:-4] + "AAAA")
    if who == REVOKED:
        token, key = make_key()
        token_revoke(token=token)
        return client_with(key)
    if who == SUBMIT:
        return key_client(read=False, submit=True)
    if who == STAFF:
        return key_client(staff=True)
    return key_client()


MATRIX = [
    # path template, anonymous, read, submit-only, revoked, staff, wrong key
    ("/api/v1/verdicts/", 200, 200, 403, 401, 200, 401),
    ("/api/v1/verdicts/{verdict}/", 200, 200, 403, 401, 200, 401),
    ("/api/v1/verdicts/{verdict}/claimreview/", 200, 200, 403, 401, 200, 401),
    ("/api/v1/verdicts/search/?q=budget", 200, 200, 403, 401, 200, 401),
    ("/api/v1/claims/", 401, 200, 403, 401, 200, 401),
    ("/api/v1/claims/{claim}/", 401, 200, 403, 401, 200, 401),
    ("/api/v1/speakers/", 401, 200, 403, 401, 200, 401),
    ("/api/v1/speakers/{speaker}/", 401, 200, 403, 401, 200, 401),
    # Someone else's article (here: pasted at the desk): only the desk scope reads it.
    ("/api/v1/articles/{article}/", 401, 404, 404, 401, 200, 401),
]
WHO = [ANONYMOUS, READ, SUBMIT, REVOKED, STAFF, WRONG]


@pytest.mark.parametrize(("path", "expected"), [(path, codes) for path, *codes in MATRIX])
def test_permission_matrix_for_reads(path, expected):
    from tests.factories import SpeakerFactory

    verdict = published_verdict("The budget grew by 40 percent.", speaker=SpeakerFactory())
    claim = verdict.claim
    url = path.format(
        verdict=verdict.pk, claim=claim.pk, speaker=claim.speaker_id, article=claim.article_id
    )
    responses = {who: client_for(who).get(url) for who in WHO}
    codes = {who: response.status_code for who, response in responses.items()}
    assert codes == dict(zip(WHO, expected, strict=True))
    for response in responses.values():
        if response.status_code >= 400:
            assert set(response.json()) == {"error", "detail"}
        if response.status_code == 401:
            assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    ("who", "expected"),
    [(ANONYMOUS, 401), (READ, 403), (SUBMIT, 202), (REVOKED, 401), (WRONG, 401)],
)
def test_permission_matrix_for_submitting_an_article(who, expected):
    response = client_for(who).post(
        "/api/v1/articles/",
        {"title": "Budget", "body": "The council said the budget grew by 12 percent."},
        format="json",
    )
    assert response.status_code == expected, response.content


def test_a_revoked_key_says_so():
    token, key = make_key()
    token_revoke(token=token)
    response = client_with(key).get("/api/v1/verdicts/")
    assert response.status_code == 401
    assert response.json() == {
        "error": "authentication_failed",
        "detail": "This API key was revoked.",
    }


def test_a_key_of_a_disabled_account_is_refused():
    token, key = make_key()
    token.user.is_active = False
    token.user.save()
    assert client_with(key).get("/api/v1/verdicts/").status_code == 401


def test_a_malformed_authorization_header_is_a_401_not_a_crash():
    response = client_with().get("/api/v1/verdicts/", HTTP_AUTHORIZATION="Bearer a b c")
    assert response.status_code == 401
    response = client_with().get("/api/v1/verdicts/", HTTP_AUTHORIZATION="Bearer fc_nope")
    assert response.status_code == 401


@pytest.mark.parametrize("header", ["Basic YWRtaW46eA==", "Digest username=admin", "fc_abc"])
def test_credentials_in_a_scheme_the_api_does_not_read_are_a_401_naming_bearer(header):
    # Answered as anonymous, a client sending a password read the public verdicts at the
    # anonymous rate without a word that its credentials were not read.
    response = client_with().get("/api/v1/verdicts/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert response.json() == {
        "error": "authentication_failed",
        "detail": "The API reads keys only as `Authorization: Bearer <key>` (or `Token <key>`); "
        "it cannot read the Authorization header sent. Send the key that way, or no "
        "Authorization header to read published verdicts without a key.",
    }


@pytest.mark.parametrize(
    "key", ["fc_\x00_secret", "fc_ab\x00cd_secret", "fc_ABCDEFGH_secret", "fc_" + "a" * 17 + "_x"]
)
def test_a_key_whose_prefix_no_key_has_is_a_401_not_a_database_error(key):
    # A NUL reached the prefix lookup, which PostgreSQL refuses: a 500 on every endpoint.
    response = client_with().get("/api/v1/verdicts/", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 401
    assert response.json() == {
        "error": "authentication_failed",
        "detail": "The API key is not valid.",
    }


# --- Errors ---------------------------------------------------------------------------------


def test_unknown_api_paths_answer_json_404():
    response = client_with().get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
    assert client_with().get("/api/v2/verdicts/").json()["error"] == "not_found"


def test_an_unpublished_verdict_is_a_json_404():
    verdict = draft_verdict("The budget grew by 40 percent.")
    response = key_client().get(f"/api/v1/verdicts/{verdict.pk}/")
    assert response.status_code == 404
    assert response.json() == {
        "error": "not_found",
        "detail": "There is no such verdict.",
    }


def test_a_wrong_method_is_a_json_405():
    response = key_client().delete("/api/v1/verdicts/")
    assert response.status_code == 405
    assert response.json()["error"] == "method_not_allowed"


@pytest.mark.parametrize(
    "method, path",
    [
        ("post", "/api/v1/verdicts/"),
        ("put", "/api/v1/verdicts/1/"),
        ("delete", "/api/v1/claims/1/"),
        ("get", "/api/v1/articles/"),
        ("post", "/api/v1/verdicts/search/"),
    ],
)
def test_a_wrong_method_is_a_405_without_a_key_too(method, path):
    # Not a 401 "send a key": no key makes the method exist.
    response = getattr(client_with(), method)(path)
    assert response.status_code == 405, response.content
    assert response.json()["error"] == "method_not_allowed"
    assert "OPTIONS" in response["Allow"]


def test_too_many_query_parameters_are_a_json_400_not_a_500(settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    query = "&".join(f"a{number}=1" for number in range(6))
    for path in ("/api/v1/verdicts/", "/api/v1/verdicts/search/", "/api/v1/claims/"):
        response = key_client().get(f"{path}?{query}")
        assert response.status_code == 400, (path, response.content)
        assert response.json()["error"] == "bad_request"
        assert "DATA_UPLOAD_MAX_NUMBER_FIELDS" not in response.json()["detail"]


def test_a_request_refused_before_the_api_views_is_still_json_under_api(settings):
    settings.DEBUG = False  # with DEBUG on, Django answers its technical page instead
    response = client_with().get("/api/v1/verdicts/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"] == "bad_request"
    page = client_with().get("/fact-checks/", HTTP_HOST="evil.example")
    assert page.status_code == 400 and page["Content-Type"].startswith("text/html")


# --- Throttling -----------------------------------------------------------------------------


def _rates(**rates):
    return {**api_settings.DEFAULT_THROTTLE_RATES, **rates}


def test_anonymous_clients_are_throttled_with_a_json_429_and_retry_after():
    from django.conf import settings

    rest = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": _rates(anonymous="3/min")}
    with override_settings(REST_FRAMEWORK=rest):
        codes = [client_with().get("/api/v1/verdicts/").status_code for _ in range(4)]
        response = client_with().get("/api/v1/verdicts/")
        # A key has its own budget, untouched by the anonymous traffic.
        with_key = key_client().get("/api/v1/verdicts/")
    assert codes == [200, 200, 200, 429]
    assert response.status_code == 429
    body = response.json()
    assert body["error"] == "throttled" and body["retry_after"] > 0
    assert int(response["Retry-After"]) > 0
    assert with_key.status_code == 200


def test_each_key_has_its_own_budget():
    from django.conf import settings

    busy, other = key_client(), key_client()
    rest = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": _rates(token="2/min")}
    with override_settings(REST_FRAMEWORK=rest):
        codes = [busy.get("/api/v1/verdicts/").status_code for _ in range(3)]
        other_code = other.get("/api/v1/verdicts/").status_code
    assert codes == [200, 200, 429]
    assert other_code == 200


# --- Admin ------------------------------------------------------------------------------------


def test_staff_create_a_token_in_the_admin_and_see_its_key_once(client):
    admin = UserFactory(username="root", is_superuser=True)
    partner = UserFactory(username="partner", is_staff=False)
    client.force_login(admin)
    response = client.post(
        reverse("admin:claims_apitoken_add"),
        {"name": "Partner site", "user": partner.pk, "can_read": "on"},
    )
    assert response.status_code == 200
    token = ApiToken.objects.get(name="Partner site")
    assert "copy it now" in response.content.decode()
    key = response.context["key"]
    assert key.startswith("fc_") and key in response.content.decode()
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert token.created_by == admin and token.can_read and not token.can_submit
    assert client_with(key).get("/api/v1/claims/").status_code == 200

    change = client.get(reverse("admin:claims_apitoken_change", args=[token.pk]))
    assert key not in change.content.decode()

    client.post(
        reverse("admin:claims_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert client_with(key).get("/api/v1/claims/").status_code == 401


def test_a_new_key_is_shown_in_the_answer_s_page_never_in_a_browser_cookie(client):
    # Shown as a message after the redirect, the key rode in Django's `messages` cookie:
    # signed, not encrypted, so it sat in the browser's cookie jar and crossed the network
    # twice (Set-Cookie, then Cookie) before it was shown.
    client.force_login(UserFactory(is_superuser=True))
    response = client.post(
        reverse("admin:claims_apitoken_add"),
        {"name": "Partner site", "user": UserFactory(is_staff=False).pk, "can_read": "on"},
    )
    assert response.status_code == 200
    assert response.context["key"] in response.content.decode()
    assert "messages" not in response.cookies
    assert "no-store" in response["Cache-Control"]


def _api_views(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _api_views(pattern.url_patterns, prefix + str(pattern.pattern))
        elif prefix.removeprefix("^").startswith("api/") or str(pattern.pattern).startswith(
            "^api/"
        ):
            yield prefix + str(pattern.pattern), pattern.callback


def _permission_declared_by(view_class) -> type | None:
    """The class that names the view's permission_classes, if not DRF's APIView: left to it,
    a view's permission is whatever DEFAULT_PERMISSION_CLASSES says when the class is defined."""
    for cls in view_class.__mro__:
        if "permission_classes" in vars(cls):
            return None if cls.__module__.startswith("rest_framework.") else cls
    return None


def test_every_api_view_states_its_own_permission():
    # Every address under /api/ in the URL configuration, not the router's list alone: a view
    # added beside the router (the index, the schema, the docs) states its scope as well, and a
    # plain Django view there would skip the API's key authentication altogether.
    views = list(_api_views(get_resolver().url_patterns))
    assert len(views) > 10
    for path, callback in views:
        view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
        assert view_class is not None and issubclass(view_class, APIView), path
        assert _permission_declared_by(view_class) is not None, path


# --- Caching --------------------------------------------------------------------------------


def test_desk_scope_answers_are_stored_by_no_cache_and_keyed_ones_by_no_shared_cache():
    published_verdict("The budget grew by 40 percent.")
    desk = key_client(staff=True)
    assert desk.get("/api/v1/claims/")["Cache-Control"] == "private, no-store"
    assert desk.get("/api/v1/claims/?nope=1")["Cache-Control"] == "private, no-store"
    assert key_client().get("/api/v1/speakers/")["Cache-Control"] == "private"
    # The published record, read without a key, says nothing to keep it from caches.
    assert "Cache-Control" not in client_with().get("/api/v1/verdicts/")


def test_a_bad_key_on_a_wrong_method_is_a_401():
    response = client_with("fc_00000000_nope").post("/api/v1/verdicts/")
    assert response.status_code == 401
    assert response.json()["error"] == "authentication_failed"
    response = client_with("fc_00000000_nope").get("/api/v1/verdicts/?format=xml")
    assert response.status_code == 401
