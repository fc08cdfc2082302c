from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.utils import pretty_name
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from config.form_encoding import unreadable_form_fields

from ..models import Claim
from ..workflow import IllegalTransition, NothingChanged

VIEW_CLAIMS = "claims.view_claim"
CHANGE_CLAIMS = "claims.change_claim"
CHANGE_VERDICTS = "claims.change_verdict"
PUBLISH_VERDICTS = "claims.publish_verdict"

# The queue's query string as last shown, so a claim page's "← Queue" returns to that view.
QUEUE_VIEW_KEY = "claims.queue_query"


def desk_view(permission: str, *, post_only: bool = False):
    """Logged in and holding `permission` (403 otherwise); actions accept POST only."""

    def decorator(view):
        wrapped = permission_required(permission, raise_exception=True)(view)
        if post_only:
            wrapped = require_POST(wrapped)
        return wraps(view)(login_required(wrapped))

    return decorator


UNREADABLE = (
    "arrived damaged (it is not valid UTF-8, so some characters could not be read) and "
    "nothing was saved: paste or type it again."
)


def refuse_unreadable(request, *forms) -> bool:
    """Mark each field of `forms` (bound forms or formsets) whose posted bytes are not text:
    Django decodes them to U+FFFD, or the whole body as Latin-1, without a word, which would
    save text nobody typed. Damage outside the fields marks the first form. True if marked."""
    unreadable = unreadable_form_fields(request)
    if not unreadable:
        return False
    marked = False
    for form in [form for item in forms for form in getattr(item, "forms", [item])]:
        for name in list(form.fields):
            if form.add_prefix(name) in unreadable:
                form.add_error(name, f"This text {UNREADABLE}")
                marked = True
    if not marked:
        forms[0].add_error(None, f"Part of the form {UNREADABLE}")
    return True


def refuse_unreadable_in_messages(request, **labels: str) -> bool:
    """The same check for a view that answers with messages, not a form drawn again: an error
    message for each field named in `labels` (its name=its label) whose posted bytes are not
    text, or one for the form when the damage is elsewhere. True if refused."""
    unreadable = unreadable_form_fields(request)
    if not unreadable:
        return False
    named = [label for name, label in labels.items() if name in unreadable]
    for label in named:
        messages.error(request, f"{label}: this text {UNREADABLE}")
    if not named:
        messages.error(request, f"Part of the form {UNREADABLE}")
    return True


def field_labels(form) -> dict[str, str]:
    """A form's field names with the labels its page shows, for refuse_unreadable_in_messages."""
    return {name: str(field.label or pretty_name(name)) for name, field in form.fields.items()}


def error_messages(error: Exception) -> list[str]:
    if isinstance(error, ValidationError):
        return list(error.messages)
    return [str(error)]


def attempt(request, action: Callable[[], object], *, success: str) -> bool:
    """Run a service call; report refusals (and an edit that changed nothing) as messages
    instead of error pages."""
    try:
        action()
    except NothingChanged as unchanged:
        messages.info(request, str(unchanged))
        return False
    except (IllegalTransition, ValidationError, PermissionDenied) as error:
        for message in error_messages(error):
            messages.error(request, message)
        return False
    messages.success(request, success)
    return True


def claim_action(request, pk: int, action, *, success: str):
    """A claim action that is one service call `action(claim=..., actor=...)`; back to the
    claim page."""
    claim = get_object_or_404(Claim, pk=pk)
    attempt(request, lambda: action(claim=claim, actor=request.user), success=success)
    return redirect("claims:detail", pk=pk)


def queue_view_remember(request) -> None:
    query = request.GET.urlencode()
    if request.session.get(QUEUE_VIEW_KEY) != query:  # no session write on every visit
        request.session[QUEUE_VIEW_KEY] = query


def queue_view_url(request) -> str:
    """The queue as this user last saw it: only its query string is kept, never a path."""
    query = request.session.get(QUEUE_VIEW_KEY, "")
    return reverse("claims:queue") + (f"?{query}" if query else "")
