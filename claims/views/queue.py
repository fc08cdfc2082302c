from django.core.paginator import Paginator
from django.shortcuts import render

from .. import selectors
from ..forms import QueueFilterForm
from ..models import Verdict, VerdictStatus
from .base import PUBLISH_VERDICTS, VIEW_CLAIMS, desk_view

PAGE_SIZE = 25


@desk_view(VIEW_CLAIMS)
def claim_queue(request):
    form = QueueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    claims = selectors.claim_queue(user=request.user, filters=filters)
    page = Paginator(claims, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "claims/queue.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@desk_view(PUBLISH_VERDICTS)
def review_queue(request):
    verdicts = (
        Verdict.objects.filter(status=VerdictStatus.SUBMITTED)
        .select_related("claim", "claim__speaker", "claim__article", "author", "rating")
        .order_by("submitted_at", "id")
    )
    page = Paginator(verdicts, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "claims/review_queue.html", {"page": page})
