"""Research notes on a claim: the desk writes them, reads them on the claim and history pages,
and an author may take back their own, an editor anyone's (the removal stays on the claim's
timeline, without the text, which may be why it was removed). Nothing public reads them.

Who may read, write and take back a note is decided here, for every page that shows one."""

from datetime import timedelta
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from articles.intake.addresses import PORT_RULE, has_impossible_port
from articles.services import visible_text

from .limits import research_link_length, research_note_length, text_refusals
from .models import Claim, ClaimEvent, ClaimEventKind, ClaimNote
from .workflow import NothingChanged

ADD_NOTES = "claims.add_claimnote"
READ_NOTES = "claims.view_claimnote"
MODERATE_NOTES = "claims.publish_verdict"  # editors
# A double click, a re-sent form or a retry after a slow answer comes within minutes; the same
# words from the same person on the same claim later on are a note of their own.
NOTE_RESEND_WINDOW = timedelta(minutes=10)
_LINK = URLValidator(schemes=["http", "https"], message="A link must be an http or https address.")


def notes_readable_by(user) -> bool:
    return user.has_perm(READ_NOTES)


def note_removable_by(note: ClaimNote, user) -> bool:
    # Editors too: a colleague who left cannot take back a note that holds what the desk
    # should not keep (a source's phone number).
    if user.has_perm(MODERATE_NOTES) and notes_readable_by(user):
        return True
    return note.author_id == user.pk and user.has_perm(ADD_NOTES)


def claim_notes_for(claim: Claim, user) -> list[ClaimNote] | None:
    """The claim's notes, oldest first, each with `removable` for this user; None when the user
    may not read notes at all (the page leaves the section out)."""
    if not notes_readable_by(user):
        return None
    shown = list(claim.notes.select_related("author"))
    for note in shown:
        note.removable = note_removable_by(note, user)
    return shown


def _has_scheme(link: str) -> bool:
    try:
        return bool(urlsplit(link).scheme)
    except ValueError:
        # No address can be read from it ("http://[::1", a host whose NFKC form holds a "/"):
        # kept as typed, for _LINK to refuse in the desk's words rather than a 500.
        return True


def claim_note_add(*, claim: Claim, author, text: str, link: str = "") -> ClaimNote:
    """Raises NothingChanged for the same note from the same author on the same claim again
    within NOTE_RESEND_WINDOW: stored once, however often the form is sent."""
    if not author.has_perm(ADD_NOTES):
        raise PermissionDenied("Only the desk writes research notes.")
    text, link = visible_text(text), visible_text(link)
    typed_link = link
    if link and not _has_scheme(link):
        # "www.example.org/report" as copied from an address bar: https, as the verdict's
        # sources and the article form take it, not a refusal.
        link = f"https://{link}"
    if refused := text_refusals(text, "note", research_note_length):
        raise ValidationError({"text": refused})
    if refused := text_refusals(link, "link", research_link_length, typed=typed_link):
        raise ValidationError({"link": refused})
    if not text:
        raise ValidationError({"text": "Write what you found or did."})
    if link:
        try:
            _LINK(link)
        except ValidationError as error:
            raise ValidationError({"link": error.messages}) from None
        if has_impossible_port(link):
            message = f"A link must be an http or https address: {PORT_RULE}."
            raise ValidationError({"link": message})
    with transaction.atomic():
        # Under the claim's lock, which a re-analysis holds while it decides what to remove:
        # a note then waits for it, and a claim it removed is a clear refusal, not a 500.
        if Claim.objects.select_for_update().filter(pk=claim.pk).first() is None:
            raise ValidationError("This claim no longer exists: a re-analysis removed it.")
        # Under that lock too: the second of two identical posts at once waits here and then
        # finds the first one's note.
        if ClaimNote.objects.filter(
            claim=claim,
            author=author,
            text=text,
            link=link,
            created_at__gte=timezone.now() - NOTE_RESEND_WINDOW,
        ).exists():
            raise NothingChanged("This note was already added (the form was sent twice).")
        return ClaimNote.objects.create(claim=claim, author=author, text=text, link=link)


def claim_note_remove(*, note: ClaimNote, actor) -> None:
    if not note_removable_by(note, actor):
        raise PermissionDenied("Only the note's author or an editor can remove it.")
    with transaction.atomic():
        # Locked, so two removals at once (a double click, a second tab) record one removal.
        if ClaimNote.objects.select_for_update().filter(pk=note.pk).first() is None:
            raise ValidationError("This note was already removed.")
        ClaimEvent.objects.create(
            claim_id=note.claim_id,
            kind=ClaimEventKind.NOTE_REMOVED,
            actor=actor,
            data={
                "written": note.created_at.isoformat(timespec="minutes"),
                "author": note.author.get_username(),
                "removed_note": note.pk,
            },
        )
        ClaimNote.objects.filter(pk=note.pk).delete()


def note_removal(note_pk: int) -> ClaimEvent | None:
    """The removal of a note no longer there, so a second click on "Remove note" (a double
    click, a second tab) is told it was done, not sent to a page not found. Removals recorded
    before the event named its note are not found."""
    return (
        ClaimEvent.objects.filter(kind=ClaimEventKind.NOTE_REMOVED, data__removed_note=note_pk)
        .select_related("actor")
        .first()
    )
