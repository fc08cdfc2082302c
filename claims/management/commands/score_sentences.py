"""Score a CheckThat!-format TSV: prints Sentence_id, score and Yes/No per row."""

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from claims.nlp.checkworthiness import ModelUnavailable, model_info, score_sentences
from claims.nlp.training.data import DataFormatError, checkthat_tsv_read


class Command(BaseCommand):
    help = (
        "Score sentences from a TSV with header Sentence_id, Text (class_label optional). "
        "Prints Sentence_id<TAB>score<TAB>Yes|No, Yes iff score >= the model's threshold."
    )

    def add_arguments(self, parser):
        parser.add_argument("input", type=Path, help="CheckThat!-format TSV file")

    def handle(self, *args, **options):
        os.environ["HF_HUB_OFFLINE"] = "1"
        try:
            sentences = checkthat_tsv_read(options["input"])
            if not sentences:
                raise DataFormatError(f"{options['input']}: no sentences after the header")
            threshold = model_info().threshold
            scores = score_sentences([s.text for s in sentences])
        except (DataFormatError, ModelUnavailable) as error:
            raise CommandError(str(error)) from error
        for sentence, score in zip(sentences, scores, strict=True):
            verdict = "Yes" if score >= threshold else "No"
            self.stdout.write(f"{sentence.sentence_id}\t{score:.4f}\t{verdict}")
