"""Repeats across articles: confirm or reject a suggested match, split, merge, undo, apply a
published verdict to a repeat (a fact-checker asks, an editor approves or rejects); and the
editors' history page of a canonical claim."""

from urllib.parse import urlsplit

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponsePermanentRedirect
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse

from config.form_encoding import refuse_unreadable_in_messages
from config.not_found import desk_get_or_404
from config.pages import page_get

from .. import notes, timeline
from ..appearances import fact_checks_joined_by
from ..ids import is_id
from ..matching import applications, group_changes, group_undo
from ..matching.selectors import (
    group_appearances,
    group_former_appearances,
    group_former_ids,
    group_founding_undone,
    group_speakers,
)
from ..models import (
    ApplicationStatus,
    Claim,
    ClaimGroup,
    ClaimGroupEvent,
    ClaimStatus,
    GroupEventKind,
    MatchSuggestion,
    VerdictApplication,
)
from ..selectors import claim_cover_lifted
from ..workflow import NothingChanged
from .base import (
    CHANGE_CLAIMS,
    PUBLISH_VERDICTS,
    attempt,
    desk_claim_or_404,
    desk_view,
    error_messages,
)
from .claim import claim_for_page, render_claim

GROUP_PAGE_SIZE = 50
BACK = {"claims:queue": "Back to the queue", "claims:review_queue": "Back to the review queue"}
APPLICATION = "request to apply a published verdict"
APPLICATION_GONE = "it went with its claim."
APPLY_WITHOUT_CHECKED = (
    "The request did not say which checked claim's published verdict to apply: reload the "
    "claim page and use its button again."
)


def _claim_id_from(request, name: str) -> int | None:
    value = request.POST.get(name, "").strip().lstrip("#")
    if not is_id(value):
        value = _claim_number_in_address(request, value)
    return int(value) if is_id(value) else None


def _claim_number_in_address(request, value: str) -> str:
    """The number in a claim page's address pasted for it (".../claims/12/"): the one a
    reviewer has open in another tab, as the speaker merge takes a speaker's address. Only an
    address on this desk: claim 12 of another desk (a staging copy, another newsroom's) is
    some other claim here, and it was linked as the repeat's earlier appearance."""
    try:
        parts = urlsplit(value)
        if parts.netloc and parts.netloc.lower() != request.get_host().lower():
            return ""
        found = resolve(parts.path)
    except (Resolver404, ValueError):
        return ""
    return str(found.kwargs["pk"]) if found.view_name == "claims:detail" else ""


def _on_desk_or_404(queryset, pk: int, what: str, why: str, *, back="claims:queue"):
    """Row `pk`, or the desk's 404: "No `what` #pk on the desk: `why`", with the way back."""
    message = f"No {what} #{pk} on the desk: {why}"
    return desk_get_or_404(queryset, pk=pk, message=message, back=back, back_label=BACK[back])


def _back_to(request, suggestion: MatchSuggestion) -> int:
    """The page the suggestion was decided from: either of its two claims (the later one's by
    default)."""
    back = _claim_id_from(request, "next_claim")
    return back if back in (suggestion.claim_id, suggestion.candidate_id) else suggestion.claim_id


@desk_view(CHANGE_CLAIMS, post_only=True)
def suggestion_confirm(request, pk: int):
    suggestion = _on_desk_or_404(
        MatchSuggestion.objects, pk, "match suggestion", "it went with one of its claims."
    )
    changes = []
    done = attempt(
        request,
        lambda: changes.append(
            group_changes.suggestion_confirm(suggestion=suggestion, actor=request.user)
        ),
        success="Confirmed: the claim is an appearance of the earlier one.",
    )
    if done:
        _tell_of_fact_checks_joined(request, changes[0])
    return redirect("claims:detail", pk=_back_to(request, suggestion))


@desk_view(CHANGE_CLAIMS, post_only=True)
def suggestion_reject(request, pk: int):
    suggestion = _on_desk_or_404(
        MatchSuggestion.objects, pk, "match suggestion", "it went with one of its claims."
    )
    attempt(
        request,
        lambda: group_changes.suggestion_reject(suggestion=suggestion, actor=request.user),
        success="Rejected: the two claims are not the same.",
    )
    return redirect("claims:detail", pk=_back_to(request, suggestion))


@desk_view(CHANGE_CLAIMS, post_only=True)
def claim_split(request, pk: int):
    claim = desk_claim_or_404(pk=pk)
    split = attempt(
        request,
        lambda: group_changes.claim_split(claim=claim, actor=request.user),
        success="The claim is split out of its group.",
    )
    claim.refresh_from_db()
    if split and claim.status == ClaimStatus.DISMISSED and not claim_cover_lifted(claim):
        # Dismissed by hand: nothing brings the claim back to the queue by itself. (From under
        # an applied verdict, the claim page says so itself: claim_cover_lifted.)
        reason = f" (“{claim.dismissal_reason}”)" if claim.dismissal_reason else ""
        messages.info(request, f"It stays dismissed{reason}: reopen it to check it on its own.")
    return redirect("claims:detail", pk=pk)


# Said for the form it came from: a claim in no group is linked to the claim it repeats, a
# grouped one's group merged ("merge this group" to someone linking a claim named a form they
# had not used). What to type, since "18.0" or "claim 18" names no claim.
MERGE_TARGET_MISSING = {
    "link": "Give the number of the claim this one repeats, such as 18 (a whole number), or "
    "paste the address of its page.",
    "merge": "Give the number of a claim to merge this group into, such as 18 (a whole "
    "number), or paste the address of its page.",
}
# Kept in the box as typed, within a claim page address's length; a NUL is no part of one.
MERGE_TARGET_KEPT_MAX = 2000


@desk_view(CHANGE_CLAIMS, post_only=True)
def group_merge(request, pk: int):
    claim = desk_claim_or_404(Claim.objects.select_related("group"), pk=pk)
    target_id = _claim_id_from(request, "target")
    if target_id is None:
        form = "link" if claim.group is None else "merge"
        messages.error(request, MERGE_TARGET_MISSING[form])
        return _merge_refused(request, pk)
    target = Claim.objects.filter(pk=target_id).first()
    if target is None:
        messages.error(request, f"There is no claim #{target_id}.")
        return _merge_refused(request, pk)
    changes = []  # the change's event, once done: what it did to the group's fact-checks
    if claim.group is None:
        # A repeat the matcher missed (or one split out too soon): the reviewer links it, as a
        # confirmed match, to the claim it repeats.
        done = attempt(
            request,
            lambda: changes.append(
                group_changes.claim_group_link(
                    claim=claim, earlier=target, actor=request.user, kind=GroupEventKind.CONFIRMED
                )
            ),
            success=f"Linked: the claim is an appearance of claim #{target_id}.",
        )
    else:
        done = attempt(
            request,
            lambda: changes.append(
                group_changes.group_merge_into_claim(
                    source=claim.group, target_claim=target, actor=request.user
                )
            ),
            success=f"The group is merged into the group of claim #{target_id}.",
        )
    if done:
        _tell_of_fact_checks_joined(request, changes[0])
        return redirect("claims:detail", pk=pk)
    return _merge_refused(request, pk)


def _merge_refused(request, pk: int):
    """The claim page again with the refusal above it and the number as typed in its box (in
    the open "Change the group"), to be put right rather than typed again: a 400, as the
    apply-verdict refusal is."""
    typed = request.POST.get("target", "").replace("\x00", "")[:MERGE_TARGET_KEPT_MAX]
    return render_claim(request, claim_for_page(pk), status=400, merge_target=typed)


def _tell_of_fact_checks_joined(request, event: ClaimGroupEvent) -> None:
    """An editor may put two published fact-checks in one group (a fact-checker is refused:
    claims.appearances); warned when this change did, since the group's "already checked"
    then has two answers. A group that held two before, and got no other, is said so once,
    calmly: the editor moved repeats into it, and nothing new needs undoing."""
    joined, published = fact_checks_joined_by(event)
    if len(published) < 2:
        return
    named = " and ".join(f"#{pk}" for pk in published[:2])
    more = f" (and {len(published) - 2} more)" if len(published) > 2 else ""
    change = "merge" if event.kind == GroupEventKind.MERGED else "link"
    if joined is None:
        messages.info(
            request,
            f"As before this {change}, the group holds the published fact-checks of claims "
            f"{named}{more}; it brought no other in.",
        )
        return
    first, second = joined
    in_all = f" (the group holds {len(published)} in all)" if len(published) > 2 else ""
    messages.warning(
        request,
        f"This {change} put the published fact-checks of claims #{first} and #{second} in one "
        f"group{in_all}: each keeps its own repeats, and a repeat's page names the fact-check "
        "that covers it. Split out the claim that is not the same if they are not one claim.",
    )


@desk_view(CHANGE_CLAIMS, post_only=True)
def claim_apply_verdict(request, pk: int):
    claim = desk_claim_or_404(pk=pk)
    # The panel's hidden field names the checked claim: missing or unknown, the page sent was
    # not the one drawn (or the claim went since), a 400 that says so, not a bare 404.
    checked_id = _claim_id_from(request, "checked")
    checked = Claim.objects.filter(pk=checked_id).first() if checked_id else None
    if checked is None:
        messages.error(
            request,
            APPLY_WITHOUT_CHECKED
            if checked_id is None
            else f"There is no claim #{checked_id} to take the published verdict from: it may "
            "have been deleted. Reload the claim page to see what is checked now.",
        )
        return render_claim(request, claim_for_page(pk), status=400)
    try:
        application = applications.verdict_application_request(
            claim=claim, checked=checked, actor=request.user
        )
    except NothingChanged as unchanged:
        messages.info(request, str(unchanged))
    except (ValidationError, PermissionDenied) as error:
        for message in error_messages(error):
            messages.error(request, message)
    else:
        if application.status == ApplicationStatus.APPROVED:
            messages.success(
                request, "The published verdict now covers this repeat; it leaves the queue."
            )
        else:
            messages.success(
                request,
                "Sent to the editors: the published verdict covers this repeat once an editor "
                "approves it.",
            )
    return redirect("claims:detail", pk=pk)


def _application_back(request, application: VerdictApplication):
    back = request.POST.get("next", "")
    if back == "review":
        return redirect("claims:review_queue")
    return redirect("claims:detail", pk=application.claim_id)


@desk_view(PUBLISH_VERDICTS, post_only=True)
def application_approve(request, pk: int):
    application = _on_desk_or_404(
        VerdictApplication.objects, pk, APPLICATION, APPLICATION_GONE, back="claims:review_queue"
    )
    attempt(
        request,
        lambda: applications.verdict_application_approve(
            application=application, editor=request.user
        ),
        success=f"Approved: the published verdict now covers claim #{application.claim_id}.",
    )
    return _application_back(request, application)


@desk_view(PUBLISH_VERDICTS, post_only=True)
def application_reject(request, pk: int):
    application = _on_desk_or_404(
        VerdictApplication.objects, pk, APPLICATION, APPLICATION_GONE, back="claims:review_queue"
    )
    if refuse_unreadable_in_messages(request, note="Why it does not cover this claim"):
        return _application_back(request, application)
    attempt(
        request,
        lambda: applications.verdict_application_reject(
            application=application, editor=request.user, note=request.POST.get("note", "")
        ),
        success=f"Rejected: claim #{application.claim_id} stays as it was.",
    )
    return _application_back(request, application)


@desk_view(CHANGE_CLAIMS, post_only=True)
def application_withdraw(request, pk: int):
    application = _on_desk_or_404(VerdictApplication.objects, pk, APPLICATION, APPLICATION_GONE)
    attempt(
        request,
        lambda: applications.verdict_application_withdraw(
            application=application, actor=request.user
        ),
        success="Your request is withdrawn.",
    )
    return _application_back(request, application)


@desk_view(CHANGE_CLAIMS, post_only=True)
def group_event_undo(request, pk: int):
    event = _on_desk_or_404(ClaimGroupEvent.objects, pk, "group change", "it went with its group.")
    attempt(
        request,
        lambda: group_changes.group_event_undo(event=event, actor=request.user),
        success="Undone.",
    )
    # Back to the page it was undone from when that is one of the claims it moved; else the
    # group's history for those who may read it, the event's own claim for everyone else.
    back = _claim_id_from(request, "next_claim")
    # A merge names no claim of its own (claim_id is None): only the claims it moved.
    moved = {event.claim_id, *(int(pk) for pk in group_undo.group_event_before(event))} - {None}
    if back in moved:
        return redirect("claims:detail", pk=back)
    if event.group_id and request.user.has_perm(PUBLISH_VERDICTS):
        return redirect("claims:group_history", pk=event.group_id)
    if moved:
        return redirect("claims:detail", pk=event.claim_id or min(moved))
    return redirect("claims:queue")


@desk_view(PUBLISH_VERDICTS)
def group_history_moved(request, pk: int):
    """The page's first address (from when the desk said "canonical claim"), kept for the
    links editors saved: a permanent redirect that keeps the pagers' query string."""
    target = reverse("claims:group_history", args=[pk])
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(f"{target}?{query}" if query else target)


@desk_view(PUBLISH_VERDICTS)
def group_history(request, pk: int):
    """A page each of appearances, former appearances, group changes and the timeline (a viral
    claim has thousands of each): four pagers, each with its own query parameter."""
    group = _on_desk_or_404(
        ClaimGroup.objects.select_related("canonical_claim"),
        pk,
        "claim group",
        "it may have been removed.",
    )
    members = Claim.objects.filter(group=group).values("pk")
    appearances = page_get(
        Paginator(group_appearances(group), GROUP_PAGE_SIZE), request.GET.get("appearances")
    )
    group_events = timeline.group_changes_of(group)
    changes = group_events.select_related("actor").order_by("-created_at", "-pk")
    events = page_get(Paginator(changes, GROUP_PAGE_SIZE), request.GET.get("changes"))
    former = page_get(
        Paginator(group_former_ids(group), GROUP_PAGE_SIZE), request.GET.get("former")
    )
    former.object_list = group_former_appearances(list(former.object_list))
    # Why a group with no claims has none, where an undo says (a group merged away has its
    # former appearances instead).
    founding_undone = None if appearances.paginator.count else group_founding_undone(group)
    page = timeline.group_timeline_page(
        group,
        members,
        notes=notes.notes_readable_by(request.user),
        number=request.GET.get("page"),
        group_events=group_events,
    )
    return render(
        request,
        "claims/group_history.html",
        {
            "group": group,
            "appearances": appearances,
            "speakers": group_speakers(group),
            "narrated": Claim.objects.filter(group=group, speaker__isnull=True).exists(),
            "events": events,
            # The Undo buttons: only where the undo would not be refused (the same rule).
            "undoable": {event.pk for event in group_undo.group_events_undoable(list(events))},
            "former": former,
            "founding_undone": founding_undone,
            "page": page,
            "timeline": page.object_list,
        },
    )
