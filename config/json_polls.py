"""The JSON a desk page polls for progress (an article's analysis, an intake job, a bulk
import). A script reading JSON cannot read the login page or an HTML error page, so every
refusal here is the API's error JSON (claims/api/errors.py) with the code the API gives: 401
for whoever is logged out, 403 for an account without the role, 404 for a missing row."""

import functools

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from rest_framework import exceptions

LOGGED_OUT = "You are logged out: log in again, then reload this page."
NO_ROLE = (
    "Your account does not have the role this page needs. If you should have it, ask the "
    "desk's administrator."
)


def _refusal(exception: type[exceptions.APIException], detail: str) -> JsonResponse:
    body = {"error": exception.default_code, "detail": detail}
    return JsonResponse(body, status=exception.status_code)


def json_poll(*, permission: str | None = None):
    """For a desk view answering JSON: in place of login_required and permission_required
    (which answer with a redirect to the login page and the HTML 403 page)."""

    def decorate(view):
        @functools.wraps(view)
        def answer(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return _refusal(exceptions.NotAuthenticated, LOGGED_OUT)
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
