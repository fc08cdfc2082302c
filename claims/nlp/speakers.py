"""Speakers: who a subject names (name, role, kind) and keys to match them across articles.

sentence_rules.py finds the cue and its subject; this module turns the subject's tokens into an
Attribution, resolves pronouns against earlier speakers, and normalises names for matching.
"""

import hashlib
import re
import unicodedata
from dataclasses import dataclass, replace

from claims.nlp.sentences import word_set

# Courtesy titles carry no information worth keeping as a role.
HONORIFICS = frozenset(["mr", "mrs", "ms", "miss", "dr", "sir", "dame", "madam"])
# Words that make up a job title ('U.S. Secretary of State', 'White House Press Secretary').
TITLE_WORDS = word_set(
    """president vice secretary sen senator rep representative gov governor mayor minister prime
    chancellor chairman chairwoman chair speaker leader spokesman spokeswoman spokesperson
    press general attorney director chief deputy ambassador judge justice gen lt col sgt capt
    adm commander candidate nominee former acting state house white defense treasury foreign
    homeland u.s. us majority minority whip congressman congresswoman lawmaker pastor rev prof
    professor ceo founder executive officer manager adviser advisor aide analyst strategist
    pollster host anchor reporter columnist editor of the and for republican democratic
    democrat gop campaign national security councillor councilor councilman councilwoman
    councilmember alderman alderwoman commissioner assemblyman assemblywoman assemblymember"""
)
# Local titles the entity recogniser takes, with the name after them, for an organisation
# ('Councillor Ruth Evans' as ORG): before a name they make the mention a person's.
LOCAL_TITLES = word_set(
    """councillor councilor councilman councilwoman councilmember alderman alderwoman
    commissioner assemblyman assemblywoman assemblymember"""
)
ANONYMOUS_HEADS = word_set(
    """source sources official officials aide aides person people insider insiders adviser
    advisers advisor advisors diplomat diplomats officer officers staffer staffers"""
)
ANONYMOUS_MARKERS = ("anonymous", "unnamed", "familiar with", "not authorized", "condition of")
PRONOUN_KINDS = {
    "he": ("person",),
    "she": ("person",),
    "him": ("person",),
    "her": ("person",),
    "i": ("person",),
    "it": ("organisation",),
    "they": ("group", "organisation", "anonymous"),
    "we": ("group", "organisation", "anonymous"),
}
LEADING_DETERMINERS = re.compile(r"^(the|a|an)\s+", re.IGNORECASE)
HEAD_PHRASE_END = re.compile(r",|\(|\s(?:who|which|that|whose)\s", re.IGNORECASE)
POSSESSIVE = re.compile(r"['’]s$")


def speaker_key(name: str) -> str:
    """Normalise a speaker name for matching: 'The U.S. Military' and 'U.S. military' agree."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = text.replace("’", "'").lower().translate(UNDECOMPOSED_LETTERS)
    text = LEADING_DETERMINERS.sub("", text.strip())
    text = re.sub(r"'s\b", "", text)
    # A name with no Latin letter (习近平, Путин) keys on its own letters; otherwise every such
    # name reads as no name at all, and the desk cannot name its speaker. Only these: the keys
    # already stored for names with Latin letters stay as they are.
    return _key_capped(_key_words(text, LATIN_WORD) or _key_words(text, ANY_WORD))


# SpeakerAlias.key's length. A key can be longer than the name it keys (a name holds at most
# 300 characters): 'ß' keys as 'ss', 'ﬃ' as 'ffi', '⑽' as '10'.
SPEAKER_KEY_MAX = 300
_KEY_DIGEST_LENGTH = 16


def _key_capped(key: str) -> str:
    """A key that fits its column, the same for the same name wherever a key is made: a longer
    one is cut and ends in a digest of the whole, so two names that share their first 283
    characters still key apart. Keys hold only words and spaces: no name keys as the '#'."""
    if len(key) <= SPEAKER_KEY_MAX:
        return key
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:_KEY_DIGEST_LENGTH]
    return f"{key[: SPEAKER_KEY_MAX - _KEY_DIGEST_LENGTH - 1]}#{digest}"


# Latin letters NFKD does not split into a base letter and a mark: without these 'Łukasz' keyed
# as 'ukasz' and 'Søren' as 's ren'. Lower case only: the name is lowered first.
UNDECOMPOSED_LETTERS = str.maketrans(
    {"ł": "l", "ø": "o", "ß": "ss", "æ": "ae", "œ": "oe", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}
)
LATIN_WORD = re.compile(r"[a-z0-9]+(?:\.[a-z0-9]+)*\.?")
ANY_WORD = re.compile(r"[^\W_]+(?:\.[^\W_]+)*\.?")


def _key_words(text: str, word: re.Pattern) -> str:
    words = [found.replace(".", "") for found in word.findall(text)]
    while words and words[0] in HONORIFICS:
        words = words[1:]
    return " ".join(word for word in words if word)


def canonical_name(text: str) -> str:
    """Drop a leading article and edge punctuation: 'The U.S. military,' -> 'U.S. military'."""
    text = text.strip().strip(",;:—–-").strip()
    return LEADING_DETERMINERS.sub("", text)


def split_title(words: list[str]) -> tuple[str, str]:
    """Split 'U.S. Secretary of State Antony Blinken' into name and role by title words.

    Used when the entity recogniser found no person inside the mention. The name is the run of
    capitalised words after the last title word; honorifics are dropped, not kept as a role.
    """
    cut = 0
    for index, word in enumerate(words):
        if word.lower().rstrip(".,") in TITLE_WORDS or word.lower().rstrip(".") in HONORIFICS:
            cut = index + 1
    name_words = words[cut:]
    role_words = [word for word in words[:cut] if word.lower().rstrip(".") not in HONORIFICS]
    return " ".join(name_words), canonical_name(" ".join(role_words))


def clean_role(role: str) -> str:
    role = canonical_name(role.strip().rstrip(","))
    words = [word for word in role.split() if word.lower().rstrip(".") not in HONORIFICS]
    return " ".join(words)


def is_anonymous(mention: str, head_lemma: str) -> bool:
    lowered = mention.lower()
    return any(marker in lowered for marker in ANONYMOUS_MARKERS) or head_lemma in ANONYMOUS_HEADS


def last_word(name: str) -> str:
    words = speaker_key(name).split()
    return words[-1] if words else ""


def head_phrase(name: str) -> str:
    """The name without what follows it: 'Clinton, a Democrat,' -> 'Clinton'."""
    return HEAD_PHRASE_END.split(name.strip(), maxsplit=1)[0]


def names_match(predicted: str, gold: str) -> bool:
    """Lenient match: same key, or one contains the other and the last words agree.

    Both sides are cut to their head phrase first, so an apposition or a relative clause in a
    corpus's source span ('Voters who say the economy ...') does not decide the match.
    """
    predicted_key, gold_key = speaker_key(head_phrase(predicted)), speaker_key(head_phrase(gold))
    if not predicted_key or not gold_key:
        return False
    if predicted_key == gold_key:
        return True
    contains = f" {predicted_key} " in f" {gold_key} " or f" {gold_key} " in f" {predicted_key} "
    return contains and predicted_key.split()[-1] == gold_key.split()[-1]


def strip_possessive(text: str) -> str:
    return POSSESSIVE.sub("", text.strip())


@dataclass(frozen=True)
class Attribution:
    speaker: str
    role: str
    kind: str
    cue: str
    is_direct_quote: bool
    mention: str


# Parts of a subject that are not part of the speaker's mention.
MENTION_EXCLUDED_DEPS = frozenset(
    ("relcl", "acl", "appos", "punct", "advcl", "parataxis", "advmod", "cc")
)
# 'officials in the region', 'the head of the agency'; more is a parse gone wrong.
MAX_WORDS_AFTER_HEAD = 8
# When something was said is no part of who said it: 'a Des Moines Register poll last month',
# 'the Leeds Institute in March', 'Iowa residents on Monday'.
TIME_PREPOSITIONS = word_set("in on at during since until through over after before by from")
TIME_WORDS = word_set(
    """today yesterday tonight tomorrow earlier recently lately now later ago time week weeks
    month months year years day days weekend morning afternoon evening night"""
)
# Words a name never ends on; a cut at MAX_WORDS_AFTER_HEAD or before a clause can leave them
# ('partisans and thinkers who', 'a study by economists at Duke University and').
DANGLING_DEPS = frozenset(("cc", "det", "prep", "mark", "aux", "punct"))
DANGLING_TAGS = frozenset(("WDT", "WP", "WP$", "PRP$"))


def _mention_span(subject):
    tokens = [subject]
    stack = list(subject.children)
    while stack:
        child = stack.pop()
        if child.dep_ in MENTION_EXCLUDED_DEPS and child.head.i == subject.i:
            continue
        if child.dep_ in ("relcl", "acl", "appos"):
            continue
        # 'Trump at the time said': a proper name takes no prepositional phrase except 'of'.
        person = child.head.ent_type_ == "PERSON"
        if child.dep_ == "prep" and person and child.lower_ != "of":
            continue
        if child.dep_ == "prep" and child.lower_ == "as":
            continue  # 'remembered by historians as a champion'
        tokens.append(child)
        stack.extend(child.children)
    start = min(token.i for token in tokens)
    # A runaway parse can hang a whole clause on the subject; a speaker's name stays short.
    end = min(max(token.i for token in tokens) + 1, subject.i + 1 + MAX_WORDS_AFTER_HEAD)
    # Nothing of a clause hung on the subject belongs to the name ('Beruff, a Scott ally, called
    # Florida's standards "strong"' parses with 'called' under Beruff).
    clauses = [c.i for c in subject.children if c.dep_ in ("acl", "relcl") and c.i > subject.i]
    if clauses:
        end = min(end, min(clauses))
    end = _before_trailing_time(subject, end)
    span = subject.doc[start:end]
    while len(span) > 1 and _dangles(span):
        span = span[:-1]
    while len(span) > 1 and (span[0].is_punct or span[0].dep_ in ("advmod", "cc", "prep")):
        span = span[1:]
    return span


def _dangles(span) -> bool:
    token = span[-1]
    if token.is_punct:
        return True
    # A capitalised word is a name's own ('Al From', 'Clinton Wades In'); a preposition with
    # nothing under it is a particle ('a voice over'), not a phrase cut short, except the 'out'
    # of 'a poll out Monday' once its day is cut.
    particle = token.dep_ == "prep" and not list(token.children) and token.lower_ != "out"
    # 'the University of' cut short is not 'the University': that would pass for another name.
    in_name = token.dep_ == "prep" and token.head.pos_ == "PROPN"
    if token.text[:1].isupper() or particle or in_name:
        return False
    if token.dep_ not in DANGLING_DEPS and token.tag_ not in DANGLING_TAGS:
        return False
    # Dropping 'and' from 'officials, including Director Michael Rogers and' would make the
    # mention end on a person it only lists: leave such a mention as the parse gave it.
    return not _ends_on_another_person(span[:-1])


def _ends_on_another_person(span) -> bool:
    last = span[-1]
    return last.ent_type_ == "PERSON" and not any(
        entity.start <= span.root.i < entity.end
        for entity in span.doc.ents
        if entity.start <= last.i < entity.end
    )


def _before_trailing_time(subject, end: int) -> int:
    """Where the mention ends once a time phrase at its end is cut off.

    Only a phrase after the head that reaches the end is cut: words before the head ('Monday
    Night Football', 'the Sunday Times') and a phrase with more of the name after it stay.
    """
    cut = True
    while cut:
        cut = False
        for token in subject.doc[subject.i + 1 : end]:
            if (
                token.right_edge.i + 1 >= end
                and _tells_time(token)
                and token.left_edge.i > subject.i
            ):
                end, cut = token.left_edge.i, True
                break
    return end


def _tells_time(token) -> bool:
    if token.dep_ == "prep":
        return token.lower_ in TIME_PREPOSITIONS and any(
            child.dep_ == "pobj" and (_is_date(child) or child.lemma_.lower() in TIME_WORDS)
            for child in token.children
        )
    bare = token.dep_ in ("npadvmod", "nmod", "advmod", "appos", "amod")
    if bare and (_is_date(token) or token.lower_ in TIME_WORDS):
        return True
    # 'a poll out Monday', 'the filings due Sunday night'
    return token.lower_ in ("out", "due") and any(_is_date(child) for child in token.children)


def _is_date(token) -> bool:
    return token.ent_type_ in ("DATE", "TIME")


# Documents speak for whoever issued them: 'a statement e-mailed by X', 'a study by Y'.
DOCUMENT_NOUNS = word_set(
    """statement study report survey poll analysis letter memo email e-mail release post tweet
    review audit filing complaint lawsuit document paper"""
)


def issuer_of(subject):
    """Who issued a document subject: 'by X' or 'from X' under it, or its owner ("X's report")."""
    if subject.lemma_.lower() not in DOCUMENT_NOUNS:
        return None
    for token in subject.subtree:
        if token.dep_ == "poss" and token.head.i == subject.i:
            return token
        if token.lower_ in ("by", "from") and token.dep_ in ("agent", "prep"):
            issuer = next((child for child in token.children if child.dep_ == "pobj"), None)
            if issuer is not None and (issuer.pos_ == "PROPN" or issuer.ent_type_):
                return issuer
    return None


def describe_subject(subject, cue: str, history: list[Attribution]) -> Attribution | None:
    issuer = issuer_of(subject)
    if issuer is not None:
        described = describe_subject(issuer, cue, history)
        if described is not None:
            mention = subject.doc[subject.left_edge.i : issuer.right_edge.i + 1].text
            return replace(described, mention=mention)
    lowered = subject.lower_
    if lowered in PRONOUN_KINDS:
        antecedent = _resolve_pronoun(lowered, history + _subjects_before(subject))
        if antecedent is None:
            return None
        return replace(antecedent, cue=cue, mention=subject.text)
    span = _mention_span(subject)
    appositions = [child for child in subject.children if child.dep_ == "appos"]
    person = _person_in(span)
    if person is None and appositions:
        # 'White House Press Secretary, Jen Psaki' parses with the title as head.
        apposition_span = _mention_span(appositions[0])
        person = _person_in(apposition_span)
        if person is not None:
            role = clean_role(span.text)
            return _person(person, role, cue, f"{span.text}, {apposition_span.text}", history)
    if person is not None:
        name, role_before = person
        role = clean_role(role_before)
        if not role and appositions:
            role = clean_role(_mention_span(appositions[0]).text)
        return _person(person, role, cue, span.text, history)
    mention = span.text
    known = full_name(canonical_name(mention), history)
    if known != canonical_name(mention):
        # 'Trump' tagged as a common noun, after 'Donald Trump' spoke earlier in the article.
        return _person((known, ""), "", cue, mention, history)
    kind = kind_of(span, subject)
    return Attribution(
        speaker=canonical_name(mention),
        role="",
        kind=kind,
        cue=cue,
        is_direct_quote=False,
        mention=mention,
    )


def _person(person, role: str, cue: str, mention: str, history: list[Attribution]) -> Attribution:
    name = full_name(person[0], history)
    return Attribution(
        speaker=name, role=role, kind="person", cue=cue, is_direct_quote=False, mention=mention
    )


def _person_in(span) -> tuple[str, str] | None:
    """Return (name, text before the name) when the mention names a person."""
    for entity in span.doc.ents:
        if entity.label_ == "PERSON" and entity.start >= span.start and entity.end <= span.end:
            if entity.end < span.end and not span.doc[entity.end].is_punct:
                # "Trump campaign", "Kasich's campaign": the person only modifies the head.
                continue
            if _serves(entity, span.root):
                continue
            words = entity.text.split()
            name, title_inside = split_title(words)
            if not name:
                continue
            before = span.doc[span.start : entity.start].text
            role = f"{before} {title_inside}".strip() if title_inside else before
            return strip_possessive(name), role
    head = span.root
    if (
        head.pos_ == "PROPN"
        and (head.ent_type_ in ("", "PERSON") or span[0].lower_.rstrip(".") in LOCAL_TITLES)
        and not _starts_with_determiner(span)
    ):
        name, role = split_title(span.text.split())
        if name and 1 <= len(name.split()) <= 3 and all(word[0].isupper() for word in name.split()):
            return strip_possessive(name), role
    return None


# 'a spokesman for Mr. Clinton', 'an aide to Trump': the person is whom the speaker works for.
SERVING_PREPOSITIONS = frozenset(("for", "to", "with", "close"))


def _serves(entity, head) -> bool:
    """The person hangs on a preposition under a common-noun head: not the speaker."""
    if head.pos_ != "NOUN" or entity.start <= head.i < entity.end:
        return False
    preposition = entity.root.head
    return (
        preposition.dep_ in ("prep", "amod")
        and preposition.lower_ in SERVING_PREPOSITIONS
        and preposition.head.i == head.i
    )


def _starts_with_determiner(span) -> bool:
    return span[0].lower_ in ("the", "a", "an", "some", "many", "several")


def full_name(name: str, history: list[Attribution]) -> str:
    """'Trump' after 'Donald Trump' in the same article is 'Donald Trump'."""
    if len(name.split()) != 1:
        return name
    for earlier in reversed(history):
        if earlier.kind == "person" and speaker_key(earlier.speaker).split()[-1:] == [
            speaker_key(name)
        ]:
            return earlier.speaker
    return name


def kind_of(span, subject) -> str:
    if is_anonymous(span.text, subject.lemma_.lower()) and subject.pos_ != "PROPN":
        return "anonymous"
    if subject.tag_ in ("NNS", "NNPS") or any(child.dep_ == "conj" for child in subject.children):
        return "group"
    return "organisation"


def _subjects_before(pronoun) -> list[Attribution]:
    """Named subjects earlier in the pronoun's own sentence: 'Dayton backs Clinton, but he ...'."""
    found: list[Attribution] = []
    for token in pronoun.doc[: pronoun.i]:
        if token.dep_ == "nsubj" and token.lower_ not in PRONOUN_KINDS:
            described = describe_subject(token, "", [])
            if described is not None:
                found.append(described)
    return found


def _resolve_pronoun(pronoun: str, history: list[Attribution]) -> Attribution | None:
    kinds = PRONOUN_KINDS[pronoun]
    for earlier in reversed(history[-12:]):
        if earlier.kind in kinds:
            return earlier
    return None


def remember_subjects(doc, history: list[Attribution], attribution: Attribution | None) -> None:
    """Narration subjects are antecedents too: 'Trump went to Ohio. He said ...'."""
    for token in doc:
        if token.dep_ != "nsubj" or token.lower_ in PRONOUN_KINDS:
            continue
        span = _mention_span(token)
        person = _person_in(span)
        if person is not None and (attribution is None or attribution.speaker != person[0]):
            name = full_name(person[0], history)
            history.append(
                Attribution(
                    speaker=name,
                    role=clean_role(person[1]),
                    kind="person",
                    cue="",
                    is_direct_quote=False,
                    mention=span.text,
                )
            )


def person_in_label(span) -> tuple[str, str] | None:
    """A person in a colon prefix, the rest as role: 'White House Press Secretary, Jen Psaki'."""
    for entity in span.doc.ents:
        if entity.label_ == "PERSON" and entity.start >= span.start and entity.end <= span.end:
            name, title_inside = split_title(entity.text.split())
            if not name:
                continue
            rest = span.doc.text[span.start_char : entity.start_char] + title_inside
            rest += span.doc.text[entity.end_char : span.end_char]
            return strip_possessive(name), re.sub(r"\s+", " ", rest.replace(",", " ")).strip()
    parts = [part.strip() for part in span.text.split(",") if part.strip()]
    if len(parts) == 2 and all(word[:1].isupper() for word in parts[1].split()):
        return parts[1], parts[0]
    return None


def speaker_aliases(attribution: Attribution) -> list[str]:
    """Names under which the same speaker may appear in other articles, most specific first."""
    aliases = [attribution.speaker]
    if attribution.role:
        aliases.append(f"{attribution.role} {attribution.speaker}")
    mention = canonical_name(attribution.mention or "")
    # A name in the text ('EPA', 'Trump') is an alias; a description ('mayor') or a pronoun
    # would join every mayor, or everyone, into one speaker.
    if mention[:1].isupper() and mention.lower() not in PRONOUN_KINDS:
        aliases.append(mention)
    if attribution.kind == "person":
        words = attribution.speaker.split()
        if len(words) > 1:
            aliases.append(words[-1])
    unique = []
    seen = set()
    for alias in aliases:
        key = speaker_key(alias)
        if key and key not in seen:
            seen.add(key)
            unique.append(alias)
    return unique
