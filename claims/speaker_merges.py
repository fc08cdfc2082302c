"""Two speakers found to be one: merge them, undo the merge, and suggest candidates.

Analysis makes a new speaker for every name it cannot match to an alias, so the desk collects
"Blinken" beside "Antony Blinken" and "CDC" beside "Centers for Disease Control". A merge
moves the claims, sentences and aliases of one speaker to the other and deletes the first; the
SpeakerMerge row keeps what moved, so an editor can undo it. Each moved claim gets an event on
its timeline and a history record.

Who said a claim whose verdict is submitted or published is part of the record (the same rule
as claims.workflow's speaker corrections and the on_delete guard `set_null_unless_on_record`),
so a speaker with such claims is merged away only with a public correction note, which each
of its published verdicts gets as a correction (the claims in review get it on their timeline);
otherwise merge the other way round, into the speaker on record. For the same reason the kept
speaker's role is filled in from the merged one only while the kept speaker has nothing on
record, and an undo leaves a claim on record with the speaker it is now published or reviewed
under (it would take another correction to move it back).

Lock order, merge and undo alike: the speakers, then the merge rows, then the claims.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from articles.services import visible_text
from config.bidi import isolated_line

from . import corrections, services
from .limits import VERDICT_TEXTS, text_refusals
from .models import (
    LOCKED_VERDICT_STATES,
    Claim,
    ClaimEvent,
    ClaimEventKind,
    Sentence,
    Speaker,
    SpeakerAlias,
    SpeakerMerge,
    Verdict,
)
from .nlp.attribution import speaker_key
from .record import published_changed
from .speaker_edits import speaker_label
from .workflow import already_done

MERGE_PERMISSION = "claims.merge_speaker"


def _require_permission(actor) -> None:
    if not actor.has_perm(MERGE_PERMISSION):
        raise PermissionDenied("Only an editor merges speakers.")


def _on_record(claims) -> list[int]:
    return list(
        claims.filter(verdict__status__in=LOCKED_VERDICT_STATES)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _claims_move(claims: list[Claim], *, to: Speaker, kind: str, actor, data: dict) -> None:
    """Give these (locked) claims another speaker, with a history record and a timeline event
    each; their status stays as it is."""
    now = timezone.now()
    for claim in claims:
        claim.speaker, claim.updated_at = to, now
    bulk_update_with_history(claims, Claim, ["speaker", "updated_at"], default_user=actor)
    # The drafts among them would publish another speaker now: the four-eyes rule.
    services.attribution_contributions_record(claim_ids=[claim.pk for claim in claims], actor=actor)
    ClaimEvent.objects.bulk_create(
        ClaimEvent(
            claim=claim,
            kind=kind,
            from_status=claim.status,
            to_status=claim.status,
            actor=actor,
            data=data,
        )
        for claim in claims
    )


def speaker_merge(
    *, source: Speaker, target: Speaker, actor, correction_note: str = ""
) -> SpeakerMerge:
    """Fold `source` into `target`: its claims, sentences and aliases become the target's.

    A source with claims on record is merged only with `correction_note`, which each of its
    published verdicts gets as a public correction (corrections.verdicts_speaker_correct)."""
    _require_permission(actor)
    # A public note must show: zero-width and bidi marks alone say nothing.
    correction_note = visible_text(correction_note)
    if refused := text_refusals(correction_note, *VERDICT_TEXTS["note"]):
        raise ValidationError({"correction_note": refused})
    if source.pk == target.pk:
        raise ValidationError("A speaker cannot be merged into itself.")
    with transaction.atomic():
        locked = {
            speaker.pk: speaker
            for speaker in Speaker.objects.select_for_update()
            .filter(pk__in=[source.pk, target.pk])
            .order_by("pk")
        }
        if len(locked) != 2:
            raise ValidationError("One of the two speakers no longer exists.")
        source, target = locked[source.pk], locked[target.pk]
        if source.kind != target.kind:
            raise ValidationError(
                f"{isolated_line(source.name)} is listed as "
                f"{source.get_kind_display().lower()} and {isolated_line(target.name)} as "
                f"{target.get_kind_display().lower()}: correct one of them on its speaker page "
                "before merging."
            )
        earlier = list(
            SpeakerMerge.objects.select_for_update().filter(target=source, undone_at__isnull=True)
        )
        claims = list(Claim.objects.select_for_update().filter(speaker=source).order_by("pk"))
        on_record = _on_record(Claim.objects.filter(pk__in=[claim.pk for claim in claims]))
        target_on_record = bool(_on_record(target.claims))
        if on_record and not correction_note:
            numbers = ", ".join(f"#{pk}" for pk in on_record[:5])
            note = "give a public correction note, which each published verdict gets."
            instead = (
                f"Both speakers have such claims: to merge them, {note}"
                if target_on_record
                else f"Merge {isolated_line(target.name)} into {isolated_line(source.name)} "
                f"instead, or {note}"
            )
            raise ValidationError(
                f"{isolated_line(source.name)} said claims whose verdict is submitted or "
                f"published ({numbers}): who said them is part of the record. {instead}"
            )
        fills_role = bool(source.role and not target.role and not target_on_record)
        moved = {
            "claims": [claim.pk for claim in claims],
            "sentences": list(Sentence.objects.filter(speaker=source).values_list("pk", flat=True)),
            "aliases": list(source.aliases.values_list("pk", flat=True)),
            # Earlier merges into the source now point at the target, so they can still be
            # undone; undoing this one points them back.
            "merges": [merge.pk for merge in earlier],
            "role_filled": fills_role,
            "note": correction_note,
            # The public could read this speaker (a published claim): its API id stays a
            # public address, redirected to the speaker kept.
            "public": Claim.objects.filter(
                pk__in=on_record, verdict__in=Verdict.objects.published()
            ).exists(),
        }
        merge = SpeakerMerge.objects.create(
            target=target,
            source_name=source.name,
            source_slug=source.slug,
            source_pk=source.pk,
            source_role=source.role,
            source_kind=source.kind,
            moved=moved,
            actor=actor,
        )
        SpeakerMerge.objects.filter(pk__in=moved["merges"]).update(target=target)
        Sentence.objects.filter(pk__in=moved["sentences"], speaker=source).update(speaker=target)
        SpeakerAlias.objects.filter(pk__in=moved["aliases"]).update(speaker=target)
        if fills_role:
            target.role = source.role
            target.save(update_fields=["role"])  # simple-history records who and when
        _claims_move(
            claims,
            to=target,
            kind=ClaimEventKind.SPEAKER_MERGED,
            actor=actor,
            data={
                "from": source.name,
                "to": target.name,
                "merge": merge.pk,
                **({"note": correction_note} if correction_note else {}),
            },
        )
        if on_record:
            on_record_ids = set(on_record)
            locked_on_record = [claim for claim in claims if claim.pk in on_record_ids]
            corrections.verdicts_speaker_correct(
                claims=locked_on_record,
                editor=actor,
                note=correction_note,
                previous_speaker=speaker_label(source.name, source.role),
            )
        source.delete()
    return merge


@dataclass(frozen=True)
class Undone:
    speaker: Speaker
    kept: list[int]  # claims on record now, left with the speaker they were reviewed under


def speaker_merge_undo(*, merge: SpeakerMerge, actor) -> Undone:
    """Bring the merged speaker back with the rows that moved and still point at the target.
    Rows a reviewer has since given another speaker stay where they are, and so do claims whose
    verdict has been submitted or published since."""
    _require_permission(actor)
    with transaction.atomic():
        target_id = SpeakerMerge.objects.filter(pk=merge.pk).values_list("target_id", flat=True)
        target = Speaker.objects.select_for_update().filter(pk__in=target_id).first()
        merge = SpeakerMerge.objects.select_for_update().get(pk=merge.pk)
        if merge.undone_at is not None:  # the Undo button sent twice, or a colleague's first
            raise already_done(
                did="undid this merge", by=merge.undone_by, at=merge.undone_at, actor=actor
            )
        if merge.target_id is None:
            raise ValidationError(
                f"The speaker {merge.source_name} was merged into has been deleted: there is "
                "nothing to undo."
            )
        if target is None or merge.target_id != target.pk:
            raise ValidationError("The speakers changed while undoing: try again.")
        slug = merge.source_slug
        if Speaker.objects.filter(slug=slug).exists():
            raise ValidationError(
                f"Another speaker now has the address {slug!r}: rename it before undoing."
            )
        # Ids are never handed out twice, so the old one is free unless someone chose it.
        same_id = merge.source_pk and not Speaker.objects.filter(pk=merge.source_pk).exists()
        restored = Speaker.objects.create(
            pk=merge.source_pk if same_id else None,
            name=merge.source_name,
            slug=slug,
            role=merge.source_role,
            kind=merge.source_kind,
        )
        moved = merge.moved
        carried_off = _carried_off(moved)
        role_back = moved.get("role_filled") and target.role == merge.source_role
        if role_back and not _on_record(target.claims):
            target.role = ""
            target.save(update_fields=["role"])
        SpeakerMerge.objects.filter(pk__in=moved.get("merges", []), target=target).update(
            target=restored
        )
        SpeakerAlias.objects.filter(
            pk__in=_own(moved, carried_off, "aliases"), speaker=target
        ).update(speaker=restored)
        _name_alias_ensure(restored)
        Sentence.objects.filter(
            pk__in=_own(moved, carried_off, "sentences"), speaker=target
        ).update(speaker=restored)
        claims = Claim.objects.select_for_update().filter(
            pk__in=_own(moved, carried_off, "claims"), speaker=target
        )
        kept = _on_record(claims)
        _claims_move(
            list(claims.exclude(pk__in=kept).order_by("pk")),
            to=restored,
            kind=ClaimEventKind.SPEAKER_MERGE_UNDONE,
            actor=actor,
            data={"from": target.name, "to": restored.name, "merge": merge.pk},
        )
        merge.undone_by, merge.undone_at = actor, timezone.now()
        merge.save(update_fields=["undone_by", "undone_at"])
        if merge.moved.get("public"):
            # The public list followed the merged speaker's id to the kept one (the rule of
            # merged_into_readable); the merge moved the published set on with its corrections,
            # and the undo, which corrects nothing, moves it on itself: the id now names the
            # restored speaker again, and a cached page would still answer with the kept one's.
            transaction.on_commit(published_changed)
    return Undone(speaker=restored, kept=kept)


def _carried_off(moved: dict) -> dict[str, set[int]]:
    """Rows a merge moved only because an earlier merge had brought them to its source, where
    that earlier merge has been undone since: they went back with it, so they are not this
    merge's to bring back (a later merge may have taken them to the target again). Followed
    down the chain, since an earlier merge's own `moved` holds the rows of those before it."""
    gone: dict[str, set[int]] = {"claims": set(), "sentences": set(), "aliases": set()}
    pending, seen = set(moved.get("merges", [])), set()
    while pending:
        seen |= pending
        earlier = list(SpeakerMerge.objects.filter(pk__in=pending).only("moved", "undone_at"))
        pending = set()
        for other in earlier:
            if other.undone_at is not None:
                for rows in gone:
                    gone[rows].update(other.moved.get(rows, []))
            else:
                pending |= set(other.moved.get("merges", [])) - seen
    return gone


def _own(moved: dict, carried_off: dict[str, set[int]], rows: str) -> list[int]:
    return [pk for pk in moved.get(rows, []) if pk not in carried_off[rows]]


def merged_into(*, slug: str | None = None, pk: int | None = None) -> SpeakerMerge | None:
    """The standing merge that took this address (desk slug or API id) away, if one did; after
    chained merges its target is the speaker kept last."""
    merges = SpeakerMerge.objects.filter(undone_at__isnull=True, target__isnull=False)
    merges = merges.filter(source_slug=slug) if slug is not None else merges.filter(source_pk=pk)
    return merges.select_related("target").order_by("-created_at", "-id").first()


def merged_into_readable(
    *, desk: bool, slug: str | None = None, pk: int | None = None
) -> SpeakerMerge | None:
    """merged_into, for a reader who may follow it: the desk follows every standing merge,
    anyone else only one whose merged speaker the public could read (it had published claims),
    so that an old id leads on without telling that a desk-only speaker existed."""
    merge = merged_into(slug=slug, pk=pk)
    if merge is None or not (desk or merge.moved.get("public")):
        return None
    return merge


def merge_targets_named(text: str, *, source: Speaker, limit: int = 5) -> list[Speaker]:
    """The speakers `text` may name as the one to merge `source` into: the speaker of that
    slug; otherwise those of that name (case aside) and the one holding it as a spelling the
    desk recorded (the alias key, as analysis matches names). `source` itself only when it is
    all there is, so the service says it cannot be merged into itself. Several: the caller
    asks which."""
    by_slug = Speaker.objects.filter(slug=text).first()
    if by_slug is not None:
        return [by_slug]
    found = list(Speaker.objects.filter(name__iexact=text).order_by("pk")[:limit])
    key = speaker_key(text)
    alias = SpeakerAlias.objects.filter(key=key).select_related("speaker").first() if key else None
    if alias is not None and alias.speaker not in found:
        found.append(alias.speaker)
    return [speaker for speaker in found if speaker != source] or found


def _name_alias_ensure(restored: Speaker) -> None:
    """The restored speaker's own name finds it again in the next analysis, unless another
    speaker answers to that spelling (it may always have: a speaker added in the admin before
    it had aliases); then it stays with that speaker, as before the merge."""
    key = speaker_key(restored.name)
    if key and not SpeakerAlias.objects.filter(key=key).exists():
        SpeakerAlias.objects.create(speaker=restored, alias=restored.name, key=key)


# --- Candidates --------------------------------------------------------------------------------


def _initials(name: str) -> str:
    return "".join(word[0] for word in name.replace("-", " ").split() if word[0].isupper())


def _spelled_out(initials: str) -> str:
    """A regex for the names these capitals abbreviate: each capital begins a word, in order,
    with lower-case words ("for", "of") allowed between them."""
    between = r"(\s+[a-z]\S*)*\s+"
    return "^" + between.join(rf"{letter}\S*" for letter in initials) + "$"


def possible_duplicates(*, limit: int = 200) -> list[tuple[Speaker, Speaker]]:
    """Pairs across the whole desk, shorter name first: a surname alone and a full name ending
    in it ("Blinken", "Antony Blinken"), or capitals and the name they abbreviate ("CDC",
    "Centers for Disease Control"), of the same kind. Two full names that share a surname are
    left out: they are usually two people. One query, then grouping in memory."""
    speakers = list(Speaker.objects.only("pk", "name", "slug", "kind", "role"))
    by_name: dict[tuple[str, str], list[Speaker]] = {}
    for speaker in speakers:
        by_name.setdefault((speaker.kind, speaker.name.lower()), []).append(speaker)
    pairs = {}
    for speaker in speakers:
        words = speaker.name.split()
        if len(words) < 2:
            continue
        shorter = list(by_name.get((speaker.kind, words[-1].lower()), []))
        initials = _initials(speaker.name)
        if len(initials) >= 2:
            shorter += [
                short
                for short in by_name.get((speaker.kind, initials.lower()), [])
                if short.name.isupper()
            ]
        for short in shorter:
            pairs[(short.pk, speaker.pk)] = (short, speaker)
    ordered = sorted(pairs.values(), key=lambda pair: (pair[0].name, pair[1].name))
    return ordered[:limit]


def merge_candidates(speaker: Speaker, *, limit: int = 10) -> list[Speaker]:
    """Speakers that may be this one: one name is the other's last word ("Blinken" / "Antony
    Blinken"), or one is the other's initials ("CDC" / "Centers for Disease Control")."""
    words = speaker.name.split()
    if not words:
        return []
    others = Speaker.objects.exclude(pk=speaker.pk).filter(kind=speaker.kind)
    found = list(others.filter(name__iendswith=f" {words[-1]}")[:limit])
    if len(words) > 1:
        found += others.filter(name__iexact=words[-1])[:limit]
    if len(words) == 1 and speaker.name.isupper() and speaker.name.isalpha():
        if 2 <= len(speaker.name) <= 8:
            found += others.filter(name__regex=_spelled_out(speaker.name))[:limit]
    elif len(_initials(speaker.name)) >= 2:
        found += others.filter(name=_initials(speaker.name))[:limit]
    unique = {other.pk: other for other in found}
    return sorted(unique.values(), key=lambda other: other.name)[:limit]
