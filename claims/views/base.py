from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from config.not_found import desk_get_or_404

from ..models import Claim
from ..workflow import IllegalTransition, NothingChanged

VIEW_CLAIMS = "claims.view_claim"
CHANGE_CLAIMS = "claims.change_claim"
CHANGE_VERDICTS = "claims.change_verdict"
PUBLISH_VERDICTS = "claims.publish_verdict"


def way_back(user) -> tuple[str, str]:
    """Where a desk page's "back" link leads (URL name, its words) on a page that someone with
    no desk role may reach (a writer moved off the desk withdrawing their own correction, an
    action's address opened as a page): the queue, or for them the published fact-checks,
    since the queue would answer them 403."""
    if user.has_perm(VIEW_CLAIMS):
        return "claims:queue", "Back to the queue"
    return "claims:public_index", "Go to the published fact-checks"


# The queue's query string as last shown, so a claim page's "← Queue" returns to that view.
QUEUE_VIEW_KEY = "claims.queue_query"


def desk_view(permission: str | None, *, post_only: bool = False):
    """Logged in and holding `permission` (403 otherwise); actions accept POST only. None for
    an action on what is the user's own whatever their role now (a correction they wrote,
    withdrawn): its view refuses anyone else with a 403 itself."""

    def decorator(view):
        wrapped = view
        if permission is not None:
            wrapped = permission_required(permission, raise_exception=True)(view)
        if post_only:
            wrapped = _post_only(wrapped)
        return wraps(view)(login_required(wrapped))

    return decorator


def _post_only(view):
    """An action's address opened as a page (Enter in the address bar after a refused save, a
    sign-in whose `next` pointed there) is a 405, as require_POST answers, but a page that says
    nothing changed and leads back, not a blank one."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method == "POST":
            return view(request, *args, **kwargs)
        name, label = way_back(request.user)
        back = reverse(name)
        if "pk" in kwargs and request.path.startswith(
            claim_page := reverse("claims:detail", args=[kwargs["pk"]])
        ):
            back, label = claim_page, "Back to the claim"
        context = {"back": back, "back_label": label}
        response = render(request, "claims/post_only.html", context, status=405)
        response["Allow"] = "POST"
        return response

    return wrapped


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


def desk_claim_or_404(queryset=Claim.objects, *, pk: int) -> Claim:
    # An article's deletion takes its claims; a new analysis, those nobody had worked on.
    return desk_get_or_404(
        queryset,
        pk=pk,
        message=f"No claim #{pk} on the desk: it may have been removed with its article, or "
        "by a new analysis of the article.",
        back="claims:queue",
        back_label="Back to the queue",
    )


def claim_action(request, pk: int, action, *, success: str):
    """A claim action that is one service call `action(claim=..., actor=...)`; back to the
    claim page."""
    claim = desk_claim_or_404(pk=pk)
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
