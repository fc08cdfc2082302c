"""Embed any claim or imported fact-check that lacks a current vector, then rebuild the vector
index snapshots.

The index is derived data: PostgreSQL holds every vector. Processes start from the snapshot
(MATCHING_INDEX_DIR) and read newer vectors from the database; run this after a model change,
or nightly so a process's catch-up read stays short. Imported fact-checks whose queued job was
lost (the broker was away) get their vectors here too.
"""

from django.core.management.base import BaseCommand, CommandError

from articles.models import ExternalFactCheck
from claims.matching import embedding
from claims.matching.store import (
    CHECKED,
    CLAIMS,
    EXTERNAL,
    claim_embeddings_compute,
    corpus_rebuild,
    external_embeddings_compute,
)
from claims.models import Claim, ClaimEmbedding, ExternalFactCheckEmbedding
from claims.nlp.checkworthiness import ModelUnavailable

BATCH = 2000


class Command(BaseCommand):
    help = (
        "Embed claims and imported fact-checks without a current vector, then rewrite the "
        "vector index snapshots."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-embed", action="store_true", help="only rebuild the index from stored vectors"
        )

    def handle(self, *args, **options):
        try:
            version = embedding.model_info().version
            if not options["no_embed"]:
                sources = [
                    (
                        "claims",
                        Claim,
                        ClaimEmbedding,
                        "claim_id",
                        lambda ids: claim_embeddings_compute(claim_ids=ids),
                    ),
                    (
                        "external fact-checks",
                        ExternalFactCheck,
                        ExternalFactCheckEmbedding,
                        "factcheck_id",
                        lambda ids: external_embeddings_compute(factcheck_ids=ids),
                    ),
                ]
                for name, model, vectors, owner, compute in sources:
                    current = vectors.objects.filter(model_version=version).values(owner)
                    missing = list(
                        model.objects.exclude(pk__in=current).values_list("pk", flat=True)
                    )
                    done = sum(
                        compute(missing[start : start + BATCH])
                        for start in range(0, len(missing), BATCH)
                    )
                    self.stdout.write(f"embedded {done} {name} with {version}")
            for corpus in (CLAIMS, CHECKED, EXTERNAL):
                self.stdout.write(f"{corpus}: {corpus_rebuild(corpus)} vectors in the snapshot")
        except ModelUnavailable as error:
            raise CommandError(str(error)) from error
