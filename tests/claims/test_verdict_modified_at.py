"""A published verdict's stored modified_at is what the public pages and the API computed on
every read before it was stored (tests.factories.computed_modified_at, the expression migration
0027 keeps): after each write that moves one of its dates, the stored and the computed date are
the same for every published verdict, and neither moves back."""

import pytest

from claims import services
from claims.matching import applications, group_changes
from claims.models import Verdict
from claims.modified import verdicts_modified
from claims.speaker_merges import speaker_merge
from tests.factories import (
    SpeakerFactory,
    computed_modified_at,
    drafted_verdict,
    editor,
    fact_checker,
    published_verdict,
    sources_corrected,
    titled_claim,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


def fresh(row):
    row.refresh_from_db()
    return row


class Dates:
    """The stored modified_at of every published verdict, checked against the computed one
    after each step; `moved()` says which verdicts' dates moved on since the last check."""

    def __init__(self):
        self.last = {}

    def stored(self) -> dict:
        return dict(Verdict.objects.published().values_list("pk", "modified_at"))

    def moved(self) -> set[int]:
        stored = self.stored()
        assert stored == computed_modified_at()
        for pk, at in self.last.items():
            assert stored[pk] >= at, f"verdict {pk}'s date moved back"
        moved = {pk for pk, at in stored.items() if self.last.get(pk) != at}
        self.last = stored
        return moved


def test_every_write_that_changes_a_fact_check_stamps_what_the_computed_date_said():
    dates, desk_editor, checker = Dates(), editor(), fact_checker()

    # Publication: the date is the publication's; a draft has none.
    draft = drafted_verdict(claim=titled_claim("Rents rose by 9 percent."))
    first = published_verdict(claim=titled_claim("Crime fell by 40 percent last year."))
    assert fresh(first).modified_at == first.published_at
    assert fresh(draft).modified_at is None
    assert dates.moved() == {first.pk}

    # A correction of the verdict.
    sources_corrected(
        fresh(first), sources=[{"url": "https://stats.example/2", "title": "Stats", "note": ""}]
    )
    assert dates.moved() == {first.pk}

    # An editor's request applies the verdict to a repeat at once: a new public appearance.
    repeat = titled_claim("Crime went down 40 percent, the mayor said.")
    applications.verdict_application_request(claim=repeat, checked=first.claim, actor=desk_editor)
    assert dates.moved() == {first.pk}

    # A fact-checker's request dates nothing until an editor approves it; withdrawn, never.
    withdrawn = applications.verdict_application_request(
        claim=titled_claim("Crime is down 40 percent."), checked=first.claim, actor=checker
    )
    applications.verdict_application_withdraw(application=withdrawn, actor=checker)
    pending = applications.verdict_application_request(
        claim=titled_claim("Down 40 percent, crime."), checked=first.claim, actor=checker
    )
    assert dates.moved() == set()
    applications.verdict_application_approve(application=pending, editor=desk_editor)
    assert dates.moved() == {first.pk}

    # Splitting the applied repeat out, and undoing the split.
    split = group_changes.claim_split(claim=fresh(repeat), actor=desk_editor)
    assert dates.moved() == {first.pk}
    group_changes.group_event_undo(event=split, actor=desk_editor)
    assert dates.moved() == {first.pk}

    # Reopening an applied repeat.
    services.claim_reopen(claim=fresh(repeat), actor=desk_editor)
    assert dates.moved() == {first.pk}

    # A merge of two fact-checks' groups dates neither: each fact-check's appearances are its
    # own claim and the repeats applied to it, which a merge does not change. An application
    # then dates the fact-check applied, not every published verdict of the group.
    second = published_verdict(claim=titled_claim("Crime was down 40 percent."))
    group_changes.claim_group_link(
        claim=titled_claim("Down 40 percent, again."), earlier=second.claim
    )
    assert dates.moved() == {second.pk}
    group_changes.group_merge(
        source=fresh(second.claim).group, target=fresh(first.claim).group, actor=desk_editor
    )
    assert dates.moved() == set()
    applications.verdict_application_request(
        claim=titled_claim("Crime: down 40 percent."), checked=second.claim, actor=desk_editor
    )
    assert dates.moved() == {second.pk}

    # Splitting a fact-check's own claim out dates it (its applied repeat stays behind, so is
    # no longer its appearance), not the other fact-check of the group it left.
    group_changes.claim_split(claim=fresh(second.claim), actor=desk_editor)
    assert dates.moved() == {second.pk}

    # A change the public does not see dates nothing.
    unseen = titled_claim("Crime fell 40 percent, they said.")
    group_changes.claim_group_link(claim=unseen, earlier=first.claim)
    group_changes.claim_split(claim=fresh(unseen), actor=checker)
    assert dates.moved() == set()

    # A correction of who said the claim (a speaker merge).
    short, full = SpeakerFactory(name="J. Smith"), SpeakerFactory(name="Jane Smith")
    third = published_verdict(claim=titled_claim("Jobs rose by 3 percent.", speaker=short))
    assert dates.moved() == {third.pk}
    speaker_merge(source=short, target=full, actor=desk_editor, correction_note="Named in full.")
    assert dates.moved() == {third.pk}
    assert fresh(third).corrections.count() == 1


def test_the_date_never_moves_back_and_an_unpublished_verdict_gets_none():
    verdict = published_verdict(claim=titled_claim("Crime fell by 40 percent last year."))
    draft = drafted_verdict(claim=titled_claim("Rents rose by 9 percent."))
    stamped = fresh(verdict).modified_at
    earlier = stamped.replace(year=stamped.year - 1)
    verdicts_modified(verdicts=Verdict.objects.all(), at=earlier)
    assert (fresh(verdict).modified_at, fresh(draft).modified_at) == (stamped, None)
    later = stamped.replace(year=stamped.year + 1)
    in_memory = fresh(verdict)
    verdicts_modified(verdicts=[in_memory], at=later)
    assert in_memory.modified_at == fresh(verdict).modified_at == later
