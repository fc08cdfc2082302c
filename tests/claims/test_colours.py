import pytest
from django.urls import reverse

from claims.colours import (
    TEXT_CONTRAST_MINIMUM,
    contrast_ratio,
    graphic_edge_colour,
    readable_text_colour,
    relative_luminance,
)
from claims.models import Rating
from tests.a11y import parse
from tests.factories import ClaimFactory, published_verdict

pytestmark = pytest.mark.django_db


def test_the_contrast_ratio_matches_wcags_reference_values():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)
    # #767676 is the lightest grey that passes AA on white, #777777 the first that fails.
    assert contrast_ratio("#767676", "#fff") == pytest.approx(4.54, abs=0.01)
    assert contrast_ratio("#777777", "#ffffff") < 4.5


def test_every_rating_of_the_default_scale_gets_a_legible_label():
    ratings = list(Rating.objects.all())
    assert len(ratings) == 6
    for rating in ratings:
        assert contrast_ratio(rating.colour, rating.text_colour) >= TEXT_CONTRAST_MINIMUM, (
            rating.label
        )
    # The light ones needed dark text: white on them was below 3:1.
    assert readable_text_colour("#f9a825") == "#000000"
    assert readable_text_colour("#7b1fa2") == "#ffffff"


def test_a_rating_badge_is_drawn_with_its_legible_text_colour(client):
    half_true = Rating.objects.get(scale__is_active=True, slug="half-true")
    verdict = published_verdict(claim=ClaimFactory(), rating=half_true)
    page = parse(client.get(reverse("claims:public", args=[verdict.pk])).content.decode())
    badge = page.find(class_="rating")
    assert badge.get_text() == "Half True"
    assert "--rating: #f9a825" in badge["style"] and "--rating-text: #000000" in badge["style"]


def test_a_chart_bar_too_light_for_the_page_gets_an_edge_of_its_own_colour_darkened():
    # Half True's amber is 1.97:1 on white and Mostly True's green 2.5:1: below WCAG 1.4.11.
    for light in ["#f9a825", "#7cb342"]:
        edge = graphic_edge_colour(light)
        assert contrast_ratio(edge, "#ffffff") >= 3 and edge != light
        assert relative_luminance(edge) < relative_luminance(light)
    # A colour that already stands out is its own edge.
    assert graphic_edge_colour("#2e7d32") == "#2e7d32"
