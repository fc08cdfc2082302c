import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.template.defaultfilters import pluralize
from django.utils.dateparse import parse_datetime

from articles.intake.storable import (
    RepeatedKey,
    json_key_quoted,
    json_object_without_repeated_keys,
)
from articles.lengths import text_check
from articles.models import Article, SourceKind
from articles.services import DuplicateArticle, article_refusal_reasons, article_submit
from articles.textfile import TextFileError, utf8_file_read

ENTRY_KEYS = ("file", "title", "outlet", "url", "byline", "language", "published_at")
OUTLET_KEYS = ("name", "domain")


def _unknown_keys_check(number: int, entry: dict, keys: tuple[str, ...], whose: str) -> None:
    unknown = [key for key in entry if key not in keys]
    if unknown:
        raise CommandError(
            f"Entry {number}: unknown key{pluralize(unknown)} "
            f"{', '.join(json_key_quoted(key) for key in unknown)}; {whose} keys are "
            f"{', '.join(keys)}."
        )


class Command(BaseCommand):
    help = "Import the seed articles listed in seeds/manifest.json and queue their analysis."

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=str(settings.SEEDS_DIR), help="Seeds folder.")

    def handle(self, *args, dir: str, **options):
        from pathlib import Path

        seeds_dir = Path(dir)
        manifest_path = seeds_dir / "manifest.json"
        if not manifest_path.is_file():
            raise CommandError(f"No manifest at {manifest_path}.")
        try:
            # A key named twice in an entry kept the last value without a word, as an unknown
            # key was dropped: refused, as a bulk row's is.
            manifest = json.loads(
                utf8_file_read(manifest_path), object_pairs_hook=json_object_without_repeated_keys
            )
        except RepeatedKey as error:
            raise CommandError(f"{manifest_path}: {error}; give each key once.") from None
        except TextFileError as error:
            raise CommandError(str(error)) from None
        except json.JSONDecodeError as error:
            raise CommandError(f"{manifest_path} is not valid JSON: {error}") from None
        except RecursionError:  # json.loads recurses once per level of nesting
            raise CommandError(f"{manifest_path} is not valid JSON: nested too deeply") from None
        if not isinstance(manifest, list):
            raise CommandError(f"{manifest_path} must hold a JSON list of seed entries.")

        # Every entry is checked before any is stored: a broken tenth entry left nine loaded.
        entries = [
            self._entry_check(seeds_dir, number, entry)
            for number, entry in enumerate(manifest, start=1)
        ]
        # A body is checked only as its article is stored (article_submit, the one rule), so
        # all are stored in one transaction: a refused body stores nothing, where one in a
        # later entry left the earlier ones loaded. The analyses are queued once it commits.
        loaded: list[tuple[str, Article | DuplicateArticle]] = []
        with transaction.atomic():
            for number, entry, path, title, published_at in entries:
                loaded.append((path.name, self._store(number, entry, path, title, published_at)))
        for name, article in loaded:
            if isinstance(article, DuplicateArticle):
                self.stdout.write(f"Already loaded: {name} (article #{article.existing.pk})")
                continue
            article.refresh_from_db()
            self.stdout.write(
                self.style.SUCCESS(f"Loaded {name} as article #{article.pk}")
                + f" — analysis {article.get_analysis_status_display().lower()}"
            )

    @staticmethod
    def _store(number: int, entry, path, title: str, published_at) -> Article | DuplicateArticle:
        outlet = entry.get("outlet") or {}
        try:
            return article_submit(
                title=title,
                body=path.read_bytes(),
                source_kind=SourceKind.SEED,
                outlet_name=outlet.get("name", ""),
                outlet_domain=outlet.get("domain", ""),
                url=entry.get("url", ""),
                byline=entry.get("byline", ""),
                language=entry.get("language", "en"),
                published_at=published_at,
            )
        except DuplicateArticle as duplicate:
            return duplicate
        except ValidationError as error:
            raise CommandError(
                f"Nothing was loaded. Entry {number} ({path.name}): "
                + "; ".join(article_refusal_reasons(error))
            ) from None

    @staticmethod
    def _entry_check(seeds_dir, number: int, entry):
        # A misspelt key ("titel", "publishedAt") was dropped without a word, and the seed
        # stored without what it meant to give; named before the missing ones it may explain.
        if isinstance(entry, dict):
            _unknown_keys_check(number, entry, ENTRY_KEYS, "an entry's")
            if isinstance(entry.get("outlet"), dict):
                _unknown_keys_check(number, entry["outlet"], OUTLET_KEYS, "the outlet's")
        try:
            path = seeds_dir / entry["file"]
            title = entry["title"]
        except (KeyError, TypeError):
            raise CommandError(f"Entry {number} needs at least 'file' and 'title'.") from None
        outlet = entry.get("outlet") or {}
        if not isinstance(outlet, dict):
            raise CommandError(
                f"Entry {number}: outlet must be an object with a name and a domain."
            )
        # A number or a list here was a TypeError's traceback deep in the article's cleaning, a
        # NUL the INSERT's DataError (the service refuses it too, but only once the entries
        # before it are stored).
        texts = [
            (key, entry.get(key, "")) for key in ("file", "title", "url", "byline", "language")
        ]
        texts += [(f"outlet's {key}", outlet.get(key, "")) for key in ("name", "domain")]
        for what, text in texts:
            if not isinstance(text, str):
                raise CommandError(f"Entry {number}: the {what} must be a JSON string.")
            try:
                text_check(text, what)
            except ValidationError as error:
                raise CommandError(f"Entry {number}: {error.messages[0]}") from None
        # The manifest names its seeds, not any file the command's user may read.
        if not path.resolve().is_relative_to(seeds_dir.resolve()):
            raise CommandError(
                f"Entry {number}: {entry['file']!r} is outside {seeds_dir}: name a file in it."
            )
        if not path.is_file():
            raise CommandError(f"Entry {number}: {path} does not exist.")
        published = entry.get("published_at")
        published_at = parse_datetime(published) if isinstance(published, str) else None
        if published and published_at is None:
            raise CommandError(f"Entry {number}: bad published_at {published!r}.")
        return number, entry, path, title, published_at
