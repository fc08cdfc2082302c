"""The page a form gets when its CSRF token no longer matches (CSRF_FAILURE_VIEW).

Django's own is a bare "Forbidden (403)" outside the desk's layout. On the desk it is nearly
always a stale tab: a form opened before the reviewer signed out and in again elsewhere (a new
sign-in rotates the token), so the page says what happened and what to do. A reader who is not
logged in is told it without a log-in they never made (403_csrf.html). The API is not
concerned: its views are exempt and authenticate with a key, not a cookie.
"""

from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme


def csrf_failure(request, reason: str = ""):
    # The page the form was on, to open it again; only one of this site's.
    referer = request.META.get("HTTP_REFERER", "")
    form_page = (
        referer
        if url_has_allowed_host_and_scheme(
            referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        else ""
    )
    context = {"form_page": form_page, "no_cookie": reason == REASON_NO_CSRF_COOKIE}
    return render(request, "403_csrf.html", context, status=403)
