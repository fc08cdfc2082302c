"""Who said a claim, set by hand: the claim page's speaker correction and the admin's
attribution edit. Speakers themselves (their names, merges) are claims.speaker_edits and
claims.speaker_merges; finding or creating one is services.speaker_resolve."""

from django.core.exceptions import ValidationError
from django.db import transaction

from articles.services import visible_text
from articles.times import desk_time
from config.bidi import isolated_line

from . import ownership, selectors, workflow
from .limits import SPEAKER_TEXTS, text_refusals
from .models import Claim, ClaimEventKind, Speaker, SpeakerAlias
from .nlp.attribution import speaker_key
from .services import attribution_contributions_record, locked_claim, speaker_resolve


def claim_speaker_correct(
    *,
    claim: Claim,
    actor,
    name: str,
    role: str = "",
    speaker: Speaker | None = None,
    loaded_speaker: str | None = None,
    record_alias: bool = False,
) -> Claim:
    """Set the claim's speaker by hand: the `speaker` chosen, or the one a typed `name` finds
    (created when none has it).

    With a speaker chosen, a typed name is another spelling of that speaker, recorded as its
    alias so the next analysis attributes it the same way, only when `record_alias` says so:
    otherwise choosing Ann Example and typing "Bo Quiet" made "Bo Quiet" Ann Example's alias and
    every later mention of Bo Quiet hers. A typed name that is another speaker's is refused, not
    ignored or moved to the speaker chosen.

    `loaded_speaker` is the claim's speaker id as the page showed it ("" for none; None from a
    caller that does not say): a page drawn before someone else's correction is refused, not
    saved over it."""
    name, role = visible_text(name), visible_text(role)
    if speaker is None and not name:
        raise ValidationError({"name": "Name the speaker."})
    # Typed on the desk: refused, where analysis's names are cut (speaker_resolve).
    errors = {
        field: refused
        for field, value in (("name", name), ("role", role))
        if (refused := text_refusals(value, *SPEAKER_TEXTS[field]))
    }
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if speaker is None:
            # The role typed here is set below, under the desk's checks, not filled in as
            # analysis's: filled in first, it read as "Nothing changed" and was rolled back.
            speaker = speaker_resolve(name=name)
        # Lock order: the speaker, then the claim (as merges, edits and publishing take them).
        speaker = Speaker.objects.select_for_update().get(pk=speaker.pk)
        claim = locked_claim(claim)
        # The assignee's draft publishes under this speaker: theirs to change (claims.ownership).
        overridden = ownership.claim_work_check(claim=claim, user=actor, work="speaker")
        previous = claim.speaker.name if claim.speaker else None
        new_alias = False
        if key := speaker_key(name):
            if not record_alias and not SpeakerAlias.objects.filter(key=key).exists():
                raise _unrecorded_alias(speaker, name)
            # Read after the check too: a colleague may have given the name to someone else.
            alias, new_alias = SpeakerAlias.objects.select_related("speaker").get_or_create(
                key=key, defaults={"speaker": speaker, "alias": name}
            )
            if alias.speaker_id != speaker.pk:
                raise _name_of_another(alias.speaker, chosen=speaker, name=name)
        unchanged = claim.speaker_id == speaker.pk and not new_alias and role in ("", speaker.role)
        if loaded_speaker is not None and loaded_speaker != str(claim.speaker_id or ""):
            raise _stale_correction(claim, actor=actor, already=unchanged)
        if unchanged:
            raise workflow.NothingChanged(
                f"Nothing changed: {speaker.name} is the speaker already."
            )
        if role and speaker.role != role:
            if selectors.speaker_is_public(speaker):
                raise ValidationError(
                    {
                        "role": f"{speaker.name} is named on published fact-checks"
                        f"{' as ' + speaker.role if speaker.role else ''}: correct the role on "
                        "the speaker's page, with a public correction note."
                    }
                )
            if speaker.role and not actor.has_perm("claims.change_speaker"):
                raise ValidationError(
                    {
                        "role": f"{isolated_line(speaker.name)} is listed as "
                        f"{isolated_line(speaker.role)}: only an editor "
                        "changes a speaker's role."
                    }
                )
            speaker.role = role
            speaker.save(update_fields=["role"])  # simple-history records who and when
        claim.speaker = speaker
        claim.edited_by_reviewer = True
        workflow.transition(
            ClaimEventKind.SPEAKER_CORRECTED,
            claim=claim,
            actor=actor,
            data={"from": previous, "to": speaker.name, "written_as": name or speaker.name}
            | overridden,
        )
        attribution_contributions_record(claim_ids=[claim.pk], actor=actor)
    return claim


def _unrecorded_alias(speaker: Speaker, name: str) -> ValidationError:
    return ValidationError(
        {
            "name": f"You chose {speaker.name} and typed “{name}”, which is no speaker's name "
            f"yet. If the article writes {speaker.name}'s name this way, tick “Record the "
            f"typed name as an alias”; if “{name}” is someone else, leave “Existing speaker” "
            "empty so the name becomes a new speaker."
        }
    )


def _name_of_another(owner: Speaker, *, chosen: Speaker, name: str) -> ValidationError:
    return ValidationError(
        {
            "name": f"“{name}” is already a speaker: {owner.name}, not {chosen.name}. To make "
            f"{owner.name} the speaker, leave “Existing speaker” empty and type the name "
            f"alone; to make {chosen.name} the speaker, clear the name."
        }
    )


# The claim's speaker changes with these (a correction, a merge or its undo).
_SPEAKER_CHANGES = (
    ClaimEventKind.SPEAKER_CORRECTED,
    ClaimEventKind.SPEAKER_MERGED,
    ClaimEventKind.SPEAKER_MERGE_UNDONE,
)


def _stale_correction(claim: Claim, *, actor, already: bool) -> Exception:
    """The refusal of a correction from a page drawn before the claim's speaker changed:
    NothingChanged when the speaker is the one sent already (the form sent twice), a
    VersionConflict naming who changed it and when otherwise."""
    last = (
        claim.events.filter(kind__in=_SPEAKER_CHANGES)
        .select_related("actor")
        .order_by("-id")
        .first()
    )
    mine = last is not None and last.actor_id == actor.pk
    if mine:
        who = "you"
    else:
        who = last.actor.get_username() if last is not None and last.actor else "someone"
    at = f" at {desk_time(last.created_at)}" if last is not None else ""
    now = claim.speaker.name if claim.speaker else "the article's own narration"
    if already:
        how = ", in another tab or by sending the form twice" if mine else ""
        return workflow.NothingChanged(f"Nothing changed: {who} set the speaker to {now}{at}{how}.")
    if mine:
        return workflow.VersionConflict(
            f"You changed this claim's speaker{at} (now {now}), in another tab or by sending the "
            "form twice — reload to see it as it is now before you change it.",
            code="conflict",
        )
    return workflow.VersionConflict(
        f"This claim's speaker was changed by {who}{at} (now {now}) — reload to see it before "
        "you correct it again.",
        code="conflict",
    )


def claim_attribution_edit(
    *, claim: Claim, actor, speaker: Speaker | None, attribution_cue: str, is_direct_quote: bool
) -> Claim:
    """Change who said the claim and how (the admin's claim form). Refused once the claim's
    verdict is submitted or published: from then on only a correction changes the record."""
    with transaction.atomic():
        claim = locked_claim(claim)
        overridden = ownership.claim_work_check(claim=claim, user=actor, work="speaker")
        previous = {
            "speaker": claim.speaker.name if claim.speaker else None,
            "cue": claim.attribution_cue,
            "direct_quote": claim.is_direct_quote,
        }
        wanted = (speaker.pk if speaker else None, (attribution_cue or "").strip())
        if (claim.speaker_id, claim.attribution_cue) == wanted and claim.is_direct_quote == bool(
            is_direct_quote
        ):
            raise workflow.NothingChanged("Nothing changed: the attribution is as it was.")
        claim.speaker = speaker
        claim.attribution_cue = (attribution_cue or "").strip()
        claim.is_direct_quote = bool(is_direct_quote)
        claim.edited_by_reviewer = True
        workflow.transition(
            ClaimEventKind.SPEAKER_CORRECTED,
            claim=claim,
            actor=actor,
            data={
                "from": previous["speaker"],
                "to": speaker.name if speaker else None,
                "previous": previous,
                "cue": claim.attribution_cue,
                "direct_quote": claim.is_direct_quote,
            }
            | overridden,
        )
        attribution_contributions_record(claim_ids=[claim.pk], actor=actor)
    return claim
