"""Writes to claims and speakers.

Verdicts have their own module, claims/verdicts.py; setting who said a claim by hand,
claims/attribution.py.

Views, API views, admin actions, tasks and commands all call these functions: one path for each
change of state. Workflow moves go through claims.workflow.transition().
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from articles.services import visible_text

from . import ownership, selectors, workflow
from .appearances import public_appearances_kept
from .limits import DISMISSAL_REASON, text_refusals
from .models import (
    Claim,
    ClaimEventKind,
    ClaimStatus,
    ContributionKind,
    Speaker,
    SpeakerAlias,
    SpeakerKind,
    Verdict,
    VerdictContribution,
    published_verdict_q,
)
from .nlp.attribution import speaker_key

# --- Speakers ----------------------------------------------------------------------------------


def speaker_resolve(
    *, name: str, role: str = "", kind: str = "", aliases: list[str] = ()
) -> Speaker:
    """The Speaker these names belong to, created (with its aliases) when none matches.

    A name or role longer than its column is cut to fit (_fitted), not refused: analysis reads
    them from articles, where a runaway mention must not stop the article's analysis, and the
    same text always cuts the same way, so the next article finds the same speaker. A longer
    alias is left out: cut, "<a long role> Ann Example" would lose the name and match anyone
    with that role.

    Safe under concurrent analyses: the primary alias key is unique, so two workers that meet
    a new name at once create one speaker; the loser's insert fails inside a savepoint and it
    reads the winner's row instead.
    """
    name, role = _fitted(name, _NAME_MAX), _fitted(role, _ROLE_MAX)
    names = [name, *(alias for alias in aliases if len(alias) <= _ALIAS_MAX)]
    keys = {speaker_key(alias): alias for alias in names if speaker_key(alias)}
    primary_key = speaker_key(name)
    if not primary_key:
        raise ValidationError("A speaker needs a name.")
    for _attempt in range(SPEAKER_CREATE_ATTEMPTS):
        speaker = _speaker_matching(primary_key, keys)
        if speaker is not None:
            if role and not speaker.role:
                _role_fill(speaker, role)
            break
        try:
            with transaction.atomic():
                speaker = Speaker.objects.create(
                    name=name,
                    slug=_unique_speaker_slug(name),
                    role=role,
                    kind=kind if kind in SpeakerKind.values else SpeakerKind.PERSON,
                )
                SpeakerAlias.objects.create(
                    speaker=speaker, alias=keys[primary_key], key=primary_key
                )
            break
        except IntegrityError:
            # Another transaction created this alias (or took the slug) first: read it again.
            continue
    else:
        raise ValidationError(f"Could not store the speaker {name!r}: try again.")
    SpeakerAlias.objects.bulk_create(
        [SpeakerAlias(speaker=speaker, alias=alias, key=key) for key, alias in keys.items()],
        ignore_conflicts=True,
    )
    return speaker


# Each attempt either finds a committed alias or wins the insert; three cover a slug collision
# on top of an alias race.
SPEAKER_CREATE_ATTEMPTS = 3
_ALIAS_MAX = SpeakerAlias._meta.get_field("alias").max_length
_ROLE_MAX = Speaker._meta.get_field("role").max_length
# The name is its own first alias: it fits both columns.
_NAME_MAX = min(Speaker._meta.get_field("name").max_length, _ALIAS_MAX)


def _fitted(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters after its last whole word that fits (mid-word
    only when its first word alone is longer). Names from analysis can outgrow the article's
    text: "ß".upper() is "SS", and an alias joins the role to the name."""
    if len(text) <= limit:
        return text
    head = text[: limit + 1]
    boundary = max((i for i, char in enumerate(head) if char.isspace()), default=0)
    return text[:boundary].rstrip() or text[:limit]


def _speaker_matching(primary_key: str, keys: dict[str, str]) -> Speaker | None:
    match = SpeakerAlias.objects.filter(key=primary_key).select_related("speaker").first()
    if match is None:
        match = (
            SpeakerAlias.objects.filter(key__in=keys)
            .select_related("speaker")
            .order_by("id")
            .first()
        )
    return match.speaker if match is not None else None


def _unique_speaker_slug(name: str) -> str:
    base = slugify(name)[:300] or "speaker"
    slug, counter = base, 2
    while Speaker.objects.filter(slug=slug).exists():
        slug, counter = f"{base}-{counter}", counter + 1
    return slug


# --- Claim workflow ----------------------------------------------------------------------------


def locked_claim(claim: Claim) -> Claim:
    return Claim.objects.select_for_update().get(pk=claim.pk)


def contribution_record(*, verdict: Verdict, user, kind: str) -> None:
    """`user` changed what `verdict` would publish: the four-eyes rule
    (claims.verdict_rules.verdict_publish_refusal) keeps them from publishing it."""
    VerdictContribution.objects.get_or_create(
        verdict=verdict, version=verdict.version, user=user, defaults={"kind": kind}
    )


def attribution_contributions_record(*, claim_ids, actor) -> None:
    """Who said a claim is published with its verdict (the page, ClaimReview's author), so a
    change to it while the verdict is unpublished (a draft, returned or in review) makes
    `actor` a contributor, and another editor publishes it: the claim page's speaker
    correction, the admin's attribution edit, a speaker's rename (on the desk or in the admin)
    and a merge (or its undo) alike; so is where it was made, the article's title, address,
    outlet, date or language, or its outlet's name or domain, changed in the admin
    (articles.records.article_record_changed). The kind is
    CORRECTION, not DRAFT: the record changed under the draft, and that gives no right to
    withdraw it from review. A published verdict gets a public correction instead
    (claims.corrections). Called under the claims' locks (or their speaker's), which
    publishing takes too."""
    unpublished = Verdict.objects.filter(claim__in=claim_ids).exclude(published_verdict_q())
    for verdict in unpublished.order_by("pk"):
        contribution_record(verdict=verdict, user=actor, kind=ContributionKind.CORRECTION)


def claim_assign(*, claim: Claim, actor, assignee=None, replacing: int | None = None) -> Claim:
    """Assign the claim to `assignee` (default: the actor). Starts work on a new claim.

    A claim a colleague holds is theirs (claims.ownership): only an editor takes it over, and
    only by naming them (`replacing`, their user id as the claim page showed it): a queue's
    "Assign to me" on a whole page, or a click on a page drawn before they took it, would
    otherwise set two people to work on one claim unaware."""
    assignee = assignee or actor
    with transaction.atomic():
        claim = locked_claim(claim)
        workflow.check(ClaimEventKind.ASSIGNED, claim=claim)  # a closed claim says so first
        previous = claim.assignee
        if previous is not None and previous.pk == assignee.pk:
            whom = "you" if assignee.pk == actor.pk else assignee.get_username()
            raise workflow.NothingChanged(
                f"Nothing changed: the claim is assigned to {whom} already."
            )
        data = {"assignee": assignee.get_username()}
        if previous is not None and previous.pk != assignee.pk:
            data |= ownership.claim_work_check(claim=claim, user=actor, work="take_over")
            if previous.pk != replacing:
                raise ValidationError(
                    f"{previous.get_username()} is working on this claim: open it to take it over."
                )
            data["previous_assignee"] = previous.get_username()
        claim.assignee = assignee
        workflow.transition(ClaimEventKind.ASSIGNED, claim=claim, actor=actor, data=data)
    return claim


def open_status(*, claim: Claim, assigned: bool) -> str:
    """Where an open claim stands: in progress while someone holds it or it has a draft
    verdict, otherwise new (the one rule for an unassigned and a reopened claim)."""
    if assigned or Verdict.objects.filter(claim=claim).exists():
        return ClaimStatus.IN_PROGRESS
    return ClaimStatus.NEW


def claim_unassign(*, claim: Claim, actor, unassigning: int | None = None) -> Claim:
    """Nobody works on the claim any more: new again, or in progress while it has a draft.
    Whoever holds it lets it go; only an editor unassigns a colleague (claims.ownership), and
    from the claim page only the one it named (`unassigning`, their user id): a page drawn
    before someone else took the claim would otherwise unassign them unseen."""
    with transaction.atomic():
        claim = locked_claim(claim)
        workflow.check(ClaimEventKind.UNASSIGNED, claim=claim)  # a closed claim says so first
        previous = claim.assignee
        to = open_status(claim=claim, assigned=False)
        if previous is None and claim.status == to:
            raise workflow.NothingChanged("Nothing changed: the claim is not assigned to anyone.")
        overridden = ownership.claim_work_check(claim=claim, user=actor, work="unassign")
        if unassigning is not None and previous is not None and previous.pk != unassigning:
            raise ValidationError(
                f"{previous.get_username()} is working on this claim now: open it again to "
                "unassign them."
            )
        claim.assignee = None
        workflow.transition(
            ClaimEventKind.UNASSIGNED,
            claim=claim,
            actor=actor,
            to=to,
            data={"previous_assignee": previous.get_username() if previous else None} | overridden,
        )
    return claim


def dismissal_reason_check(reason: str) -> None:
    if refused := text_refusals(reason, *DISMISSAL_REASON):
        raise ValidationError({"reason": refused})


def claim_dismiss(*, claim: Claim, actor, reason: str) -> Claim:
    reason = visible_text(reason)
    if not reason:
        raise ValidationError({"reason": "Say why the claim is not check-worthy."})
    dismissal_reason_check(reason)
    with transaction.atomic():
        claim = locked_claim(claim)
        workflow.check(ClaimEventKind.DISMISSED, claim=claim)  # a closed claim says so first
        overridden = ownership.claim_work_check(claim=claim, user=actor, work="dismiss")
        claim.dismissal_reason = reason
        workflow.transition(
            ClaimEventKind.DISMISSED, claim=claim, actor=actor, note=reason, data=overridden
        )
    return claim


def claim_reopen(*, claim: Claim, actor) -> Claim:
    """Back in the queue, where it stood before the dismissal: a claim someone still holds, or
    with a draft verdict, is in progress again, not new. A repeat an editor covered with a
    published verdict stops being that fact-check's public appearance when reopened: an
    editor's call too. A dismissed claim someone still holds comes back as their work: only
    they or an editor reopen it (claims.ownership)."""
    with transaction.atomic():
        claim = locked_claim(claim)
        workflow.check(ClaimEventKind.REOPENED, claim=claim)  # an open claim says so first
        overridden = ownership.claim_work_check(claim=claim, user=actor, work="reopen")
        with public_appearances_kept(actor=actor, claim_ids=[claim.pk]):
            claim.dismissal_reason = ""
            to = open_status(claim=claim, assigned=claim.assignee_id is not None)
            workflow.transition(
                ClaimEventKind.REOPENED, claim=claim, actor=actor, to=to, data=overridden
            )
    return claim


def claim_add_from_sentence(*, sentence, actor) -> Claim:
    """A claim the model missed, added by a reviewer from one sentence of the article."""
    from .models import ClaimEvent, ClaimOrigin

    with transaction.atomic():
        existing = Claim.objects.filter(
            article_id=sentence.article_id, start=sentence.start, end=sentence.end
        ).first()
        if existing is not None:
            raise ValidationError(
                "This sentence is already a claim.",
                code="duplicate",
                params={"claim": existing.pk},
            )
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


def _role_fill(speaker: Speaker, role: str) -> None:
    """Give a speaker without a role the one analysis read, unless published fact-checks name it
    (their role changes only with a correction). Under the speaker's lock, which publishing
    takes too, so a publication cannot slip in between the check and the write."""
    with transaction.atomic():
        locked = Speaker.objects.select_for_update().get(pk=speaker.pk)
        if not locked.role and not selectors.speaker_is_public(locked):
            locked.role = role
            locked._change_reason = "Role read by analysis"  # the speaker's history says why
            locked.save(update_fields=["role"])
            speaker.role = role
