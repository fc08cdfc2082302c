"""Corrections of published verdicts on the desk: one written on the claim page (a request),
and an editor's decision on it. Each view is one service call of claims.correction_requests."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

from config.form_encoding import refuse_unreadable, refuse_unreadable_in_messages
from config.not_found import desk_get_or_404

from .. import correction_requests
from ..forms import CorrectionForm, CorrectionSourceFormSet, sources_from
from ..models import CorrectionRequest
from ..workflow import NothingChanged
from .base import (
    CHANGE_VERDICTS,
    PUBLISH_VERDICTS,
    VIEW_CLAIMS,
    attempt,
    desk_view,
    way_back,
)
from .claim import claim_for_page, render_claim, save_or_render, verdict_of


@desk_view(CHANGE_VERDICTS, post_only=True)
def correction_request(request, pk: int):
    claim = claim_for_page(pk)
    verdict = verdict_of(claim)
    form = CorrectionForm(request.POST, prefix="correct")
    formset = CorrectionSourceFormSet(request.POST, prefix="correct-sources")
    unreadable = refuse_unreadable(request, form, formset)
    if verdict is None or unreadable or not (form.is_valid() and formset.is_valid()):
        messages.error(request, "The correction was not sent: see the marked fields.")
        return render_claim(
            request, claim, status=400, correction_form=form, correction_sources=formset
        )

    def send():
        return correction_requests.correction_request(
            verdict=verdict,
            author=request.user,
            expected_version=form.cleaned_data["version"],
            note=form.cleaned_data["note"],
            rating=form.cleaned_data["rating"],
            conclusion=form.cleaned_data["conclusion"],
            explanation=form.cleaned_data["explanation"],
            sources=sources_from(formset),
        )

    try:
        _, refused = save_or_render(
            request, claim, send, correction_form=form, correction_sources=formset
        )
    except NothingChanged as sent_twice:
        messages.info(request, str(sent_twice))
        return redirect("claims:detail", pk=pk)
    if refused:
        return refused
    messages.success(
        request,
        "Correction sent: an editor who wrote none of this verdict publishes it. The verdict "
        "reads as published until then.",
    )
    return redirect("claims:detail", pk=pk)


def _back(request, correction: CorrectionRequest):
    if not request.user.has_perm(VIEW_CLAIMS):
        # A writer with no desk role left withdraws their own correction (correction_withdraw),
        # and the desk's pages would answer them 403, the review queue too: the fact-check's
        # public page instead, which shows the message (only a published verdict is corrected,
        # and it stays published).
        return redirect("claims:public", pk=correction.verdict_id)
    if request.POST.get("next") == "review":
        return redirect("claims:review_queue")
    return redirect("claims:detail", pk=correction.verdict.claim_id)


def _correction(request, pk: int) -> CorrectionRequest:
    # The requester withdraws too, who may not open the review queue, or any desk page at all.
    back, back_label = way_back(request.user)
    return desk_get_or_404(
        CorrectionRequest.objects.select_related("verdict"),
        pk=pk,
        message=f"No correction request #{pk} on the desk: it may have gone with its claim.",
        back=back,
        back_label=back_label,
    )


@desk_view(PUBLISH_VERDICTS, post_only=True)
def correction_approve(request, pk: int):
    correction = _correction(request, pk)
    attempt(
        request,
        lambda: correction_requests.correction_approve(correction=correction, editor=request.user),
        success="Correction published: the public page shows it with its dated note.",
    )
    return _back(request, correction)


@desk_view(PUBLISH_VERDICTS, post_only=True)
def correction_reject(request, pk: int):
    correction = _correction(request, pk)
    if refuse_unreadable_in_messages(request, note="Why it is not published"):
        return _back(request, correction)
    attempt(
        request,
        lambda: correction_requests.correction_reject(
            correction=correction, editor=request.user, note=request.POST.get("note", "")
        ),
        success="Rejected: the verdict stays as published.",
    )
    return _back(request, correction)


# Its writer's own words: withdrawn by them even once they no longer write verdicts (moved
# off the desk with a correction waiting), and by nobody else.
@desk_view(None, post_only=True)
def correction_withdraw(request, pk: int):
    correction = _correction(request, pk)
    refusal = correction_requests.correction_withdraw_refusal(
        correction=correction, user=request.user
    )
    if refusal is not None:
        raise PermissionDenied(refusal)
    attempt(
        request,
        lambda: correction_requests.correction_withdraw(correction=correction, actor=request.user),
        success="Your correction is withdrawn.",
    )
    return _back(request, correction)
