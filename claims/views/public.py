from django.shortcuts import get_object_or_404, render

from ..claimreview import claimreview_for, jsonld_script
from ..models import Verdict


def verdict_public(request, pk: int):
    """Open to everyone, and only for published verdicts (404 for anything else)."""
    verdict = get_object_or_404(
        Verdict.objects.published().select_related(
            "claim", "claim__speaker", "claim__article", "claim__article__outlet", "rating"
        ),
        pk=pk,
    )
    review = claimreview_for(verdict, request_or_base_url=request)
    return render(
        request,
        "claims/verdict_public.html",
        {
            "verdict": verdict,
            "claim": verdict.claim,
            "sources": verdict.sources.all(),
            "corrections": verdict.corrections.all(),
            "jsonld": jsonld_script(review),
        },
    )
