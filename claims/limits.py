"""How long a verdict's free text may be: one definition of each limit, which the service
refuses past (claims.verdicts, claims.corrections) and the desk's and the admin's forms show
as the box's maxlength, with the same message.

Checked in code, not by the columns: a TEXT column costs nothing for its length, and a limit
changed here needs no migration. The limits stop a pasted document or a runaway script, not a
long fact-check.
"""

from django.core.validators import MaxLengthValidator

# A long explainer runs to about 3,000 words, some 18,000 characters; a verdict's explanation
# is usually far shorter. Past 20,000 it is a report pasted whole, which belongs in a source.
VERDICT_EXPLANATION_MAX = 20_000
# A note says what in the source bears on the claim: a quoted passage, a page or table
# number. 2,000 characters is two long paragraphs; more is explanation, not a note.
EVIDENCE_NOTE_MAX = 2_000


class TextLengthValidator(MaxLengthValidator):
    """At most `limit_value` characters, a line break counting as one: the browser's maxlength
    counts it so, then sends it as CR LF, which would fail text it let through."""

    def __init__(self, limit_value: int, what: str):
        super().__init__(
            limit_value,
            message=f"The {what} is too long: keep it to {limit_value:,} characters "
            "(it has %(show_value)d).",
        )

    def clean(self, x: str) -> int:
        return len(x.replace("\r\n", "\n"))


explanation_length = TextLengthValidator(VERDICT_EXPLANATION_MAX, "explanation")
evidence_note_length = TextLengthValidator(EVIDENCE_NOTE_MAX, "source's note")
