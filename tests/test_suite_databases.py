"""The suite's own PostgreSQL test database (tests/databases.py): kept and found again by
`--reuse-db`, and never shared by two runs at once, nor left behind by a run that could not have
it."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from tests import databases

REPO = Path(__file__).resolve().parent.parent
# Any quick test that uses the database: what matters is the database the run sets up.
A_DATABASE_TEST = (
    "tests/claims/test_api_verdict_detail.py::test_published_verdicts_can_be_read_without_a_key"
)


@pytest.fixture
def inner_url():
    """A DATABASE_URL of its own for the runs a test starts, so they neither meet this run's
    test database nor leave theirs behind."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("the test databases are PostgreSQL's")
    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/')}_suite_check_{os.getpid()}"
    inner = urlunsplit(parts._replace(path=f"/{name}"))
    yield inner
    with server(url) as admin:
        for leftover in databases_on(inner):
            admin.execute(f'DROP DATABASE "{leftover}" WITH (FORCE)')


def server(url: str):
    return psycopg.connect(
        urlunsplit(urlsplit(url)._replace(path="/postgres", query="")), autocommit=True
    )


def databases_on(url: str) -> list[str]:
    """The test databases of runs on `url`: test_<name>, and test_<name>_<pid> of their own."""
    name = urlsplit(url).path.lstrip("/")
    with server(url) as admin:
        rows = admin.execute(
            "SELECT datname FROM pg_database WHERE datname ~ %s ORDER BY 1",
            [f"^test_{name}(_[0-9]+)?$"],
        ).fetchall()
    return [row[0] for row in rows]


def run_suite(url: str, *options: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *options, A_DATABASE_TEST],
        cwd=REPO,
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


def connect_to(url: str, name: str):
    return psycopg.connect(urlunsplit(urlsplit(url)._replace(path=f"/{name}", query="")))


def test_reuse_db_finds_the_database_the_last_run_kept(inner_url):
    run_suite(inner_url, "--reuse-db")
    kept = databases_on(inner_url)
    assert kept == [f"test_{urlsplit(inner_url).path.lstrip('/')}"]
    with connect_to(inner_url, kept[0]) as database:
        database.execute("CREATE TABLE left_by_the_last_run ()")
    run_suite(inner_url, "--reuse-db")
    assert databases_on(inner_url) == kept
    with connect_to(inner_url, kept[0]) as database:
        assert database.execute("SELECT to_regclass('left_by_the_last_run')").fetchone()[0]


def test_a_run_that_finds_the_database_in_use_works_on_its_own_and_drops_it(inner_url):
    in_use = databases.database_lock(f"test_{urlsplit(inner_url).path.lstrip('/')}")
    assert in_use is not None
    try:
        run_suite(inner_url, "--reuse-db")
    finally:
        in_use.close()
    assert databases_on(inner_url) == []
