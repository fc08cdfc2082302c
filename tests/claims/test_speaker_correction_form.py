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


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("x" * 301, "The speaker's name is too long: keep it to 300 characters"),
        ("Ada\x00Lovelace", "The speaker's name holds a NUL character (at character 4)"),
    ],
)
def test_a_refused_name_gets_its_own_error_and_no_name_the_speaker(client, name, message):
    client.force_login(fact_checker())
    claim = ClaimFactory()
    response = client.post(reverse("claims:speaker", args=[claim.pk]), {"name": name})
    assert response.status_code == 400
    form = response.context["speaker_form"]
    assert form.non_field_errors() == []
    assert len(form.errors["name"]) == 1 and form.errors["name"][0].startswith(message)
    assert "Name the speaker." not in response.content.decode()


def test_no_speaker_and_no_visible_name_is_the_name_fields_error(client):
    client.force_login(fact_checker())
    claim = ClaimFactory()
    response = client.post(reverse("claims:speaker", args=[claim.pk]), {"name": "\u200b\u202e"})
    assert response.status_code == 400
    assert response.context["speaker_form"].errors == {"name": ["Name the speaker."]}
