"""Rule 1 of attribution.py: the speaker a sentence names itself, outside any quotation.

A reporting verb and its subject ('X said', '..., said X', 'X told Reuters'), 'according to X',
'as X put it', 'X: "..."' (labels.py), a source set off by commas ('..., CNN claimed, ...'), the
poll a sentence of figures cites, the subject of a sentence that carries a quotation, and a
quotation's tag the parser missed; or else the speaker the sentence announces for the next one
('Cruz continued:'). Reads one parsed sentence at a time; plain data, no Django.
"""

import re
from dataclasses import replace

from claims.nlp.cues import (
    NON_SPEAKERS,
    STANCE_LEMMAS,
    SUBJECT_DEPS,
    as_source,
    can_speak,
    cue_of,
    depth_of,
    introduces,
    name_after_quotation,
    name_before,
    passive_agent,
    poll_of_figures,
    reports_finding,
    subject_of,
    verb_lemma,
)
from claims.nlp.labels import colon_attribution
from claims.nlp.narration import is_summary_lead, tells_content
from claims.nlp.quotes import quote_share
from claims.nlp.speakers import canonical_name, describe_subject

# 'WASHINGTON (Reuters) -' and 'MACAU (AFP) –' open wire stories; they are not subjects.
DATELINE = re.compile(r"^[A-Z][\w .,'’-]{0,40}\([A-Za-z. ]{2,25}\)\s*[–—-]+\s*")
# The tag of a quotation when the parser misses it ('...,” Viguerie notes.'): a closing mark,
# then a name and a verb, or a verb and a name. Pronouns are allowed in the first pattern.
_TAG_VERBS = (
    r"(?:said|says|say|told|tells|added|adds|asked|asks|wrote|writes|noted|notes|argued|argues"
    r"|explained|explains|continued|continues|recalled|recalls|insisted|insists|tweeted|replied"
    r"|answered|answers|warned|warns|shot back|fired back|[a-z]+ed)"
)
_TAG_NAME = (
    r"(?:the [a-z-]+(?: [a-z-]+)?|[A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*){0,3}|he|she|they|it|we|I)"
)
# The closing mark may be two apostrophes, as in the New York Times archive.
_CLOSING = r"(?:''|[\"”’])"
QUOTE_TAG_NAME_FIRST = re.compile(
    rf"[,?!—–-]\s*{_CLOSING}\s+(?P<mention>{_TAG_NAME})\s+(?P<cue>{_TAG_VERBS})\b"
)
QUOTE_TAG_VERB_FIRST = re.compile(
    rf"[,?!—–-]\s*{_CLOSING}\s+(?P<cue>{_TAG_VERBS})\s+(?P<mention>{_TAG_NAME})"
)

# A source set off by commas inside the sentence it attributes, when the parser hangs the clause
# on the verb the wrong way round: 'This sort of opining, CNN claimed, violates its code',
# 'During the same stretch, F.A.A. records show, the Cessna has flown 216 hours'.
PARENTHETICAL_SOURCE = re.compile(
    r",\s+(?P<mention>(?:[\w.'’-]+\s+){0,5}?[\w.'’-]+)\s+"
    r"(?P<cue>said|says|added|adds|claimed|claims|argued|argues|noted|notes|wrote|writes"
    r"|believes?|believed|contends?|contended|insists?|insisted|shows?|showed|suggests?"
    r"|suggested|estimates?|estimated|predicts?|predicted|warns?|warned|explained|explains"
    r"|recalled|recalls|acknowledged|conceded|reported|reports)\s*,\s+\S"
)


def _parenthetical_source(sentence, doc, quoted):
    """(words, head, cue) of a source set off by commas mid-sentence (PARENTHETICAL_SOURCE), outside
    quotation marks; the words between the commas must be a noun phrase and the cue a verb ('the
    MSNBC, Fox and CNN morning shows, about one in three' is no source)."""
    for match in PARENTHETICAL_SOURCE.finditer(sentence.text):
        if quoted[sentence.start + match.start("mention")]:
            continue
        span = doc.char_span(*match.span("mention"), alignment_mode="contract")
        cue = doc.char_span(*match.span("cue"), alignment_mode="contract")
        if span is None or cue is None or cue.root.pos_ not in ("VERB", "AUX"):
            continue
        # The head noun: the last before a preposition ('the former CEO of Hewlett-Packard').
        head_words = next((span[: t.i - span.start] for t in span if t.pos_ == "ADP"), span)
        subject = head_words[-1] if len(head_words) else span.root
        # Pronouns are left to the parser, which reads ', he said,' well; its subject would be
        # taken for the antecedent here ('His leverage, they believe, ...').
        if subject.pos_ not in ("NOUN", "PROPN") or not can_speak(subject):
            continue
        return span.text, subject, match.group("cue")
    return None


def _verb_before_colon_quotation(sentence, doc, quoted):
    """The main verb of the clause before a colon that opens a quotation, outside quotation
    marks: 'Sanders delivered a snappy retort: "No one is tearing this up."' -> delivered."""
    colon = next(
        (
            token
            for token in doc[:-1]
            if token.text == ":"
            and not quoted[sentence.start + token.idx]
            and quoted[sentence.start + token.nbor().idx]
        ),
        None,
    )
    if colon is None:
        return None
    verbs = [
        token
        for token in doc[: colon.i]
        if token.pos_ in ("VERB", "AUX")
        and not quoted[sentence.start + token.idx]
        and any(child.dep_ in SUBJECT_DEPS and child.i < colon.i for child in token.children)
    ]
    return min(verbs, key=depth_of) if verbs else None


def attribution_in_sentence(sentence, doc, quoted, history, context, line_start):
    """Return (attribution of this sentence, speaker it announces for the next sentence)."""
    colon = colon_attribution(sentence, doc, context, line_start)
    if colon is not None:
        return colon, None
    candidates = []
    announcers = []
    dateline = DATELINE.match(sentence.text)
    dateline_end = dateline.end() if dateline else 0
    introduces_block = sentence.text.rstrip().endswith(":")
    for token in doc:
        if quoted[sentence.start + token.idx]:
            continue
        cue = cue_of(token)
        if cue is None:
            continue
        # 'As X put it, ...', '..., as X noted, ...' names the source of the whole sentence.
        as_subject = as_source(token) if cue != "announce" else None
        subject = as_subject if as_subject is not None else subject_of(token)
        agent = subject is None and cue != "announce"
        if agent:
            # 'was first reported by BuzzFeed': what was reported is the sentence's subject.
            subject = passive_agent(token)
        if subject is not None and subject.idx < dateline_end:
            # The parser took the dateline's place name for the subject.
            subject = name_before(token)
        if subject is not None and cue != "according to" and quoted[sentence.start + subject.idx]:
            # '"... the cost of inaction," said Dennis Ross': a word of the quotation is no
            # speaker; a name between the quotation and the verb is, else the tag patterns below.
            subject = name_after_quotation(token, sentence.start, quoted)
        if subject is None or not can_speak(subject) or subject.idx < dateline_end:
            continue
        if subject.pos_ in ("VERB", "AUX", "ADV", "ADP", "SCONJ"):
            continue  # a clause or gerund ('Cross-referencing the records found') is no speaker
        depth = depth_of(token)
        if cue == "announce" or (introduces_block and introduces(token)):
            # 'Cruz continued:' and 'Stone told the crowd:' introduce the quotation after them.
            announcers.append((depth, token.i, subject, token.lemma_))
            continue
        if (
            cue != "according to"
            and as_subject is None
            and not agent
            and not tells_content(token, verb_lemma(token))
            and not reports_finding(subject, verb_lemma(token))
        ):
            continue
        stance = verb_lemma(token) in STANCE_LEMMAS
        source = cue == "according to" or as_subject is not None
        candidates.append((not source, stance, depth, token.i, subject, cue))
    if candidates and all(c[1] for c in candidates) and is_summary_lead(doc):
        # Only stance verbs ('is defending ... and the militias are vowing ...'): the actions
        # of several actors, not what one of them said.
        return None, None
    if candidates:
        # 'According to a survey, 51 percent of respondents said ...' is the survey's finding.
        *_, subject, cue = min(candidates, key=lambda item: item[:4])
        return describe_subject(subject, cue, history), None
    parenthetical = _parenthetical_source(sentence, doc, quoted)
    if parenthetical is not None:
        words, subject, cue = parenthetical
        attribution = describe_subject(subject, cue, history)
        if attribution is not None and attribution.kind != "person":
            # The parser leaves such a phrase in pieces ('F.A.A.' and 'records' both hang on
            # 'show'), so the source is the whole phrase between the commas.
            attribution = replace(attribution, speaker=canonical_name(words), mention=words)
        return attribution, None
    poll = poll_of_figures(doc, sentence.start, quoted)
    if poll is not None:
        return describe_subject(poll, "in (poll)", history), None
    if quote_share(sentence, quoted) > 0:
        # A quotation belongs to the subject of the sentence that carries it, whatever the verb:
        # 'Trump leaned in and boomed: "..."', 'Merkel hailed the deal as a "breakthrough."'.
        # When the parser makes the quotation the main clause, the clause before a colon that
        # opens it carries it: 'In a Fox interview, Trump went even further: "If he ..."'.
        root = next((token for token in doc if token.dep_ == "ROOT"), None)
        for verb in (root, _verb_before_colon_quotation(sentence, doc, quoted)):
            subject = subject_of(verb) if verb is not None else None
            if (
                subject is not None
                and not quoted[sentence.start + subject.idx]
                and not quoted[sentence.start + verb.idx]
                and subject.lower_ not in NON_SPEAKERS
                and subject.idx >= dateline_end
                and (subject.pos_ in ("PROPN", "PRON") or subject.ent_type_)
            ):
                return describe_subject(subject, verb.lower_, history), None
    for pattern in (QUOTE_TAG_NAME_FIRST, QUOTE_TAG_VERB_FIRST):
        match = pattern.search(sentence.text)
        span = match and doc.char_span(*match.span("mention"), alignment_mode="expand")
        if span:
            return describe_subject(span[-1], match.group("cue"), history), None
    if announcers:
        _, _, subject, lemma = min(announcers, key=lambda item: (item[0], item[1]))
        return None, describe_subject(subject, lemma, history)
    return None, None
