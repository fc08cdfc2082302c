"""API tokens: creating and revoking them, authenticating requests, scopes and throttles.

A key reads `fc_<prefix>_<secret>`. The prefix is stored in clear to find the row; only the
SHA-256 of the whole key is stored. The secret has 256 bits of entropy, so a plain hash (no
slow KDF) is enough: nobody brute-forces 2**256.
"""

import hashlib
import hmac
import re
import secrets
from datetime import timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from rest_framework import exceptions, permissions, throttling
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.settings import api_settings

from articles.models import Article, IntakeJob

from ..models import ApiToken, Speaker, Verdict

KEY_PREFIX = "fc_"
PREFIX_BYTES = 4
# What token_create writes as a key's prefix. A key whose prefix has another shape belongs to
# no token, and is refused before the lookup: a NUL in it was a database error (a 500).
_PREFIX_SHAPE = re.compile(rf"[0-9a-f]{{{2 * PREFIX_BYTES}}}")
# Writing last_used_at on every request would turn each read into a write; a minute is precise
# enough to tell a live client from a dead one.
LAST_USED_RESOLUTION = timedelta(minutes=1)
# The desk scope only widens what a read key sees: alone it lets a key do nothing.
SCOPE_REQUIRED_MESSAGE = (
    "Give the key a scope: tick read and/or submit (the desk scope only widens what a read "
    "key sees)."
)
DESK_NEEDS_READ_MESSAGE = (
    "The desk scope (can read unpublished) only widens what a read key sees: tick read too, "
    "or untick can read unpublished."
)
NO_SCOPE_MESSAGE = (
    "This API key has no scopes: it may neither read nor submit. An admin must grant it one "
    "(Admin → API tokens: read and/or submit)."
)


OTHER_SCHEME_MESSAGE = (
    "The API reads keys only as `Authorization: Bearer <key>` (or `Token <key>`); it cannot "
    "read the Authorization header sent. Send the key that way, or no Authorization header to "
    "read published verdicts without a key."
)


def token_has_a_scope(*, can_read: bool, can_submit: bool) -> bool:
    """Whether a key with these scopes may do anything at all (the one definition)."""
    return can_read or can_submit


def token_scopes_refusal(
    *, can_read: bool, can_submit: bool, can_read_unpublished: bool
) -> str | None:
    """Why a key with these scopes is not saved (None: it is), for token_create and the admin."""
    if not token_has_a_scope(can_read=can_read, can_submit=can_submit):
        return SCOPE_REQUIRED_MESSAGE
    if can_read_unpublished and not can_read:
        return DESK_NEEDS_READ_MESSAGE
    return None


def token_reads_unpublished(token: ApiToken | None) -> bool:
    """Whether the key sees the desk's unpublished work (the one definition). The desk scope
    counts only with read: a submit key with it would otherwise read every article and intake
    job without the read scope. (No row holds that pair since migration claims.0032 and its
    constraint; the rule is still spelled out whole here, where the access is decided.)"""
    return token is not None and token.can_read and token.can_read_unpublished


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def token_create(
    *,
    name: str,
    user,
    can_read: bool = True,
    can_submit: bool = False,
    can_read_unpublished: bool = False,
    created_by=None,
) -> tuple[ApiToken, str]:
    """Store a new token and return it with its key; the key is never retrievable again."""
    name = (name or "").strip()
    if not name:
        raise ValueError("A token needs a name.")
    refusal = token_scopes_refusal(
        can_read=can_read, can_submit=can_submit, can_read_unpublished=can_read_unpublished
    )
    if refusal:
        raise ValueError(refusal)
    with transaction.atomic():
        while True:
            prefix = secrets.token_hex(PREFIX_BYTES)
            if not ApiToken.objects.filter(prefix=prefix).exists():
                break
        key = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
        token = ApiToken.objects.create(
            name=name,
            user=user,
            prefix=prefix,
            key_hash=_hash(key),
            can_read=can_read,
            can_submit=can_submit,
            can_read_unpublished=can_read_unpublished,
            created_by=created_by,
        )
    return token, key


def token_revoke(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=token.revoked_at
        )
    return token


def token_for_key(key: str) -> ApiToken | None:
    """The token this key belongs to (revoked or not), or None."""
    parts = key.split("_")
    if len(parts) < 3 or f"{parts[0]}_" != KEY_PREFIX or not _PREFIX_SHAPE.fullmatch(parts[1]):
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=parts[1]).first()
    if token is None or not hmac.compare_digest(token.key_hash, _hash(key)):
        return None
    return token


class ApiTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer <key>` (or `Token <key>`). No header: an anonymous request.
    Another scheme (Basic, Digest) is a 401: answered as anonymous, a client sending a password
    got the public verdicts and the anonymous budget without a word that nothing was read."""

    keywords = (b"bearer", b"token")

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header:
            return None
        if header[0].lower() not in self.keywords:
            raise exceptions.AuthenticationFailed(OTHER_SCHEME_MESSAGE)
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "Malformed Authorization header: send `Authorization: Bearer <key>`."
            )
        try:
            key = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("The API key is not valid.") from None
        token = token_for_key(key)
        if token is None:
            raise exceptions.AuthenticationFailed("The API key is not valid.")
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed("This API key was revoked.")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("The account behind this API key is disabled.")
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


def request_token(request) -> ApiToken | None:
    return request.auth if isinstance(request.auth, ApiToken) else None


def _scoped_token(request) -> ApiToken:
    """The request's key, which has at least one scope: no key is a 401, a key without any
    scope a 403 saying so (not that it lacks the one this endpoint needs, which reads as if
    another key's scope were the fix)."""
    token = request_token(request)
    if token is None:
        raise exceptions.NotAuthenticated(
            "An API key is needed: send `Authorization: Bearer <key>`."
        )
    if not token_has_a_scope(can_read=token.can_read, can_submit=token.can_submit):
        raise exceptions.PermissionDenied(NO_SCOPE_MESSAGE)
    return token


def reads_unpublished(request) -> bool:
    """The desk scope is ticked on the key itself; the account's is_staff grants nothing here."""
    return token_reads_unpublished(request_token(request))


def articles_visible(*, token: ApiToken | None) -> QuerySet[Article]:
    """The articles a client may read: those its account submitted, or all with read + desk."""
    if token is None:
        return Article.objects.none()
    if token_reads_unpublished(token):
        return Article.objects.all()
    return Article.objects.filter(created_by=token.user_id)


def intake_jobs_visible(*, token: ApiToken | None) -> QuerySet[IntakeJob]:
    """The intake jobs a client may follow: its account's, or all with read + desk."""
    if token is None:
        return IntakeJob.objects.none()
    if token_reads_unpublished(token):
        return IntakeJob.objects.all()
    return IntakeJob.objects.filter(created_by=token.user_id)


def speakers_visible(*, staff: bool) -> QuerySet[Speaker]:
    """The speakers a client may read (/speakers/, and a name in a claim group's appearances):
    all with the desk scope, else those with a published verdict on one of their claims."""
    if staff:
        return Speaker.objects.all()
    # A speaker seen only in unpublished work stays private.
    published = Verdict.objects.published().filter(claim__speaker=OuterRef("pk"))
    return Speaker.objects.filter(Exists(published))


class ReadScope(permissions.BasePermission):
    """Reading needs a token with the read scope; views that set `anonymous_reads = True`
    (published verdicts) also answer requests without a token."""

    message = "This API key does not have the read scope."

    def has_permission(self, request, view):
        if request_token(request) is None:
            reading = request.method in permissions.SAFE_METHODS
            if reading and getattr(view, "anonymous_reads", False):
                return True
        return _scoped_token(request).can_read


class SubmitScope(permissions.BasePermission):
    """Writing articles needs the submit scope; reading an article needs read or submit."""

    message = "This API key does not have the submit scope."

    def has_permission(self, request, view):
        token = _scoped_token(request)
        if request.method in permissions.SAFE_METHODS:
            return token.can_read or token.can_submit
        return token.can_submit


class _SettingsRateThrottle(throttling.SimpleRateThrottle):
    """Reads its rate when used, not at import, so settings overrides (tests, env) apply."""

    def __init__(self):
        pass

    def allow_request(self, request, view):
        self.rate = api_settings.DEFAULT_THROTTLE_RATES[self.scope]
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)


class AnonymousThrottle(_SettingsRateThrottle):
    scope = "anonymous"

    def get_cache_key(self, request, view):
        if request_token(request) is not None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class TokenThrottle(_SettingsRateThrottle):
    scope = "token"

    def get_cache_key(self, request, view):
        token = request_token(request)
        if token is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": token.pk}


class SubmitThrottle(TokenThrottle):
    """Article submissions start model runs: a tighter, separate budget per token."""

    scope = "submit"

    def get_cache_key(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return None
        return super().get_cache_key(request, view)
