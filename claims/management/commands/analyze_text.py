import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.textfile import TextFileError, utf8_file_read
from claims.nlp.pipeline import analyze_texts


class Command(BaseCommand):
    help = (
        "Analyse text files without the database: sentences with offsets, speaker and "
        "check-worthiness. With --json, prints one JSON object per file (JSON Lines)."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--json", action="store_true", help="JSON Lines output.")

    def handle(self, *args, paths: list[str], json: bool, **options):
        texts = []
        for path in paths:
            try:
                texts.append(utf8_file_read(Path(path)))
            except TextFileError as error:
                raise CommandError(str(error)) from None
        # One call for every file, so the model loads once and sees full batches.
        for path, sentences in zip(paths, analyze_texts(texts), strict=True):
            if json:
                self.stdout.write(_json_line(path, sentences))
            else:
                self.stdout.write(f"== {path}")
                for s in sentences:
                    speaker = s.speaker or "—"
                    self.stdout.write(f"{s.check_worthiness:.3f}  [{speaker}]  {s.text}")


def _json_line(path: str, sentences) -> str:
    return json.dumps(
        {
            "path": path,
            "sentences": [
                {
                    "start": s.start,
                    "end": s.end,
                    "text": s.text,
                    # The resolved name ('Maria Lopez'), and the words of the text it was
                    # read from ('the mayor'); both null for narration.
                    "speaker": s.speaker,
                    "speaker_mention": s.attribution.mention if s.attribution else None,
                    "check_worthiness": round(s.check_worthiness, 6),
                }
                for s in sentences
            ],
        },
        ensure_ascii=False,
    )
