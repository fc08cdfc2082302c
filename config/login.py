"""The sign-in forms of the desk (/accounts/login/) and of the admin (/admin/login/).

Django's AuthenticationForm sets the username field's max_length after the field is built, so
no validator refuses a longer name: authenticate() runs, fails, and django-axes records the
failure with the name in a 255-character column, which PostgreSQL refuses with a DataError (a
500). A name longer than any account's cannot sign in, so both forms refuse it before
authenticate() runs and nothing is recorded.

A refused log-in answers 400, not Django's 200 (`failed_login_answers_400`, on both pages), so a
script or a monitor can tell it from the page; a locked-out one keeps django-axes' 429.

Signing out (/accounts/logout/) is Django's view, with a page for the address opened by hand.

The log-in limit is django-axes (settings.py: AXES_FAILURE_LIMIT wrong passwords for a username
from one address lock that pair for AXES_COOLOFF_MINUTES), kept in its database table. A page
that asks for a password it already holds the account for (the current password on the password
change page) checks it with `password_check`, under the same limit.
"""

import functools

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LogoutView
from django.core.validators import MaxLengthValidator
from django.shortcuts import render


def password_check(*, request, user, password: str) -> bool:
    """Whether `password` is `user`'s, checked as a log-in is. Through authenticate(), so
    django-axes counts a wrong one against the username and address, and once they are locked
    refuses even the right one; AxesMiddleware then answers with the lockout page (429).
    Without it a stolen session could guess the password without limit."""
    checked = authenticate(request, username=user.get_username(), password=password)
    if checked is None or checked.pk != user.pk:
        return False
    if settings.AXES_RESET_ON_SUCCESS:
        # As a log-in does: a right password clears the username's count from this address.
        AxesProxyHandler.reset_attempts(
            username=user.get_username(), ip_address=request.axes_ip_address
        )
    return True


def refused_form_answers_400(response):
    """`response`, a 400 where it draws its page again with a refused form (its `form`, or an
    admin change form's): Django's own views answer 200 there, which a script or a monitor
    cannot tell from the page."""
    context = getattr(response, "context_data", None) or {}
    form = context.get("form") or getattr(context.get("adminform"), "form", None)
    if form is not None and form.is_bound and form.errors:
        response.status_code = 400
    return response


def failed_login_answers_400(view):
    """A log-in view whose refused form (a wrong password, a missing or too long name) answers
    400 with the same page and its error. Django's LoginView, and the admin's, answer 200."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        # AxesMiddleware, after the view, still turns a locked-out one into its 429.
        return refused_form_answers_400(view(request, *args, **kwargs))

    return wrapped


class _UsernameLengthMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = self.username_field.max_length or 254
        self.fields["username"].validators.append(
            MaxLengthValidator(limit, message=f"A username has at most {limit} characters.")
        )
        # Not Django's "This field is required." under one of two boxes.
        self.fields["username"].error_messages["required"] = "Enter your username."
        self.fields["password"].error_messages["required"] = "Enter your password."


class DeskAuthenticationForm(_UsernameLengthMixin, AuthenticationForm):
    pass


class DeskAdminAuthenticationForm(_UsernameLengthMixin, AdminAuthenticationForm):
    pass


class DeskLogoutView(LogoutView):
    """Signing out takes a POST (a link or a prefetch must not sign anyone out), but the address
    opened as a page offers the button, or says no one is signed in, instead of a blank 405."""

    http_method_names = ["get", "post", "options"]
    template_name = "registration/logout_confirm.html"

    def get(self, request, *args, **kwargs):
        return render(request, self.template_name)

    def post(self, request, *args, **kwargs):
        # Without a word the login page it lands on looked like a sign-out that had not worked.
        was_logged_in = request.user.is_authenticated
        response = super().post(request, *args, **kwargs)
        if was_logged_in:
            messages.success(request, "You are logged out.")
        return response
