"""Histories, speakers and the dashboard."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from .. import selectors
from ..forms import DeskHistoryFilterForm
from ..matching.selectors import repeat_counts
from ..models import Claim, Speaker
from .base import PUBLISH_VERDICTS, VIEW_CLAIMS, desk_view


@desk_view(VIEW_CLAIMS)
def claim_history(request, pk: int):
    claim = get_object_or_404(Claim.objects.select_related("article", "speaker"), pk=pk)
    return render(
        request,
        "claims/claim_history.html",
        {"claim": claim, "timeline": selectors.claim_timeline(claim)},
    )


@desk_view(PUBLISH_VERDICTS)
def desk_history(request):
    form = DeskHistoryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = selectors.events_for_desk(
        actor=filters.get("person"),
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
    )
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "claims/desk_history.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@desk_view("claims.view_speaker")
def speaker_detail(request, slug: str):
    speaker = get_object_or_404(Speaker, slug=slug)
    claims = speaker.claims.select_related(
        "article", "article__outlet", "verdict", "verdict__rating"
    ).order_by("-created_at")
    page = Paginator(claims, 50).get_page(request.GET.get("page"))
    counts = repeat_counts([claim.pk for claim in page])
    for claim in page:
        # Appearances of the same canonical claim, by anyone (the group's size).
        claim.repeat_count = counts[claim.pk]
    distribution = selectors.speaker_rating_distribution(speaker)
    return render(
        request,
        "claims/speaker_detail.html",
        {
            "speaker": speaker,
            "aliases": speaker.aliases.all(),
            "page": page,
            "distribution": distribution,
            "chart_height": len(distribution) * 28,
            "rated": sum(bar.count for bar in distribution),
        },
    )


@desk_view(PUBLISH_VERDICTS)
def dashboard(request):
    return render(request, "claims/dashboard.html", selectors.dashboard_numbers())
