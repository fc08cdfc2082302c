"""Correcting a speaker's name or role, which every published fact-check of its claims shows.

Once a speaker has a published claim, its name and role are part of the published record (the
public page, ClaimReview's author and jobTitle, the API). They change only here, with a public
correction note that each of those verdicts gets as a dated correction, a new version and the
editor as corrector (claims.corrections.verdicts_speaker_correct, the four-eyes rule included). A
speaker with nothing published is corrected without a note; an unpublished verdict of its
claims (a draft, returned or in review) makes the editor a contributor, so another editor
publishes it. The admin leaves a public
speaker's name and role read-only and points here; analysis and the claim page never change
them (claims.services).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from articles.services import visible_text
from articles.times import desk_time

from . import corrections, selectors
from .limits import SPEAKER_TEXTS, VERDICT_TEXTS, text_refusals
from .models import LOCKED_VERDICT_STATES, Claim, Speaker, SpeakerAlias, SpeakerKind
from .nlp.attribution import speaker_key
from .workflow import NothingChanged, VersionConflict

EDIT_PERMISSION = "claims.change_speaker"


def speaker_label(name: str, role: str) -> str:
    """How a published fact-check named the speaker: 'Ann Example, Mayor of Springfield'."""
    return f"{name}, {role}" if role else name


def _spaced(text: str) -> str:
    return " ".join(text.split())


def speaker_on_record(speaker: Speaker) -> bool:
    """A claim of the speaker has a verdict in review or published: edits go through here."""
    return Claim.objects.filter(speaker=speaker, verdict__status__in=LOCKED_VERDICT_STATES).exists()


def _stale_edit(speaker: Speaker, *, actor, sent: tuple[str, str, str]) -> ValidationError:
    """The refusal of a form drawn before the speaker's last change: NothingChanged when it
    holds what was sent already (the same form sent twice, or a colleague who wrote the
    same), a VersionConflict naming who changed it and when otherwise."""
    last = speaker.history.select_related("history_user").order_by("-history_id").first()
    by = last.history_user if last is not None else None
    when = desk_time(last.history_date) if last is not None else None
    mine = by is not None and by.pk == actor.pk
    who = "you" if mine else (by.get_username() if by is not None else "someone")
    at = f" at {when}" if when else ""
    if list(map(_spaced, sent)) == list(map(_spaced, (speaker.name, speaker.role, speaker.kind))):
        how = ", in another tab or by sending the form twice" if mine else ""
        return NothingChanged(
            f"Nothing changed: {who} saved this correction{at}{how}; the speaker is "
            f"“{speaker.name}” as you sent it."
        )
    if mine:
        return VersionConflict(
            f"You corrected this speaker{at} (now “{speaker.name}”), in another tab or by "
            "sending the form twice — reload the page to see it as it is now before you "
            "change it.",
            code="conflict",
        )
    return VersionConflict(
        f"This speaker was corrected by {who}{at} (now “{speaker.name}”) — reload the page "
        "and correct it again.",
        code="conflict",
    )


def speaker_edit(
    *,
    speaker: Speaker,
    actor,
    name: str,
    role: str,
    kind: str | None = None,
    correction_note: str = "",
    loaded: tuple[str, str, str] | None = None,
):
    """Give the speaker a corrected name, role and kind (person or organisation: ClaimReview's
    author type). Returns the corrections made (one per published verdict of its claims; none
    for a speaker with nothing published). `loaded` is the name, role and kind the editor's
    form showed: if the speaker has changed since, the edit is refused, not saved over it."""
    if not actor.has_perm(EDIT_PERMISSION):
        raise PermissionDenied("Only an editor corrects a speaker's name or role.")
    name = visible_text(name)
    role = visible_text(role)
    note = visible_text(correction_note)
    errors = {}
    if not name:
        errors["name"] = ["Give the speaker's name."]
    for field, value in (("name", name), ("role", role)):
        if refused := text_refusals(value, *SPEAKER_TEXTS[field]):
            errors[field] = refused
    if refused := text_refusals(note, *VERDICT_TEXTS["note"]):
        errors["correction_note"] = refused
    if kind is not None and kind not in SpeakerKind.values:
        errors["kind"] = [f"Choose one of: {', '.join(SpeakerKind.values)}."]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        speaker = Speaker.objects.select_for_update().get(pk=speaker.pk)
        current = (speaker.name, speaker.role, speaker.kind)
        # White space compared as one space: a form posts a line break in a value as "\r\n".
        kind = speaker.kind if kind is None else kind
        if loaded is not None and list(map(_spaced, loaded)) != list(map(_spaced, current)):
            # A form drawn before another correction would put the old name back (and, once
            # published, tell every fact-check so).
            raise _stale_edit(speaker, actor=actor, sent=(name, role, kind))
        if (name, role, kind) == (speaker.name, speaker.role, speaker.kind):
            raise ValidationError("Nothing changed: the name, role and kind are as they were.")
        before = speaker_label(speaker.name, speaker.role)
        public = selectors.speaker_is_public(speaker)
        if public and not note:
            raise ValidationError(
                {
                    "correction_note": [
                        f"{speaker.name} is named on published fact-checks: give a public "
                        "correction note, which each of them gets."
                    ]
                }
            )
        speaker.name, speaker.role, speaker.kind = name, role, kind
        speaker._history_user = actor  # outside a request too: the stale check names them
        speaker.save(update_fields=["name", "role", "kind"])  # simple-history: who and when
        key = speaker_key(name)
        if key and not SpeakerAlias.objects.filter(key=key).exists():
            SpeakerAlias.objects.create(speaker=speaker, alias=name, key=key)
        # Published verdicts get the correction; one not yet published (a draft included)
        # gets the editor as a contributor, since what it would publish changed under them
        # (another editor publishes it).
        claims = list(
            Claim.objects.select_for_update()
            .filter(speaker=speaker, verdict__isnull=False)
            .order_by("pk")
        )
        return corrections.verdicts_speaker_correct(
            claims=claims, editor=actor, note=note, previous_speaker=before
        )
