"""Two speakers found to be one: merge them, undo the merge, and suggest candidates.

Analysis makes a new speaker for every name it cannot match to an alias, so the desk collects
"Blinken" beside "Antony Blinken" and "CDC" beside "Centers for Disease Control". A merge
moves the claims, sentences and aliases of one speaker to the other and deletes the first; the
SpeakerMerge row keeps what moved, so an editor can undo it. Each moved claim gets an event on
its timeline. A merge keeps a published claim's speaker the same person under their canonical
name, as a rename does; like a rename it is an editor's action (`claims.merge_speaker`).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from .models import (
    Claim,
    ClaimEvent,
    ClaimEventKind,
    Sentence,
    Speaker,
    SpeakerAlias,
    SpeakerMerge,
)
from .nlp.attribution import speaker_key

MERGE_PERMISSION = "claims.merge_speaker"


def _require_permission(actor) -> None:
    if not actor.has_perm(MERGE_PERMISSION):
        raise PermissionDenied("Only an editor merges speakers.")


def _claim_events(claim_ids, *, kind: str, actor, data: dict) -> None:
    statuses = dict(Claim.objects.filter(pk__in=claim_ids).values_list("pk", "status"))
    ClaimEvent.objects.bulk_create(
        ClaimEvent(
            claim_id=pk,
            kind=kind,
            from_status=status,
            to_status=status,
            actor=actor,
            data=data,
        )
        for pk, status in statuses.items()
    )


def speaker_merge(*, source: Speaker, target: Speaker, actor) -> SpeakerMerge:
    """Fold `source` into `target`: its claims, sentences and aliases become the target's."""
    _require_permission(actor)
    if source.pk == target.pk:
        raise ValidationError("A speaker cannot be merged into itself.")
    with transaction.atomic():
        # Lock both rows in id order so two merges of the same pair cannot interleave.
        locked = {
            speaker.pk: speaker
            for speaker in Speaker.objects.select_for_update()
            .filter(pk__in=[source.pk, target.pk])
            .order_by("pk")
        }
        if len(locked) != 2:
            raise ValidationError("One of the two speakers no longer exists.")
        source, target = locked[source.pk], locked[target.pk]
        moved = {
            "claims": list(Claim.objects.filter(speaker=source).values_list("pk", flat=True)),
            "sentences": list(Sentence.objects.filter(speaker=source).values_list("pk", flat=True)),
            "aliases": list(source.aliases.values_list("pk", flat=True)),
        }
        merge = SpeakerMerge.objects.create(
            target=target,
            source_name=source.name,
            source_slug=source.slug,
            source_role=source.role,
            source_kind=source.kind,
            moved=moved,
            actor=actor,
        )
        Claim.objects.filter(pk__in=moved["claims"]).update(speaker=target)
        Sentence.objects.filter(pk__in=moved["sentences"]).update(speaker=target)
        SpeakerAlias.objects.filter(pk__in=moved["aliases"]).update(speaker=target)
        # Earlier merges into the source now point at the target, so they can still be undone.
        SpeakerMerge.objects.filter(target=source).update(target=target)
        if not target.role and source.role:
            target.role = source.role
            target.save(update_fields=["role"])
        _claim_events(
            moved["claims"],
            kind=ClaimEventKind.SPEAKER_MERGED,
            actor=actor,
            data={"from": source.name, "to": target.name, "merge": merge.pk},
        )
        source.delete()
    return merge


def speaker_merge_undo(*, merge: SpeakerMerge, actor) -> Speaker:
    """Bring the merged speaker back with the rows that moved and still point at the target.
    Rows a reviewer has since given another speaker stay where they are."""
    _require_permission(actor)
    with transaction.atomic():
        merge = SpeakerMerge.objects.select_for_update().select_related("target").get(pk=merge.pk)
        if merge.undone_at is not None:
            raise ValidationError("This merge has already been undone.")
        target = merge.target
        slug = merge.source_slug
        if Speaker.objects.filter(slug=slug).exists():
            raise ValidationError(
                f"Another speaker now has the address {slug!r}: rename it before undoing."
            )
        restored = Speaker.objects.create(
            name=merge.source_name,
            slug=slug,
            role=merge.source_role,
            kind=merge.source_kind,
        )
        claims = list(
            Claim.objects.filter(pk__in=merge.moved.get("claims", []), speaker=target).values_list(
                "pk", flat=True
            )
        )
        Claim.objects.filter(pk__in=claims).update(speaker=restored)
        Sentence.objects.filter(pk__in=merge.moved.get("sentences", []), speaker=target).update(
            speaker=restored
        )
        SpeakerAlias.objects.filter(pk__in=merge.moved.get("aliases", []), speaker=target).update(
            speaker=restored
        )
        if not restored.aliases.exists():
            # Its aliases were deleted since: the name itself must still find it.
            SpeakerAlias.objects.get_or_create(
                key=speaker_key(restored.name),
                defaults={"speaker": restored, "alias": restored.name},
            )
        _claim_events(
            claims,
            kind=ClaimEventKind.SPEAKER_MERGE_UNDONE,
            actor=actor,
            data={"from": target.name, "to": restored.name, "merge": merge.pk},
        )
        merge.undone_by, merge.undone_at = actor, timezone.now()
        merge.save(update_fields=["undone_by", "undone_at"])
    return restored


def _initials(name: str) -> str:
    return "".join(word[0] for word in name.replace("-", " ").split() if word[0].isupper())


def _spelled_out(initials: str) -> str:
    """A regex for the names these capitals abbreviate: each capital begins a word, in order,
    with lower-case words ("for", "of") allowed between them."""
    between = r"(\s+[a-z]\S*)*\s+"
    return "^" + between.join(rf"{letter}\S*" for letter in initials) + "$"


def merge_candidates(speaker: Speaker, *, limit: int = 10) -> list[Speaker]:
    """Speakers that may be this one: one name is the other's last word ("Blinken" / "Antony
    Blinken"), or one is the other's initials ("CDC" / "Centers for Disease Control")."""
    words = speaker.name.split()
    if not words:
        return []
    others = Speaker.objects.exclude(pk=speaker.pk)
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
