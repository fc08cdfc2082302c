"""The dependency direction written in articles/__init__.py: articles/ never imports claims/."""

import ast
from pathlib import Path

ARTICLES = Path(__file__).resolve().parents[2] / "articles"


def _imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_no_module_of_articles_imports_claims():
    offenders = {
        str(path.relative_to(ARTICLES.parent)): sorted(
            name for name in _imported_modules(path) if name.split(".")[0] == "claims"
        )
        for path in ARTICLES.rglob("*.py")
    }
    assert {path: names for path, names in offenders.items() if names} == {}
    assert len(offenders) > 5  # the walk really read the app
