"""SQL queries and server time of the desk's and the public's main pages at newsroom volume.

    .venv/bin/python bench/desk_pages.py                       # fill once (about 50,000 claims)
    .venv/bin/python bench/desk_pages.py --runs 15 --only queue
    .venv/bin/python bench/desk_pages.py --claims 5000 --refill --database-url postgres://...

Fills a separate PostgreSQL database (default factcheck_bench_desk, created if missing; later
runs reuse it) with bench/desk_data.fill: --claims claims over claims/10 articles, 2,000
speakers, every claim and verdict state, repeat groups, events and notes. Then it requests each
page in this process through Django's test client (the whole middleware stack, templates
rendered, no network and no server in between), logged in as a fact-checker or an editor, with
DEBUG off, the API's list cache off (API_LIST_CACHE_SECONDS=0) and the throttles out of the way.
Each page is requested once to warm up, then --runs times; it prints the SQL queries of one
request, the median and p95 of the time the request took (Django's work and PostgreSQL's), the
median CPU time of this process (Django's own work: less sensitive to a busy machine than the
wall time), the median time spent waiting on the queries, and the slowest query of the first
timed run. Times move with the machine's load: compare rows of one run, or runs taken back to
back.
"""

import argparse
import os
import re
import secrets
import statistics
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from api_verdicts import ensure_database  # noqa: E402 (bench/ is on the path from here)


def bench_parser(doc: str, *, pages: bool = True) -> argparse.ArgumentParser:
    """The options every desk benchmark shares (this one, admin_pages.py, sitemap_section.py);
    `pages` adds those of a benchmark that walks a list of pages."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/factcheck_bench_desk"
    )
    parser.add_argument("--claims", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=9, help="timed requests per page")
    if pages:
        parser.add_argument("--refill", action="store_true", help="drop and rebuild the data")
        parser.add_argument("--only", default="", help="pages whose name contains this")
        parser.add_argument("--show-sql", action="store_true", help="print every query of a page")
        parser.add_argument(
            "--explain", action="store_true", help="EXPLAIN ANALYZE each page's slowest query"
        )
    return parser


def parse_args():
    parser = bench_parser(__doc__)
    parser.add_argument(
        "--profile", action="store_true", help="cProfile one request of each page (top 25)"
    )
    return parser.parse_args()


OPENAPI_JSON = "application/vnd.oai.openapi+json"


def pages() -> list[tuple[str, str, str, dict]]:
    """(name, who asks: checker, editor, anonymous or api, URL, headers), on the filled data."""
    from django.db.models import Count

    from claims.models import Claim, ClaimEvent, ClaimGroup, Speaker, Verdict

    published = Verdict.objects.published()
    corrected = published.filter(corrections__isnull=False).order_by("-published_at").first()
    latest = published.order_by("-published_at").first()
    # The claim page at its heaviest: a published claim in the biggest group, with a note.
    group = ClaimGroup.objects.annotate(size=Count("claims")).order_by("-size", "pk").first()
    in_group = (
        group.claims.filter(verdict__isnull=False).order_by("pk").first() or group.claims.first()
    )
    new_claim = Claim.objects.filter(status="new", match_suggestions__isnull=False).first()
    busiest_history = (
        ClaimEvent.objects.values("claim").annotate(n=Count("id")).order_by("-n", "claim").first()
    )
    speaker = Speaker.objects.annotate(n=Count("claims")).order_by("-n", "pk").first()
    article = Claim.objects.order_by("pk").first().article
    return [
        ("queue", "checker", "/claims/", {}),
        ("queue, page 40", "checker", "/claims/?page=40", {}),
        ("queue, any status + speaker", "checker", "/claims/?status=all&speaker=Smith", {}),
        ("queue, search", "checker", "/claims/?q=inflation", {}),
        ("queue, newest article", "checker", "/claims/?sort=newest_article", {}),
        ("queue, oldest, mine", "checker", "/claims/?sort=oldest_detected&assignee=mine", {}),
        ("queue, repeats checked", "checker", "/claims/?repeats=checked", {}),
        ("claim detail (group, verdict)", "editor", f"/claims/{in_group.pk}/", {}),
        ("claim detail (new, suggested)", "checker", f"/claims/{new_claim.pk}/", {}),
        ("claim history", "editor", f"/claims/{busiest_history['claim']}/history/", {}),
        ("group history", "editor", f"/canonical-claims/{group.pk}/", {}),
        ("speaker index", "editor", "/speakers/", {}),
        ("speaker detail (busiest)", "editor", f"/speakers/{speaker.slug}/", {}),
        ("speaker detail (busiest), page 2", "editor", f"/speakers/{speaker.slug}/?page=2", {}),
        ("review queue", "editor", "/review/", {}),
        ("desk history", "editor", "/history/", {}),
        ("dashboard", "editor", "/dashboard/", {}),
        ("article list", "checker", "/articles/", {}),
        ("article detail", "checker", f"/articles/{article.pk}/", {}),
        ("public index", "anonymous", "/fact-checks/", {}),
        ("public index, search", "anonymous", "/fact-checks/?q=unemployment", {}),
        ("public index, rating", "anonymous", "/fact-checks/?rating=false", {}),
        ("public fact-check (corrected)", "anonymous", f"/fact-checks/{corrected.pk}/", {}),
        ("public feed", "anonymous", "/fact-checks/feed/", {}),
        ("sitemap section", "anonymous", "/sitemap-fact-checks.xml", {}),
        ("API verdicts list", "api", "/api/v1/verdicts/", {}),
        ("API verdicts, full-text q", "api", "/api/v1/verdicts/?q=inflation", {}),
        ("API one verdict", "api", f"/api/v1/verdicts/{latest.pk}/", {}),
        ("API ClaimReview", "api", f"/api/v1/verdicts/{corrected.pk}/claimreview/", {}),
        ("API claims (desk key)", "api", "/api/v1/claims/", {}),
        ("API one claim (desk key)", "api", f"/api/v1/claims/{in_group.pk}/", {}),
        ("API speakers", "api", "/api/v1/speakers/", {}),
        ("API one article (desk key)", "api", f"/api/v1/articles/{article.pk}/", {}),
        ("API docs page", "anonymous", "/api/docs/", {}),
        ("API schema, YAML", "anonymous", "/api/schema/", {}),
        ("API schema, JSON", "anonymous", "/api/schema/", {"HTTP_ACCEPT": OPENAPI_JSON}),
    ]


def measure(client, url: str, headers: dict, runs: int):
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    response = client.get(url, **headers)  # warm-up: templates compiled, caches filled
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    times, cpu, sql, captured = [], [], [], None
    for _ in range(runs):
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(url, **headers)
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        sql.append(sum(float(query["time"]) for query in queries.captured_queries) * 1000)
        if captured is None:
            captured = list(queries.captured_queries)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return Timing(
        queries=len(captured),
        median_ms=statistics.median(times),
        p95_ms=p95,
        cpu_ms=statistics.median(cpu),
        sql_ms=statistics.median(sql),
        captured=captured,
    )


@dataclass
class Timing:
    queries: int
    median_ms: float  # wall time of the request, in this process and PostgreSQL's
    p95_ms: float
    cpu_ms: float  # this process's CPU time: Django's own work, less sensitive to a busy machine
    sql_ms: float  # the queries' time as the client waited for them
    captured: list


def profile(client, url: str, headers: dict) -> None:
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    response = client.get(url, **headers)
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


def explain(sql: str) -> str:
    from django.db import connection

    # A query read through .iterator() is captured as the cursor's DECLARE.
    sql = re.sub(r"^DECLARE .*? CURSOR WITH HOLD FOR ", "", sql)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        plan = "\n".join("      " + row[0] for row in cursor.fetchall())
    return f"    {sql[:400]}\n{plan}"


def django_setup(*, database_url: str, refill: bool, claims: int) -> None:
    """Django on the bench database, DEBUG off, migrated and filled (once)."""
    warnings.filterwarnings("ignore", message="No directory at")  # whitenoise, no collectstatic
    os.environ.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        CELERY_BROKER_URL="memory://",
        CELERY_TASK_ALWAYS_EAGER="1",
        API_LIST_CACHE_SECONDS="0",  # measure the list itself, not the cache in front of it
        API_THROTTLE_ANONYMOUS="1000000/min",
        API_THROTTLE_TOKEN="1000000/min",  # noqa: S106 (a rate, not a password)
        LOG_LEVEL="WARNING",
    )
    os.environ.pop("REDIS_URL", None)  # process-local cache: nothing shared with the desk
    ensure_database(database_url, drop=refill)

    import django

    django.setup()
    from django.conf import settings

    # DEBUG off reads static names from collectstatic's manifest, which a checkout lacks; the
    # plain storage only skips the hash in each static URL.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from desk_data import fill
    from django.core.management import call_command

    from claims.models import Claim

    call_command("migrate", verbosity=0)
    if not Claim.objects.exists():
        counts = fill(claims=claims)
        print("Filled: " + ", ".join(f"{key} {value:,}" for key, value in counts.items()))


def main():
    args = parse_args()
    django_setup(database_url=args.database_url, refill=args.refill, claims=args.claims)
    from django.contrib.auth import get_user_model
    from django.test import Client

    from claims.api.auth import token_create
    from claims.models import Claim

    users = get_user_model().objects
    clients = {"anonymous": Client()}
    for who, name in (("checker", "bench-checker-0"), ("editor", "bench-editor-0")):
        clients[who] = Client()
        clients[who].force_login(users.get(username=name))
    clients["api"] = Client()
    _, key = token_create(
        name="Desk bench", user=users.get(username="bench-editor-0"), can_read_unpublished=True
    )
    api_headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}

    import platform

    from django.db import connection

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    print(
        f"{Claim.objects.count():,} claims in {connection.settings_dict['NAME']}; "
        f"CPU {cpu}, {os.cpu_count()} cores, load average "
        f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}; {args.runs} timed runs a page\n"
    )
    print("| page | queries | median ms | p95 ms | Django CPU ms | SQL ms | slowest query ms |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, who, url, headers in pages():
        if args.only and args.only not in name:
            continue
        headers = {**headers, **(api_headers if who == "api" else {})}
        timing = measure(clients[who], url, headers, args.runs)
        captured = timing.captured
        slowest = max(captured, key=lambda q: float(q["time"]), default=None)
        slowest_ms = float(slowest["time"]) * 1000 if slowest else 0
        print(
            f"| {name} | {timing.queries} | {timing.median_ms:.1f} | {timing.p95_ms:.1f} | "
            f"{timing.cpu_ms:.1f} | {timing.sql_ms:.1f} | {slowest_ms:.1f} |",
            flush=True,
        )
        if args.show_sql:
            for query in captured:
                print(f"    {float(query['time']) * 1000:7.1f} ms  {query['sql'][:300]}")
        if args.profile:
            profile(clients[who], url, headers)
        if args.explain and slowest:
            print(explain(slowest["sql"]))
    print(
        "\nRerun: .venv/bin/python bench/desk_pages.py "
        f"--database-url {args.database_url} --runs {args.runs}"
    )


if __name__ == "__main__":
    main()
