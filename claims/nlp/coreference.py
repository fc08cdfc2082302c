"""Speakers resolved to the names the article gives them.

The attribution rules read a speaker from the words of one sentence: 'the mayor said', 'the
agency said', 'the EPA said', 'the couple said'. When the article names that speaker anywhere
before (or in) the sentence, the speaker becomes the name: the mayor named earlier, the body
named earlier, the acronym's full name, the two people; the description is kept as the role
('Maria Lopez', role 'mayor') and the words of the sentence as the mention.

Plain data in, plain data out: this module reads the spaCy docs attribution.py has parsed.
"""

import re
from dataclasses import dataclass, field, replace

from claims.nlp.genders import (
    TITLE_WEIGHT,
    genders_from_votes,
    pronoun_gender,
    sentence_votes,
    word_gender,
)
from claims.nlp.sentences import SentenceSpan, word_set
from claims.nlp.speakers import (
    DOCUMENT_NOUNS,
    TITLE_WORDS,
    Attribution,
    canonical_name,
    issuer_of,
    speaker_key,
    split_title,
    strip_possessive,
)

# Heads of descriptions that stand for a person named elsewhere in the paragraph ('says the
# retired teacher from Leeds'). Not 'man' or 'woman': on PolNeAR train 'the man' was mostly
# someone in a crowd, not the person the paragraph names.
PERSON_NOUNS = word_set(
    """teacher resident father mother son daughter husband wife widow
    veteran student worker nurse doctor farmer owner driver voter official lawyer attorney
    activist author writer researcher scientist economist officer pastor priest coach player
    businessman businesswoman entrepreneur retiree pensioner survivor victim witness neighbour
    neighbor grandmother grandfather spokesman spokeswoman spokesperson"""
)
# Heads of descriptions that stand for a body named earlier ('the agency', 'the department').
BODY_NOUNS = word_set(
    """agency department company firm ministry council committee board union bank university
    commission office authority bureau service institute organisation organization foundation
    group party court tribunal regulator watchdog network newspaper paper station channel
    hospital school charity club league federation association corporation"""
)
# Bodies whose name need not contain the word: 'Acme Corp.' is 'the company'.
GENERIC_BODY_NOUNS = word_set("company firm corporation")
PAIR_NOUNS = word_set("couple pair duo")
# Words that end a description's head phrase: 'the retired teacher from Leeds' -> 'teacher'.
DEFINITE = ("the ", "this ", "that ")
HEAD_ENDS = word_set("of from in at for with who which that on")
SMALL_WORDS = word_set("of and for the on de du des la le")
# 'Environmental Protection Agency (EPA)'.
ACRONYM_IN_BRACKETS = re.compile(
    r"(?P<name>[A-Z][\w&.'’-]*(?:\s+(?:of|and|for|the|on|[A-Z][\w&.'’-]*)){1,8})\s+"
    r"\((?P<acronym>[A-Z][A-Za-z&]{1,7})\)"
)
ACRONYM = re.compile(r"^[A-Z][A-Z&.]{1,7}$")
# Verbs by which someone issues a document: 'Lopez posted a statement', 'the agency released a
# report'; the first three make a post of their own ('Lopez wrote on Facebook').
ISSUING_VERBS = word_set("post tweet write publish issue release send share")
POSTING_VERBS = word_set("post tweet write")
# Documents that stand for one another: 'she tweeted ... The post said ...'.
POST_NOUNS = word_set("post tweet message")


@dataclass(frozen=True)
class NamedPerson:
    index: int
    name: str
    role: str


@dataclass(frozen=True)
class NamedBody:
    index: int
    name: str


@dataclass(frozen=True)
class NamedDocument:
    """A document the article says someone issued: noun is its head word ('statement')."""

    index: int
    noun: str
    issuer: str
    kind: str


@dataclass(frozen=True)
class ArticleNames:
    """The people, bodies and pairs an article names, by sentence index, and its acronyms."""

    people: tuple[NamedPerson, ...]
    bodies: tuple[NamedBody, ...]
    pairs: tuple[NamedBody, ...]
    acronyms: dict[str, str]
    paragraphs: tuple[int, ...]
    documents: tuple[NamedDocument, ...] = ()
    # speaker_key of a person's name -> 'female' or 'male', where the article shows it.
    genders: dict[str, str] = field(default_factory=dict)


def acronym_of(name: str) -> str:
    words = [w for w in re.findall(r"[A-Za-z][\w'’-]*", name) if w.lower() not in SMALL_WORDS]
    if len(words) < 2 or not all(word[0].isupper() for word in words):
        return ""
    return "".join(word[0] for word in words).upper()


def article_names(text: str, sentences: list[SentenceSpan], docs) -> ArticleNames:
    people, bodies, pairs = [], [], []
    votes: dict[str, int] = {}
    for index, doc in enumerate(docs):
        here = set()
        for entity in doc.ents:
            if entity.label_ == "PERSON":
                person = _named_person(index, entity, people)
                if person is not None:
                    people.append(person)
                    key = speaker_key(person.name)
                    here.add(key)
                    before = doc[entity.start - 1].text if entity.start else ""
                    evidence = [before, *entity.text.split()[:1], *person.role.split()]
                    titled = sum(word_gender(word) for word in evidence)
                    votes[key] = votes.get(key, 0) + TITLE_WEIGHT * titled
            elif entity.label_ == "ORG":
                bodies.append(NamedBody(index, canonical_name(strip_possessive(entity.text))))
        for key, vote in sentence_votes(doc, here).items():
            votes[key] = votes.get(key, 0) + vote
        for token in doc:
            partner = next((c for c in token.children if c.dep_ == "conj"), None)
            if (
                token.ent_type_ == "PERSON"
                and partner is not None
                and partner.ent_type_ == "PERSON"
            ):
                pair = f"{_entity_text(token)} and {_entity_text(partner)}"
                pairs.append(NamedBody(index, pair))
    acronyms = {}
    for match in ACRONYM_IN_BRACKETS.finditer(text):
        name = canonical_name(match.group("name"))
        if acronym_of(name).endswith(match.group("acronym").upper().replace("&", "")):
            acronyms[match.group("acronym").upper()] = name
    for body in bodies:
        acronyms.setdefault(acronym_of(body.name), body.name)
    acronyms.pop("", None)
    paragraphs = tuple(text.rfind("\n", 0, sentence.start) + 1 for sentence in sentences)
    documents = tuple(
        document for index, doc in enumerate(docs) for document in _documents_in(index, doc, people)
    )
    return ArticleNames(
        tuple(people),
        tuple(bodies),
        tuple(pairs),
        acronyms,
        paragraphs,
        documents,
        genders_from_votes(votes),
    )


def _documents_in(index: int, doc, people: list[NamedPerson]) -> list[NamedDocument]:
    """'a statement e-mailed by X', "X's report", 'X released a report', 'X wrote on Facebook'."""
    found = []
    for token in doc:
        lemma = token.lemma_.lower()
        issuer = None
        noun = lemma
        if lemma in DOCUMENT_NOUNS and token.pos_ in ("NOUN", "PROPN"):
            issuer = issuer_of(token)
            if issuer is None and token.dep_ == "dobj" and token.head.lemma_ in ISSUING_VERBS:
                issuer = _subject(token.head)
        elif token.pos_ == "VERB" and lemma in POSTING_VERBS:
            issuer, noun = _subject(token), "post"
        named = _issuer_name(issuer, index, people) if issuer is not None else None
        if named is not None:
            found.append(NamedDocument(index, noun, *named))
    return found


def last_words_agree(first: str, second: str) -> bool:
    return speaker_key(first).split()[-1:] == speaker_key(second).split()[-1:]


def _subject(verb):
    return next((child for child in verb.children if child.dep_ == "nsubj"), None)


def _issuer_name(token, index: int, people: list[NamedPerson]) -> tuple[str, str] | None:
    if token.lower_ in ("he", "she"):
        earlier = [p for p in people if p.index <= index]
        return (earlier[-1].name, "person") if earlier else None
    entity = next((e for e in token.doc.ents if e.start <= token.i < e.end), None)
    if entity is None or entity.label_ not in ("PERSON", "ORG"):
        return None
    if entity.label_ == "ORG":
        return canonical_name(strip_possessive(entity.text)), "organisation"
    person = next((p for p in reversed(people) if p.index <= index), None)
    name = strip_possessive(split_title(entity.text.split())[0])
    if (
        person is not None
        and speaker_key(person.name).split()[-1:] == speaker_key(name).split()[-1:]
    ):
        name = person.name
    return name, "person"


def _entity_text(token) -> str:
    entity = next(e for e in token.doc.ents if e.start <= token.i < e.end)
    return strip_possessive(entity.text)


def _named_person(index: int, entity, people: list[NamedPerson]) -> NamedPerson | None:
    name, title_inside = split_title(entity.text.split())
    name = strip_possessive(name)
    if not name:
        return None
    doc = entity.doc
    role_words = [title_inside] if title_inside else []
    start = entity.start
    while start > 0 and doc[start - 1].lower_.rstrip(".") in TITLE_WORDS:
        start -= 1
    if start < entity.start:
        role_words.insert(0, doc[start : entity.start].text)
    root = entity.root
    # 'Maria Lopez, the mayor of Leeds,' and 'the mayor, Maria Lopez,'.
    for child in root.children:
        if child.dep_ == "appos":
            role_words.append(doc[child.left_edge.i : child.right_edge.i + 1].text)
    if root.dep_ == "appos" and root.head.pos_ == "NOUN":
        head = root.head
        role_words.append(doc[head.left_edge.i : head.i + 1].text)
    if len(name.split()) == 1:
        # A surname alone is the person named in full earlier.
        for earlier in reversed(people):
            if speaker_key(earlier.name).split()[-1:] == [speaker_key(name)]:
                name = earlier.name
                break
    return NamedPerson(index, name, " ".join(role_words))


def resolve_attributions(
    attributions: list[Attribution | None], names: ArticleNames
) -> list[Attribution | None]:
    return [
        resolve_attribution(a, index, names) if a is not None else None
        for index, a in enumerate(attributions)
    ]


def resolve_attribution(attribution: Attribution, index: int, names: ArticleNames) -> Attribution:
    """The attribution with its speaker replaced by the name the description stands for."""
    if attribution.kind == "person" and pronoun_gender(attribution.mention):
        return _agreeing_person(attribution, index, names)
    speaker = attribution.speaker.strip()
    key = speaker.upper().replace(".", "")
    if ACRONYM.match(speaker.replace(" ", "")) and key in names.acronyms:
        return replace(attribution, speaker=names.acronyms[key], kind="organisation")
    if attribution.kind == "person" or not speaker[:1].islower():
        return attribution
    if not attribution.mention.lower().startswith(DEFINITE):
        return attribution  # 'a sitting justice' is someone, not someone named before
    head = _head(speaker)
    if head in DOCUMENT_NOUNS:
        # 'The post said ...': the post's author, named where the article first mentions it.
        nouns = POST_NOUNS if head in POST_NOUNS else {head}
        issued = [d for d in names.documents if d.index <= index and d.noun in nouns]
        if issued:
            return replace(attribution, speaker=issued[-1].issuer, kind=issued[-1].kind)
        return attribution
    if head in PAIR_NOUNS:
        pair = next((p for p in reversed(names.pairs) if p.index <= index), None)
        if pair is not None:
            return replace(attribution, speaker=pair.name, kind="group", role=speaker)
        return attribution
    if head in BODY_NOUNS:
        earlier = [b for b in names.bodies if b.index <= index]
        named = [b for b in earlier if head in b.name.lower().split()]
        if not named and head in GENERIC_BODY_NOUNS:
            named = earlier
        if named:
            return replace(attribution, speaker=named[-1].name, kind="organisation")
        return attribution
    if head in TITLE_WORDS or head in PERSON_NOUNS:
        person = _person_for(head, index, names)
        if person is not None:
            return replace(
                attribution, speaker=person.name, kind="person", role=person.role or speaker
            )
    return attribution


def _agreeing_person(attribution: Attribution, index: int, names: ArticleNames) -> Attribution:
    """'she said' resolved to a man the article calls 'Mr.': the last person before who fits."""
    wanted = pronoun_gender(attribution.mention)
    if names.genders.get(speaker_key(attribution.speaker), wanted) == wanted:
        return attribution
    earlier = [p for p in names.people if p.index <= index]
    fitting = [p for p in earlier if names.genders.get(speaker_key(p.name)) == wanted]
    if not fitting:
        return attribution
    return replace(attribution, speaker=fitting[-1].name, role=fitting[-1].role)


def _head(description: str) -> str:
    words = [word.strip(",.;:").lower() for word in description.split()]
    for position, word in enumerate(words):
        if word in HEAD_ENDS and position:
            words = words[:position]
            break
    return words[-1] if words else ""


def _person_for(head: str, index: int, names: ArticleNames) -> NamedPerson | None:
    earlier = [p for p in names.people if p.index <= index]
    titled = [p for p in earlier if head in re.findall(r"[\w.-]+", p.role.lower())]
    if titled:
        return titled[-1]
    if head not in PERSON_NOUNS:
        return None
    # 'says the retired teacher from Leeds': the person the paragraph is about.
    paragraph = names.paragraphs[index]
    before = [p for p in earlier if p.index < index]
    here = [p for p in before if names.paragraphs[p.index] == paragraph]
    nearby = here or [p for p in before if p.index >= index - 1]
    people = {speaker_key(p.name) for p in nearby}
    return nearby[-1] if len(people) == 1 else None
