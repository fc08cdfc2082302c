"""Writes to claims and speakers.

Verdicts have their own module, claims/verdicts.py.

Views, API views, admin actions, tasks and commands all call these functions: one path for each
change of state. Workflow moves go through claims.workflow.transition().
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from . import workflow
from .models import (
    Claim,
    ClaimEventKind,
    ClaimStatus,
    Speaker,
    SpeakerAlias,
    SpeakerKind,
    Verdict,
)
from .nlp.attribution import speaker_key

# --- Speakers ----------------------------------------------------------------------------------


def speaker_resolve(
    *, name: str, role: str = "", kind: str = "", aliases: list[str] = ()
) -> Speaker:
    """The Speaker these names belong to, created (with its aliases) when none matches."""
    names = [name, *aliases]
    keys = {speaker_key(alias): alias for alias in names if speaker_key(alias)}
    primary_key = speaker_key(name)
    if not primary_key:
        raise ValidationError("A speaker needs a name.")
    match = SpeakerAlias.objects.filter(key=primary_key).select_related("speaker").first()
    if match is None:
        match = (
            SpeakerAlias.objects.filter(key__in=keys)
            .select_related("speaker")
            .order_by("id")
            .first()
        )
    if match is not None:
        speaker = match.speaker
        if role and not speaker.role:
            speaker.role = role
            speaker.save(update_fields=["role"])
    else:
        speaker = Speaker.objects.create(
            name=name,
            slug=_unique_speaker_slug(name),
            role=role,
            kind=kind if kind in SpeakerKind.values else SpeakerKind.PERSON,
        )
    existing = set(SpeakerAlias.objects.filter(key__in=keys).values_list("key", flat=True))
    SpeakerAlias.objects.bulk_create(
        [
            SpeakerAlias(speaker=speaker, alias=alias, key=key)
            for key, alias in keys.items()
            if key not in existing
        ],
        ignore_conflicts=True,
    )
    return speaker


def _unique_speaker_slug(name: str) -> str:
    base = slugify(name)[:300] or "speaker"
    slug, counter = base, 2
    while Speaker.objects.filter(slug=slug).exists():
        slug, counter = f"{base}-{counter}", counter + 1
    return slug


# --- Claim workflow ----------------------------------------------------------------------------


def locked_claim(claim: Claim) -> Claim:
    return Claim.objects.select_for_update().get(pk=claim.pk)


def claim_assign(*, claim: Claim, actor, assignee=None) -> Claim:
    """Assign the claim to `assignee` (default: the actor). Starts work on a new claim."""
    assignee = assignee or actor
    with transaction.atomic():
        claim = locked_claim(claim)
        claim.assignee = assignee
        workflow.transition(
            ClaimEventKind.ASSIGNED,
            claim=claim,
            actor=actor,
            data={"assignee": assignee.get_username()},
        )
    return claim


def claim_unassign(*, claim: Claim, actor) -> Claim:
    with transaction.atomic():
        claim = locked_claim(claim)
        previous = claim.assignee
        claim.assignee = None
        has_draft = Verdict.objects.filter(claim=claim).exists()
        workflow.transition(
            ClaimEventKind.UNASSIGNED,
            claim=claim,
            actor=actor,
            to=ClaimStatus.IN_PROGRESS if has_draft else ClaimStatus.NEW,
            data={"previous_assignee": previous.get_username() if previous else None},
        )
    return claim


def claim_dismiss(*, claim: Claim, actor, reason: str) -> Claim:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the claim is not check-worthy."})
    with transaction.atomic():
        claim = locked_claim(claim)
        claim.dismissal_reason = reason
        workflow.transition(ClaimEventKind.DISMISSED, claim=claim, actor=actor, note=reason)
    return claim


def claim_reopen(*, claim: Claim, actor) -> Claim:
    with transaction.atomic():
        claim = locked_claim(claim)
        claim.dismissal_reason = ""
        workflow.transition(ClaimEventKind.REOPENED, claim=claim, actor=actor)
    return claim


def claim_add_from_sentence(*, sentence, actor) -> Claim:
    """A claim the model missed, added by a reviewer from one sentence of the article."""
    from .models import ClaimEvent, ClaimOrigin

    with transaction.atomic():
        existing = Claim.objects.filter(
            article_id=sentence.article_id, start=sentence.start, end=sentence.end
        ).first()
        if existing is not None:
            raise ValidationError("This sentence is already a claim.", code="duplicate")
        claim = Claim.objects.create(
            article_id=sentence.article_id,
            start=sentence.start,
            end=sentence.end,
            text=sentence.text,
            speaker=sentence.speaker,
            attribution_cue=sentence.attribution_cue,
            is_direct_quote=sentence.is_direct_quote,
            check_worthiness=sentence.check_worthiness,
            model_version=sentence.model_version,
            origin=ClaimOrigin.MANUAL,
        )
        ClaimEvent.objects.create(
            claim=claim,
            kind=ClaimEventKind.ADDED,
            to_status=claim.status,
            actor=actor,
            data={"sentence": sentence.index, "check_worthiness": sentence.check_worthiness},
        )
    return claim


def claim_speaker_correct(
    *, claim: Claim, actor, name: str, role: str = "", speaker: Speaker | None = None
) -> Claim:
    """Set the claim's speaker by hand. The name as written becomes an alias of the speaker, so
    the next analysis attributes it the same way."""
    name = (name or "").strip()
    if speaker is None and not name:
        raise ValidationError({"name": "Name the speaker."})
    with transaction.atomic():
        claim = locked_claim(claim)
        previous = claim.speaker.name if claim.speaker else None
        if speaker is None:
            speaker = speaker_resolve(name=name, role=role.strip())
        elif name and speaker_key(name):
            SpeakerAlias.objects.get_or_create(
                key=speaker_key(name), defaults={"speaker": speaker, "alias": name}
            )
        if role.strip() and speaker.role != role.strip():
            speaker.role = role.strip()
            speaker.save(update_fields=["role"])
        claim.speaker = speaker
        claim.edited_by_reviewer = True
        workflow.transition(
            ClaimEventKind.SPEAKER_CORRECTED,
            claim=claim,
            actor=actor,
            data={"from": previous, "to": speaker.name, "written_as": name or speaker.name},
        )
    return claim
