"""A claim cut to fit a title ends at a word: the public page's <title> and the feed's entries."""

import re
from xml.etree import ElementTree

import pytest
from django.urls import reverse

from claims.text_cuts import title_cut
from tests.factories import ClaimFactory, published_verdict

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

LONG = (
    "The United States on Monday strongly defended weekend retaliatory strikes against "
    "Iranian-backed militia groups in Iraq and Syria."
)


def test_a_short_text_is_kept_whole_and_a_long_one_ends_at_a_word():
    assert title_cut("Crime fell by 40 percent.", 80) == "Crime fell by 40 percent."
    cut = title_cut(LONG, 80)
    assert cut == "The United States on Monday strongly defended weekend retaliatory strikes…"
    assert len(cut) <= 80
    # A cut that falls just before a space keeps the word it ends; punctuation before the
    # ellipsis goes.
    assert title_cut("one two, three", 9) == "one two…"
    assert title_cut("one two three", 8) == "one two…"
    # One word longer than the limit: nothing else fits, so it is cut inside.
    assert title_cut("Supercalifragilistic", 10) == "Supercali…"
    assert title_cut("  spaced \n out  ", 80) == "spaced out"


def test_the_public_page_title_and_the_feed_entry_end_at_a_word(client):
    verdict = published_verdict(claim=ClaimFactory(text=LONG))
    page = client.get(reverse("claims:public", args=[verdict.pk])).content.decode()
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    # The claim between isolation marks (config.bidi), the cut inside them.
    assert title.startswith(
        "Fact-check: \u2068The United States on Monday strongly defended weekend"
    )
    assert "retaliatory strikes…\u2069 · Fact-check desk" in title
    assert "retaliatory st…" not in title

    feed = ElementTree.fromstring(client.get(reverse("claims:public_feed")).content)  # noqa: S314
    ns = {"atom": "http://www.w3.org/2005/Atom"}
    entry_title = feed.find("atom:entry/atom:title", ns).text
    # 120 characters at most, at a word
    assert entry_title.endswith("militia groups in Iraq…\u2069")
    assert len(entry_title) <= len(verdict.rating.label) + 2 + 1 + 120 + 1  # ": ", FSI, PDI
