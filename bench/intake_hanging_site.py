"""How long a person waits on a site that hangs: a URL submitted with tasks run in-process (the
zero-config default, CELERY_TASK_ALWAYS_EAGER) and a feed's check at subscribing.

    .venv/bin/python bench/intake_hanging_site.py
    .venv/bin/python bench/intake_hanging_site.py --database-url postgres://postgres@127.0.0.1:5432/DB

A server on 127.0.0.1 accepts every connection and never answers (robots.txt is the first thing
asked for, so it is what hangs). The submission goes through intake_job_submit in autocommit, so
its fetch task runs at once in this process, as inside the form's request; the feed through
feed_url_check, as the feeds page, the admin and add_feed call it. The desk's settings are the
defaults (INTAKE_CONNECT_TIMEOUT 5, INTAKE_READ_TIMEOUT 15, INTAKE_IN_REQUEST_FETCH_SECONDS 10)
unless the environment sets them. Prints each wait, the job's attempts and the reasons.
"""

import argparse
import os
import platform
import socket
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from api_verdicts import ensure_database  # noqa: E402 (bench/ is on the path)


def hanging_server() -> str:
    listener = socket.create_server(("127.0.0.1", 0))
    held = []  # the connections, kept open and unanswered

    def accept():
        while True:
            connection, _ = listener.accept()
            held.append(connection)

    threading.Thread(target=accept, daemon=True).start()
    return f"http://127.0.0.1:{listener.getsockname()[1]}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/factcheck_bench_hanging"
    )
    args = parser.parse_args()
    ensure_database(args.database_url, drop=False)
    os.environ.update(
        DATABASE_URL=args.database_url,
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="1",
        CELERY_BROKER_URL="",  # no broker: tasks run in-process
        INTAKE_ALLOW_PRIVATE_NETWORKS="1",  # the hanging server is on loopback
        LOG_LEVEL="WARNING",
    )
    os.environ.pop("CELERY_TASK_ALWAYS_EAGER", None)
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.conf import settings
    from django.core.exceptions import ValidationError
    from django.core.management import call_command

    from articles.intake.feeds import feed_url_check
    from articles.intake.jobs import intake_job_submit

    call_command("migrate", verbosity=0)
    base = hanging_server()
    print(
        f"CPU {platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
        f"eager {settings.CELERY_TASK_ALWAYS_EAGER}, "
        f"connect {settings.INTAKE_CONNECT_TIMEOUT:g} s, read {settings.INTAKE_READ_TIMEOUT:g} s, "
        "in-request "
        f"{getattr(settings, 'INTAKE_IN_REQUEST_FETCH_SECONDS', 'unset')}"
    )
    started = time.monotonic()
    job = intake_job_submit(url=f"{base}/news/{time.time_ns()}")
    job.refresh_from_db()
    print(
        f"URL submitted: {time.monotonic() - started:.1f} s, {job.get_status_display()}, "
        f"{job.attempts} attempt(s): {job.reason}"
    )
    started = time.monotonic()
    try:
        feed_url_check(f"{base}/feed.xml")
    except ValidationError as error:
        print(f"Feed checked: {time.monotonic() - started:.1f} s: {error.messages[0]}")
    rerun = ".venv/bin/python bench/intake_hanging_site.py --database-url "
    print(f"\nRerun: {rerun}{args.database_url}")


if __name__ == "__main__":
    main()
