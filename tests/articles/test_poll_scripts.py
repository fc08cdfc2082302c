"""Every page that polls a status loads polls.js, which progress.js and intake.js read the
poll's answer with, before them: without it their polls fail and a refused poll says nothing."""

from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
POLLERS = ("factcheck/progress.js", "factcheck/intake.js")


def templates_loading(script: str) -> list[Path]:
    return sorted(p for p in TEMPLATES.rglob("*.html") if script in p.read_text())


@pytest.mark.parametrize("script", POLLERS)
def test_every_page_that_loads_a_poller_loads_polls_js_before_it(script):
    pages = templates_loading(script)
    assert pages, f"no template loads {script}"
    for page in pages:
        text = page.read_text()
        assert "factcheck/polls.js" in text, f"{page.name} loads {script} without polls.js"
        assert text.index("factcheck/polls.js") < text.index(script), page.name
