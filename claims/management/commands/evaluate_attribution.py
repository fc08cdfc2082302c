"""Speaker accuracy and coverage of the attribution rules on PolNeAR (see claims/nlp/polnear.py)."""

import math
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from articles.textfile import TextFileError
from claims.nlp.polnear import evaluate_attribution
from claims.nlp.polnear_corpus import SPLITS
from claims.nlp.stances import StanceModelUnavailable, load_stance_model

PROJECT_ROOT = Path(__file__).resolve().parents[3]


class Command(BaseCommand):
    help = "Evaluate speaker attribution on PolNeAR: accuracy of predicted speakers, coverage."

    def add_arguments(self, parser):
        parser.add_argument("--split", default="dev", help=f"one of {', '.join(SPLITS)}")
        parser.add_argument("--limit", type=int, help="evaluate only the first N articles")
        parser.add_argument("--data-dir", type=Path, help="defaults to settings.SHARED_DATA_DIR")
        parser.add_argument(
            "--stance-threshold",
            type=float,
            help="override the stance model's threshold (above 1 turns the model off)",
        )

    def handle(
        self,
        *args,
        split: str,
        limit: int | None,
        data_dir: Path | None,
        stance_threshold: float | None,
        **options,
    ):
        if split not in SPLITS:
            raise CommandError(f"Unknown split {split!r}; choose one of {', '.join(SPLITS)}.")
        if limit is not None and limit < 1:
            raise CommandError("--limit must be a positive number of articles.")
        if stance_threshold is not None and math.isnan(stance_threshold):
            # Every comparison with it is false: the run read as the model's, with "nan" printed.
            raise CommandError("--stance-threshold must be a number (above 1 turns the model off).")
        data_dir = data_dir or Path(
            getattr(settings, "SHARED_DATA_DIR", PROJECT_ROOT.parent / "shared" / "data")
        )
        try:
            scores = evaluate_attribution(
                data_dir, split=split, limit=limit, stance_threshold=stance_threshold
            )
        except FileNotFoundError as error:
            raise CommandError(f"{error}. Pass --data-dir or set SHARED_DATA_DIR.") from error
        except (StanceModelUnavailable, TextFileError) as error:
            raise CommandError(str(error)) from error

        self.stdout.write(
            f"PolNeAR {split}: {scores.articles} articles, {scores.sentences} sentences"
        )
        self.stdout.write(
            f"gold sentences (content of a sourced attribution): "
            f"{scores.gold_sentences + scores.pronoun_skipped}, of which "
            f"{scores.pronoun_skipped} skipped because every gold source is a pronoun"
        )
        self.stdout.write(
            f"headline   accuracy {scores.accuracy:.3f} ({scores.correct}/{scores.predicted})  "
            f"coverage {scores.coverage:.3f} ({scores.predicted}/{scores.gold_sentences})"
        )
        self.stdout.write(
            f"named, resolved  accuracy {scores.named_resolved_accuracy:.3f} "
            f"({scores.named_resolved_correct}/{scores.predicted})  (the headline sentences; a "
            "speaker is right when it is the source or the name the source stands for)"
        )
        self.stdout.write(
            f"all sources resolved, pronouns too: accuracy {scores.resolved_accuracy:.3f} "
            f"({scores.resolved_correct}/{scores.resolved_predicted})  coverage "
            f"{scores.resolved_coverage:.3f} "
            f"({scores.resolved_predicted}/{scores.resolved_gold_sentences})"
        )
        self.stdout.write(
            f"sentences outside the gold set that got a speaker: {scores.predicted_outside_gold}"
        )
        model = load_stance_model()
        threshold = model.threshold if stance_threshold is None else stance_threshold
        self.stdout.write(f"stance model {model.version} at threshold {threshold:.2f}")
        rerun = f"python manage.py evaluate_attribution --split {split}"
        if limit is not None:
            rerun += f" --limit {limit}"
        if stance_threshold is not None:
            rerun += f" --stance-threshold {stance_threshold}"
        self.stdout.write(f"rerun: {rerun}")
