"""What "published" means for a verdict, and the guards on what a published verdict stands on.

Owns VerdictStatus, published_verdict_q() (the one definition of "the public may read it") and
the on_delete handlers on Verdict.claim, EvidenceSource.verdict, Claim.speaker and
ClaimNote.claim (the last two refuse outright: nothing may blank who said a claim or drop a
research note without a trace). Imports only
Django, so claims.py and verdicts.py can both use it; migration 0011 names the handlers as
claims.models.<handler>, which claims/models/__init__.py keeps importable.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.apps import apps
from django.db import models, transaction
from django.db.models import Q


class VerdictStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted for review"
    RETURNED = "returned", "Returned to author"
    PUBLISHED = "published", "Published"


# A claim whose record is fixed: its verdict was submitted or published (see claims/workflow.py).
LOCKED_VERDICT_STATES = frozenset({VerdictStatus.SUBMITTED, VerdictStatus.PUBLISHED})


def published_verdict_q(prefix: str = "") -> Q:
    """What the public may read. Every API view, public page, JSON-LD, search and template goes
    through this (or Verdict.is_published for one row); `prefix` reaches it through a relation,
    e.g. "verdict__" from claims."""
    return Q(**{f"{prefix}status": VerdictStatus.PUBLISHED, f"{prefix}published_at__isnull": False})


# --- Deleting what a published verdict stands on -------------------------------------------
# A published verdict changes only through a correction, so no delete through the ORM (the
# admin, a shell, a cascade from its article) removes it or its claim, or changes who said it;
# nor who said a claim whose verdict is submitted, since its record is fixed too. Its evidence
# rows change only inside a correction (`published_sources_replaceable`). These on_delete
# handlers do what CASCADE did unless such a verdict is among the rows the delete reaches; then
# they raise ProtectedError naming those verdicts (claims.record turns it into the refusal
# people read). Two more refuse outright, below: a speaker with claims, a claim with notes.


def _refuse_published(verdicts: models.QuerySet) -> None:
    published = list(verdicts.filter(published_verdict_q()).distinct().order_by("pk"))
    if published:
        raise models.ProtectedError(
            "A published verdict stands on these rows; it changes only through a correction.",
            published,
        )


def refuse_deleting_published(verdicts: models.QuerySet) -> None:
    """A delete of these verdicts themselves: refused when one is published. The handlers below
    only fire when a delete reaches a verdict from its claim or through its sources, and a
    correction may replace a published verdict's sources (`published_sources_replaceable`),
    so a verdict with none left needs this guard on Verdict.delete() and its QuerySet's
    delete()."""
    try:
        _refuse_published(verdicts)
    except models.ProtectedError as error:  # the shape the Collector raises: a set of rows
        raise models.ProtectedError(error.args[0], set(error.protected_objects)) from None


def _verdicts() -> models.QuerySet:
    # Verdict is defined in verdicts.py, which imports this module: look it up when a delete runs.
    return apps.get_model("claims", "Verdict")._base_manager.all()


def cascade_unless_published(collector, field, sub_objs, using):
    """Verdict.claim: deleting a claim (or its article) deletes its verdict unless published."""
    _refuse_published(sub_objs)
    models.CASCADE(collector, field, sub_objs, using)


def cascade_unless_verdict_published(collector, field, sub_objs, using):
    """EvidenceSource.verdict: deleting a verdict deletes its sources unless it is published
    (submitting and correcting need a source, so every published verdict reaches this)."""
    _refuse_published(_verdicts().filter(sources__in=sub_objs))
    models.CASCADE(collector, field, sub_objs, using)


def set_null_unless_on_record(collector, field, sub_objs, using):
    """Claim.speaker's handler until migration 0017 (protect_attributed_claims replaced it);
    kept because migration 0011 names it."""
    _refuse_on_record(sub_objs)
    models.SET_NULL(collector, field, sub_objs, using)


def _refuse_on_record(claims) -> None:
    on_record = list(
        _verdicts().filter(claim__in=claims, status__in=LOCKED_VERDICT_STATES).order_by("pk")
    )
    if on_record:
        raise models.ProtectedError(
            "A submitted or published verdict stands on who said these claims.", on_record
        )


def protect_attributed_claims(collector, field, sub_objs, using):
    """Claim.speaker: a speaker with claims is not deleted. Who said a claim is part of its
    record, and emptying it in a delete would leave no event on the claim's timeline (nor any
    way back). The desk merges the speaker into the right one (claims.speaker_merges: an event
    on each claim, and undoable) or corrects each claim's speaker on its page, then deletes it.
    The verdicts submitted or published are named when there are any (their refusal says who
    must act), else the claims."""
    _refuse_on_record(sub_objs)
    raise models.ProtectedError(
        "Claims are attributed to this speaker; merge it or correct their speaker first.",
        list(sub_objs),
    )


def protect_research_notes(collector, field, sub_objs, using):
    """ClaimNote.claim: deleting a claim (or its article) that has research notes is refused.
    A note is the desk's research (what a source said, whom to call back); the desk takes one
    back on the claim page (claims.notes), which records the removal on the timeline, while a
    delete would drop it with nothing to say so. A guard here, not in the admin only, so a
    shell, a script or a cascade from the article cannot do it either; claims.record turns the
    error into the refusal people read."""
    raise models.ProtectedError(
        "Research notes stand on these claims; their author or an editor takes them back first.",
        list(sub_objs),
    )


# --- A published verdict's evidence rows ----------------------------------------------------
# The verdicts whose sources a correction is replacing (the ORM guard lets only those through).
_replacing_sources: ContextVar[frozenset[int]] = ContextVar(
    "replacing_published_sources", default=frozenset()
)


# The database's twin of the flag, read by PostgreSQL's trigger (migration 0014).
_REPLACING_SETTING = "factcheck.replacing_sources"


def _database_flag(value: str) -> None:
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # is_local: it ends with the transaction even if the reset below never runs.
            cursor.execute("SELECT set_config(%s, %s, true)", [_REPLACING_SETTING, value])


@contextmanager
def database_guard_lifted() -> Iterator[None]:
    """One transaction block in which PostgreSQL's trigger lets a published verdict's evidence
    rows change: for the correction (below), and for an ORM update that can only be checked
    once written (rows moved by an expression), which checks after the write. On an error the
    block's savepoint is rolled back, and the setting with it."""
    lift = not _replacing_sources.get()  # inside a correction it is lifted already
    with transaction.atomic():
        if lift:
            _database_flag("on")
        yield
        if lift:
            _database_flag("off")


@contextmanager
def published_sources_replaceable(*, verdicts) -> Iterator[None]:
    """The correction service replaces a published verdict's sources: only inside this block
    (one transaction) may evidence rows of these published verdicts be added, changed or
    deleted. The ORM lets their rows through and no other verdict's; PostgreSQL's trigger is
    lifted for the block as a whole, its setting being only on or off (naming the verdicts there
    needs a new version of its function, a migration)."""
    with database_guard_lifted():
        token = _replacing_sources.set(
            _replacing_sources.get() | {verdict.pk for verdict in verdicts}
        )
        try:
            yield
        finally:
            _replacing_sources.reset(token)


def refuse_changing_published_sources(verdict_ids) -> None:
    """EvidenceSource's save, delete and its QuerySet's delete, update (bulk_update too) and
    bulk_create: refused when one of these verdicts is published, outside a correction. Inside
    a transaction the verdicts are locked, so a publish cannot slip in between check and write."""
    replacing = _replacing_sources.get()
    verdicts = _verdicts().filter(pk__in=[pk for pk in verdict_ids if pk not in replacing])
    if transaction.get_connection().in_atomic_block:
        list(verdicts.select_for_update().order_by("pk").values_list("pk", flat=True))
    refuse_deleting_published(verdicts)
