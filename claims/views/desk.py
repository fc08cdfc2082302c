"""Histories, speakers and the dashboard."""

from urllib.parse import unquote, urlsplit

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils.text import Truncator

from articles.services import visible_text
from config.bidi import isolated_line
from config.form_encoding import refuse_unreadable, refuse_unreadable_in_messages
from config.not_found import desk_get_or_404, desk_not_found
from config.pages import RowsCountedPaginator, page_get

from .. import exports, notes, selectors, speaker_edits, speaker_merges, timeline
from ..filter_forms import DeskHistoryFilterForm, SpeakerIndexForm, VerdictExportForm
from ..limits import CORRECTION_NOTE_MAX
from ..matching.selectors import repeat_counts
from ..models import LOCKED_VERDICT_STATES, Claim, Speaker, SpeakerMerge, claim_made_at
from ..speaker_forms import SpeakerEditForm
from ..workflow import IllegalTransition, NothingChanged, VersionConflict
from .base import (
    PUBLISH_VERDICTS,
    VIEW_CLAIMS,
    attempt,
    desk_claim_or_404,
    desk_view,
    error_messages,
)


@desk_view(VIEW_CLAIMS)
def claim_history(request, pk: int):
    claim = desk_claim_or_404(Claim.objects.select_related("article", "speaker", "verdict"), pk=pk)
    page = timeline.claim_timeline_page(
        claim, notes=notes.notes_readable_by(request.user), number=request.GET.get("page")
    )
    return render(
        request,
        "claims/claim_history.html",
        {"claim": claim, "page": page, "timeline": page.object_list},
    )


@desk_view(PUBLISH_VERDICTS)
def desk_history(request):
    form = DeskHistoryFilterForm(request.GET or None)
    # A bad field is marked and left out, as on the queue; the good ones still filter (the
    # whole desk's history under a person's name would read as theirs).
    form.is_valid()
    filters = getattr(form, "cleaned_data", {})
    page = selectors.desk_history_page(
        actor=filters.get("person"),
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
        number=request.GET.get("page"),
    )
    return render(
        request,
        "claims/desk_history.html",
        {"form": form, "page": page},
    )


def _no_speaker(slug: str):
    return desk_not_found(
        f"No speaker “{Truncator(slug).chars(80)}” on the desk: check the address.",
        back="claims:queue",
        back_label="Back to the queue",
    )


SPEAKERS_PAGE_SIZE = 50


@desk_view("claims.view_speaker")
def speaker_index(request):
    """Who said what: every speaker, most claims first, with a search by name or spelling."""
    form = SpeakerIndexForm(request.GET or None)
    form.is_valid()
    # A refused search is left out (its error shows beside it): the whole list shows.
    q = getattr(form, "cleaned_data", {}).get("q", "")
    paginator = RowsCountedPaginator(
        selectors.speaker_index(q=q), SPEAKERS_PAGE_SIZE, rows=selectors.speakers_indexed(q=q)
    )
    page = page_get(paginator, request.GET.get("page"))
    return render(request, "claims/speaker_index.html", {"form": form, "page": page, "q": q})


@desk_view("claims.view_speaker")
def speaker_detail(request, slug: str):
    speaker = Speaker.objects.filter(slug=slug).first()
    if speaker is None:
        # A merged speaker's address leads to the speaker it was merged into.
        merge = speaker_merges.merged_into(slug=slug)
        if merge is None:
            raise _no_speaker(slug)
        return redirect("claims:speaker_detail", slug=merge.target.slug)
    return _speaker_page(request, speaker)


def _speaker_page(
    request, speaker: Speaker, *, merge_typed=None, edit_form=None, status: int = 200
):
    """The speaker page; `merge_typed` puts back what a refused merge form held (the name typed
    and a public correction note, which may be a paragraph) beside the message saying why, and
    `edit_form` a refused correction of the name, role or kind, as typed."""
    claims = speaker.claims.select_related(
        "article", "article__outlet", "verdict", "verdict__rating"
    ).order_by(claim_made_at().desc(), "-pk")
    page = page_get(Paginator(claims, 50), request.GET.get("page"))
    counts = repeat_counts([claim.pk for claim in page])
    for claim in page:
        # Appearances of the same canonical claim, by anyone (the group's size).
        claim.repeat_count = counts[claim.pk]
    distribution = selectors.speaker_rating_distribution(speaker)
    can_merge = request.user.has_perm(speaker_merges.MERGE_PERMISSION)
    on_record = can_merge and speaker.claims.filter(verdict__status__in=LOCKED_VERDICT_STATES)
    is_public = selectors.speaker_is_public(speaker)
    can_edit = request.user.has_perm(speaker_edits.EDIT_PERMISSION)
    if can_edit and edit_form is None:
        edit_form = SpeakerEditForm(speaker=speaker, public=is_public)
    return render(
        request,
        "claims/speaker_detail.html",
        {
            "speaker": speaker,
            "aliases": selectors.speaker_other_spellings(speaker),
            "page": page,
            "distribution": distribution,
            "chart_height": len(distribution) * 28,
            "rated": sum(bar.count for bar in distribution),
            "can_merge": can_merge,
            "can_edit": can_edit,
            "edit_form": edit_form,
            "is_public": is_public,
            "on_record_count": on_record.count() if can_merge else 0,
            "correction_note_max": CORRECTION_NOTE_MAX,
            "merge_target_max": MERGE_TARGET_MAX,
            "candidates": speaker_merges.merge_candidates(speaker) if can_merge else [],
            "merges": speaker.merges_in.select_related("actor", "undone_by"),
            "merge_typed": merge_typed or {},
        },
        status=status,
    )


@desk_view(speaker_merges.MERGE_PERMISSION)
def speaker_duplicates(request):
    pairs = speaker_merges.possible_duplicates()
    ids = {speaker.pk for pair in pairs for speaker in pair}
    counts = dict(
        Speaker.objects.filter(pk__in=ids)
        .annotate(count=Count("claims"))
        .values_list("pk", "count")
    )
    rows = [
        {"one": one, "other": other, "one_claims": counts[one.pk], "other_claims": counts[other.pk]}
        for one, other in pairs
    ]
    return render(request, "claims/speaker_duplicates.html", {"pairs": rows})


MERGE_TARGET_MAX = 320  # Speaker.slug's length, and more than any name needs


@desk_view(speaker_merges.MERGE_PERMISSION, post_only=True)
def speaker_merge(request, slug: str):
    """Merge this speaker into the one named in `target`: its page's address (on this desk),
    its slug, its name or a spelling the desk recorded for it."""
    source = Speaker.objects.filter(slug=slug).first()
    if source is None:
        done = speaker_merges.merged_into(slug=slug)
        if done is None:
            raise _no_speaker(slug)
        messages.info(
            request,
            f"{isolated_line(done.source_name)} is already merged into "
            f"{isolated_line(done.target.name)}.",
        )
        return redirect("claims:speaker_detail", slug=done.target.slug)
    if refuse_unreadable_in_messages(
        request, target="The speaker to merge into", correction_note="The correction note"
    ):
        return redirect("claims:speaker_detail", slug=slug)
    wanted = request.POST.get("target", "").strip()
    correction_note = request.POST.get("correction_note", "").strip()
    typed = {"target": wanted, "correction_note": correction_note}
    if not wanted or "\x00" in wanted or len(wanted) > MERGE_TARGET_MAX:
        messages.error(
            request,
            f"Name the speaker to merge into: a name or address of at most {MERGE_TARGET_MAX} "
            "characters.",
        )
        typed["target"] = "" if "\x00" in wanted else wanted[:MERGE_TARGET_MAX]
        return _speaker_page(request, source, merge_typed=typed, status=400)
    try:
        target = _merge_target(request, wanted, source=source)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return _speaker_page(request, source, merge_typed=typed, status=400)
    merged = attempt(
        request,
        lambda: speaker_merges.speaker_merge(
            source=source,
            target=target,
            actor=request.user,
            correction_note=correction_note,
        ),
        success=f"{isolated_line(source.name)} is merged into {isolated_line(target.name)}. "
        "Undo it below if it was wrong.",
    )
    if not merged:
        return _speaker_page(request, source, merge_typed=typed, status=400)
    return redirect("claims:speaker_detail", slug=target.slug)


def _merge_target(request, wanted: str, *, source: Speaker) -> Speaker:
    """The one speaker `wanted` names (see speaker_merge), or a ValidationError saying that
    none does, or listing those it names, with their addresses to choose from."""
    shown = Truncator(wanted).chars(80)
    slug = _speaker_address_slug(request, wanted)
    if slug is not None:
        matches = list(Speaker.objects.filter(slug=slug))
        # A merged speaker's address leads to the speaker it went into, as its page does.
        if not matches and (merge := speaker_merges.merged_into(slug=slug)) is not None:
            matches = [merge.target]
        if not matches:
            raise ValidationError(f"No speaker has the address “{shown}”.")
        return matches[0]
    matches = speaker_merges.merge_targets_named(visible_text(wanted), source=source)
    if not matches:
        raise ValidationError(f"There is no speaker called “{shown}”: use its address.")
    if len(matches) > 1:
        listed = "; ".join(
            f"{isolated_line(speaker.name)}"
            f"{f' ({isolated_line(speaker.role)})' if speaker.role else ''} at "
            f"{reverse('claims:speaker_detail', args=[speaker.slug])}"
            for speaker in matches
        )
        raise ValidationError(
            f"“{shown}” names more than one speaker ({listed}): give the address of the one "
            "to merge into."
        )
    return matches[0]


def _speaker_address_slug(request, text: str) -> str | None:
    """The slug in `text` when it is a speaker page's address on this desk
    ("https://desk.example.org/speakers/jen-psaki/", "/speakers/jen-psaki/", as copied from the
    address bar): read from the path, nothing fetched. None when `text` is no address (a name
    or a slug); a ValidationError saying why for another site's address or another page's."""
    host = request.get_host().lower()
    elsewhere = ValidationError(
        f"“{Truncator(text).chars(80)}” is not an address on this desk: give the address "
        f"of a speaker page on {host}, or the speaker's name."
    )
    try:
        parts = urlsplit(text)
    except ValueError:  # "http://[::1/…": no host can be read from it, so not this desk's
        raise elsewhere from None
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        if parts.netloc.lower() != host:
            raise elsewhere
        path = parts.path
    elif text.lower().startswith(f"{host}/"):  # copied without its https://
        path = urlsplit(f"//{text}").path
    elif text.startswith("/"):
        path = parts.path
    else:
        return None
    # Without its last slash too, as the page itself opens (APPEND_SLASH).
    path = unquote(path).rstrip("/") + "/"
    try:
        match = resolve(path)
    except Resolver404:
        match = None
    if match is None or match.view_name != "claims:speaker_detail":
        raise ValidationError(
            f"“{Truncator(text).chars(80)}” is not a speaker page's address: open the speaker "
            "on the desk and copy its address, or give the speaker's name."
        )
    return match.kwargs["slug"]


@desk_view(speaker_edits.EDIT_PERMISSION, post_only=True)
def speaker_edit(request, slug: str):
    """Correct the speaker's name or role (with a public note once a fact-check names it). A
    refusal draws the page again with what was typed and the reason beside its field."""
    speaker = Speaker.objects.filter(slug=slug).first()
    if speaker is None:
        raise _no_speaker(slug)
    form = SpeakerEditForm(
        request.POST, speaker=speaker, public=selectors.speaker_is_public(speaker)
    )
    if refuse_unreadable(request, form) or not form.is_valid():
        return _speaker_page(request, speaker, edit_form=form, status=400)
    data = form.cleaned_data
    try:
        corrections = speaker_edits.speaker_edit(
            speaker=speaker,
            actor=request.user,
            name=data["name"],
            role=data["role"],
            kind=data["kind"] or None,
            correction_note=data["correction_note"],
            loaded=form.loaded(),
        )
    except NothingChanged as already:  # the same form sent twice
        messages.info(request, str(already))
        return redirect("claims:speaker_detail", slug=slug)
    except VersionConflict as conflict:
        form.add_error(None, conflict)
        return _speaker_page(request, speaker, edit_form=form, status=409)
    except ValidationError as error:
        form.add_error(None, error)  # a refusal of one field goes beside it
        return _speaker_page(request, speaker, edit_form=form, status=400)
    except (PermissionDenied, IllegalTransition) as error:
        form.add_error(None, str(error))
        return _speaker_page(request, speaker, edit_form=form, status=400)
    text = "The speaker's name, role and kind are corrected."
    if corrections:
        count = len(corrections)
        carry = "fact-check carries" if count == 1 else "fact-checks carry"
        text += f" {count:,} published {carry} the correction note."
    messages.success(request, text)
    return redirect("claims:speaker_detail", slug=slug)


@desk_view(speaker_merges.MERGE_PERMISSION, post_only=True)
def speaker_merge_undo(request, pk: int):
    merge = desk_get_or_404(
        SpeakerMerge.objects.select_related("target"),
        pk=pk,
        message=f"No speaker merge #{pk} on the desk: it may have been undone already.",
        back="claims:speaker_duplicates",
        back_label="Back to the possible duplicate speakers",
    )
    try:
        undone = speaker_merges.speaker_merge_undo(merge=merge, actor=request.user)
    except NothingChanged as already:
        messages.info(request, str(already))
        restored = Speaker.objects.filter(slug=merge.source_slug).first()
        return _merge_page(restored or merge.target)
    except (ValidationError, PermissionDenied) as error:
        for message in error_messages(error):
            messages.error(request, message)
        return _merge_page(merge.target)
    again = "is a speaker of its own again"
    text = f"The merge is undone: {isolated_line(merge.source_name)} {again}."
    if undone.kept:
        claims = ", ".join(f"#{pk}" for pk in undone.kept)
        if len(undone.kept) == 1:
            text += (
                f" Claim {claims} stays with {isolated_line(merge.target.name)}: its verdict is "
                "on record."
            )
        else:
            text += (
                f" Claims {claims} stay with {isolated_line(merge.target.name)}: their verdicts "
                "are on record."
            )
    messages.success(request, text)
    return redirect("claims:speaker_detail", slug=undone.speaker.slug)


def _merge_page(speaker: Speaker | None):
    if speaker is None:
        return redirect("claims:speaker_duplicates")
    return redirect("claims:speaker_detail", slug=speaker.slug)


@desk_view(PUBLISH_VERDICTS)
def dashboard(request):
    return _dashboard_page(request, VerdictExportForm())


def _dashboard_page(request, export_form, *, status: int = 200):
    context = {**selectors.dashboard_numbers(), "export_form": export_form}
    return render(request, "claims/dashboard.html", context, status=status)


@desk_view(PUBLISH_VERDICTS)
def verdict_export(request):
    """Published fact-checks of a period as CSV, for the newsroom's spreadsheets. A bad period
    draws the dashboard again, the reason beside the date it is about."""
    form = VerdictExportForm(request.GET)
    if not form.is_valid():
        return _dashboard_page(request, form, status=400)
    start, end = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    rows = exports.published_verdict_rows(
        date_from=start, date_to=end, absolute_url=request.build_absolute_uri
    )
    name = f"fact-checks-{start or 'start'}-to-{end or 'now'}.csv"
    response = StreamingHttpResponse(
        exports.csv_lines(rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"  # desk-only names: no shared cache keeps it
    return response
