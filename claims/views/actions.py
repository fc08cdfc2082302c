"""POST-only actions on a claim: each calls one service and returns to the claim page."""

from functools import partial

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse

from articles.models import Article
from config.form_encoding import refuse_unreadable
from config.not_found import DeskNotFound

from .. import attribution, services, verdict_conflicts, verdicts
from ..forms import (
    DismissForm,
    ReturnForm,
    VersionForm,
)
from ..ids import ids_listed, is_id
from ..models import Sentence
from ..speaker_forms import SpeakerCorrectForm
from ..workflow import IllegalTransition, NothingChanged, VersionConflict
from .base import (
    CHANGE_CLAIMS,
    CHANGE_VERDICTS,
    PUBLISH_VERDICTS,
    attempt,
    claim_action,
    desk_view,
    error_messages,
)
from .claim import claim_for_page, render_claim, verdict_of


@desk_view(CHANGE_CLAIMS, post_only=True)
def claim_assign(request, pk: int):
    action = partial(services.claim_assign, replacing=_posted_user(request, "replacing"))
    return claim_action(request, pk, action, success="The claim is assigned to you.")


@desk_view(CHANGE_CLAIMS, post_only=True)
def claim_unassign(request, pk: int):
    action = partial(services.claim_unassign, unassigning=_posted_user(request, "unassigning"))
    return claim_action(request, pk, action, success="The claim is unassigned.")


def _posted_user(request, name: str) -> int | None:
    """The assignee's id the claim page drew its button for, or None (sent from elsewhere)."""
    value = request.POST.get(name, "")
    return int(value) if is_id(value) else None


@desk_view(CHANGE_CLAIMS, post_only=True)
def claim_dismiss(request, pk: int):
    claim = claim_for_page(pk)
    form = DismissForm(request.POST)
    if refuse_unreadable(request, form) or not form.is_valid():
        return render_claim(request, claim, status=400, dismiss_form=form)
    attempt(
        request,
        lambda: services.claim_dismiss(
            claim=claim, actor=request.user, reason=form.cleaned_data["reason"]
        ),
        success="The claim is dismissed as not check-worthy.",
    )
    return redirect("claims:detail", pk=pk)


@desk_view(CHANGE_CLAIMS, post_only=True)
def claim_reopen(request, pk: int):
    return claim_action(
        request, pk, services.claim_reopen, success="The claim is back in the queue."
    )


@desk_view(CHANGE_CLAIMS, post_only=True)
def claim_speaker(request, pk: int):
    claim = claim_for_page(pk)
    form = SpeakerCorrectForm(request.POST)
    if refuse_unreadable(request, form) or not form.is_valid():
        return render_claim(request, claim, status=400, speaker_form=form)
    try:
        attribution.claim_speaker_correct(
            claim=claim,
            actor=request.user,
            speaker=form.cleaned_data["speaker"],
            name=form.cleaned_data["name"],
            role=form.cleaned_data["role"],
            loaded_speaker=form.loaded(),
            record_alias=form.cleaned_data["record_alias"],
        )
    except NothingChanged as unchanged:
        messages.info(request, str(unchanged))
    except VersionConflict as conflict:  # drawn again as typed, with who changed it
        return render_claim(
            request, claim, status=409, conflict=conflict.messages[0], speaker_form=form
        )
    except ValidationError as error:  # drawn again as typed, each refusal beside its field
        form.add_error(None, error)
        return render_claim(request, claim, status=400, speaker_form=form)
    except (IllegalTransition, PermissionDenied) as error:
        for message in error_messages(error):
            messages.error(request, message)
    else:
        messages.success(request, "Speaker corrected.")
    return redirect("claims:detail", pk=pk)


@desk_view("claims.add_claim", post_only=True)
def claim_add(request, sentence_pk: int):
    sentence = Sentence.objects.filter(pk=sentence_pk).first()
    analysed_again = sentence is None
    if analysed_again:
        # "Analyse again" replaces every sentence with a new row; an article's text never
        # changes, so a sentence of the new analysis with the same span is the same sentence.
        sentence, article_pk = _sentence_analysed_again(request.POST, sentence_pk)
        if sentence is None:
            messages.error(
                request,
                "This article was analysed again after your page was opened, and the new "
                "analysis splits that sentence differently: choose it again below.",
            )
            return redirect("articles:detail", pk=article_pk)
    try:
        claim = services.claim_add_from_sentence(sentence=sentence, actor=request.user)
    except ValidationError as error:
        if error.code == "duplicate":
            # A second click (or a page drawn before a colleague added it) lands on the claim,
            # as other forms sent twice do, not on the article page with an error.
            existing = error.params["claim"]
            messages.info(request, f"Already done: this sentence is claim #{existing}.")
            return redirect("claims:detail", pk=existing)
        for message in error_messages(error):
            messages.error(request, message)
        return redirect("articles:detail", pk=sentence.article_id)
    again = " (the article was analysed again after your page was opened: it is the same "
    again += "sentence of the new analysis)"
    messages.success(request, f"Claim added to the queue{again if analysed_again else ''}.")
    article_id = claim.article_id
    transaction.on_commit(lambda: _queue_matching(article_id))
    return redirect("claims:detail", pk=claim.pk)


def _sentence_analysed_again(posted, sentence_pk: int) -> tuple[Sentence | None, int]:
    """The sentence of the article's current analysis at the span the page posted, and the
    article; a DeskNotFound when the page did not say (drawn before it did) or the article is
    gone."""
    values = [posted.get(name, "") for name in ("article", "start", "end")]
    # An offset of 0 is no id, but is_id's digits check the rest.
    if all(is_id(value) or value == "0" for value in values):
        article_pk, start, end = map(int, values)
        if Article.objects.filter(pk=article_pk).exists():
            sentence = Sentence.objects.filter(article_id=article_pk, start=start, end=end)
            return sentence.first(), article_pk
    raise DeskNotFound(
        f"No sentence #{sentence_pk} on the desk: its article may have been analysed again or "
        "deleted since your page was opened. Open the article again to add the claim.",
        back=reverse("articles:list"),
        back_label="Back to the articles",
    )


def _queue_matching(article_id: int) -> None:
    """The added claim gets its vector and its "seen before" from the worker, not here; with
    the broker down, the beat task match_unembedded_claims sends it later."""
    from ..tasks import matching_send  # imported on use, as in ClaimsConfig

    matching_send(article_id)


def _verdict_action(
    request, pk: int, action: str, success: str, comment: str = "", beside: list[int] = ()
):
    claim = claim_for_page(pk)
    verdict = verdict_of(claim)
    form = VersionForm(request.POST)
    if verdict is None:
        messages.error(request, "This claim has no verdict to act on.")
        return redirect("claims:detail", pk=pk)
    if not form.is_valid():  # the page's version field is missing: not drawn by this desk
        messages.error(request, "The page was out of date: reload it and try again.")
        return redirect("claims:detail", pk=pk)
    try:
        verdicts.verdict_act(
            verdict=verdict,
            actor=request.user,
            action=action,
            expected_version=form.cleaned_data["version"],
            comment=comment,
            beside=beside,
        )
    except verdict_conflicts.AlreadySaved as done:
        messages.info(request, done.messages[0])
    except verdicts.VersionConflict as conflict:
        return render_claim(
            request, claim, status=409, conflict=conflict.messages[0], conflict_of_action=True
        )
    except (IllegalTransition, ValidationError, PermissionDenied) as error:
        # PermissionDenied here is the second-pair-of-eyes rule, not a missing permission.
        for message in error_messages(error):
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect("claims:detail", pk=pk)


@desk_view(CHANGE_VERDICTS, post_only=True)
def verdict_submit(request, pk: int):
    return _verdict_action(request, pk, "submit", "Submitted for review.")


@desk_view(CHANGE_VERDICTS, post_only=True)
def verdict_withdraw(request, pk: int):
    return _verdict_action(
        request, pk, "withdraw", "Withdrawn from review: the verdict is a draft again."
    )


@desk_view(PUBLISH_VERDICTS, post_only=True)
def verdict_publish(request, pk: int):
    # The review box's second-fact-check box, ticked: the published claims of the group it
    # named ("12,15"), which the service compares with the group's as it publishes.
    beside = ids_listed(request.POST.get("beside", ""))
    success = "Published."
    if beside:
        named = ", ".join(f"#{other}" for other in beside)
        success = f"Published, as a second fact-check of the claim beside that of {named}."
    return _verdict_action(request, pk, "publish", success, beside=beside)


@desk_view("claims.return_verdict", post_only=True)
def verdict_return(request, pk: int):
    form = ReturnForm(request.POST)
    if refuse_unreadable(request, form) or not form.is_valid():
        return render_claim(request, claim_for_page(pk), status=400, return_form=form)
    return _verdict_action(
        request, pk, "return", "Returned to the author.", comment=form.cleaned_data["comment"]
    )
