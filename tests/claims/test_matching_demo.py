"""`make run` loads the seed and the demo recap; the recap's two repeats show the seed claims."""

import pytest
from django.core.management import call_command

from claims.matching.selectors import seen_before
from claims.models import Claim

pytestmark = pytest.mark.django_db


def test_the_demo_articles_repeats_show_the_seed_claims_under_seen_before(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_seeds")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_seeds", "--dir", "seeds/demo")
    pairs = {
        "The Pentagon said American forces hit": "The U.S. military said it targeted",
        "This was the second time in 2021": "It was the second time this year",
    }
    for repeat_start, seed_start in pairs.items():
        repeat = Claim.objects.get(text__startswith=repeat_start)
        seed = Claim.objects.get(text__startswith=seed_start)
        seen = seen_before(repeat)
        shown = [c.pk for c in seen.appearances] + [s.candidate_id for s in seen.suggestions]
        assert seed.pk in shown
