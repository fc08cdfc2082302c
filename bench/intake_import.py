"""Time a bulk import of 10,000 CSV rows through `manage.py import_articles`.

Creates (drops first) a separate PostgreSQL database, migrates it, writes a seeded CSV of
10,000 rows (9,950 valid articles of 3 to 6 sentences, 50 rows with a bad date), then runs the
command twice as a subprocess: the first import stores the rows and queues one analysis per
article on Redis (a queue of its own that no worker reads, emptied at the end: the analyses are
the worker's time, not the import's); the second import of the same file must store nothing.

    .venv/bin/python bench/intake_import.py
    .venv/bin/python bench/intake_import.py --rows 2000 --database-url postgres://...
    .venv/bin/python bench/intake_import.py --rows 500 --url-rows 500

`--url-rows N` adds N rows with only a URL: each becomes an intake job whose fetch task goes to
the same unread queue, and the second import skips them as jobs in flight.

Prints the wall time and rows per second of each run and the CPU it ran on.
"""

import argparse
import csv
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from api_verdicts import LAST, TOPICS, VERBS, ensure_database  # noqa: E402

OUTLETS = [f"Outlet {n}" for n in range(20)]
BAD_ROWS = 50


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/factcheck_bench_import"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--url-rows", type=int, default=0, help="rows with only a URL (jobs)")
    return parser.parse_args()


def write_csv(path: Path, rows: int, url_rows: int = 0) -> None:
    rng = random.Random(9)
    bad = set(rng.sample(range(rows), min(BAD_ROWS, rows)))
    # Without URL rows the file is the one the published figures were measured on.
    url_column = ["url"] if url_rows else []
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["title", "body", "published_at", "outlet", "byline", "language", *url_column]
        )
        for n in range(rows):
            topic = rng.choice(TOPICS)
            sentences = [
                f"{rng.choice(LAST)} said {topic} {rng.choice(VERBS)} by {rng.randint(2, 90)} "
                f"percent in {rng.randint(2000, 2026)}, according to report number {n}-{k}."
                for k in range(rng.randint(3, 6))
            ]
            day = f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            writer.writerow(
                [
                    f"Story {n} about {topic}",
                    " ".join(sentences),
                    "28/02/2026" if n in bad else day,
                    rng.choice(OUTLETS),
                    f"By {rng.choice(LAST)}",
                    "en",
                    *[""] * len(url_column),
                ]
            )
        for n in range(url_rows):
            outlet = rng.choice(OUTLETS)
            page = f"https://news{n % 20}.example/{rng.choice(TOPICS).replace(' ', '-')}/{n}"
            writer.writerow(["", "", "", outlet, "", "en", page])


def run(env: dict[str, str], *args: str) -> tuple[float, str]:
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return time.perf_counter() - started, completed.stdout


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def main():
    args = parse_args()
    ensure_database(args.database_url, drop=True)
    queue = f"bench-import-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "CELERY_BROKER_URL": args.redis_url,
        "REDIS_URL": args.redis_url,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "HF_HUB_OFFLINE": "1",
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=REPO, env=env, check=True
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "articles.csv"
        write_csv(path, args.rows, args.url_rows)
        size = path.stat().st_size
        first, first_out = run(env, "import_articles", str(path))
        second, second_out = run(env, "import_articles", str(path))
    import redis

    queued = redis.Redis.from_url(args.redis_url).llen(queue)
    redis.Redis.from_url(args.redis_url).delete(queue)
    print(f"CPU: {cpu_name()} ({os.cpu_count()} cores)")
    total = args.rows + args.url_rows
    print(
        f"File: {total:,} rows ({args.url_rows:,} with only a URL), {size / 1e6:.1f} MB "
        f"({min(BAD_ROWS, args.rows)} rows with a bad date)"
    )
    print(f"First import:  {first:6.1f} s  {total / first:6.0f} rows/s  ", end="")
    print(first_out.strip().splitlines()[-1])
    print(f"Second import: {second:6.1f} s  {total / second:6.0f} rows/s  ", end="")
    print(second_out.strip().splitlines()[-1])
    print(f"Tasks queued on Redis by the first import: {queued:,} (queue emptied)")
    rerun = f" --url-rows {args.url_rows}" if args.url_rows else ""
    print(f"Rerun: .venv/bin/python bench/intake_import.py --rows {args.rows}{rerun}")


if __name__ == "__main__":
    main()
