"""Writes to verdicts: drafts with their sources, review and publication, and the four-eyes
rule on who may publish. Corrections of published verdicts are claims.corrections.

Every change of status goes through claims.workflow.transition(); saves are optimistically
locked on Verdict.version. What the published record protects (deletes, ratings in use, the
readers' cache generation) is claims.record.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from articles.intake.storable import url_shown
from articles.services import is_blank, visible_text
from articles.times import desk_time

from . import ownership, workflow
from .limits import SOURCE_TEXTS, VERDICT_TEXTS, text_refusals
from .models import (
    Claim,
    ClaimEventKind,
    ContributionKind,
    EvidenceSource,
    Speaker,
    Verdict,
    VerdictContribution,
    VerdictStatus,
)
from .modified import verdicts_modified
from .record import published_changed
from .services import contribution_record, locked_claim
from .workflow import IllegalTransition, VersionConflict

# --- Four eyes ---------------------------------------------------------------------------------


def verdict_contributor_ids(*, verdict: Verdict, kinds=tuple(ContributionKind.values)) -> set[int]:
    """Everyone who wrote or changed the verdict's wording, rating or sources, in any version."""
    contributors = set(
        VerdictContribution.objects.filter(verdict=verdict, kind__in=kinds).values_list(
            "user_id", flat=True
        )
    )
    return contributors | {verdict.author_id}


def verdict_publish_refusal(*, verdict: Verdict, user) -> str | None:
    """Why `user` may not publish `verdict`, or None: the one rule the admin, the desk and the
    API share."""
    if not user.has_perm("claims.publish_verdict"):
        return "Only editors can publish verdicts."
    if user.pk not in verdict_contributor_ids(verdict=verdict):
        return None
    # One rule, two reasons: only a CORRECTION contribution on a verdict not yet published
    # is a change to who said the claim or where (services.attribution_contributions_record);
    # told as content, the editor looked for a wording they never wrote.
    if user.pk in verdict_contributor_ids(verdict=verdict, kinds=[ContributionKind.DRAFT]):
        return (
            "You wrote or changed this verdict's content: another editor must approve and "
            "publish it."
        )
    return (
        "You corrected the speaker or the article of this claim, which its verdict publishes: "
        "another editor must approve and publish it."
    )


def verdict_withdraw_refusal(*, verdict: Verdict, user) -> str | None:
    """Why `user` may not withdraw `verdict` from review, or None: the one rule the claim page
    and the service share (whether it is still in review is the workflow's to say)."""
    if not user.has_perm("claims.change_verdict"):
        return "Only fact-checkers and editors can withdraw verdicts."
    if user.pk not in verdict_contributor_ids(verdict=verdict, kinds=[ContributionKind.DRAFT]):
        if user.has_perm("claims.return_verdict"):
            return (
                "Only its author, or someone who wrote part of the draft, withdraws a verdict: "
                "return it to the author with a comment instead."
            )
        return "Only its author, or someone who wrote part of the draft, withdraws a verdict."
    return None


def verdict_return_refusal(*, verdict: Verdict, user) -> str | None:
    """Why `user` may not return `verdict` to its author, or None: the one rule the claim page
    and the service share. Returning is reviewing, and nobody reviews what they wrote: those
    who wrote part of the draft withdraw it to change it (verdict_withdraw_refusal's set)."""
    if not user.has_perm("claims.return_verdict"):
        return "Only editors can return verdicts."
    if user.pk in verdict_contributor_ids(verdict=verdict, kinds=[ContributionKind.DRAFT]):
        return OWN_DRAFT_REVIEW_REFUSAL
    return None


# Whoever wrote part of the draft may not publish it either (verdict_publish_refusal's set holds
# verdict_return_refusal's), so this refusal says both: the review box shows it alone.
OWN_DRAFT_REVIEW_REFUSAL = (
    "You wrote or changed this verdict's draft, so another editor reviews it: you cannot "
    "publish it or return it. To change it yourself, withdraw it from review."
)


def _content(verdict: Verdict) -> tuple:
    sources = tuple(verdict.sources.order_by("id").values_list("url", "title", "note"))
    return verdict.rating_id, verdict.conclusion, verdict.explanation, sources


def _locked_speaker_and_claim(claim_id: int) -> Claim:
    """Lock the claim's speaker, then the claim: the order merges, speaker edits and the claim
    page's speaker correction use. Publishing (and submitting) puts the speaker on the record,
    so a speaker edit that found it off the record cannot be overtaken."""
    speaker_id = Claim.objects.filter(pk=claim_id).values_list("speaker_id", flat=True)
    speaker = Speaker.objects.select_for_update().filter(pk__in=speaker_id).first()
    claim = Claim.objects.select_for_update().get(pk=claim_id)
    if claim.speaker_id != (speaker.pk if speaker else None):
        raise ValidationError("The claim's speaker changed meanwhile: try again.")
    return claim


def verdict_content_missing(*, rating, conclusion: str, has_sources: bool) -> list[str]:
    """What a verdict with this rating, conclusion and sources lacks to go to review or be
    published, each named ("a rating", "a conclusion", "at least one evidence source"): the
    one rule, for a draft going to review (verdict_review_missing) and for a correction,
    which republishes what it is given."""
    return [
        what
        for what, absent in (
            ("a rating", rating is None),
            ("a conclusion", is_blank(conclusion or "")),
            ("at least one evidence source", not has_sources),
        )
        if absent
    ]


def verdict_review_missing(verdict: Verdict) -> list[str]:
    """What the saved verdict lacks to go to review or be published (verdict_content_missing).
    A draft may lack any of it, since a newsroom saves work in progress."""
    return verdict_content_missing(
        rating=verdict.rating_id,
        conclusion=verdict.conclusion,
        has_sources=verdict.sources.exists(),
    )


def refuse_missing(missing: list[str], *, before: str) -> None:
    """Refuse a verdict that lacks `missing` (verdict_content_missing) `before` a step."""
    # Named one by one: "a rating and a conclusion" sent the author looking for a conclusion
    # that was there.
    if missing:
        listed = missing[0] if len(missing) == 1 else f"{', '.join(missing[:-1])} and {missing[-1]}"
        raise ValidationError(f"A verdict needs {listed} before {before}.")


def _refuse_incomplete(verdict: Verdict, *, before: str) -> None:
    refuse_missing(verdict_review_missing(verdict), before=before)


def verdict_submit(*, verdict: Verdict, actor) -> Verdict:
    with transaction.atomic():
        claim = _locked_speaker_and_claim(verdict.claim_id)  # it goes on the record
        verdict = Verdict.objects.select_for_update().get(pk=verdict.pk)
        workflow.check(ClaimEventKind.SUBMITTED, claim=claim, verdict=verdict)
        overridden = ownership.claim_work_check(claim=claim, user=actor, work="submit")
        _refuse_incomplete(verdict, before="review")
        verdict.submitted_at = timezone.now()
        verdict.version += 1
        verdict.updated_by = actor
        workflow.transition(
            ClaimEventKind.SUBMITTED, claim=claim, verdict=verdict, actor=actor, data=overridden
        )
    return verdict


def verdict_return(*, verdict: Verdict, actor, comment: str) -> Verdict:
    comment = visible_text(comment)
    if not actor.has_perm("claims.return_verdict"):
        raise PermissionDenied("Only editors can return verdicts.")
    if not comment:
        raise ValidationError({"comment": "Tell the author what to change."})
    verdict_text_check(comment=comment)
    with transaction.atomic():
        claim = locked_claim(verdict.claim)
        verdict = Verdict.objects.select_for_update().get(pk=verdict.pk)
        workflow.check(ClaimEventKind.RETURNED, claim=claim, verdict=verdict)
        refusal = verdict_return_refusal(verdict=verdict, user=actor)
        if refusal:
            raise PermissionDenied(refusal)
        verdict.review_comment = comment
        verdict.version += 1
        verdict.updated_by = actor
        workflow.transition(
            ClaimEventKind.RETURNED, claim=claim, verdict=verdict, actor=actor, note=comment
        )
    return verdict


def verdict_withdraw(*, verdict: Verdict, actor) -> Verdict:
    """The author takes a submitted verdict back before an editor acts: a draft again, the
    claim back in progress."""
    with transaction.atomic():
        claim = _locked_speaker_and_claim(verdict.claim_id)  # the lock order of verdict_act
        verdict = Verdict.objects.select_for_update().get(pk=verdict.pk)
        workflow.check(ClaimEventKind.WITHDRAWN, claim=claim, verdict=verdict)
        refusal = verdict_withdraw_refusal(verdict=verdict, user=actor)
        if refusal:
            raise PermissionDenied(refusal)
        verdict.version += 1
        verdict.updated_by = actor
        workflow.transition(ClaimEventKind.WITHDRAWN, claim=claim, verdict=verdict, actor=actor)
    return verdict


def verdict_publish(*, verdict: Verdict, editor) -> Verdict:
    if not editor.has_perm("claims.publish_verdict"):
        raise PermissionDenied("Only editors can publish verdicts.")
    with transaction.atomic():
        claim = _locked_speaker_and_claim(verdict.claim_id)
        verdict = Verdict.objects.select_for_update().get(pk=verdict.pk)
        refusal = verdict_publish_refusal(verdict=verdict, user=editor)
        if refusal:
            raise PermissionDenied(refusal)
        workflow.check(ClaimEventKind.PUBLISHED, claim=claim, verdict=verdict)
        # Held at submission and read-only since; checked again, as it is the published rule.
        _refuse_incomplete(verdict, before="publication")
        verdict.editor = editor
        verdict.published_at = timezone.now()
        verdict.version += 1
        verdict.updated_by = editor
        workflow.transition(ClaimEventKind.PUBLISHED, claim=claim, verdict=verdict, actor=editor)
        verdicts_modified(verdicts=[verdict], at=verdict.published_at)
        transaction.on_commit(published_changed)
    return verdict


class AlreadySaved(VersionConflict):
    """A stale save or correction whose content is what the verdict holds now: the same form
    sent twice (a double click, a second tab), or a colleague who wrote the same. Nothing is
    written; the desk says so instead of a conflict. Still a VersionConflict, so a caller that
    does not tell the two apart refuses it and writes nothing."""

    def __init__(self, message: str, *, verdict: Verdict):
        super().__init__(message, code="already_saved")
        self.verdict = verdict


def _already_saved(verdict: Verdict, *, actor) -> AlreadySaved:
    when = desk_time(verdict.updated_at)
    if verdict.updated_by_id == actor.pk:
        saved = f"you saved this at {when}, in another tab or by sending the form twice"
    else:
        who = verdict.updated_by.get_username() if verdict.updated_by else "someone"
        saved = f"{who} last changed it at {when}"
    return AlreadySaved(
        f"Nothing changed: the verdict already holds what you sent ({saved}).", verdict=verdict
    )


def _draft_write(
    *,
    claim: Claim,
    actor,
    expected_version: int | None,
    rating,
    conclusion: str,
    explanation: str,
    sources: list[dict],
) -> tuple[Verdict, tuple | None]:
    """Write the draft's fields; return it with its content as it was (None if new). When the
    rating, wording and sources are what the draft holds already, nothing is written and the
    version stays `expected_version`."""
    conclusion, explanation = visible_text(conclusion), visible_text(explanation)
    if rating is not None and not rating.scale.is_active:
        raise ValidationError({"rating": "Choose a rating from the active scale."})
    verdict_text_check(conclusion=conclusion, explanation=explanation)
    sources_check(sources)
    claim = locked_claim(claim)
    verdict = Verdict.objects.select_for_update().filter(claim=claim).first()
    if verdict is None:
        if expected_version is not None:
            # The verdict this editor loaded was deleted since. Starting a new one at version
            # 1 would read as "nothing changed" to a caller that loaded version 1, and its
            # sources would never be saved: refused as a stale save, the typed form kept.
            raise VersionConflict(
                "The verdict you were editing was deleted since you loaded the page — reload "
                "to start a new one."
            )
        verdict = Verdict(claim=claim, author=actor)
        before = None
    else:
        if expected_version != verdict.version:
            if content_unchanged(verdict, rating, conclusion, explanation, sources):
                raise _already_saved(verdict, actor=actor)
            raise version_conflict(verdict, actor=actor, draft=True)
        before = _content(verdict)
        if content_unchanged(verdict, rating, conclusion, explanation, sources):
            # Still refused where an edit would be (a verdict in review or published).
            workflow.check(ClaimEventKind.DRAFTED, claim=claim, verdict=verdict)
            return verdict, before
        verdict.version += 1
    # After the version and workflow checks: a stale form is told who changed the draft and
    # when, and a verdict in review or published says so first; reloaded, the page says whose
    # claim it is now.
    workflow.check(ClaimEventKind.DRAFTED, claim=claim, verdict=verdict)
    data = ownership.claim_work_check(claim=claim, user=actor, work="draft")
    verdict.rating = rating
    verdict.conclusion = conclusion
    verdict.explanation = explanation
    verdict.updated_by = actor
    if claim.assignee_id is None:
        # Saving an unassigned claim's draft takes the claim (the form says so), so from now
        # on the draft is this person's work and nobody else saves over it unseen.
        claim.assignee = actor
    workflow.transition(
        ClaimEventKind.DRAFTED, claim=claim, verdict=verdict, actor=actor, data=data
    )
    return verdict, before


def content_unchanged(
    verdict: Verdict, rating, conclusion: str, explanation: str, sources: list[dict]
) -> bool:
    """Whether a save or a correction would leave the verdict as it is: the same rating and
    wording (stripped), and the same sources in the same order (a source's access date counts
    only where the save gives one: the desk's form does not, and a save gives a new source
    today's)."""
    fields = (rating.pk if rating else None, conclusion, explanation)
    if (verdict.rating_id, verdict.conclusion, verdict.explanation) != fields:
        return False
    stored = list(verdict.sources.order_by("id").values_list("url", "title", "note", "accessed_on"))
    if len(stored) != len(sources):
        return False
    for (url, title, note, accessed_on), source in zip(stored, sources, strict=True):
        if (url, title, note) != source_stored(source):
            return False
        if source.get("accessed_on") and source["accessed_on"] != accessed_on:
            return False
    return True


def _contribution_if_changed(*, verdict: Verdict, user, before: tuple | None) -> None:
    """The one definition of contributing to a version: its wording, rating or sources differ
    from the version before (a new verdict always counts; saving it unchanged does not)."""
    if _content(verdict) != before:
        contribution_record(verdict=verdict, user=user, kind=ContributionKind.DRAFT)


# --- Sources, versioned actions, corrections --------------------------------------------------


def version_conflict(verdict: Verdict, *, actor, draft: bool = False) -> VersionConflict:
    mine = verdict.updated_by_id == actor.pk
    who = (
        "you" if mine else (verdict.updated_by.get_username() if verdict.updated_by else "someone")
    )
    when = desk_time(verdict.updated_at)
    if draft and verdict.status == VerdictStatus.PUBLISHED:
        # Reloading would not help: the draft form saves drafts, and a published verdict
        # changes only through a correction.
        return VersionConflict(
            f"This verdict was published by {who} at {when}: a published verdict changes only "
            "through a correction.",
            code="conflict",
        )
    if mine:
        # Not "their changes": the other save was this person's own, and naming them as
        # someone else sent them looking for a colleague. Not "saved" either when what they
        # did was publish or return it: the words of their own last step on it.
        return VersionConflict(
            f"You {_own_last_step(verdict, actor=actor)} at {when}, in another tab or by "
            "sending the form twice — reload to see it as it is now before you change it.",
            code="conflict",
        )
    return VersionConflict(
        f"This verdict was changed by {who} at {when} — reload to see their changes "
        "before saving yours.",
        code="conflict",
    )


# What a person did to a verdict, by the timeline event their step recorded: as "You ..." of
# one's own step (version_conflict), and as "<who> ..." in an action's refusal (_action_conflict).
_OWN_STEPS = {
    ClaimEventKind.DRAFTED: "saved this verdict again",
    ClaimEventKind.SUBMITTED: "submitted this verdict for review",
    ClaimEventKind.WITHDRAWN: "withdrew this verdict from review",
    ClaimEventKind.RETURNED: "returned this verdict to its author",
    ClaimEventKind.PUBLISHED: "published this verdict",
    ClaimEventKind.CORRECTED: "published a correction of this verdict",
}
_STEPS = {
    ClaimEventKind.DRAFTED: "saved it",
    ClaimEventKind.SUBMITTED: "submitted it for review",
    ClaimEventKind.WITHDRAWN: "withdrew it from review",
    ClaimEventKind.RETURNED: "returned it to its author",
    ClaimEventKind.PUBLISHED: "published it",
    ClaimEventKind.CORRECTED: "published a correction of it",
}


def _last_step(verdict: Verdict, *, user_id) -> str | None:
    """The kind of the last verdict step `user_id` recorded on the verdict's claim, or None."""
    return (
        verdict.claim.events.filter(kind__in=_OWN_STEPS, actor_id=user_id)
        .order_by("-id")
        .values_list("kind", flat=True)
        .first()
    )


def _own_last_step(verdict: Verdict, *, actor) -> str:
    return _OWN_STEPS.get(_last_step(verdict, user_id=actor.pk), "changed this verdict")


def verdict_locked(
    verdict: Verdict, expected_version: int | None, *, actor, sent: dict | None = None
) -> Verdict:
    """The verdict, locked, refused if it is no longer at `expected_version`; when what was
    `sent` (content_unchanged's rating, conclusion, explanation and sources) is what it holds
    now, refused as AlreadySaved instead."""
    locked = (
        Verdict.objects.select_for_update(of=("self",))
        .select_related("updated_by")
        .get(pk=verdict.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        if sent is not None and content_unchanged(locked, **sent):
            raise _already_saved(locked, actor=actor)
        raise version_conflict(locked, actor=actor)
    return locked


# What a source may link: the public page makes each one a link, so never javascript: or data:.
_source_url_check = URLValidator(schemes=["http", "https"])


def verdict_text_check(**texts: str) -> None:
    """Refuse verdict text (claims.limits.VERDICT_TEXTS, by field name) that cannot be stored
    or is past its limit, naming the field as the forms do."""
    for field, text in texts.items():
        refused = text_refusals(text, *VERDICT_TEXTS[field])
        if refused:
            raise ValidationError({field: refused})


def source_stored(source: dict) -> tuple[str, str, str]:
    """A given source's (url, title, note) as they are stored: the desk's one cleaning of
    typed text (visible_text), whichever way the source came, the desk's form, the admin's or
    a correction."""
    return tuple(visible_text(source.get(field)) for field in ("url", "title", "note"))


def sources_check(sources: list[dict]) -> None:
    for number, source in enumerate(sources, start=1):
        for field, (what, length) in SOURCE_TEXTS.items():
            refused = text_refusals(visible_text(source.get(field)), what, length)
            if refused:
                raise ValidationError(
                    {"sources": [f"Source {number}: {message}" for message in refused]}
                )
        url, title, _ = source_stored(source)
        try:
            _source_url_check(url)
        except ValidationError:
            raise ValidationError(
                {"sources": [f"Source {number}: give its http(s) address, not {url_shown(url)!r}."]}
            ) from None
        if not title:
            raise ValidationError({"sources": [f"Source {number}: give its title."]})


def sources_replace(verdict: Verdict, sources: list[dict]) -> None:
    """Replace the verdict's sources with `sources`. A source given no access date keeps the
    date of the verdict's source at the same address, and a new address gets today's: a save
    or a correction that keeps a source (as it was, or retitled) did not read it again, and
    readers would be told it was checked today. The desk's draft form and corrections send no
    dates; the admin's form does."""
    sources_check(sources)
    today = timezone.localdate()
    accessed = {}
    for old in verdict.sources.order_by("id"):
        accessed.setdefault(old.url, old.accessed_on)
        old.delete()  # one by one, so each leaves its history record
    bulk_create_with_history(
        [
            EvidenceSource(
                verdict=verdict,
                url=url,
                title=title,
                note=note,
                accessed_on=source.get("accessed_on") or accessed.get(url) or today,
            )
            for source in sources
            for url, title, note in [source_stored(source)]
        ],
        EvidenceSource,
    )


def verdict_save(
    *,
    claim: Claim,
    actor,
    expected_version: int | None,
    rating=None,
    conclusion: str = "",
    explanation: str = "",
    sources: list[dict] = (),
) -> Verdict:
    """Save the draft and its evidence sources together, refusing stale saves.

    A save that changes nothing (the same rating, wording and sources) writes nothing: no
    version, no timeline entry, no new source rows; the verdict comes back at
    `expected_version`, which is how a caller tells the user nothing changed."""
    sources = list(sources)
    with transaction.atomic():
        verdict, before = _draft_write(
            claim=claim,
            actor=actor,
            expected_version=expected_version,
            rating=rating,
            conclusion=conclusion,
            explanation=explanation,
            sources=sources,
        )
        if verdict.version == expected_version:
            return verdict
        sources_replace(verdict, sources)
        _contribution_if_changed(verdict=verdict, user=actor, before=before)
        # The draft's event names the sources it added, removed or changed, so the history
        # shows when they changed (all of them on every save repeated the list each time).
        changed = sources_changed(before[3] if before else (), sources)
        if changed:
            event = verdict.claim.events.filter(kind=ClaimEventKind.DRAFTED).latest("id")
            event.data = {**event.data, **changed}
            event.save(update_fields=["data"])
    return verdict


def sources_changed(before, sources: list[dict]) -> dict[str, str]:
    """The sources' addresses a save or a correction added, removed, or kept with another
    title or note, against the (url, title, note) rows `before` it; the empty ones left out.
    The event data the history shows for 'Verdict drafted' and 'Correction published'."""
    old = {url: (title, note) for url, title, note in before}
    new = {url: (title, note) for url, title, note in map(source_stored, sources)}
    changes = {
        "sources_added": [url for url in new if url not in old],
        "sources_removed": [url for url in old if url not in new],
        "sources_changed": [url for url in new if url in old and new[url] != old[url]],
    }
    return {key: ", ".join(urls) for key, urls in changes.items() if urls}


def verdict_act(*, verdict: Verdict, actor, action: str, expected_version: int, comment: str = ""):
    """Submit, withdraw, return or publish the verdict as loaded at `expected_version`.

    The row lock taken here is held by the action's own transaction, so nobody can save in
    between the version check and the move.
    """
    actions = {
        "submit": lambda v: verdict_submit(verdict=v, actor=actor),
        "withdraw": lambda v: verdict_withdraw(verdict=v, actor=actor),
        "return": lambda v: verdict_return(verdict=v, actor=actor, comment=comment),
        "publish": lambda v: verdict_publish(verdict=v, editor=actor),
    }
    if action not in actions:
        raise ValueError(f"Unknown verdict action {action!r}.")
    with transaction.atomic():
        # The actions' own lock order: the speaker, the claim, then the verdict.
        _locked_speaker_and_claim(verdict.claim_id)
        try:
            locked = verdict_locked(verdict, expected_version, actor=actor)
        except VersionConflict as conflict:
            current = Verdict.objects.select_related("updated_by", "editor").get(pk=verdict.pk)
            raise _action_conflict(current, action, actor, expected_version) from conflict
        return actions[action](locked)


# What each action leaves the verdict as, and its words for a second send of the same form.
# (Its words as a refused action's: "Not submitted", "can no longer be submitted".)
_ACTION_DONE = {
    "submit": "submitted",
    "withdraw": "withdrawn",
    "return": "returned",
    "publish": "published",
}
_ACTION_REACHES = {
    "submit": (VerdictStatus.SUBMITTED, "submitted it for review"),
    "withdraw": (VerdictStatus.DRAFT, "withdrew it from review"),
    "return": (VerdictStatus.RETURNED, "returned it to its author"),
    "publish": (VerdictStatus.PUBLISHED, "published it"),
}


def _action_already_done(
    verdict: Verdict, action: str, actor, expected_version: int
) -> AlreadySaved | None:
    """The answer to the same action sent twice (a double click, a re-sent form): the verdict
    is one version on, in the state the action leaves, and this person moved it there."""
    status, done = _ACTION_REACHES[action]
    if (
        verdict.status == status
        and verdict.updated_by_id == actor.pk
        and verdict.version == expected_version + 1
    ):
        when = desk_time(verdict.updated_at)
        return AlreadySaved(
            f"Already done: you {done} at {when} (the form was sent twice).", verdict=verdict
        )
    return None


def _action_conflict(
    verdict: Verdict, action: str, actor, expected_version: int
) -> VersionConflict | IllegalTransition:
    """Why `action` on the verdict as loaded at `expected_version` is refused, said for what
    the action is: an action saves nothing the user typed, so "not saved" and "their changes"
    told them of a loss there was not."""
    done = _action_already_done(verdict, action, actor, expected_version)
    if done is not None:
        return done
    if verdict.status == VerdictStatus.PUBLISHED:
        # Published meanwhile (a colleague first, or both at once: the second waits on the
        # lock and finds it so). Reloading would not help: say what the verdict is now.
        who = _who(verdict.editor, actor=actor)
        when = desk_time(verdict.published_at)
        if action == "publish":
            return AlreadySaved(f"Already published by {who} at {when}.", verdict=verdict)
        return IllegalTransition(
            f"This verdict can no longer be {_ACTION_DONE[action]}: {who} published it at "
            f"{when}, and a change now goes through a correction."
        )
    when = desk_time(verdict.updated_at)
    step = _STEPS.get(_last_step(verdict, user_id=verdict.updated_by_id), "changed it")
    if verdict.updated_by_id == actor.pk:
        return VersionConflict(
            f"Not {_ACTION_DONE[action]}: you {step} at {when}, in another tab or by sending "
            "the form twice. Reload to see the verdict as it is now.",
            code="conflict",
        )
    return VersionConflict(
        f"Not {_ACTION_DONE[action]}: the verdict changed since you opened the page "
        f"({_who(verdict.updated_by, actor=actor)} {step} at {when}). Reload to see the change.",
        code="conflict",
    )


def _who(user, *, actor) -> str:
    if user is None:
        return "someone"
    return "you" if user.pk == actor.pk else user.get_username()
