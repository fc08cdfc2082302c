"""Every page's <title> is "<page> · Fact-check desk": the pattern is written once, in
templates/base.html, and each page gives only its own name (the rendered titles are checked on
each page tests/a11y.py's assert_accessible reads)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.a11y import SITE_NAME, TITLE_PATTERN, parse, text_of

TEMPLATES = Path(settings.BASE_DIR) / "templates"
PAGES = sorted(
    path
    for path in TEMPLATES.rglob("*.html")
    if '{% extends "base.html" %}' in path.read_text(encoding="utf-8")
)
TITLE_BLOCK = re.compile(r"{% block title %}(.*?){% endblock %}", re.S)


def test_the_base_template_writes_the_title_pattern_once():
    base = (TEMPLATES / "base.html").read_text(encoding="utf-8")
    assert f"<title>{{% block title %}}{{% endblock %}} · {SITE_NAME}</title>" in base
    assert base.count("<title>") == 1


@pytest.mark.parametrize("path", PAGES, ids=lambda path: str(path.relative_to(TEMPLATES)))
def test_each_page_gives_only_its_own_name_as_its_title(path):
    found = TITLE_BLOCK.findall(path.read_text(encoding="utf-8"))
    assert len(found) == 1, f"{path.name} defines no title block"
    [name] = found
    assert name.strip() and SITE_NAME not in name and not name.rstrip().endswith(("—", "·"))


def test_the_server_error_page_which_stands_alone_follows_the_pattern_too():
    page = parse((TEMPLATES / "500.html").read_text(encoding="utf-8"))
    assert text_of(page.title) == f"Server error · {SITE_NAME}"


@pytest.mark.django_db
def test_a_public_fact_check_page_is_titled_with_the_site_name(client):
    page = parse(client.get(reverse("claims:public_index")).content.decode())
    assert text_of(page.title) == f"Fact-checks · {SITE_NAME}"
    assert re.fullmatch(TITLE_PATTERN, text_of(page.title))
