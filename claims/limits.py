"""How long a verdict's free text may be: one definition of each limit, which the service
refuses past (claims.verdicts, claims.corrections, the speaker edits' and merges' correction
notes, a dismissal's reason, a rejected application's note) and the desk's and the admin's
forms show as the box's maxlength, with the same message.

Checked in code, not by the columns: a TEXT column costs nothing for its length, and a limit
changed here needs no migration. The limits stop a pasted document or a runaway script, not a
long fact-check. Where a column does have a length (the conclusion, a source's address and
title), its model field is the one definition, read here.
"""

from django.core.exceptions import ValidationError

from articles.lengths import ColumnLengthValidator, TextLengthValidator, text_check

from .models import NOTE_MAX_LENGTH, ClaimNote, EvidenceSource, Speaker, Verdict

# A long explainer runs to about 3,000 words, some 18,000 characters; a verdict's explanation
# is usually far shorter. Past 20,000 it is a report pasted whole, which belongs in a source.
VERDICT_EXPLANATION_MAX = 20_000
# A note says what in the source bears on the claim: a quoted passage, a page or table
# number. 2,000 characters is two long paragraphs; more is explanation, not a note.
EVIDENCE_NOTE_MAX = 2_000
# A correction note says publicly what changed and why (a verdict's, or a speaker's on every
# verdict naming them): a paragraph or two; past 5,000 the explanation belongs in the verdict.
CORRECTION_NOTE_MAX = 5_000
# An editor's comment returning a verdict to its author: what to change, not a second draft.
REVIEW_COMMENT_MAX = 5_000
# Why a claim is not check-worthy (claims.services.claim_dismiss, one claim or many from the
# queue), kept as training data: a sentence or two, not an essay.
DISMISSAL_REASON_MAX = 2_000
# Why a published verdict does not cover a repeat (claims.matching.applications), read by the
# request's author on the claim's timeline: as short.
REJECTION_NOTE_MAX = 2_000


conclusion_length = ColumnLengthValidator(Verdict, "conclusion", "conclusion")
source_url_length = ColumnLengthValidator(EvidenceSource, "url", "source's address")
source_title_length = ColumnLengthValidator(EvidenceSource, "title", "source's title")
explanation_length = TextLengthValidator(VERDICT_EXPLANATION_MAX, "explanation")
evidence_note_length = TextLengthValidator(EVIDENCE_NOTE_MAX, "source's note")
correction_note_length = TextLengthValidator(CORRECTION_NOTE_MAX, "correction note")
review_comment_length = TextLengthValidator(REVIEW_COMMENT_MAX, "comment")
speaker_name_length = ColumnLengthValidator(Speaker, "name", "speaker's name")
speaker_role_length = ColumnLengthValidator(Speaker, "role", "speaker's role")
dismissal_reason_length = TextLengthValidator(DISMISSAL_REASON_MAX, "reason for the dismissal")
rejection_note_length = TextLengthValidator(REJECTION_NOTE_MAX, "reason for the rejection")
research_note_length = TextLengthValidator(NOTE_MAX_LENGTH, "note")
research_link_length = ColumnLengthValidator(ClaimNote, "link", "link")
# A speaker's fields by name (claims.speaker_edits), as VERDICT_TEXTS.
SPEAKER_TEXTS = {
    "name": ("speaker's name", speaker_name_length),
    "role": ("speaker's role", speaker_role_length),
}
# The other free texts checked with text_refusals, as (what the messages call it, its limit).
DISMISSAL_REASON = ("reason for the dismissal", dismissal_reason_length)
REJECTION_NOTE = ("reason for the rejection", rejection_note_length)

# A verdict's free text by its field's name (claims.verdict_content.verdict_text_check): what the
# messages call it, and its limit.
VERDICT_TEXTS = {
    "conclusion": ("conclusion", conclusion_length),
    "explanation": ("explanation", explanation_length),
    "note": ("correction note", correction_note_length),
    "comment": ("comment", review_comment_length),
}
# A source's fields by name, as VERDICT_TEXTS.
SOURCE_TEXTS = {
    "url": ("source's address", source_url_length),
    "title": ("source's title", source_title_length),
    "note": ("source's note", evidence_note_length),
}


def text_refusals(
    text: str, what: str, length: TextLengthValidator | None, *, typed: str | None = None
) -> list[str]:
    """Why `text` may not be saved: a character no column stores, or past `length`, counted as
    `typed` when the service put something in front of what was typed (a link's https://);
    empty if it may."""
    try:
        text_check(text, what)
        if length is not None:
            length.typed_check(text if typed is None else typed, text)
    except ValidationError as error:
        return error.messages
    return []
