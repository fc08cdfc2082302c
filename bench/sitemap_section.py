"""CPU time of a sitemap section's first render after a publication (the cache is cold then).

    .venv/bin/python bench/sitemap_section.py                  # on bench/desk_pages.py's data
    .venv/bin/python bench/sitemap_section.py --runs 15 --database-url postgres://...

Uses the database bench/desk_pages.py fills (filled here too if it is empty; 50,000 claims give
about 10,000 published verdicts, so the first section holds the limit's 5,000 addresses). It
renders section 1 with claims.views.public.sitemap_section, the cache cleared before each run,
and, for comparison, the same section (the same Sitemap class, so its one reverse()) through
Django's own sitemap view and its sitemap.xml template. It prints the median CPU time of this
process for each (Django's own work), the queries of one render, and whether both list the same
addresses with the same dates.
"""

import statistics
import sys
import time
from pathlib import Path
from xml.etree import ElementTree

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from desk_pages import bench_parser, django_setup  # noqa: E402 (bench/ is on the path from here)


def parse_args():
    return bench_parser(__doc__, pages=False).parse_args()


def entries(content: bytes) -> list[tuple[str, str]]:
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    root = ElementTree.fromstring(content)  # noqa: S314 (our own output)
    return [(url.findtext(f"{ns}loc"), url.findtext(f"{ns}lastmod")) for url in root]


def cpu_ms(render, runs: int) -> tuple[float, bytes]:
    from django.core.cache import cache

    times = []
    for _ in range(runs + 1):  # the first warms imports and the template loader
        cache.clear()
        started = time.process_time()
        content = render()
        times.append((time.process_time() - started) * 1000)
    return statistics.median(times[1:]), content


def main():
    args = parse_args()
    django_setup(database_url=args.database_url, refill=False, claims=args.claims)
    from django.conf import settings
    from django.contrib.sitemaps import views as sitemap_views
    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    from claims.views.public import SITEMAPS, sitemap_section

    settings.ALLOWED_HOSTS = ["desk.example"]
    request = RequestFactory().get("/sitemap-fact-checks.xml", HTTP_HOST="desk.example")

    def ours() -> bytes:
        return sitemap_section(request, "fact-checks").content

    def djangos() -> bytes:
        return sitemap_views.sitemap(request, sitemaps=SITEMAPS, section="fact-checks").render()

    with CaptureQueriesContext(connection) as queries:
        ours()
    our_ms, our_content = cpu_ms(ours, args.runs)
    django_ms, django_response = cpu_ms(lambda: djangos().content, args.runs)
    listed = entries(our_content)
    print(f"{len(listed):,} addresses in section 1; {len(queries)} queries a render")
    print(f"| render | median CPU ms ({args.runs} runs) |\n| --- | ---: |")
    print(f"| sitemap_section (first render) | {our_ms:.0f} |")
    print(f"| Django's sitemap view and template | {django_ms:.0f} |")
    print(f"Same addresses and dates: {listed == entries(django_response)}")
    print(
        f"\nRerun: .venv/bin/python bench/sitemap_section.py --database-url {args.database_url}"
        f" --runs {args.runs}"
    )


if __name__ == "__main__":
    main()
