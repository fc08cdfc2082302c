"""What each ordering of the verdict list costs a page, on api_verdicts.py's data set.

`modified_at` is stored on the verdict (claims.modified keeps it: the latest of its publication,
its latest correction and its ClaimReview's appearances) and indexed over published verdicts
(verdict_modified_idx), so `ordering=modified_at` reads a page off the index; until migration
0026 it was computed per verdict and every published verdict the filters left was read to sort
it. This prints a page's time for each ordering, without and with `updated_since`, and the plan
of the `modified_at` page.

    .venv/bin/python bench/api_orderings.py                 # fill if needed, then measure
    .venv/bin/python bench/api_orderings.py --runs 20

Needs PostgreSQL (default postgres://postgres@127.0.0.1:5432/factcheck_bench, the database
api_verdicts.py fills: 100,000 claims, 20,000 published verdicts, by COPY in about 15 s). It
times Django's test client in this process (no gunicorn, no wrk), the list cache off, no key
(anonymous throttle lifted).
"""

import argparse
import os
import platform
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from api_verdicts import ensure_database, fill  # noqa: E402 (bench/ is on the path from here)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/factcheck_bench"
    )
    parser.add_argument("--runs", type=int, default=10, help="timed requests per ordering")
    return parser.parse_args()


def main():
    args = parse_args()
    os.environ.update(
        DATABASE_URL=args.database_url,
        DJANGO_SETTINGS_MODULE="config.settings",
        LOG_LEVEL="WARNING",
        DEBUG="1",
        API_LIST_CACHE_SECONDS="0",
        API_THROTTLE_ANONYMOUS="1000000/min",
    )
    ensure_database(args.database_url, drop=False)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from rest_framework.test import APIClient

    from claims.models import Verdict
    from claims.selectors.public import with_modified_at

    call_command("migrate", verbosity=0)
    fill(100_000, 20_000)
    published = Verdict.objects.published()
    latest = published.order_by("-published_at").values_list("published_at", flat=True).first()
    week_before = (latest - timedelta(days=7)).isoformat()
    cases = [
        ("-published_at (default)", {}),
        ("modified_at", {"ordering": "modified_at"}),
        ("-modified_at", {"ordering": "-modified_at"}),
        (
            "modified_at, updated_since a week",
            {"ordering": "modified_at", "updated_since": week_before},
        ),
    ]
    client = APIClient()
    print(f"{published.count():,} published verdicts; {platform.processor() or platform.machine()}")
    print(f"{'ordering':38} {'p50 ms':>8} {'max ms':>8}")
    for label, query in cases:
        times = []
        for _ in range(args.runs + 1):  # the first is a warm-up
            started = time.perf_counter()
            response = client.get("/api/v1/verdicts/", query, HTTP_HOST="127.0.0.1")
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.content[:300]
        print(f"{label:38} {statistics.median(times[1:]):8.1f} {max(times[1:]):8.1f}")

    page = with_modified_at(published).order_by("modified_at", "id").values("id")[:21]
    sql, params = page.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN ANALYZE " + sql, params)
        plan = [row[0] for row in cursor.fetchall()]
    print("\nThe modified_at page's plan (top):")
    print("\n".join(plan[:6]))
    print(plan[-1])
    print(f"\nRerun: .venv/bin/python bench/api_orderings.py --runs {args.runs}")


if __name__ == "__main__":
    main()
