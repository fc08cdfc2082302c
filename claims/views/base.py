from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

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
