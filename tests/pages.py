"""What the shared pager's lists say, read from a rendered page (both apps' list tests)."""

from bs4 import BeautifulSoup


def assert_no_such_page_above(response, *, list_start: str, text: str, href: str):
    """The page's one "no such page" note reads `text`, links to the last page at `href`, and
    stands before `list_start` (a string that opens the list it is about)."""
    html = response.content.decode()
    notes = BeautifulSoup(html, "html.parser").select("[data-page-asked]")
    assert [note.get_text() for note in notes] == [text]
    assert notes[0].a["href"] == href
    assert html.index(list_start) > html.index("data-page-asked")
