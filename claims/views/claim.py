from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render

from config.form_encoding import refuse_unreadable

from .. import (
    correction_requests,
    notes,
    ownership,
    selectors,
    timeline,
    verdict_conflicts,
    verdict_rules,
    verdicts,
)
from ..appearances import SECOND_FACT_CHECK_CONFIRMATION, may_change_public_appearances
from ..forms import (
    ClaimNoteForm,
    CorrectionForm,
    CorrectionSourceFormSet,
    DismissForm,
    EvidenceSourceFormSet,
    ReturnForm,
    VerdictForm,
    VersionForm,
    sources_from,
)
from ..ids import is_id
from ..limits import REJECTION_NOTE_MAX
from ..matching.selectors import claim_covered_by, pending_application_of, seen_before
from ..models import Claim, ClaimEventKind, ClaimStatus, Verdict, VerdictStatus
from ..speaker_forms import SpeakerCorrectForm
from ..workflow import IllegalTransition
from .base import (
    CHANGE_CLAIMS,
    CHANGE_VERDICTS,
    PUBLISH_VERDICTS,
    VIEW_CLAIMS,
    desk_claim_or_404,
    desk_view,
    error_messages,
    queue_view_url,
)

EDITABLE_CLAIM = {ClaimStatus.NEW, ClaimStatus.IN_PROGRESS}
EDITABLE_VERDICT = {VerdictStatus.DRAFT, VerdictStatus.RETURNED}
# What a verdict saved twice (verdict_conflicts.AlreadySaved) is now, where it is no longer a draft.
ALREADY_SAVED_STATE = {
    VerdictStatus.SUBMITTED: " It is in review.",
    VerdictStatus.RETURNED: " It was returned to its author: read the editor's comment first.",
    VerdictStatus.PUBLISHED: " It is published.",
}
# The claim page shows the latest of its history; the history page pages through all of it.
CLAIM_PAGE_TIMELINE = 10


def claim_for_page(pk: int) -> Claim:
    return desk_claim_or_404(
        Claim.objects.select_related(
            "article",
            "article__outlet",
            "group",
            "embedding",
            "speaker",
            "assignee",
            "verdict",
            "verdict__rating",
            "verdict__author",
            "verdict__editor",
            "verdict__updated_by",
        ),
        pk=pk,
    )


def verdict_of(claim: Claim) -> Verdict | None:
    try:
        return claim.verdict
    except Verdict.DoesNotExist:
        return None


def verdict_initial(verdict: Verdict | None, sources: list) -> tuple[dict, list[dict]]:
    if verdict is None:
        return {}, []
    fields = {
        "version": verdict.version,
        "rating": verdict.rating_id,
        "conclusion": verdict.conclusion,
        "explanation": verdict.explanation,
    }
    return fields, [{"url": s.url, "title": s.title, "note": s.note} for s in sources]


def returned_by(claim: Claim, verdict: Verdict | None):
    """The event of the editor's return that the author is reworking (who and when), if any."""
    if verdict is None or verdict.status != VerdictStatus.RETURNED:
        return None
    events = claim.events.filter(kind=ClaimEventKind.RETURNED).select_related("actor")
    return events.order_by("-created_at", "-id").first()


def render_claim(request, claim: Claim, *, status: int = 200, **forms):
    """The claim page; `forms` replaces a default (unbound) form with a bound, invalid one."""
    verdict = verdict_of(claim)
    user = request.user
    # Read once: the forms' initial rows and the page's list of sources are the same rows.
    verdict_sources = list(verdict.sources.all()) if verdict else []
    initial, sources = verdict_initial(verdict, verdict_sources)
    open_claim = claim.status in EDITABLE_CLAIM
    # A colleague's claim: the page offers none of what the services would refuse and says
    # why where the buttons would be (an editor is told that acting on it overrides them).
    held_refusal = ownership.claim_work_refusal(claim=claim, user=user, work="actions")
    override_notice = (
        ownership.override_notice(claim=claim, user=user)
        if open_claim and user.has_perm(CHANGE_CLAIMS)
        else None
    )
    draft_open = (
        user.has_perm(CHANGE_VERDICTS)
        and open_claim
        and (verdict is None or verdict.status in EDITABLE_VERDICT)
    )
    can_edit_verdict = draft_open and held_refusal is None
    can_review = (
        user.has_perm(PUBLISH_VERDICTS)
        and verdict is not None
        and verdict.status == VerdictStatus.SUBMITTED
    )
    return_refusal = (
        verdict_rules.verdict_return_refusal(verdict=verdict, user=user) if can_review else None
    )
    publish_refusal = (
        verdict_rules.verdict_publish_refusal(verdict=verdict, user=user) if can_review else None
    )
    # The review box's warnings, one message each; the one for whoever wrote part of the
    # draft says they may neither publish nor return it, so it stands alone.
    if return_refusal == verdict_rules.OWN_DRAFT_REVIEW_REFUSAL:
        review_warnings = [return_refusal]
    else:
        review_warnings = [refusal for refusal in (publish_refusal, return_refusal) if refusal]
    can_withdraw = (
        verdict is not None
        and verdict.status == VerdictStatus.SUBMITTED
        and verdict_rules.verdict_withdraw_refusal(verdict=verdict, user=user) is None
    )
    published = verdict is not None and verdict.is_published
    pending_correction = correction_requests.pending_correction_of(verdict) if published else None
    # One correction waits at a time: the form comes back once an editor has decided on it.
    can_correct = published and user.has_perm(CHANGE_VERDICTS) and pending_correction is None
    correction_refusal = correction_decide_refusal = None
    if pending_correction is not None and user.has_perm(PUBLISH_VERDICTS):
        correction_refusal = correction_requests.correction_approve_refusal(
            correction=pending_correction, user=user
        )
        correction_decide_refusal = correction_requests.correction_decide_refusal(
            correction=pending_correction, user=user
        )
    verdict_form = forms.get("verdict_form") or VerdictForm(initial=initial)
    source_formset = forms.get("source_formset") or EvidenceSourceFormSet(
        initial=sources, prefix="sources"
    )
    source_urls = [source["url"] for source in sources]
    if source_formset.is_bound:
        source_urls = [
            form.cleaned_data.get("url", "")
            for form in source_formset.forms
            if getattr(form, "cleaned_data", None) and not form.cleaned_data.get("DELETE")
        ]
    domains = selectors.source_domains(source_urls)
    sources_need_another = selectors.sources_need_another(domains)
    correction_form = None
    correction_sources = None
    if can_correct:
        correction_form = forms.get("correction_form") or CorrectionForm(
            initial=initial, prefix="correct"
        )
        correction_sources = forms.get("correction_sources") or CorrectionSourceFormSet(
            initial=sources, prefix="correct-sources"
        )
    timeline_first, latest, timeline_total = timeline.claim_timeline_latest(
        claim, count=CLAIM_PAGE_TIMELINE
    )
    covered_by = claim_covered_by(claim)
    claim_notes = notes.claim_notes_for(claim, user)
    seen = seen_before(claim)
    context = {
        "claim": claim,
        "queue_url": queue_view_url(request),
        "verdict": verdict,
        # Whose wording the verdict reads now, not who started it: after an approved
        # correction, its writer.
        "verdict_writers": (
            timeline.verdict_wording_writers(verdict) or [verdict.author.get_username()]
            if verdict
            else []
        ),
        "returned": returned_by(claim, verdict),
        "verdict_sources": verdict_sources,
        "article": claim.article,
        "context": selectors.claim_context(claim),
        "earlier_claims": selectors.speaker_earlier_claims(claim),
        "seen": seen,
        # Published beside these, the verdict is a second fact-check of the claim: the review
        # box names them, and publishing asks for the editor's tick (the service refuses it
        # without: appearances.second_fact_check_refusal).
        "published_beside": seen.published if can_review else [],
        "beside_ids": ",".join(str(other.pk) for other in seen.published),
        "second_fact_check_confirmation": SECOND_FACT_CHECK_CONFIRMATION,
        "covered_by": covered_by,
        # Split, reopened or its group changes undone, the repeat leaves that fact-check's
        # public appearances: claims.appearances refuses it to anyone but an editor.
        "cover_is_an_editors": covered_by is not None and not may_change_public_appearances(user),
        "cover_lifted": selectors.claim_cover_lifted(claim),
        "pending_application": pending_application_of(claim),
        "rejection_note_max": REJECTION_NOTE_MAX,
        "timeline": latest,  # notes are listed apart, below
        "timeline_total": timeline_total,
        "timeline_first": timeline_first,
        # Between the first entry and the latest ones, left to the full history page.
        "timeline_earlier": timeline_total - len(latest) - 1,
        "notes": claim_notes,
        # The full history page interleaves them, so its count is this one's plus these.
        "timeline_notes": len(claim_notes or ()),
        "note_form": forms.get("note_form") or ClaimNoteForm(),
        # A refused link or merge: the claim number as typed (claims.views.groups).
        "merge_target": forms.get("merge_target", ""),
        "corrections": (
            verdict.corrections.select_related("created_by", "approved_by") if verdict else []
        ),
        "can_change_claim": user.has_perm(CHANGE_CLAIMS),
        "held_refusal": held_refusal if open_claim else None,
        # Where the draft's form would be.
        "draft_refusal": (
            ownership.claim_work_refusal(claim=claim, user=user, work="draft")
            if draft_open
            else None
        ),
        "override_notice": override_notice,
        # The editor's way to free a colleague's claim from its page, not only the queue's.
        "unassign_colleague": override_notice is not None,
        # Where the speaker correction and the Reopen button would be.
        "speaker_refusal": ownership.claim_work_refusal(claim=claim, user=user, work="speaker"),
        "reopen_refusal": (
            ownership.claim_work_refusal(claim=claim, user=user, work="reopen")
            if claim.status == ClaimStatus.DISMISSED
            else None
        ),
        # On the Reopen button: an editor reopening a colleague's claim overrides them.
        "reopen_override": (
            ownership.reopen_override_notice(claim=claim, user=user)
            if claim.status == ClaimStatus.DISMISSED
            else None
        ),
        # Nobody holds the claim but a colleague wrote its draft: saving makes it yours.
        "colleague_draft": (
            verdict
            if can_edit_verdict
            and claim.assignee_id is None
            and verdict is not None
            and verdict.updated_by_id not in (None, user.pk)
            else None
        ),
        "can_edit_verdict": can_edit_verdict,
        "can_submit": can_edit_verdict and verdict is not None,
        "can_review": can_review,
        "can_withdraw": can_withdraw,
        "can_correct": can_correct,
        "pending_correction": pending_correction,
        # Shown instead of the Publish button to an editor who may not press it (a correction
        # that can no longer be published as written, or one this editor may not decide on);
        # the Reject form goes too only for the second.
        "correction_refusal": correction_refusal,
        "correction_decide_refusal": correction_decide_refusal,
        "can_return": can_review and return_refusal is None,
        "publish_refusal": publish_refusal,
        "review_warnings": review_warnings,
        "verdict_form": verdict_form,
        "source_formset": source_formset,
        "source_domains": domains,
        "sources_need_another": sources_need_another,
        # Past the form the warning is for whoever can still send the verdict back for another
        # source: its reviewing editor or the author who may withdraw it. Published, it is done.
        "sources_warning_in_review": sources_need_another and (can_review or can_withdraw),
        "independent_sources": selectors.INDEPENDENT_SOURCES,
        "dismiss_form": forms.get("dismiss_form") or DismissForm(),
        "return_form": forms.get("return_form")
        or ReturnForm(initial={"version": verdict.version if verdict else None}),
        "version_form": VersionForm(initial={"version": verdict.version if verdict else None}),
        "speaker_form": speaker_form_for(claim, forms.get("speaker_form")),
        "correction_form": correction_form,
        "correction_sources": correction_sources,
        "conflict": forms.get("conflict"),
        # A refused submit, withdrawal, return or publication saved nothing typed: its own
        # words say what was not done ("Not published: ..."), not the forms' "Not saved."
        "conflict_of_action": forms.get("conflict_of_action", False),
    }
    return render(request, "claims/claim_detail.html", context, status=status)


def speaker_form_for(claim: Claim, form: SpeakerCorrectForm | None) -> SpeakerCorrectForm:
    """The speaker correction, listing the article's speakers (and a choice posted again).

    Nothing is chosen or filled in to begin with: with the current speaker preselected, a name
    typed for someone else became that speaker's alias (and its role went with a speaker
    picked from the list), so the claim kept the wrong speaker and the next analysis too."""
    if form is None:
        form = SpeakerCorrectForm(initial={"loaded_speaker": claim.speaker_id or ""})
    chosen = str(form["speaker"].value() or "") if form.is_bound else ""
    form.offer(selectors.speakers_offered_for(claim, also=[int(chosen)] if is_id(chosen) else []))
    return form


@desk_view(VIEW_CLAIMS)
def claim_detail(request, pk: int):
    return render_claim(request, claim_for_page(pk))


def save_or_render(request, claim: Claim, save, **forms):
    """Run a verdict save. If it is refused, also return the claim page with the typed forms:
    409 with who changed it for a stale version, 403 when the four-eyes rule refuses the
    user, 400 with the reasons otherwise. A stale save of what the verdict holds already (the
    form sent twice) is no refusal: back to the claim page saying nothing changed."""
    try:
        return save(), None
    except verdict_conflicts.AlreadySaved as saved:
        messages.info(request, saved.messages[0])
        return None, redirect("claims:detail", pk=claim.pk)
    except verdicts.VersionConflict as conflict:
        page = render_claim(request, claim, status=409, conflict=conflict.messages[0], **forms)
        return None, page
    except (ValidationError, IllegalTransition, PermissionDenied) as error:
        for message in error_messages(error):
            messages.error(request, message)
        status = 403 if isinstance(error, PermissionDenied) else 400
        return None, render_claim(request, claim, status=status, **forms)


@desk_view(CHANGE_VERDICTS, post_only=True)
def verdict_save(request, pk: int):
    claim = claim_for_page(pk)
    form = VerdictForm(request.POST)
    formset = EvidenceSourceFormSet(request.POST, prefix="sources")
    unreadable = refuse_unreadable(request, form, formset)
    if unreadable or not (form.is_valid() and formset.is_valid()):
        messages.error(request, "The verdict was not saved: see the marked fields.")
        return render_claim(request, claim, status=400, verdict_form=form, source_formset=formset)
    already = None

    def save():
        nonlocal already
        try:
            return verdicts.verdict_save(
                claim=claim,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                rating=form.cleaned_data["rating"],
                conclusion=form.cleaned_data["conclusion"],
                explanation=form.cleaned_data["explanation"],
                sources=sources_from(formset),
            )
        except verdict_conflicts.AlreadySaved as saved:
            already = saved
            return saved.verdict

    verdict, refused = save_or_render(
        request, claim, save, verdict_form=form, source_formset=formset
    )
    if refused:
        return refused
    # The service writes nothing for a save that changes nothing; the version tells.
    unchanged = already is not None or verdict.version == form.cleaned_data["version"]
    # The form sent twice: the first one saved it, and submitted it if asked. Only a draft
    # is submitted here: a verdict returned since comes with a comment the author has not read.
    if already is not None and (
        "submit" not in request.POST or verdict.status != VerdictStatus.DRAFT
    ):
        messages.info(request, already.messages[0] + ALREADY_SAVED_STATE.get(verdict.status, ""))
    elif "submit" in request.POST:
        try:
            verdicts.verdict_act(
                verdict=verdict,
                actor=request.user,
                action="submit",
                expected_version=verdict.version,
            )
        except (IllegalTransition, ValidationError, PermissionDenied) as error:
            # The save went through: say so, or the author retypes a draft that is kept.
            for message in error_messages(error):
                messages.error(request, f"The draft is saved but not submitted. {message}")
        else:
            done = "Nothing changed in the draft; it is" if unchanged else "Verdict saved and"
            messages.success(request, f"{done} submitted for review.")
    elif unchanged:
        messages.info(request, "Nothing changed: the draft is as it was, and its history too.")
    else:
        messages.success(request, "Draft saved.")
    return redirect("claims:detail", pk=claim.pk)
