"""The desk's lists of articles and intake refuse an address parameter they do not take, as the
desk history does (config.pages.unknown_parameters_refuse): a mistyped filter (?stauts=failed)
listed everything as if it were filtered."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from tests.factories import editor

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


@pytest.mark.parametrize(
    ("page", "takes"),
    [
        ("articles:list", "import_batch, page"),
        ("articles:intake", "page, status"),
        ("articles:feeds", "page"),
        ("articles:imports", "page"),
        ("articles:external_factchecks", "page, q"),
    ],
)
def test_a_list_names_a_parameter_it_does_not_take_and_what_it_takes(client, page, takes):
    client.force_login(editor())
    response = client.get(reverse(page), {"stauts": "failed"})
    summary = BeautifulSoup(response.content, "html.parser").select_one("[data-error-summary]")
    assert summary is not None
    assert f"Unknown parameter: stauts. This page takes {takes}." in summary.get_text()
    assert "Unknown parameter" not in client.get(reverse(page), {"page": "1"}).text
