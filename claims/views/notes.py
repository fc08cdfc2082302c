"""Research notes on the claim page: add one, or take back one's own (claims.notes)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse

from config.form_encoding import refuse_unreadable
from config.not_found import desk_not_found

from .. import notes
from ..forms import ClaimNoteForm
from ..models import ClaimNote
from ..workflow import NothingChanged, already_done
from .base import attempt, desk_view
from .claim import claim_for_page, render_claim


@desk_view(notes.ADD_NOTES, post_only=True)
def claim_note_add(request, pk: int):
    claim = claim_for_page(pk)
    form = ClaimNoteForm(request.POST)
    if refuse_unreadable(request, form):
        return render_claim(request, claim, status=400, note_form=form)
    form.is_valid()  # plain text fields: the service checks them
    try:
        notes.claim_note_add(
            claim=claim,
            author=request.user,
            text=form.cleaned_data["text"],
            link=form.cleaned_data["link"],
        )
    except NothingChanged as unchanged:
        messages.info(request, str(unchanged))
        return redirect(reverse("claims:detail", args=[claim.pk]) + "#notes-heading")
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, field_errors in error.error_dict.items():
                form.add_error(field, field_errors)
        else:
            form.add_error(None, error)
        return render_claim(request, claim, status=400, note_form=form)
    messages.success(request, "Note added.")
    return redirect(reverse("claims:detail", args=[claim.pk]) + "#notes-heading")


@desk_view(notes.ADD_NOTES, post_only=True)
def claim_note_remove(request, pk: int):
    note = ClaimNote.objects.filter(pk=pk).first()
    if note is None:
        removal = notes.note_removal(pk)
        if removal is None:
            raise desk_not_found(
                f"No research note #{pk} on the desk: it may have gone with its claim.",
                back="claims:queue",
                back_label="Back to the queue",
            )
        already = already_done(
            did="removed this note", by=removal.actor, at=removal.created_at, actor=request.user
        )
        messages.info(request, str(already))
        return redirect(reverse("claims:detail", args=[removal.claim_id]) + "#notes-heading")
    attempt(
        request,
        lambda: notes.claim_note_remove(note=note, actor=request.user),
        success="Note removed; the claim's history records that it was.",
    )
    return redirect(reverse("claims:detail", args=[note.claim_id]) + "#notes-heading")
