"""Positive-class precision / recall / F1 of the shipped check-worthiness model."""

import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from claims.nlp.checkworthiness import ModelUnavailable
from claims.nlp.training.data import DataFormatError
from claims.nlp.training.pipeline import checkworthiness_model_evaluate
from claims.nlp.training.protocol import protocol_evaluate

PROJECT_ROOT = Path(__file__).resolve().parents[3]


class Command(BaseCommand):
    help = "Evaluate the shipped check-worthiness model on CheckThat! 2024 dev-test and dev."

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", type=Path, help="defaults to settings.SHARED_DATA_DIR")
        parser.add_argument(
            "--protocol",
            action="store_true",
            help="also the frozen validation protocol, new text and quoted forms "
            "(claims/nlp/training/protocol.py)",
        )

    def handle(self, *args, **options):
        os.environ["HF_HUB_OFFLINE"] = "1"
        data_dir = options["data_dir"] or Path(
            getattr(settings, "SHARED_DATA_DIR", PROJECT_ROOT.parent / "shared" / "data")
        )
        try:
            evaluation = checkworthiness_model_evaluate(data_dir=data_dir)
        except (DataFormatError, ModelUnavailable) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"model {evaluation.version}, threshold {evaluation.threshold:.2f}")
        self.stdout.write("split      precision  recall  F1      positives")
        for name, scores in (("dev-test", evaluation.dev_test), ("dev", evaluation.dev)):
            self.stdout.write(
                f"{name:<10} {scores.precision:<10.4f} {scores.recall:<7.4f} {scores.f1:<7.4f} "
                f"{scores.support}"
            )
        if not options["protocol"]:
            return
        try:
            figures = protocol_evaluate(data_dir=data_dir)
        except (DataFormatError, ModelUnavailable, OSError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write("")
        self.stdout.write("part: sentences (Yes)  P  R  F1  average precision  mean score of Yes")
        for name, row in figures.items():
            self.stdout.write(
                f"{name}: {row['sentences']} ({row['positives']})  {row['precision']:.3f}  "
                f"{row['recall']:.3f}  {row['f1']:.3f}  AP {row['average_precision']:.3f}  "
                f"mean Yes {row['mean_positive_score']:.3f}"
            )
        self.stdout.write("rerun: python manage.py evaluate_checkworthiness --protocol")
