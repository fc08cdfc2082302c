"""Rules 2 and 3 of attribution.py: a sentence inside a quotation takes the quotation's speaker.

The speaker is found in another sentence of the same quotation (multi-sentence quotations,
quotations over several paragraphs); for a sentence that is mostly quotation and has no speaker
yet, in a short tag sentence right after it ('"..." \n Trump said.'), else in the speaker
announced or attributed in the sentence before. Plain data, no Django.
"""

from dataclasses import replace

from claims.nlp.quotes import quote_share
from claims.nlp.sentences import SentenceSpan
from claims.nlp.speakers import Attribution

# A sentence with this share of its characters in quotation marks is a direct quote; partial
# quotes ('said it would "study all legal options"') stay below it.
DIRECT_QUOTE_SHARE = 0.3
# How many sentences back an untagged quotation looks for its speaker.
QUOTE_LOOKBACK = 1
# Marks that open a quotation (a tag does not start with one).
QUOTE_OPENERS = "\"“'"
# A sentence this much inside quotation marks is speech even without a tag of its own.
QUOTE_SENTENCE_SHARE = 0.5


def fill_quotations(
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
