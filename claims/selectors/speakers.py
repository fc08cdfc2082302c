"""Reads about a speaker: its published ratings (the speaker page) and whether its name is on
the public record."""

from django.db.models import Count

from ..models import Rating, Speaker, Verdict
from .dashboard import Bar, bars


def speaker_rating_distribution(speaker: Speaker) -> list[Bar]:
    counts = dict(
        Verdict.objects.published()
        .filter(claim__speaker=speaker)
        .values_list("rating_id")
        .annotate(total=Count("id"))
    )
    ratings = Rating.objects.filter(scale__is_active=True).order_by("-value")
    return bars([Bar(r.label, counts.get(r.pk, 0), r.colour, r.edge_colour) for r in ratings])


def speaker_is_public(speaker: Speaker) -> bool:
    """Its name and role show on a published fact-check (public page, ClaimReview, API), so
    they change only with a public correction (claims.speaker_edits)."""
    return Verdict.objects.published().filter(claim__speaker=speaker).exists()
