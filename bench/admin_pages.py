"""SQL queries and server time of the Django admin's changelists that grow with the desk (and
of the desk's own list of imported fact-checks, /intake/fact-checks/).

    .venv/bin/python bench/admin_pages.py --database-url postgres://postgres@127.0.0.1:5432/DB
    .venv/bin/python bench/admin_pages.py --runs 15 --only claims --explain

The same database and data as bench/desk_pages.py (bench/desk_data.fill, filled once when the
database has no claims; --claims, --refill), plus intake jobs and imported fact-checks (--jobs,
--factchecks, each added once when there are none). Each changelist is requested through
Django's test client as a superuser, DEBUG off, once to warm up and then --runs times; it
prints the queries of one request, the median and p95 of the request's time, Django's CPU
time, the time spent waiting on the queries and the slowest query (--explain shows its plan).
Times move with the machine's load: compare rows of one run.
"""

import hashlib
import os
import platform
import random
import sys
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from desk_pages import bench_parser, django_setup, explain, measure  # noqa: E402 (bench/ is on the path)

PAGES = [
    ("claims", "/admin/claims/claim/"),
    ("claims, past 7 days", "/admin/claims/claim/?{past_week}"),
    ("claims, page 100", "/admin/claims/claim/?p=100"),
    ("claims, status new", "/admin/claims/claim/?status__exact=new"),
    ("claims, search", "/admin/claims/claim/?q=inflation"),
    ("claims, search two words", "/admin/claims/claim/?q=Okafor+inflation"),
    ("claims, search a speaker", "/admin/claims/claim/?q=Okafor"),
    ("articles", "/admin/articles/article/"),
    ("articles, analysis done", "/admin/articles/article/?analysis_status__exact=done"),
    ("sentences", "/admin/claims/sentence/"),
    ("claim events (timeline)", "/admin/claims/claimevent/"),
    ("verdicts", "/admin/claims/verdict/"),
    ("verdicts, search", "/admin/claims/verdict/?q=inflation"),
    ("evidence sources", "/admin/claims/evidencesource/"),
    ("speakers", "/admin/claims/speaker/"),
    ("intake jobs", "/admin/articles/intakejob/"),
    ("intake jobs, failed", "/admin/articles/intakejob/?status__exact=failed"),
    ("intake jobs, search", "/admin/articles/intakejob/?q=news.example%2F1234"),
    ("imported fact-checks", "/admin/articles/externalfactcheck/"),
    (
        "imported fact-checks, publisher",
        "/admin/articles/externalfactcheck/?publisher_name=Check+7",
    ),
    ("imported fact-checks, language", "/admin/articles/externalfactcheck/?language=de"),
    ("imported fact-checks, search", "/admin/articles/externalfactcheck/?q=unemployment"),
    ("imported fact-checks, search a claimant", "/admin/articles/externalfactcheck/?q=Speaker+17"),
    # Two searches that find a few old rows (the bench's texts share their words, so the two
    # above find every row): the first imported ones, outside a window of the newest.
    (
        "imported fact-checks, search an old claim",
        "/admin/articles/externalfactcheck/?q=%22Claim+1234%3A%22",
    ),
    (
        "imported fact-checks, search an old address",
        "/admin/articles/externalfactcheck/?q=check17.example%2F17",
    ),
    # Not the admin: the desk's own list of them (articles/intake/views.py), whose search
    # counts its matches up to a cap. "the" and "unemployment" are in every bench claim.
    ("intake fact-checks page", "/intake/fact-checks/"),
    ("intake fact-checks page, search the", "/intake/fact-checks/?q=the"),
    ("intake fact-checks page, search unemployment", "/intake/fact-checks/?q=unemployment"),
    ("intake fact-checks page, search an old claim", "/intake/fact-checks/?q=Claim+1234%3A"),
]


def parse_args():
    parser = bench_parser(__doc__)
    parser.add_argument("--jobs", type=int, default=50_000, help="intake jobs added once")
    parser.add_argument(
        "--factchecks", type=int, default=50_000, help="imported fact-checks added once"
    )
    return parser.parse_args()


def jobs_fill(count: int) -> None:
    """URL intake jobs, a tenth failed, the rest stored with their article; as the form, the
    API, feeds and imports leave them."""
    from articles.models import Article, IntakeJob, IntakeStatus

    if IntakeJob.objects.exists() or count < 1:
        return
    articles = list(Article.objects.order_by("pk").values_list("pk", flat=True)[:count])
    rows = []
    for n in range(count):
        failed = n % 10 == 0 or not articles
        rows.append(
            IntakeJob(
                url=f"https://news.example/{n}",
                status=IntakeStatus.FAILED if failed else IntakeStatus.STORED,
                reason="The page answered 404." if failed else "",
                article_id=None if failed else articles[n % len(articles)],
                attempts=1,
            )
        )
    IntakeJob.objects.bulk_create(rows, batch_size=5000)
    print(f"Added {count:,} intake jobs")


def factchecks_fill(count: int) -> None:
    """Other fact-checkers' ClaimReviews as an import leaves them: a few hundred publishers, a
    few take most of them, a dozen languages, the ClaimReview kept as it came."""
    from articles.models import ExternalFactCheck

    if ExternalFactCheck.objects.exists() or count < 1:
        return
    rng = random.Random(20261203)
    languages = ["en", "en", "en", "es", "fr", "de", "pt", "it", "hi", "ar", "id", "tr"]
    rows = []
    for n in range(count):
        publisher = f"Check {min(int(rng.paretovariate(1.2)), 300)}"
        url = f"https://check{n % 997}.example/{n}"
        claim = f"Claim {n}: the unemployment rate doubled in {rng.randint(1990, 2026)}."
        rows.append(
            ExternalFactCheck(
                claim_reviewed=claim,
                claimant=f"Speaker {rng.randint(1, 5000)}",
                rating_text=rng.choice(["False", "Mostly false", "Half true", "True"]),
                publisher_name=publisher,
                url=url,
                review_date=None if n % 50 == 0 else _day(rng),
                language=rng.choice(languages),
                identity=hashlib.sha256(f"{url}\n{claim}".encode()).hexdigest(),
                raw={"@type": "ClaimReview", "url": url, "claimReviewed": claim, "n": "x" * 400},
            )
        )
    ExternalFactCheck.objects.bulk_create(rows, batch_size=5000)
    print(f"Added {count:,} imported fact-checks")


def _day(rng):
    from django.utils import timezone

    return timezone.localdate() - timedelta(days=rng.randint(0, 10 * 365))


def past_week() -> str:
    """The claims' date filter at "Past 7 days", as the sidebar links it."""
    from urllib.parse import urlencode

    from django.utils import timezone

    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return urlencode(
        {
            "created_at__gte": str(today - timedelta(days=7)),
            "created_at__lt": str(today + timedelta(days=1)),
        }
    )


def main():
    args = parse_args()
    django_setup(database_url=args.database_url, refill=args.refill, claims=args.claims)
    jobs_fill(args.jobs)
    factchecks_fill(args.factchecks)
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from articles.models import Article, ExternalFactCheck, IntakeJob
    from claims.models import Claim, Verdict

    admin, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(admin)
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    sizes = ", ".join(
        f"{model.objects.count():,} {model._meta.verbose_name_plural}"
        for model in (Claim, Article, Verdict, IntakeJob, ExternalFactCheck)
    )
    print(
        f"{sizes} in {connection.settings_dict['NAME']}; CPU {cpu}, {os.cpu_count()} cores, "
        f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}; {args.runs} timed runs\n"
    )
    print(
        "| changelist | queries | median ms | p95 ms | Django CPU ms | SQL ms | slowest query ms |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, url in PAGES:
        if args.only and args.only not in name:
            continue
        timing = measure(client, url.format(past_week=past_week()), {}, args.runs)
        slowest = max(timing.captured, key=lambda q: float(q["time"]), default=None)
        slowest_ms = float(slowest["time"]) * 1000 if slowest else 0
        print(
            f"| {name} | {timing.queries} | {timing.median_ms:.1f} | {timing.p95_ms:.1f} | "
            f"{timing.cpu_ms:.1f} | {timing.sql_ms:.1f} | {slowest_ms:.1f} |",
            flush=True,
        )
        if args.show_sql:
            for query in timing.captured:
                print(f"    {float(query['time']) * 1000:7.1f} ms  {query['sql'][:300]}")
        if args.explain and slowest:
            print(explain(slowest["sql"]))
    print(
        "\nRerun: .venv/bin/python bench/admin_pages.py "
        f"--database-url {args.database_url} --runs {args.runs}"
    )


if __name__ == "__main__":
    main()
