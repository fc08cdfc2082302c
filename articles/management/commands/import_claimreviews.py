import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from articles.intake.claimreview import (
    TOO_DEEP,
    claimreviews_from_html,
    claimreviews_from_json,
    external_factchecks_store,
)
from articles.intake.fetch import FetchError, fetch
from articles.textfile import TextFileError, file_bytes_read, utf8_file_read


class Command(BaseCommand):
    help = (
        "Import other fact-checkers' ClaimReview from fact-check pages (URL or saved .html: "
        "JSON-LD and microdata) or JSON files (one object, a list, or a Fact Check Tools API "
        "export). They are stored as external fact-checks, never as the desk's verdicts."
    )

    def add_arguments(self, parser):
        parser.add_argument("sources", nargs="+", help="URLs, .html or .json files")
        parser.add_argument("--base-url", default="", help="The page's address, for .html files.")

    def handle(self, *args, sources: list[str], base_url: str, **options):
        failed = False
        for source in sources:
            try:
                items = self._read(source, base_url)
            except CommandError as error:
                reason = str(error)  # a file's reason may name it already
                self.stderr.write(reason if reason.startswith(source) else f"{source}: {reason}")
                failed = True
                continue
            result = external_factchecks_store(
                items, imported_from=source if "://" in source else base_url
            )
            self.stdout.write(
                f"{source}: {len(items)} ClaimReview found, {result.created} new, "
                f"{result.updated} updated, {result.unchanged} unchanged, "
                f"{len(result.errors)} refused"
            )
            for error in result.errors:
                self.stdout.write(f"  {error}")
            for note in result.notes:  # stored: not among the refused
                self.stdout.write(f"  {note}")
            failed = failed or (not result.items)
        if failed:
            raise CommandError("Some sources gave no ClaimReview (see above).")

    def _read(self, source: str, base_url: str) -> list[dict]:
        try:
            return self._read_items(source, base_url)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None

    def _read_items(self, source: str, base_url: str) -> list[dict]:
        if source.startswith(("http://", "https://")):
            try:
                page = fetch(source)
            except FetchError as error:
                raise CommandError(error.reason) from None
            return claimreviews_from_html(page.body, url=page.url, charset=page.charset)
        path = Path(source)
        suffix = path.suffix.lower()
        if suffix not in (".json", ".html", ".htm"):
            raise CommandError("give a URL, an .html or a .json file")
        try:
            if suffix != ".json":
                return claimreviews_from_html(file_bytes_read(path), url=base_url)
            text = utf8_file_read(path)  # a byte-order mark is fine
        except TextFileError as error:
            raise CommandError(str(error)) from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise CommandError(f"not valid JSON ({error})") from None
        except RecursionError:  # json.loads recurses once per level
            raise CommandError(TOO_DEEP) from None
        return claimreviews_from_json(data)
