"""Speaker labels: 'Paul Ryan: FBI Decision Defies Explanation', 'MATTHEWS: Well, ...',
'White House Press Secretary, Jen Psaki: "..."', and the transcript turns that follow a label.
"""

import re
from dataclasses import replace

from claims.nlp.sentences import SentenceSpan, word_set
from claims.nlp.speakers import Attribution, canonical_name, clean_role, kind_of, person_in_label

# A speaker label at the start of a line: transcripts ('TAPPER: Do you think ...') and
# headlines ('Paul Ryan: FBI Decision Defies Explanation').
# A kicker in capitals may come first: 'EXCLUSIVE – Roger Stone: ...'.
LINE_LABEL = re.compile(
    r"^(?:[A-Z]{3,}\s+[–—-]\s+)?[\"“]?(?P<mention>[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){0,2}):\s+(?=\S)"
)
NOT_LABELS = word_set(
    """update updated note editor's watch video photos photo related read correction transcript
    source sources breaking exclusive live question answer the latest"""
)
# Headline labels that name a source rather than a person: 'Poll: Trump ties Clinton'.
LABEL_SOURCES = word_set("poll polls survey study report newspaper analysis audit memo lawsuit")
COLON_SPEAKER = re.compile(r"^(?P<mention>[^:\"“”]{3,120}?)\s*:\s*[\"“‘']")
# A name introducing a quotation after a dash or 'from', in digests: 'IOWA POLLS NOT WRONG -
# Mark Blumenthal and Jon Cohen: "..."', '-More from Blumenthal and Cohen: "..."'.
INLINE_COLON_SPEAKER = re.compile(
    r"(?:\s[—–-]+\s*|\bfrom\s+)(?P<mention>[A-Z][\w.'’-]+(?:\s+(?:[A-Z][\w.'’-]+|and|of)){0,5}):"
    r"\s*[\"“]"
)
# Labelled lines that make an article a transcript (see continue_turns).
MIN_TRANSCRIPT_LABELS = 2
# Two people who speak together: 'Mark Blumenthal and Jon Cohen'.
JOINT_NAMES = re.compile(
    r"[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+)* and [A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+)*"
)


def continue_turns(
    text: str,
    sentences: list[SentenceSpan],
    labels: dict[int, Attribution | None],
    results: list[Attribution | None],
) -> None:
    """In a transcript, paragraphs with no label of their own continue the last speaker's turn.

    An article is a transcript when at least two lines after the headline open with a label
    ('MATTHEWS: ...', 'Lopez: ...'); a paragraph that opens with an attribution of its own
    ends the turn.
    """
    first_line = text.lstrip().split("\n", 1)[0]
    headline_start = text.find(first_line) if first_line else 0
    turns = {start: label for start, label in labels.items() if label and start > headline_start}
    if len(turns) < MIN_TRANSCRIPT_LABELS:
        return
    paragraphs: dict[int, list[int]] = {}
    for index, sentence in enumerate(sentences):
        paragraphs.setdefault(text.rfind("\n", 0, sentence.start) + 1, []).append(index)
    turn = None
    for line_start, members in paragraphs.items():
        if line_start in turns:
            turn = turns[line_start]
        elif results[members[0]] is not None:
            turn = None
        elif turn is not None:
            for index in members:
                if results[index] is None:
                    results[index] = replace(turn, cue="transcript turn")


def names_in(docs) -> frozenset[str]:
    """Last words of the people and bodies the article names: 'Lynch' for 'Loretta Lynch'."""
    return frozenset(
        entity.text.split()[-1].lower()
        for doc in docs
        for entity in doc.ents
        if entity.label_ in ("PERSON", "ORG", "NORP")
    )


def line_label(
    text: str,
    sentence: SentenceSpan,
    doc,
    labels: dict[int, Attribution | None],
    names: frozenset[str],
) -> Attribution | None:
    """The speaker label that opens the sentence's line, for every sentence on that line.

    labels caches the decision per line, taken on the line's first sentence.
    """
    line_start = text.rfind("\n", 0, sentence.start) + 1
    if line_start in labels:
        return labels[line_start]
    labels[line_start] = None
    match = LINE_LABEL.match(text[line_start : sentence.end])
    if match is None:
        return None
    # A title-case label must be a name ('Paul Ryan: ...', or 'Lynch: ...' where the article
    # names Loretta Lynch) or a source ('Poll: ...'), not a topic ('Superdelegates: ...');
    # capitals ('TAPPER: ...') are the transcript convention and need no check.
    offset = line_start - sentence.start
    mention_words = match.group("mention").lower().split()
    if not match.group("mention").isupper() and mention_words[-1] not in LABEL_SOURCES:
        start, end = match.span("mention")
        span = doc.char_span(start + offset, end + offset, alignment_mode="expand")
        if span is None:
            return None
        if not any(t.ent_type_ in ("PERSON", "ORG") for t in span) and (
            mention_words[-1] not in names or not mention_words[-1][0].isalpha()
        ):
            return None
    mention = match.group("mention")
    if (
        mention.lower() in NOT_LABELS
        or mention.split()[0].lower() in NOT_LABELS
        or len(mention) < 3
    ):
        return None
    speaker = mention.title() if mention.isupper() else mention
    kind = "organisation" if mention_words[-1] in LABEL_SOURCES else "person"
    labels[line_start] = Attribution(
        speaker=speaker, role="", kind=kind, cue=":", is_direct_quote=False, mention=mention
    )
    return labels[line_start]


def colon_attribution(sentence: SentenceSpan, doc) -> Attribution | None:
    match = INLINE_COLON_SPEAKER.search(sentence.text) or COLON_SPEAKER.match(sentence.text)
    if match is None or not any(char.isupper() for char in match.group("mention")):
        return None
    mention = match.group("mention").strip()
    start, end = match.start("mention"), match.end("mention")
    # Headlines: 'CNN President On Trump: "..."' is the CNN president's.
    topic = re.search(r"\s+on\s+", mention, re.IGNORECASE)
    if topic is not None:
        mention, end = mention[: topic.start()], topic.start()
    span = doc.char_span(start, end, alignment_mode="contract")
    # 'The president noted ... and added: "..."' is a verb's attribution, not a colon's.
    if span is None or any(token.pos_ in ("VERB", "AUX") for token in span):
        return None
    person = person_in_label(span)
    if person is not None and not JOINT_NAMES.fullmatch(mention):
        name, role = person
        return Attribution(
            speaker=name,
            role=clean_role(role),
            kind="person",
            cue=":",
            is_direct_quote=True,
            mention=mention,
        )
    return Attribution(
        speaker=canonical_name(mention),
        role="",
        kind=kind_of(span, span.root),
        cue=":",
        is_direct_quote=True,
        mention=mention,
    )
