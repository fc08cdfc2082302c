"""Speaker labels: 'Paul Ryan: FBI Decision Defies Explanation', 'MATTHEWS: Well, ...',
'White House Press Secretary, Jen Psaki: "..."'; and what is no label: columns, kickers, topics.

A label speaks for its own line only: the paragraphs after it are not carried over (on PolNeAR
train, carrying a label's speaker to the next unlabelled paragraphs gave 60 narration sentences
a speaker for 10 right ones).
"""

import re
from dataclasses import dataclass

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
# Lines opening with a label in capitals that make an article a transcript.
MIN_TRANSCRIPT_LABELS = 2
# Two people who speak together: 'Mark Blumenthal and Jon Cohen'.
JOINT_NAMES = re.compile(
    r"[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+)* and [A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+)*"
)


@dataclass(frozen=True)
class LabelContext:
    """What the whole article says about its labels, gathered before any line is read.

    names: last words of the people and bodies the article names ('lynch' for 'Loretta Lynch'),
    each with the starts of the lines that name them; capital_labels: how many lines open with a
    label in capitals ('MATTHEWS: ...'), which makes the article a transcript.
    """

    names: dict[str, frozenset[int]]
    capital_labels: int

    def named_elsewhere(self, word: str, line_start: int) -> bool:
        return bool(self.names.get(word.lower(), frozenset()) - {line_start})


def names_in(text: str, sentences: list[SentenceSpan], docs) -> LabelContext:
    names: dict[str, set[int]] = {}
    capital_lines = set()
    for sentence, doc in zip(sentences, docs, strict=True):
        line_start = text.rfind("\n", 0, sentence.start) + 1
        for entity in doc.ents:
            if entity.label_ in ("PERSON", "ORG", "NORP"):
                names.setdefault(entity.text.split()[-1].lower(), set()).add(line_start)
        match = LINE_LABEL.match(text[line_start : sentence.end])
        if match is not None and match.group("mention").isupper():
            capital_lines.add(line_start)
    return LabelContext(
        {word: frozenset(lines) for word, lines in names.items()}, len(capital_lines)
    )


def line_label(
    text: str,
    sentence: SentenceSpan,
    doc,
    labels: dict[int, Attribution | None],
    context: LabelContext,
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
    # A title-case label must be a person ('Paul Ryan: ...'), a name the article uses on another
    # line ('Lynch: ...' where it names Loretta Lynch) or a source ('Poll: ...'), not a topic
    # ('Superdelegates: ...') or a column ('Market Watch: ...'). Capitals are the transcript
    # convention ('TAPPER: ...') when the article has two such lines or names the speaker
    # elsewhere; a lone kicker ('ELECTION: ...', 'HUFFPOLLSTER: ...') is a heading.
    offset = line_start - sentence.start
    mention_words = match.group("mention").lower().split()
    elsewhere = context.named_elsewhere(mention_words[-1], line_start)
    if match.group("mention").isupper():
        if not elsewhere and context.capital_labels < MIN_TRANSCRIPT_LABELS:
            return None
    elif mention_words[-1] not in LABEL_SOURCES:
        start, end = match.span("mention")
        span = doc.char_span(start + offset, end + offset, alignment_mode="expand")
        if span is None:
            return None
        if not any(t.ent_type_ == "PERSON" for t in span) and (
            not elsewhere or not mention_words[-1][0].isalpha()
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


def colon_attribution(
    sentence: SentenceSpan, doc, context: LabelContext, line_start: int
) -> Attribution | None:
    match = INLINE_COLON_SPEAKER.search(sentence.text) or COLON_SPEAKER.match(sentence.text)
    if match is None or not any(char.isupper() for char in match.group("mention")):
        return None
    mention = match.group("mention").strip()
    if mention.isupper() and not context.named_elsewhere(mention.split()[-1], line_start):
        return None  # a kicker in capitals over a quotation ('ELECTION 2026: "..."')
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
