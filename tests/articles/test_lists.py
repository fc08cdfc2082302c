"""The desk's lists of articles and intake: an address parameter they do not take is refused, as
the desk history does (config.pages.unknown_parameters_refuse), since a mistyped filter
(?stauts=failed) listed everything as if it were filtered; a page past the end says so above
the list, not below it."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from articles.intake.bulk import import_batch_create, import_batch_run
from tests.factories import editor
from tests.pages import assert_no_such_page_above

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


def _import_page():
    batch = import_batch_create(
        file_name="links.csv", data=b"url\nhttps://news.example.org/a\n", queue=False
    )
    import_batch_run(batch_id=batch.pk)  # its job is queued on commit: never, in a test
    assert batch.jobs.exists()
    return reverse("articles:import", args=[batch.pk])


@pytest.mark.parametrize(
    ("address", "list_start"),
    [
        (lambda: reverse("articles:list"), '<th scope="col">Analysis</th>'),
        (lambda: reverse("articles:intake"), '<th scope="col">Attempts</th>'),
        (lambda: reverse("articles:feeds"), '<th scope="col">Next poll</th>'),
        (lambda: reverse("articles:imports"), '<th scope="col">Queued for fetching</th>'),
        (_import_page, '<th scope="col">Article / reason</th>'),
        (lambda: reverse("articles:external_factchecks"), '<th scope="col">Claimant</th>'),
    ],
)
def test_a_page_past_the_end_is_said_above_the_list_with_a_link_to_the_last(
    client, address, list_start
):
    client.force_login(editor())
    assert_no_such_page_above(
        client.get(address(), {"page": "999"}),
        list_start=list_start,
        text="There is no page 999: the last page is page 1, shown below.",
        href="?page=1",
    )
