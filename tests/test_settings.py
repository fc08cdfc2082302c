import itertools
import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "test-only-9fQ!zP2wL#xV8mR$kN5bJ&hG7cD*sA4eY(uI1oT)qW6rE0",
    "ALLOWED_HOSTS": "factcheck.example.org",
    "DATABASE_URL": "postgres://factcheck@db.example.org:5432/factcheck",
    "CELERY_BROKER_URL": "redis://redis.example.org:6379/0",
    "REDIS_URL": "redis://redis.example.org:6379/1",
}
# Variables of the test run that would leak into the child's settings.
RUN_ONLY = {"SECRET_KEY", "CELERY_TASK_ALWAYS_EAGER", "CI", "BEHIND_PROXY"}


def _clean_environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in PRODUCTION and k not in RUN_ONLY}


def run_manage(*args: str, env: dict[str, str]):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env={**_clean_environment(), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_with_the_development_secret_key():
    result = run_manage("check", env={"DEBUG": "0"})
    assert result.returncode != 0
    assert "SECRET_KEY is the development key" in result.stderr


def test_a_malformed_boolean_setting_fails_loudly():
    result = run_manage("check", env={"DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


def test_check_deploy_is_clean_with_the_documented_production_variables():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_zero_config_runs_tasks_in_process_on_sqlite():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; "
        "print(settings.DATABASES['default']['ENGINE'], settings.CELERY_TASK_ALWAYS_EAGER)",
        env={"DEBUG": "1", "DATABASE_URL": "", "CELERY_BROKER_URL": ""},  # as `make run` sets
    )
    assert result.stdout.strip().endswith("django.db.backends.sqlite3 True"), result.stderr


# Two requests that write at once, as a double-click on Submit sends them: one holds the write
# lock while the other's transaction, having read first (the duplicate check), asks for it.
_SQLITE_WRITERS = """
import threading, time
from django.db import connection, connections, transaction
with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE t (x integer)")
holding = threading.Event()
def first():
    with transaction.atomic():
        with connections["default"].cursor() as cursor:
            cursor.execute("INSERT INTO t VALUES (1)")
        holding.set()
        time.sleep(1)
    connections["default"].close()
thread = threading.Thread(target=first)
thread.start()
holding.wait()
with transaction.atomic():
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM t")
        cursor.execute("INSERT INTO t VALUES (2)")
thread.join()
with connection.cursor() as cursor:
    cursor.execute("SELECT count(*) FROM t")
    print("rows", cursor.fetchone()[0])
"""


def test_on_sqlite_a_second_writer_waits_for_the_first_instead_of_failing(tmp_path):
    # SQLite's default deferred transaction asks for the write lock only at its first write,
    # and is refused at once ("database is locked", a 500) when another holds it, whatever
    # the busy time-out: the demo answered a double-clicked Submit with a 500.
    result = run_manage(
        "shell",
        "-c",
        _SQLITE_WRITERS,
        env={"DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("rows 2")


def test_zero_config_migrates_a_fresh_sqlite_database(tmp_path):
    # `make run`'s first step on a new machine; PostgreSQL-only SQL in a migration (NULLS LAST
    # in an index) once stopped it here, unseen by a suite that runs on PostgreSQL.
    database = tmp_path / "db.sqlite3"
    result = run_manage(
        "migrate",
        "--noinput",
        env={"DEBUG": "1", "DATABASE_URL": f"sqlite:///{database}", "CELERY_BROKER_URL": ""},
    )
    assert result.returncode == 0, result.stderr
    assert "articles.0007_article_newest_index... OK" in result.stdout


def _make_run_server_environment() -> dict[str, str]:
    """The variables `make run` starts its server with, as `make -n run` prints that line."""
    # Not as a sub-make of `make test`: its flags and level are the suite's own.
    parent_make = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")
    dry_run = subprocess.run(
        ["make", "--dry-run", "--no-print-directory", "run"],
        cwd=REPO,
        env={k: v for k, v in _clean_environment().items() if k not in parent_make},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert dry_run.returncode == 0, dry_run.stderr
    server = next(line for line in dry_run.stdout.splitlines() if "manage.py runserver" in line)
    words = itertools.takewhile(lambda word: "=" in word, shlex.split(server))
    return dict(word.split("=", 1) for word in words)


DEMO_REQUESTS = """
import json
from django.conf import settings
from django.templatetags.static import static
from django.test import Client
client = Client(headers={"host": "localhost:8000"})
missing = client.get("/no-such-page/")
style = client.get(static("factcheck/app.css"))
print(json.dumps({
    "debug": settings.DEBUG,
    "missing": [missing.status_code, missing.content.decode()],
    "style": [style.status_code, style.get("Content-Type")],
    "http_cookies": not (settings.SESSION_COOKIE_SECURE or settings.CSRF_COOKIE_SECURE),
}))
"""


def test_make_run_serves_the_demo_with_debug_off_and_the_site_s_own_not_found_page(tmp_path):
    # With DEBUG on, a mistyped address showed Django's debug page listing every URL pattern.
    env = _make_run_server_environment()
    assert env.get("DEBUG") == "0"
    assert env.get("SECRET_KEY") == "$(cat var/demo-secret-key)"  # the demo's own, made once
    env |= {
        "SECRET_KEY": PRODUCTION["SECRET_KEY"],  # this checkout's var/ is not the test's
        "STATIC_ROOT": str(tmp_path / "static"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "CELERY_BROKER_URL": "",
    }
    collected = run_manage("collectstatic", "--noinput", "--verbosity", "0", env=env)
    assert collected.returncode == 0, collected.stderr

    result = run_manage("shell", "-c", DEMO_REQUESTS, env=env)

    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout.strip().splitlines()[-1])
    assert answers["debug"] is False
    status, page = answers["missing"]
    # Not the https redirect of a live site: the demo is plain http on this machine.
    assert status == 404
    assert "<h1>Page not found</h1>" in page and "URLconf" not in page
    assert answers["style"] == [200, 'text/css; charset="utf-8"']  # WhiteNoise serves it
    assert answers["http_cookies"]  # a log-in over http keeps its session


def _setting(name: str, env: dict[str, str]):
    return run_manage(
        "shell", "-c", f"from django.conf import settings; print(repr(settings.{name}))", env=env
    )


def test_debug_is_off_unless_set():
    env = {key: value for key, value in PRODUCTION.items() if key != "DEBUG"}  # DEBUG unset
    result = _setting("DEBUG", env=env)
    assert result.stdout.strip().endswith("False"), result.stderr


def test_production_without_a_broker_refuses_to_start():
    env = {**PRODUCTION, "CELERY_BROKER_URL": ""}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "CELERY_BROKER_URL is not set" in result.stderr


def test_production_runs_tasks_in_process_only_when_asked_explicitly():
    env = {**PRODUCTION, "CELERY_BROKER_URL": "", "CELERY_TASK_ALWAYS_EAGER": "1"}
    result = _setting("CELERY_TASK_ALWAYS_EAGER", env=env)
    assert result.stdout.strip().endswith("True"), result.stderr


def test_one_proxy_setting_drives_the_security_middleware_the_throttles_and_axes():
    # Axes reads the address as the throttles do (config.client_address): tests/test_login_forms.
    code = (
        "from django.conf import settings; "
        "print(settings.SECURE_PROXY_SSL_HEADER, settings.REST_FRAMEWORK['NUM_PROXIES'])"
    )
    behind = run_manage("shell", "-c", code, env={**PRODUCTION, "BEHIND_PROXY": "1"})
    assert behind.stdout.strip().endswith("('HTTP_X_FORWARDED_PROTO', 'https') 1"), behind.stderr
    direct = run_manage("shell", "-c", code, env=PRODUCTION)
    assert direct.stdout.strip().endswith("None 0"), direct.stderr
    old = run_manage("check", env={**PRODUCTION, "API_NUM_PROXIES": "1"})
    assert old.returncode != 0 and "replaced by BEHIND_PROXY" in old.stderr


def test_database_connections_are_health_checked():
    result = _setting("DATABASES['default']['CONN_HEALTH_CHECKS']", env=PRODUCTION)
    assert result.stdout.strip().endswith("True"), result.stderr


@pytest.mark.parametrize("workers", ["0", "2"], ids=["one process", "xdist workers"])
def test_with_ci_true_the_suite_fails_when_postgresql_or_redis_cannot_be_reached(workers):
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION and k not in RUN_ONLY}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-n",
            workers,
            "tests/test_settings.py::test_debug_is_off_unless_set",
        ],
        cwd=REPO,
        env={
            **clean,
            "DEBUG": "1",
            "CI": "true",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:1/nothing",
            "CELERY_BROKER_URL": "redis://127.0.0.1:1/0",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 3, result.stdout + result.stderr
    assert "PostgreSQL at 127.0.0.1:1 does not answer" in result.stdout + result.stderr
    assert "Redis at redis://127.0.0.1:1/0 does not answer" in result.stdout + result.stderr


def test_a_django_log_line_is_written_once_with_debug_on_and_off():
    code = "import logging; logging.getLogger('django.request').warning('Forbidden: marker')"
    for env in ({"DEBUG": "1", "DATABASE_URL": "", "CELERY_BROKER_URL": ""}, PRODUCTION):
        result = run_manage("shell", "-c", code, env=env)
        assert result.stderr.count("Forbidden: marker") == 1, (env["DEBUG"], result.stderr)


def test_a_refused_request_reaches_the_console_once_without_its_traceback():
    code = (
        "from django.core.exceptions import PermissionDenied\n"
        "from django.http import HttpResponseForbidden\n"
        "from django.test import RequestFactory\n"
        "from django.utils.log import log_response\n"
        "try:\n"
        "    raise PermissionDenied('marker refusal')\n"
        "except PermissionDenied as error:\n"
        "    log_response('Forbidden (Permission denied): %s', '/marker/', "
        "response=HttpResponseForbidden(), request=RequestFactory().get('/marker/'), "
        "exception=error)\n"
    )
    for env in ({"DEBUG": "1", "DATABASE_URL": "", "CELERY_BROKER_URL": ""}, PRODUCTION):
        result = run_manage("shell", "-c", code, env=env)
        line = "Forbidden (Permission denied): /marker/ (user unknown)"
        assert result.stderr.count(line) == 1, (env["DEBUG"], result.stderr)
        assert "Traceback" not in result.stderr and "marker refusal" not in result.stderr


@pytest.mark.parametrize("value", ["0", "-1", "inf", "nan"])
@pytest.mark.parametrize(
    "name", ["INTAKE_CONNECT_TIMEOUT", "INTAKE_READ_TIMEOUT", "INTAKE_IN_REQUEST_FETCH_SECONDS"]
)
def test_a_fetch_time_out_that_is_not_a_positive_number_fails_loudly(name, value):
    # 0 or less failed every fetch with a ValueError; inf killed the fetch watchdog's timer
    # (an OverflowError in its thread) and left a trickling server unbounded.
    result = run_manage("check", env={"DEBUG": "1", name: value})
    assert result.returncode != 0
    assert f"{name} must be a positive number of seconds, got {value!r}" in result.stderr


@pytest.mark.parametrize("value", ["0", "inf"])
def test_in_process_retry_waits_that_are_not_a_positive_finite_number_fail_loudly(value):
    # Someone waits in the request for these: inf would hold it for ever.
    result = run_manage("check", env={"DEBUG": "1", "INTAKE_IN_PROCESS_RETRY_SECONDS": value})
    assert result.returncode != 0
    assert f"must be a positive number of seconds, got {value!r}" in result.stderr


@pytest.mark.parametrize("name", ["INTAKE_FEED_MAX_ENTRIES_PER_POLL", "INTAKE_FETCH_CONCURRENCY"])
def test_an_intake_count_below_one_fails_loudly(name):
    result = run_manage("check", env={"DEBUG": "1", name: "0"})
    assert result.returncode != 0
    assert f"{name} must be at least 1, got 0" in result.stderr


@pytest.mark.django_db
def test_a_desk_sign_in_lasts_a_working_day_not_two_weeks(client):
    from tests.factories import fact_checker

    user = fact_checker()
    response = client.post(
        "/accounts/login/", {"username": user.username, "password": "correct horse battery"}
    )
    assert response.status_code == 302
    assert int(response.cookies["sessionid"]["max-age"]) == 12 * 60 * 60


def test_the_session_length_is_a_setting_and_fails_loudly_when_malformed():
    show = "from django.conf import settings; print(settings.SESSION_COOKIE_AGE)"
    result = run_manage("shell", "-c", show, env={"DEBUG": "1", "SESSION_COOKIE_AGE": "3600"})
    assert result.stdout.strip().splitlines()[-1] == "3600", result.stderr
    result = run_manage("check", env={"DEBUG": "1", "SESSION_COOKIE_AGE": "8h"})
    assert result.returncode != 0
    assert "SESSION_COOKIE_AGE must be an integer, got '8h'" in result.stderr


@pytest.mark.parametrize("raw", ["²", "１", "four"])
def test_an_integer_setting_in_other_than_ascii_digits_fails_loudly(monkeypatch, raw):
    from django.core.exceptions import ImproperlyConfigured

    from config.settings import env_int

    monkeypatch.setenv("SOME_LIMIT", raw)
    with pytest.raises(ImproperlyConfigured, match=f"SOME_LIMIT must be an integer, got '{raw}'"):
        env_int("SOME_LIMIT", 5, minimum=1)


@pytest.mark.parametrize(("raw", "value"), [(" 4 ", 4), ("", 5), ("0", 0)])
def test_an_integer_setting_reads_padded_digits_and_falls_back_when_blank(monkeypatch, raw, value):
    from config.settings import env_int

    monkeypatch.setenv("SOME_LIMIT", raw)
    assert env_int("SOME_LIMIT", 5, minimum=0) == value


def test_an_integer_setting_below_its_minimum_fails_loudly(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from config.settings import env_int

    monkeypatch.setenv("SOME_LIMIT", "-1")
    with pytest.raises(ImproperlyConfigured, match="SOME_LIMIT must be at least 0, got -1"):
        env_int("SOME_LIMIT", 5, minimum=0)


@pytest.mark.parametrize("raw", ["²/min", "１/min", "-1/min", "/min"])
def test_a_throttle_rate_whose_count_is_not_ascii_digits_fails_loudly(monkeypatch, raw):
    from django.core.exceptions import ImproperlyConfigured

    from config.settings import env_rate

    monkeypatch.setenv("API_THROTTLE_ANONYMOUS", raw)
    with pytest.raises(ImproperlyConfigured, match="API_THROTTLE_ANONYMOUS must look like 30/min"):
        env_rate("API_THROTTLE_ANONYMOUS", "30/min")


LOGIN_PAGE_STATUS = """
from django.test import Client
client = Client(headers={"host": "localhost:8000"}, raise_request_exception=False)
print(client.get("/accounts/login/").status_code)
"""


def test_with_debug_off_the_pages_need_the_collectstatic_the_readme_s_production_steps_give(
    tmp_path,
):
    production = (REPO / "README.md").read_text().split("Production fails closed", 1)[1]
    assert "`python manage.py collectstatic --noinput` before starting the server" in production
    env = _make_run_server_environment() | {
        "SECRET_KEY": PRODUCTION["SECRET_KEY"],
        "STATIC_ROOT": str(tmp_path / "static"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "CELERY_BROKER_URL": "",
    }
    # As the README says: a page names its files by collectstatic's manifest, none yet (the
    # 500 page too, so the failure reaches the server, which answers its own error).
    before = run_manage("shell", "-c", LOGIN_PAGE_STATUS, env=env)
    assert before.returncode != 0
    assert "Missing staticfiles manifest entry for 'factcheck/app.css'" in before.stderr
    collected = run_manage("collectstatic", "--noinput", "--verbosity", "0", env=env)
    assert collected.returncode == 0, collected.stderr
    after = run_manage("shell", "-c", LOGIN_PAGE_STATUS, env=env)
    assert after.stdout.strip().splitlines()[-1] == "200", after.stderr
