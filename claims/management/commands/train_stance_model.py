"""Train the stance model on PolNeAR train; write its weights and model card."""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from claims.nlp.stances import MODEL_PATH

PROJECT_ROOT = Path(__file__).resolve().parents[3]


class Command(BaseCommand):
    help = (
        "Train the stance model (logistic regression over parse features) on PolNeAR train, "
        "choose its threshold by cross-validation on train, and write "
        "claims/nlp/artifacts/stances/model.json and MODEL_CARD.md (about 3 minutes)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", type=Path, help="defaults to settings.SHARED_DATA_DIR")
        parser.add_argument("--output", type=Path, default=MODEL_PATH)
        parser.add_argument("--seed", type=int, default=13)
        parser.add_argument("--limit", type=int, help="train on the first N articles only")
        parser.add_argument(
            "--feature-pairs",
            action="store_true",
            help="round 7's candidate: also weigh the feature pairs of CROSSES, with its own grid "
            "(measured, not shipped: README, round 7)",
        )

    def handle(self, *args, data_dir, output: Path, seed: int, limit, feature_pairs, **options):
        from claims.nlp.training.stance_card import stance_model_card_write
        from claims.nlp.training.stances import train_stance_model

        if limit is not None and limit < 2:
            raise CommandError("--limit must be at least 2 articles.")
        data_dir = data_dir or Path(
            getattr(settings, "SHARED_DATA_DIR", PROJECT_ROOT.parent / "shared" / "data")
        )
        try:
            model = train_stance_model(
                data_dir, seed=seed, limit=limit, feature_pairs=feature_pairs
            )
        except FileNotFoundError as error:
            raise CommandError(f"{error}. Pass --data-dir or set SHARED_DATA_DIR.") from error
        except ValueError as error:
            raise CommandError(f"Cannot train the stance model: {error}") from error
        model["training"]["command"] = (
            "python manage.py train_stance_model"
            + (f" --seed {seed}" if seed != 13 else "")
            + (" --feature-pairs" if feature_pairs else "")
        )
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(model, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        stance_model_card_write(output.parent / "MODEL_CARD.md", model=model)
        training = model["training"]
        self.stdout.write(
            f"{model['version']}: {len(model['weights'])} weights, threshold "
            f"{model['threshold']:.2f}, trained on {training['candidates']} sentences "
            f"({training['positives']} attributed to their subject) of "
            f"{training['articles']} articles; wrote {output}"
        )
