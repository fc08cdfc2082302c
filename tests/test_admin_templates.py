"""The admin templates the desk overrides (templates/admin/) are copies of Django's, each naming
the original it was copied from and that original's sha256. When an upgrade of Django changes
an original, its copy would go on drawing the old page (a missed fix, a field or link gone);
this fails instead, until the copy is brought up to date and the new hash written in it."""

import hashlib
import re
from pathlib import Path

import django
import pytest
from django.apps import apps
from django.conf import settings

OVERRIDES = Path(settings.BASE_DIR) / "templates" / "admin"
COPIED_FROM = re.compile(
    r"copied from Django (?P<version>[\d.]+)'s (?P<name>admin/[\w/]+\.html) "
    r"\(sha256 (?P<sha256>[0-9a-f]{64})\)",
    re.IGNORECASE,
)


def _overrides() -> list[Path]:
    return sorted(OVERRIDES.rglob("*.html"))


def test_there_are_overrides_to_check():
    assert len(_overrides()) >= 4


@pytest.mark.parametrize("override", _overrides(), ids=lambda path: path.name)
def test_each_admin_override_was_copied_from_the_installed_django_s_template(override):
    name = override.relative_to(OVERRIDES.parent).as_posix()
    found = COPIED_FROM.search(override.read_text())
    assert found, f"{name} names no original: say 'copied from Django X's {name} (sha256 ...)'"
    assert found["name"] == name  # an override replaces the template of its own name
    original = Path(apps.get_app_config("admin").path) / "templates" / name
    installed = hashlib.sha256(original.read_bytes()).hexdigest()
    assert installed == found["sha256"], (
        f"Django {django.__version__}'s {name} is not the one {name} was copied from (Django "
        f"{found['version']}): bring the copy up to date with it, then write its version and "
        f"sha256 ({installed}) in the copy's comment."
    )
