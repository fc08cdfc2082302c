"""Bring every claim's and imported fact-check's vector up to date, then rebuild the vector
index snapshots.

The index is derived data: PostgreSQL holds every vector. Processes start from the snapshot
(MATCHING_INDEX_DIR) and read newer vectors from the database; run this after a model change,
or nightly so a process's catch-up read stays short. Imported fact-checks whose queued job was
lost (the broker was away) get their vectors here too.

A claim with no vector at all was never linked (its vector and its linking commit together,
claims/matching/linking.py), so the command matches its article exactly as the worker does
(`article_claims_match`): the claim is embedded and joins its group or gets its suggestions in
one transaction. Left unlinked it would be out of reach for good, since the sweeper and
`requeue_matching` look only for claims without a vector. A claim whose vector is stale (a
model change) was linked when first embedded: it only gets the new vector, first, so the
claims linked after it search a corpus of the current model, and reviewers are not handed a
new round of suggestions for claims they already settled.
"""

from django.core.management.base import BaseCommand, CommandError

from articles.models import ExternalFactCheck
from claims.matching import embedding
from claims.matching.linking import claims_link
from claims.matching.store import (
    CHECKED,
    CLAIMS,
    EXTERNAL,
    claim_embeddings_compute,
    corpus_rebuild,
    external_embeddings_compute,
)
from claims.models import Claim, ExternalFactCheckEmbedding
from claims.nlp.checkworthiness import ModelUnavailable

BATCH = 2000


class Command(BaseCommand):
    help = (
        "Re-embed claims and imported fact-checks whose vector is stale, embed and link (groups "
        "and suggestions, as the worker does) claims without one, then rewrite the vector index "
        "snapshots."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-embed", action="store_true", help="only rebuild the index from stored vectors"
        )

    def handle(self, *args, **options):
        try:
            version = embedding.model_info().version
            if not options["no_embed"]:
                self.claims_update(version)
                current = ExternalFactCheckEmbedding.objects.filter(model_version=version)
                missing = list(
                    ExternalFactCheck.objects.exclude(
                        pk__in=current.values("factcheck_id")
                    ).values_list("pk", flat=True)
                )
                done = sum(
                    external_embeddings_compute(factcheck_ids=missing[start : start + BATCH])
                    for start in range(0, len(missing), BATCH)
                )
                self.stdout.write(f"embedded {done} external fact-checks with {version}")
            for corpus in (CLAIMS, CHECKED, EXTERNAL):
                self.stdout.write(f"{corpus}: {corpus_rebuild(corpus)} vectors in the snapshot")
        except ModelUnavailable as error:
            raise CommandError(str(error)) from error

    def claims_update(self, version: str) -> None:
        stale = list(
            Claim.objects.filter(embedding__isnull=False)
            .exclude(embedding__model_version=version)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        reembedded = sum(
            claim_embeddings_compute(claim_ids=stale[start : start + BATCH])
            for start in range(0, len(stale), BATCH)
        )
        missing = list(
            Claim.objects.filter(embedding__isnull=True).order_by("pk").values_list("pk", flat=True)
        )
        linked = suggested = 0

        def link(batch_ids: list[int]) -> None:  # in the batch's transaction, with its vectors
            nonlocal linked, suggested
            more_linked, more_suggested = claims_link(claim_ids=batch_ids)
            linked, suggested = linked + more_linked, suggested + more_suggested

        # Oldest first, as the worker met them: a repeat links back to a claim already embedded.
        embedded = sum(
            claim_embeddings_compute(claim_ids=missing[start : start + BATCH], then=link)
            for start in range(0, len(missing), BATCH)
        )
        self.stdout.write(f"embedded {reembedded + embedded} claims with {version}")
        self.stdout.write(
            f"{embedded} claims had no vector: {linked} joined a group, "
            f"{suggested} suggestion(s) made"
        )
