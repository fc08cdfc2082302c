"""Embed any claim that lacks a current vector, then rebuild the vector index snapshots.

The index is derived data: PostgreSQL holds every vector. Processes start from the snapshot
(MATCHING_INDEX_DIR) and read newer vectors from the database; run this after a model change,
or nightly so a process's catch-up read stays short.
"""

from django.core.management.base import BaseCommand, CommandError

from claims.matching import embedding
from claims.matching.store import CHECKED, CLAIMS, claim_embeddings_compute, corpus_rebuild
from claims.models import Claim, ClaimEmbedding
from claims.nlp.checkworthiness import ModelUnavailable

BATCH = 2000


class Command(BaseCommand):
    help = "Embed claims without a current vector, then rewrite the vector index snapshots."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-embed", action="store_true", help="only rebuild the index from stored vectors"
        )

    def handle(self, *args, **options):
        try:
            version = embedding.model_info().version
            if not options["no_embed"]:
                current = ClaimEmbedding.objects.filter(model_version=version).values("claim_id")
                missing = list(Claim.objects.exclude(pk__in=current).values_list("pk", flat=True))
                done = 0
                for start in range(0, len(missing), BATCH):
                    done += claim_embeddings_compute(claim_ids=missing[start : start + BATCH])
                self.stdout.write(f"embedded {done} claims with {version}")
            for corpus in (CLAIMS, CHECKED):
                self.stdout.write(f"{corpus}: {corpus_rebuild(corpus)} vectors in the snapshot")
        except ModelUnavailable as error:
            raise CommandError(str(error)) from error
