"""The JSON a desk page polls for progress (an article's analysis, an intake job, a bulk
import). A script reading JSON cannot read the login page or an HTML error page, so every
refusal here is the API's error JSON (claims/api/errors.py) with the code the API gives: 401
for whoever is logged out, 403 for an account without the role, 404 for a missing row.

A poll only reads: any other method than GET and HEAD is a 405 naming the two (with `Allow`).
Still behind the CSRF check, as every page outside the API: a request without the token gets
its 403 page first. A 401 carries the `WWW-Authenticate` RFC 9110 asks for, written as the
API's (`Bearer realm="api"`) but naming what a desk page logs in with, its session: a browser
offers no password dialog for it, as it does for Basic."""

import functools

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from rest_framework import exceptions

LOGGED_OUT = "You are logged out: log in again, then reload this page."
NO_ROLE = (
    "Your account does not have the role this page needs. If you should have it, ask the "
    "desk's administrator."
)
ALLOWED_METHODS = ["GET", "HEAD"]
# Not naming the method sent, which the client already knows (and which may be any token).
READ_ONLY = "This address only answers a page's status: send GET or HEAD."
AUTHENTICATE = 'Session realm="desk"'


def _refusal(exception: type[exceptions.APIException], detail: str) -> JsonResponse:
    body = {"error": exception.default_code, "detail": detail}
    return JsonResponse(body, status=exception.status_code)


def json_poll(*, permission: str | None = None):
    """For a desk view answering JSON: in place of login_required and permission_required
    (which answer with a redirect to the login page and the HTML 403 page)."""

    def decorate(view):
        @functools.wraps(view)
        def answer(request, *args, **kwargs):
            if request.method not in ALLOWED_METHODS:
                refusal = _refusal(exceptions.MethodNotAllowed, READ_ONLY)
                refusal["Allow"] = ", ".join(ALLOWED_METHODS)
                return refusal
            if not request.user.is_authenticated:
                refusal = _refusal(exceptions.NotAuthenticated, LOGGED_OUT)
                refusal["WWW-Authenticate"] = AUTHENTICATE
                return refusal
            if permission is not None and not request.user.has_perm(permission):
                return _refusal(exceptions.PermissionDenied, NO_ROLE)
            try:
                return view(request, *args, **kwargs)
            except Http404 as missing:
                detail = getattr(missing, "message", None) or "Not found."
                return _refusal(exceptions.NotFound, detail)
            except PermissionDenied:
                return _refusal(exceptions.PermissionDenied, NO_ROLE)

        return answer

    return decorate
