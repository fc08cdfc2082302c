"""Times in the admin name their zone, as every desk page does."""

from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from tests.factories import admin_user, published_verdict


@pytest.mark.django_db
def test_the_admin_writes_a_time_with_its_zone(client, settings):
    settings.TIME_ZONE = "Europe/London"
    verdict = published_verdict()
    client.force_login(admin_user())
    page = client.get(reverse("admin:claims_verdict_changelist")).content.decode()
    when = verdict.published_at.astimezone(ZoneInfo("Europe/London"))
    assert f"{when:%-d %b %Y %H:%M} {when:%Z}" in page
    assert "p.m." not in page and "a.m." not in page
