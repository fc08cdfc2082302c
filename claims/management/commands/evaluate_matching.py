"""MAP@5 of the claim matcher on CheckThat! 2020 Task 2, fitted on train, reported on dev."""

import functools
import json
import os
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from articles.textfile import TsvFormatError
from claims.matching import collection_holdout, crossfit, crossrank_holdout, embedding, holdout
from claims.matching.checkthat import checkthat_load
from claims.matching.crossfit import crossfit_compare, out_of_fold_settings
from claims.matching.crossrank import EPOCHS
from claims.matching.crossrank_holdout import cross_encoder_dev, cross_encoder_holdout
from claims.matching.evaluation import matching_evaluate
from claims.matching.export import plain_fp32_export
from claims.matching.feedback_holdout import round_lines, signals_compare
from claims.matching.holdout import recipes_compare
from claims.matching.store import match_settings
from claims.nlp import checkworthiness
from claims.nlp.checkworthiness import ModelUnavailable, session_load

DATA_NAME = "checkthat2020-task2-en"


class Command(BaseCommand):
    help = (
        "Fit fusion weights and thresholds on CheckThat! 2020 train (and measure a learned "
        "re-ranker); MAP@5 on train and dev."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--model-dir",
            type=Path,
            default=None,
            help="score the model in this folder instead of the shipped one (a candidate that "
            "build_matching_model wrote to var/matching-candidate/); with --write-settings its "
            "settings are written there",
        )
        parser.add_argument(
            "--data-dir", type=Path, help="defaults to SHARED_DATA_DIR/" + DATA_NAME
        )
        parser.add_argument(
            "--no-cache", action="store_true", help="re-embed everything (var/matching-cache)"
        )
        parser.add_argument(
            "--train-holdout",
            action="store_true",
            help="compare the fine-tuning recipes without dev: fine-tune each on train-A "
            "(seed-0 80%% of train by tweet) and score on train-B (models kept in "
            "var/matching-holdout); writes no settings",
        )

        parser.add_argument(
            "--train-query-signals",
            action="store_true",
            help="round 9 without dev: query feedback on the vector and the plain model's "
            "cosine as a fourth signal, each against the shipped hybrid on the model fine-tuned "
            "on train-A, judged on train-B (models kept in var/matching-holdout); writes no "
            "settings",
        )
        parser.add_argument(
            "--train-collection-pairs",
            action="store_true",
            help="round 10 without dev: the shipped recipe fine-tuned on train-A with and "
            f"without {collection_holdout.COLLECTION_PAIRS} title -> claim pairs drawn from the "
            "fact-check collection, judged on train-B (models kept in var/matching-holdout); "
            "writes no settings",
        )
        parser.add_argument(
            "--train-crossfit",
            action="store_true",
            help="compare fusion weights and thresholds fitted in-sample against out-of-fold "
            "(two fine-tunes on halves of train-A), both applied on train-B to the model "
            "fine-tuned on train-A (models kept in var/matching-holdout); writes no settings",
        )

        parser.add_argument(
            "--out-of-fold-settings",
            action="store_true",
            help="fit fusion weights and thresholds on out-of-fold cosines of train (two "
            "fine-tunes on halves of train, kept in var/matching-holdout) instead of the "
            "shipped model's in-sample ones, then score train and dev with them",
        )

        parser.add_argument(
            "--collection-out-of-fold-settings",
            action="store_true",
            help="as --out-of-fold-settings, for a model built with build_matching_model "
            "--collection-pairs: the two half-train fine-tunes get the same collection pairs "
            "(round 10 of issue #12); the hybrid with weights fitted on train in-sample is "
            "scored beside",
        )
        parser.add_argument(
            "--shipped",
            action="store_true",
            help="score train and dev with the shipped weights and thresholds "
            "(match_settings.json) as they are, fitting nothing: reproduces the README's figures",
        )
        parser.add_argument(
            "--write-settings",
            action="store_true",
            help="write the weights and thresholds fitted here into match_settings.json, which "
            "the app reads (without it the shipped settings are left alone)",
        )

        parser.add_argument(
            "--train-cross-encoder",
            action="store_true",
            help="measure a cross-encoder re-ranker without dev: trained on train-A's hybrid "
            "candidates (the bi-encoder fine-tuned on train-A), judged on train-B (models kept "
            "in var/matching-holdout); writes no settings",
        )
        parser.add_argument(
            "--cross-encoder-dev",
            action="store_true",
            help="train the cross-encoder on all train's candidates from the shipped model and "
            "read dev once: plain MiniLM, the shipped hybrid, hybrid + cross-encoder; writes "
            "no settings",
        )
        parser.add_argument(
            "--cross-encoder-epochs",
            type=int,
            default=EPOCHS,
            help=f"epochs of the cross-encoder's training (default {EPOCHS})",
        )

    def handle(self, *args, **options):
        os.environ["HF_HUB_OFFLINE"] = "1"
        if options["model_dir"]:
            try:
                embedding.model_dir_use(options["model_dir"])
            except FileNotFoundError as error:
                raise CommandError(str(error)) from error
            self.stdout.write(f"model {options['model_dir']} (not the shipped one)")
        data_dir = options["data_dir"] or (
            Path(getattr(settings, "SHARED_DATA_DIR", settings.BASE_DIR.parent / "shared" / "data"))
            / DATA_NAME
        )
        # A bad option is named before the data is read (seconds), as the other commands do.
        epochs = options["cross_encoder_epochs"]
        if epochs < 1:
            raise CommandError("--cross-encoder-epochs must be at least 1")
        try:
            # Before any model is exported or loaded (minutes): the data's files are named now.
            checkthat_load(data_dir, splits=("train",))
        except TsvFormatError as error:
            raise CommandError(str(error)) from error
        cache_dir = None if options["no_cache"] else settings.BASE_DIR / "var" / "matching-cache"
        if options["train_holdout"]:
            self.holdout_report(data_dir, cache_dir)
            return
        if options["train_crossfit"]:
            self.crossfit_report(data_dir, cache_dir)
            return
        if options["train_query_signals"]:
            started = time.monotonic()
            for line in round_lines(self.train_only(signals_compare, data_dir, cache_dir)):
                self.stdout.write(line)
            self.stdout.write(f"took {time.monotonic() - started:.0f} s")
            return
        if options["train_collection_pairs"]:
            started = time.monotonic()
            result = self.train_only(collection_holdout.collection_compare, data_dir, cache_dir)
            for line in collection_holdout.round_lines(result):
                self.stdout.write(line)
            self.stdout.write(f"took {time.monotonic() - started:.0f} s")
            return
        if options["train_cross_encoder"]:
            self.cross_encoder_report(data_dir, cache_dir, epochs)
            return
        if options["cross_encoder_dev"]:
            self.cross_encoder_dev_report(data_dir, cache_dir, epochs)
            return
        if options["collection_out_of_fold_settings"] and (
            options["out_of_fold_settings"] or options["shipped"]
        ):
            raise CommandError(
                "--collection-out-of-fold-settings replaces --out-of-fold-settings / --shipped"
            )
        if options["shipped"] and (options["out_of_fold_settings"] or options["write_settings"]):
            raise CommandError(
                "--shipped fits nothing: drop --out-of-fold-settings / --write-settings"
            )
        fp32_path = settings.BASE_DIR / "var" / embedding.FP32_LOCAL_NAME
        if not fp32_path.is_file():
            self.stdout.write(f"exporting the plain fp32 baseline to {fp32_path}")
            try:
                plain_fp32_export(onnx_path=fp32_path)
            except ImportError as error:
                raise CommandError(
                    f"the plain baseline needs the training packages ({error}): "
                    "pip install -r requirements-train.txt"
                ) from error
        fp32_session = session_load(fp32_path)
        tokenizer = embedding.matching_tokenizer()
        plain = functools.partial(
            embedding.onnx_embed, session=fp32_session, tokenizer=tokenizer, batch_size=16
        )
        baselines = {
            "plain MiniLM fp32, mean pooling, raw text": (
                lambda texts: plain(texts=texts),
                f"fp32-plain-t{embedding.MAX_TOKENS}",
            ),
            "check-worthiness model's sentence vector": (
                checkworthiness.embed_sentences,
                "cw-" + checkworthiness.model_info().version,
            ),
        }
        started = time.monotonic()
        fixed = None
        fixed_name = "hybrid, weights fitted out of fold"
        if options["shipped"]:
            shipped_from = "the shipped match_settings.json (not refitted here)"
            fixed = (match_settings(), {"suggested": shipped_from, "same_claim": shipped_from})
            fixed_name = "hybrid as shipped (match_settings.json)"
        try:
            if options["out_of_fold_settings"]:
                fitted = out_of_fold_settings(
                    data_dir=data_dir,
                    work_dir=settings.BASE_DIR / "var" / "matching-holdout",
                    cache_dir=cache_dir,
                    log=self.stdout.write,
                )
                fixed = (fitted.settings, fitted.rules)
            if options["collection_out_of_fold_settings"]:
                fitted = collection_holdout.collection_out_of_fold_settings(
                    data_dir=data_dir,
                    work_dir=settings.BASE_DIR / "var" / "matching-holdout",
                    cache_dir=cache_dir,
                    log=self.stdout.write,
                )
                fixed = (fitted.settings, fitted.rules)
            report = matching_evaluate(
                data_dir=data_dir,
                embed=embedding.embed_texts,
                tag=f"{embedding.model_info().version}-t{embedding.MAX_TOKENS}",
                baselines=baselines,
                cache_dir=cache_dir,
                fixed=fixed,
                fixed_name=fixed_name,
                in_sample_row=options["collection_out_of_fold_settings"],
            )
        except (TsvFormatError, ModelUnavailable, OSError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"data {data_dir}")
        self.stdout.write(f"{'system':<48} {'train MAP@5':>11} {'dev MAP@5':>9}")
        for name, train, dev in report.rows:
            self.stdout.write(f"{name:<48} {train:>11.4f} {dev:>9.4f}")
        chosen = report.settings
        fitted_on = "train, out of fold" if fixed else "train"
        if options["shipped"]:
            fitted_on = "shipped"
        self.stdout.write(
            f"fitted on {fitted_on}: claim_weight={chosen.claim_weight} title_weight="
            f"{chosen.title_weight} lexical_weight={chosen.lexical_weight} suggested="
            f"{chosen.suggested} same_claim={chosen.same_claim}"
        )
        for level, rule in report.threshold_rules.items():
            self.stdout.write(f"{level} threshold chosen on {fitted_on}: {rule}")
        self.stdout.write(
            "gold fact-check among the candidates: "
            + ", ".join(f"{name} {value:.4f}" for name, value in report.candidate_recall.items())
        )
        self.stdout.write(
            "precision on a stream of half repeats, half new claims (each tweet searched with "
            "and without its fact-check):"
        )
        self.stdout.write(f"{'level':<25} split  threshold  precision  (right/reached)")
        for level, split, threshold, precision, right, total in report.thresholds:
            self.stdout.write(
                f"{level:<25} {split:<6} {threshold:<10} {precision:<10.4f} ({right}/{total})"
            )
        path = embedding.MODEL_DIR / "match_settings.json"
        if options["write_settings"]:
            fields = ("claim_weight", "title_weight", "lexical_weight", "suggested", "same_claim")
            values = {name: getattr(chosen, name) for name in fields}
            path.write_text(json.dumps(values, indent=2) + "\n", encoding="utf-8")
            self.stdout.write(f"wrote the fitted settings to {path}")
        elif not options["shipped"]:
            self.stdout.write(f"{path} left as it is (--write-settings ships these)")
        self.stdout.write(f"took {time.monotonic() - started:.0f} s")

    def train_only(self, compare, data_dir: Path, cache_dir: Path | None):
        """Run a comparison on train's fixed split (its models kept in var/matching-holdout)."""
        try:
            result = compare(
                data_dir=data_dir,
                work_dir=settings.BASE_DIR / "var" / "matching-holdout",
                cache_dir=cache_dir,
                log=self.stdout.write,
            )
        except (TsvFormatError, ModelUnavailable, OSError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"data {data_dir} (train only; dev not read)")
        return result

    def holdout_report(self, data_dir: Path, cache_dir: Path | None) -> None:
        started = time.monotonic()
        for line in holdout.round_lines(self.train_only(recipes_compare, data_dir, cache_dir)):
            self.stdout.write(line)
        self.stdout.write(f"took {time.monotonic() - started:.0f} s")

    def crossfit_report(self, data_dir: Path, cache_dir: Path | None) -> None:
        started = time.monotonic()
        for line in crossfit.round_lines(self.train_only(crossfit_compare, data_dir, cache_dir)):
            self.stdout.write(line)
        self.stdout.write(f"took {time.monotonic() - started:.0f} s")

    def cross_encoder_report(self, data_dir: Path, cache_dir: Path | None, epochs: int) -> None:
        started = time.monotonic()
        compare = functools.partial(cross_encoder_holdout, epochs=epochs)
        result = self.train_only(compare, data_dir, cache_dir)
        for line in crossrank_holdout.holdout_lines(result, epochs=epochs):
            self.stdout.write(line)
        self.stdout.write(f"took {time.monotonic() - started:.0f} s")

    def cross_encoder_dev_report(self, data_dir: Path, cache_dir: Path | None, epochs: int) -> None:
        from claims.matching.store import match_settings

        started = time.monotonic()
        try:
            result = cross_encoder_dev(
                data_dir=data_dir,
                work_dir=settings.BASE_DIR / "var" / "matching-holdout",
                cache_dir=cache_dir,
                embed=embedding.embed_texts,
                tag=f"{embedding.model_info().version}-t{embedding.MAX_TOKENS}",
                settings=match_settings(),
                epochs=epochs,
                log=self.stdout.write,
            )
        except (TsvFormatError, ModelUnavailable, OSError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"data {data_dir}; dev read once")
        for line in crossrank_holdout.dev_lines(result):
            self.stdout.write(line)
        self.stdout.write(f"took {time.monotonic() - started:.0f} s")
