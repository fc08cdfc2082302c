"""What each of the desk's ordering indexes saves, measured with and without it in one run.

    .venv/bin/python bench/desk_indexes.py                  # the bench database of desk_pages.py
    .venv/bin/python bench/desk_indexes.py --rounds 3 --database-url postgres://...

On the database that bench/desk_pages.py fills (migrated, so the indexes exist), each query is
run under EXPLAIN ANALYZE with its index and then with the index dropped inside a transaction
that is rolled back, alternately, --rounds times with --runs plans each: PostgreSQL's own
execution time, so Django and the network are not in the figure, and both sides see the same
machine load. Prints the median of each side and their ratio.
"""

import argparse
import re
import statistics

from desk_pages import django_setup


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/factcheck_bench_desk"
    )
    parser.add_argument("--claims", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--runs", type=int, default=7, help="plans a side and round")
    return parser.parse_args()


def measured_queries():
    """(index, what it serves, the page's query: the same selector the page calls)."""
    from django.contrib.auth import get_user_model

    from claims import selectors

    checker = get_user_model().objects.get(username="bench-checker-0")
    return [
        (
            "article_newest_idx",
            "queue sorted by newest article",
            lambda: selectors.claim_queue(user=checker, filters={"sort": "newest_article"})[:25],
        ),
        ("verdict_submitted_idx", "review queue", lambda: selectors.review_queue()[:25]),
    ]


def execution_ms(queryset) -> float:
    plan = queryset.explain(analyze=True)
    return float(re.search(r"Execution Time: ([\d.]+) ms", plan).group(1))


def main():
    args = parse_args()
    django_setup(database_url=args.database_url, refill=False, claims=args.claims)
    from django.db import connection, transaction

    print("| index (page) | with it, ms | without it, ms | ratio | rounds x runs |")
    print("| --- | ---: | ---: | ---: | --- |")
    for index, page, query in measured_queries():
        with_index, without = [], []
        for _ in range(args.rounds):
            with_index += [execution_ms(query()) for _ in range(args.runs)]
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute(f'DROP INDEX "{index}"')
                without += [execution_ms(query()) for _ in range(args.runs)]
                transaction.set_rollback(True)
        kept, dropped = statistics.median(with_index), statistics.median(without)
        print(
            f"| {index} ({page}) | {kept:.2f} | {dropped:.2f} | {dropped / kept:.0f}x | "
            f"{args.rounds} x {args.runs} |",
            flush=True,
        )
    print(f"\nRerun: .venv/bin/python bench/desk_indexes.py --database-url {args.database_url}")


if __name__ == "__main__":
    main()
