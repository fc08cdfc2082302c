"""Rank verified claims for each query, without the database.

    python manage.py match_claims VCLAIMS.tsv QUERIES.tsv

VCLAIMS: header row with `vclaim_id`, `vclaim`, `title` (title may be empty); QUERIES: header
row with `query_id`, `text`; both tab-separated with Python csv's default quoting. Prints
`query_id<TAB>vclaim_id<TAB>score`, best first, 20 per query, from the matcher the app runs.
"""

import csv
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.textfile import TsvFormatError, tsv_read
from claims.matching import embedding
from claims.matching.corpus import corpus_matcher
from claims.matching.retrieval import Document
from claims.matching.store import match_settings
from claims.nlp.checkworthiness import ModelUnavailable

RESULTS_PER_QUERY = 20


class Command(BaseCommand):
    help = "Print the 20 best verified claims for each query (query_id, vclaim_id, score)."

    def add_arguments(self, parser):
        parser.add_argument("vclaims", type=Path)
        parser.add_argument("queries", type=Path)

    def handle(self, *args, **options):
        try:
            vclaims = tsv_read(
                options["vclaims"], ["vclaim_id", "vclaim", "title"], optional=frozenset({"title"})
            )
            queries = tsv_read(options["queries"], ["query_id", "text"])
        except TsvFormatError as error:
            raise CommandError(str(error)) from error
        vclaim_ids = [row["vclaim_id"] for row in vclaims]
        if len(set(vclaim_ids)) != len(vclaim_ids):
            raise CommandError(f"{options['vclaims']}: vclaim_id values repeat")
        if not vclaims:
            raise CommandError(f"{options['vclaims']}: no verified claims after the header")
        if not queries:
            raise CommandError(f"{options['queries']}: no queries after the header")
        documents = [
            Document(key=position, text=row["vclaim"], title=row.get("title", ""))
            for position, row in enumerate(vclaims)
        ]
        try:
            # The weights and thresholds the app's matchers use (store.match_settings).
            matcher = corpus_matcher(
                documents, embed=embedding.embed_texts, settings=match_settings()
            )
        except ModelUnavailable as error:
            raise CommandError(str(error)) from error
        writer = csv.writer(self.stdout, delimiter="\t", lineterminator="\n")
        for row in queries:
            if not row["text"].strip():
                sys.stderr.write(f"query {row['query_id']}: empty text, no results\n")
                continue
            for match in matcher.search(row["text"], limit=RESULTS_PER_QUERY):
                writer.writerow([row["query_id"], vclaim_ids[match.key], f"{match.score:.4f}"])
