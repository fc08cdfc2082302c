"""The rules of who may move a verdict on, and what it needs first: the four-eyes rule on who
publishes, withdraws or returns it (the one rule the admin, the desk and the API share), and
what a verdict lacks to go to review or be published. Reads only; claims.verdicts writes."""

from django.core.exceptions import ValidationError

from articles.services import is_blank

from .models import ContributionKind, Verdict, VerdictContribution


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
