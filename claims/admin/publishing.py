"""The admin's "Approve and publish": each verdict through the desk's service, and first, for a
verdict whose claim's group already holds another published fact-check, a page of its own that
names that fact-check and asks the editor to tick each one to publish as a second fact-check of
the claim (the claim page's review box asks the same; claims.appearances.
second_fact_check_refusal is the rule). An unticked one is refused with the selection."""

from ..appearances import SECOND_FACT_CHECK_CONFIRMATION, other_fact_checks
from ..ids import ids_listed
from ..models import VerdictStatus
from .base import action_page

# The confirmation page's field for each verdict: the published claims it was shown beside.
BESIDE_FIELD = "beside-{pk}"


def second_fact_checks_confirmation(modeladmin, request, queryset):
    """The page asking about the selection's second fact-checks, or None: there are none, or
    this is that page posted back (what was ticked: beside_posted)."""
    if "post" in request.POST:
        return None
    selected = list(queryset.select_related("claim").order_by("pk"))
    in_review = [v.claim for v in selected if v.status == VerdictStatus.SUBMITTED]
    beside = other_fact_checks(in_review)
    return _confirmation_page(modeladmin, request, selected, beside) if beside else None


def beside_posted(request, verdict) -> list[int]:
    return ids_listed(request.POST.get(BESIDE_FIELD.format(pk=verdict.pk), ""))


def _confirmation_page(modeladmin, request, selected, beside: dict[int, list[int]]):
    rows = [
        {
            "verdict": verdict,
            "beside": beside.get(verdict.claim_id, []),
            "field": BESIDE_FIELD.format(pk=verdict.pk),
        }
        for verdict in selected
    ]
    return action_page(
        modeladmin,
        request,
        "claims/admin/publish_second_fact_checks.html",
        title="Publish beside a published fact-check?",
        selected=selected,
        rows=rows,
        confirmation=SECOND_FACT_CHECK_CONFIRMATION,
    )
