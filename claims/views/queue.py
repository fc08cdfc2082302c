from urllib.parse import urlsplit

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from config.form_encoding import field_labels, refuse_unreadable_in_messages
from config.pages import list_address_check, page_get

from .. import bulk, ownership, selectors
from ..correction_requests import pending_corrections
from ..filter_forms import QueueFilterForm
from ..forms import QueueBulkForm
from ..ids import is_id
from ..limits import DISMISSAL_REASON_MAX
from ..matching.selectors import pending_applications
from .base import (
    CHANGE_CLAIMS,
    PUBLISH_VERDICTS,
    VIEW_CLAIMS,
    desk_view,
    error_messages,
    queue_view_remember,
)

PAGE_SIZE = 25

# A refused bulk action's ticked claims, action and reason, shown once on the queue it returns to.
BULK_KEPT_KEY = "claims.queue_bulk_kept"


@desk_view(VIEW_CLAIMS)
def claim_queue(request):
    form = QueueFilterForm(request.GET or None)
    form.is_valid()
    # A filter the form refuses is left out (its error shows beside it); the others apply.
    filters = getattr(form, "cleaned_data", {})
    claims = selectors.claim_queue(user=request.user, filters=filters)
    page = page_get(Paginator(claims, PAGE_SIZE), request.GET.get("page"))
    queue_view_remember(request)
    held = ownership.claims_held_from(page, request.user)
    return render(
        request,
        "claims/queue.html",
        {
            "form": form,
            "page": page,
            "bulk_form": QueueBulkForm(),
            "order": selectors.QUEUE_SORTS[filters.get("sort") or ""][1],
            # Searched for common words only, the queue lists claims by their speaker's name
            # alone: said, or "0 claims" for "the" reads as "no claim says the".
            "common_words_only": bool(filters.get("q"))
            and not selectors.search_words_kept(filters["q"]),
            "bulk_kept": request.session.pop(BULK_KEPT_KEY, None) or {},
            "can_act": request.user.has_perm(CHANGE_CLAIMS),
            # Each claim with why its box may not be ticked (None where it may).
            "rows": [(claim, held.get(claim.pk)) for claim in page],
            "returned": selectors.verdicts_returned_to(request.user),
        },
    )


BULK_DONE = {
    "assign": "assigned to you",
    "unassign": "unassigned",
    "dismiss": "dismissed as not check-worthy",
}


@desk_view(CHANGE_CLAIMS, post_only=True)
def claim_queue_bulk(request):
    """The queue's 'with the selected claims' action; back to the same queue page."""
    back = _queue_page_from(request, request.POST.get("next", ""))
    form = QueueBulkForm(request.POST)
    if refuse_unreadable_in_messages(request, **field_labels(form)):
        return _bulk_refused(request, back, keep_reason=False)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return _bulk_refused(request, back)
    action = form.cleaned_data["action"]
    try:
        outcome = bulk.claims_bulk_act(
            claim_ids=form.cleaned_data["claims"],
            action=action,
            actor=request.user,
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        for message in error_messages(error):
            messages.error(request, message)
        return _bulk_refused(request, back)
    if outcome.done:
        count = len(outcome.done)
        messages.success(request, f"{count:,} claim{'s' * (count != 1)} {BULK_DONE[action]}.")
    for pk, already in outcome.unchanged.items():
        messages.info(request, f"Claim #{pk}: {already}")
    for pk, why in outcome.refused.items():
        messages.error(request, f"Claim #{pk}: {why}")
    return redirect(back)


def _queue_page_from(request, back: str) -> str:
    """`back` when it is a page of the queue on this site, else the queue. Only the queue's own
    path: redirect() reads any other word ("x") as a view name, and a missing one is a 500."""
    queue = reverse("claims:queue")
    # The host check first: it refuses what urlsplit() cannot parse ("http://[").
    if (
        not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        or urlsplit(back).path != queue
    ):
        return queue
    return back


def _bulk_refused(request, back: str, *, keep_reason: bool = True):
    """Nothing was done: back to the queue with the same claims ticked and the reason kept, so
    the fact-checker corrects the one thing refused instead of ticking everything again (not
    a reason that arrived damaged: it would come back with replacement marks)."""
    reason = request.POST.get("reason", "") if keep_reason else ""
    request.session[BULK_KEPT_KEY] = {
        "claims": sorted({int(pk) for pk in request.POST.getlist("claims") if is_id(pk)}),
        "action": request.POST.get("action", "") if request.POST.get("action") in BULK_DONE else "",
        "reason": reason[:DISMISSAL_REASON_MAX],
    }
    return redirect(back)


@desk_view(PUBLISH_VERDICTS)
def review_queue(request):
    page = page_get(Paginator(selectors.review_queue(), PAGE_SIZE), request.GET.get("page"))
    # Requests to apply a published verdict to a repeat: public once approved, so reviewed here
    # beside the verdicts (a page of their own, oldest first).
    requests = page_get(
        Paginator(pending_applications(), PAGE_SIZE), request.GET.get("applications")
    )
    # Corrections of published verdicts, written and waiting for an editor to publish them.
    corrections = page_get(
        Paginator(pending_corrections(), PAGE_SIZE), request.GET.get("corrections")
    )
    return render(
        request,
        "claims/review_queue.html",
        {
            "page": page,
            "applications": requests,
            "corrections": corrections,
            "address_form": list_address_check(
                request.GET, takes=("page", "applications", "corrections")
            ),
        },
    )
