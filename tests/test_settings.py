import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "test-only-9fQ!zP2wL#xV8mR$kN5bJ&hG7cD*sA4eY(uI1oT)qW6rE0",
    "ALLOWED_HOSTS": "factcheck.example.org",
    "DATABASE_URL": "postgres://factcheck@db.example.org:5432/factcheck",
}


def run_manage(*args: str, env: dict[str, str]):
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION and k != "SECRET_KEY"}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env={**clean, **env},
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
        env={"DATABASE_URL": "", "CELERY_BROKER_URL": ""},
    )
    assert result.stdout.strip().endswith("django.db.backends.sqlite3 True"), result.stderr
