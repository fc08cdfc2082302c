"""Throughput and latency of the verdicts API at scale: PostgreSQL, gunicorn, wrk.

Fills a separate PostgreSQL database with 100,000 claims and 20,000 published verdicts (once;
later runs reuse it), serves the project with gunicorn (2 sync workers) on loopback, and drives
the main endpoints with wrk, printing p50/p95/p99 latency and requests per second for each.

    .venv/bin/python bench/api_verdicts.py                      # fill if needed, then measure
    .venv/bin/python bench/api_verdicts.py --duration 5 --connections 4
    .venv/bin/python bench/api_verdicts.py --refill             # rebuild the data set

Needs PostgreSQL (default postgres://postgres@127.0.0.1:5432/factcheck_bench, created if
missing), Redis for the throttle counters (default redis://127.0.0.1:6379/12) and wrk
(`apt-get install -y wrk`). Target: p95 < 50 ms and >= 300 requests/s on the filtered list.

The search endpoint reads the matcher of published claims, so the script embeds the published
claims that lack a vector (the first run only; the vectors stay in the database) and writes
their index snapshot to a folder of its own (SEARCH_INDEX_DIR), never the desk's.
"""

import argparse
import hashlib
import os
import random
import re
import secrets
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
# The bench database's snapshot: written over the desk's var/matching, it would serve the bench's
# vectors there.
SEARCH_INDEX_DIR = REPO / "var" / "bench-matching"

TOPICS = [
    "the city budget",
    "unemployment",
    "violent crime",
    "inflation",
    "hospital waiting times",
    "the housing shortage",
    "fuel prices",
    "school funding",
    "the trade deficit",
    "carbon emissions",
    "police numbers",
    "rail ticket prices",
    "child poverty",
    "the minimum wage",
    "military spending",
]
VERBS = ["grew", "fell", "doubled", "rose", "dropped", "climbed", "shrank"]
LANGUAGES = ["en"] * 8 + ["fr", "de"]
FIRST = ["Anna", "Ben", "Carla", "David", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jonas"]
LAST = ["Smith", "Okafor", "Novak", "Garcia", "Larsen", "Rossi", "Kim", "Dubois", "Weber", "Ali"]

ARTICLES_PER_CLAIMS = 10  # claims per article
LUA = """
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout
  io.write(string.format("RESULT %d %d %.3f %.3f %.3f %d %d\\n", summary.requests,
    summary.duration, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, summary.errors.status, errors))
end
"""


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/factcheck_bench"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/12")
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--verdicts", type=int, default=20_000)
    parser.add_argument("--duration", type=int, default=8, help="seconds per endpoint")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--refill", action="store_true", help="drop and rebuild the data")
    return parser.parse_args()


def ensure_database(url: str, *, drop: bool) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if exists and drop:
            connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def sentence(rng: random.Random, speaker_name: str | None) -> str:
    subject = speaker_name or "The report"
    return (
        f"{subject} said {rng.choice(TOPICS)} {rng.choice(VERBS)} by "
        f"{rng.randint(2, 90)} percent in {rng.randint(2015, 2026)}."
    )


def fill(claims_wanted: int, verdicts_wanted: int) -> None:
    """Write the data set with COPY (the ORM would take minutes for 100,000 claims)."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from articles.models import Outlet
    from claims.models import Claim, Rating, Speaker, Verdict
    from claims.nlp.attribution import speaker_key

    if Claim.objects.count() >= claims_wanted and (
        Verdict.objects.published().count() >= verdicts_wanted
    ):
        print(f"Reusing the data set in {connection.settings_dict['NAME']}.")
        return
    if Claim.objects.exists():
        sys.exit("The benchmark database holds a different data set: rerun with --refill.")

    started = time.perf_counter()
    rng = random.Random(20261124)  # noqa: S311
    now = datetime.now(UTC)
    user_model = get_user_model()
    author = user_model.objects.create_user("bench-author", is_staff=True)
    editor = user_model.objects.create_user("bench-editor", is_staff=True)
    ratings = list(Rating.objects.filter(scale__is_active=True).values_list("pk", flat=True))
    outlets = Outlet.objects.bulk_create(
        [Outlet(name=f"Outlet {n}", domain=f"outlet{n}.example") for n in range(40)]
    )
    names = sorted({f"{first} {last}" for first in FIRST for last in LAST})
    speakers = Speaker.objects.bulk_create(
        [Speaker(name=name, slug=re.sub(r"\W+", "-", name.lower())) for name in names]
    )
    raw = connection.connection
    with raw.cursor() as cursor:
        with cursor.copy("COPY claims_speakeralias (speaker_id, alias, key) FROM STDIN") as copy:
            for speaker in speakers:
                copy.write_row((speaker.pk, speaker.name, speaker_key(speaker.name)))

        article_count = claims_wanted // ARTICLES_PER_CLAIMS
        published_claims = set(rng.sample(range(1, claims_wanted + 1), verdicts_wanted))
        claim_rows, article_rows = [], []
        claim_id = 0
        for article_id in range(1, article_count + 1):
            texts, speakers_of = [], []
            for _ in range(ARTICLES_PER_CLAIMS):
                speaker = rng.choice(speakers) if rng.random() < 0.8 else None
                texts.append(sentence(rng, speaker.name if speaker else None))
                speakers_of.append(speaker)
            body = " ".join(texts) + f" Article {article_id} ends here."
            published_at = now - timedelta(days=rng.uniform(0, 3 * 365))
            article_rows.append(
                (
                    article_id,
                    f"Bench article {article_id}",
                    rng.choice(outlets).pk,
                    "",
                    f"https://news.example/{article_id}",
                    published_at,
                    rng.choice(LANGUAGES),
                    body,
                    hashlib.sha256(body.encode()).hexdigest(),
                    "import",
                    "done",
                    "",
                    "bench",
                    now,
                    now,
                )
            )
            offset = 0
            for text, speaker in zip(texts, speakers_of, strict=True):
                claim_id += 1
                status = (
                    "published"
                    if claim_id in published_claims
                    else rng.choice(["new", "new", "in_progress", "dismissed"])
                )
                claim_rows.append(
                    (
                        claim_id,
                        article_id,
                        offset,
                        offset + len(text),
                        text,
                        speaker.pk if speaker else None,
                        round(rng.random(), 3),
                        status,
                        published_at,
                    )
                )
                offset += len(text) + 1
        with cursor.copy(
            "COPY articles_article (id, title, outlet_id, byline, url, published_at, language, "
            "body, content_hash, source_kind, analysis_status, analysis_error, "
            "analysis_model_version, created_at, updated_at, analysis_problem, "
            "analysis_task_id) FROM STDIN"
        ) as copy:
            for row in article_rows:
                copy.write_row((*row, "", ""))
        with cursor.copy(
            'COPY claims_claim (id, article_id, start, "end", text, speaker_id, '
            "check_worthiness, status, created_at, updated_at, attribution_cue, "
            "is_direct_quote, model_version, origin, priority, dismissal_reason, "
            "edited_by_reviewer, group_link) FROM STDIN"
        ) as copy:
            for cid, aid, start, end, text, sid, score, status, created in claim_rows:
                copy.write_row(
                    (
                        cid,
                        aid,
                        start,
                        end,
                        text,
                        sid,
                        score,
                        status,
                        created,
                        created,
                        "",
                        False,
                        "bench",
                        "model",
                        0,
                        "",
                        False,
                        "",
                    )
                )
        # The evidence guard (migrations 0014/0019) refuses sources for a published verdict, so
        # the verdicts go in as submitted, get their sources, and are published afterwards, as
        # the desk's own workflow orders it.
        with cursor.copy(
            "COPY claims_verdict (id, claim_id, rating_id, conclusion, explanation, author_id, "
            "editor_id, status, review_comment, submitted_at, published_at, version, "
            "created_at, updated_at) FROM STDIN"
        ) as copy:
            for verdict_id, claim in enumerate(sorted(published_claims), start=1):
                published = claim_rows[claim - 1][8] + timedelta(days=rng.uniform(0.5, 20))
                published = min(published, now)
                copy.write_row(
                    (
                        verdict_id,
                        claim,
                        rng.choice(ratings),
                        "The figure is wrong.",
                        "Official statistics show otherwise.",
                        author.pk,
                        editor.pk,
                        "submitted",
                        "",
                        published,
                        None,
                        1,
                        published,
                        published,
                    )
                )
        with cursor.copy(
            "COPY claims_evidencesource (verdict_id, url, title, note, accessed_on) FROM STDIN"
        ) as copy:
            for verdict_id in range(1, verdicts_wanted + 1):
                copy.write_row(
                    (
                        verdict_id,
                        f"https://stats.example/{verdict_id}",
                        "Statistics",
                        "",
                        now.date(),
                    )
                )
        cursor.execute(
            "UPDATE claims_verdict SET status = 'published', published_at = submitted_at, "
            "modified_at = submitted_at"
        )
        for table in ("articles_article", "claims_claim", "claims_verdict"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"(SELECT max(id) FROM {table}))"
            )
    raw.commit()
    with raw.cursor() as cursor:
        cursor.execute("ANALYZE")
    raw.commit()
    print(
        f"Filled {claims_wanted:,} claims, {verdicts_wanted:,} published verdicts, "
        f"{article_count:,} articles in {time.perf_counter() - started:.0f} s."
    )


def ensure_search_index() -> None:
    """What /verdicts/search/ reads: a current vector for every published claim and a snapshot
    of them (the CHECKED corpus), as the worker and `rebuild_match_index` leave on the desk."""
    from claims.matching import embedding
    from claims.matching.store import CHECKED, claim_embeddings_compute, corpus_rebuild
    from claims.models import Claim, ClaimEmbedding
    from claims.nlp.checkworthiness import ModelUnavailable

    try:
        version = embedding.model_info().version
        current = ClaimEmbedding.objects.filter(model_version=version).values("claim_id")
        missing = list(
            Claim.objects.published().exclude(pk__in=current).values_list("pk", flat=True)
        )
        if missing:
            print(f"Embedding {len(missing):,} published claims for the search row (once) ...")
            started = time.perf_counter()
            for start in range(0, len(missing), 2000):
                claim_embeddings_compute(claim_ids=missing[start : start + 2000])
            print(f"  done in {time.perf_counter() - started:.0f} s.")
        print(f"Search index: {corpus_rebuild(CHECKED):,} published claims in {SEARCH_INDEX_DIR}.")
    except (ModelUnavailable, OSError) as error:
        sys.exit(
            f"The search row needs the matching model ({error}). Check "
            "claims/matching/artifacts/minilm/ and that `manage.py rebuild_match_index` runs."
        )


def wait_for_port(port: int, *, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    sys.exit(f"gunicorn did not listen on port {port} within {timeout:.0f} s")


def workers_cpu_seconds(master_pid: int) -> float:
    """User + system CPU of gunicorn's workers so far (Linux /proc), to tell the server's own
    cost per request apart from time spent waiting for a CPU on a busy machine."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    ticks = 0
    for pid in children:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def run_wrk(url: str, *, key: str | None, duration: int, connections: int, script: str):
    command = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "-s", script]
    if key:
        command += ["-H", f"Authorization: Bearer {key}"]
    output = subprocess.run(  # noqa: S603
        [*command, url], capture_output=True, text=True, check=True
    ).stdout
    line = next(line for line in output.splitlines() if line.startswith("RESULT"))
    requests, micros, p50, p95, p99, bad_status, socket_errors = line.split()[1:]
    seconds = int(micros) / 1_000_000
    return {
        "rps": int(requests) / seconds,
        "p50": float(p50),
        "p95": float(p95),
        "p99": float(p99),
        "errors": int(bad_status) + int(socket_errors),
    }


def main():
    args = parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install -y wrk")
    os.environ.update(
        DATABASE_URL=args.database_url,
        REDIS_URL=args.redis_url,
        DJANGO_SETTINGS_MODULE="config.settings",
        LOG_LEVEL="WARNING",
        DEBUG="1",  # this loader process only; the server below runs with DEBUG=0
        MATCHING_INDEX_DIR=str(SEARCH_INDEX_DIR),  # here and in the server (it copies this env)
    )
    ensure_database(args.database_url, drop=args.refill)

    import django

    django.setup()
    from django.core.management import call_command

    from claims.api.auth import token_create
    from claims.models import Speaker, Verdict

    call_command("migrate", verbosity=0)
    fill(args.claims, args.verdicts)
    ensure_search_index()

    from django.contrib.auth import get_user_model

    client_user, _ = get_user_model().objects.get_or_create(username="bench-client")
    _, key = token_create(name="Benchmark", user=client_user)
    verdict = Verdict.objects.published().order_by("-published_at").first()
    speaker = Speaker.objects.order_by("pk").first()

    server_env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "CELERY_BROKER_URL": "",
        # Production refuses to start without a broker unless in-process tasks are asked for.
        "CELERY_TASK_ALWAYS_EAGER": "1",
        # The benchmark measures the server, not the throttle: give the key room.
        "API_THROTTLE_TOKEN": "10000000/min",
        "API_THROTTLE_ANONYMOUS": "10000000/min",
    }
    server = subprocess.Popen(  # noqa: S603
        [
            str(REPO / ".venv" / "bin" / "gunicorn"),
            "config.wsgi",
            "--workers",
            str(args.workers),
            "--bind",
            f"127.0.0.1:{args.port}",
            "--log-level",
            "warning",
        ],
        cwd=REPO,
        env=server_env,
    )
    base = f"http://127.0.0.1:{args.port}/api/v1"
    endpoints = [
        ("filtered list (rating + language)", "/verdicts/?rating=false&language=en", key),
        ("list, newest first", "/verdicts/", key),
        ("list by speaker name", f"/verdicts/?speaker={speaker.name.replace(' ', '%20')}", key),
        ("list, full-text q", "/verdicts/?q=budget", key),
        ("list, anonymous", "/verdicts/?rating=false", None),
        ("one verdict", f"/verdicts/{verdict.pk}/", key),
        ("ClaimReview", f"/verdicts/{verdict.pk}/claimreview/", key),
        (
            "search (has this been checked?)",
            "/verdicts/search/?q=budget%20grew%2040%20percent",
            key,
        ),
        ("claims list", "/claims/", key),
        ("speakers list", "/speakers/", key),
    ]
    results = []
    try:
        wait_for_port(args.port)
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(LUA)
        for label, path, endpoint_key in endpoints:
            run_wrk(base + path, key=endpoint_key, duration=2, connections=2, script=script.name)
            cpu_before = workers_cpu_seconds(server.pid)
            figures = run_wrk(
                base + path,
                key=endpoint_key,
                duration=args.duration,
                connections=args.connections,
                script=script.name,
            )
            requests = figures["rps"] * args.duration
            figures["cpu_ms"] = (workers_cpu_seconds(server.pid) - cpu_before) / requests * 1000
            results.append((label, path, figures))
            # Let slow requests still queued in the workers finish before the next endpoint.
            time.sleep(1)
    finally:
        server.terminate()
        server.wait(timeout=30)

    print()
    print(
        f"{args.claims:,} claims, {args.verdicts:,} published verdicts; gunicorn "
        f"{args.workers} sync workers; wrk 1 thread, {args.connections} connections, "
        f"{args.duration} s per endpoint; {os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.1f} at the end"
    )
    print(
        f"{'endpoint':34} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
        f"{'errors':>6} {'worker CPU ms/req':>18}"
    )
    for label, _path, figures in results:
        print(
            f"{label:34} {figures['rps']:7.0f} {figures['p50']:7.1f} {figures['p95']:7.1f} "
            f"{figures['p99']:7.1f} {figures['errors']:6d} {figures['cpu_ms']:18.1f}"
        )
    target = results[0][2]
    verdict_line = "meets" if target["p95"] < 50 and target["rps"] >= 300 else "misses"
    print(
        f"\nTarget (filtered list: p95 < 50 ms, >= 300 req/s): {verdict_line} it "
        f"({target['p95']:.1f} ms, {target['rps']:.0f} req/s). Worker CPU per request: "
        f"{target['cpu_ms']:.1f} ms, so {args.workers} idle cores would serve about "
        f"{args.workers * 1000 / target['cpu_ms']:.0f} req/s before PostgreSQL's share."
    )
    print("Rerun: " + shlex.join([".venv/bin/python", "bench/api_verdicts.py", *sys.argv[1:]]))


if __name__ == "__main__":
    main()
