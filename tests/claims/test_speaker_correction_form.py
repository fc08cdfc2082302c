"""The claim page's speaker correction as a browser submits it: what the page preselects goes
with what the fact-checker types."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from claims.models import SpeakerAlias
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    SpeakerFactory,
    fact_checker,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


def speaker_form_as_submitted(client, claim) -> dict:
    """The speaker form's values as the page leaves them: its selected option and boxes."""
    html = client.get(reverse("claims:detail", args=[claim.pk])).content.decode()
    form = BeautifulSoup(html, "html5lib").find(
        "form", action=reverse("claims:speaker", args=[claim.pk])
    )
    select = form.find("select", attrs={"name": "speaker"})
    chosen = select.find("option", selected=True) or select.find("option")
    values = {"speaker": chosen.get("value", "")}
    for box in form.find_all("input", attrs={"name": ["name", "role"]}):
        values[box["name"]] = box.get("value", "")
    return values


def test_a_name_typed_for_someone_else_gives_the_claim_that_speaker(client):
    client.force_login(fact_checker(username="fc"))
    wrong = SpeakerFactory(name="John Smith", role="opposition leader")
    article = ArticleFactory(body="Wages fell by 2 percent.")
    claim = ClaimFactory(article=article, start=0, end=24, text=article.body, speaker=wrong)
    values = speaker_form_as_submitted(client, claim)
    assert values["speaker"] == "" and values["role"] == ""
    values["name"] = "Maria Lopez"
    response = client.post(reverse("claims:speaker", args=[claim.pk]), values)
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.speaker.name == "Maria Lopez" and claim.speaker.role == ""
    assert not SpeakerAlias.objects.filter(speaker=wrong, alias="Maria Lopez").exists()
