"""Reporting cues in a dependency parse: which verb attributes its content, and to whom.

sentence_rules.py walks each sentence with these; the lexicons were read off PolNeAR train.
"""

from claims.nlp.narration import has_clause
from claims.nlp.sentences import word_set

# Lemmas of verbs that attribute their complement to their subject: the commonest cues in
# PolNeAR train (speech, writing, belief and intention verbs), kept where the word is a cue in
# at least about half of its occurrences there.
REPORTING_LEMMAS = word_set(
    """say tell add write note report announce suggest argue describe find show tweet think want
    continue declare explain acknowledge criticize believe accuse endorse urge cite claim
    state warn vow condemn insist promise reply respond recall agree conclude deny admit
    confirm reveal predict fear hope pledge indicate denounce question dismiss reject blame
    stress emphasize mention assert concede complain estimate reiterate repeat joke ask answer
    post testify allege charge contend observe worry expect know feel defend praise propose
    support oppose demand insist caution counter retort shout chant proclaim publish release
    tout brag boast lament decry slam blast attack mock thank welcome acknowledge remark muse
    wonder plan seek threaten vote pledge call point offer back regard prefer refuse discuss
    highlight encourage congratulate express list detail recommend apologize clarify
    characterize label brand dub challenge hail applaud reference invoke consider view doubt
    suspect imply hint signal forecast project rate advise exclaim interrupt quip snap scoff
    sneer gush rail fume plead boom chime decline refer echo remind voice email assure portray
    lament retweet champion assail remember liken side comment yell weigh distance balk rebuke
    lash recount speculate unveil testify imagine articulate outline spar react deride brush
    rebut allude credit hail quote"""
)
# Belief, intention and stance: attributions too, but an explicit speech verb in the same
# sentence wins ('Voters, Clinton suggested, don't have to worry ...' is Clinton's).
STANCE_LEMMAS = word_set(
    """think want believe hope fear expect know feel plan seek worry wonder support oppose vote
    back prefer refuse consider view doubt suspect regard defend praise attack criticize endorse
    thank welcome congratulate encourage find show"""
)
# 'call' and 'point' are reporting only with these particles or prepositions ('called on',
# 'called for', 'pointed out', 'pointed to').
PARTICLE_VERBS = {"call": {"on", "for"}, "point": {"out", "to"}}
# Verbs that introduce a speaker without attributing the sentence itself:
# 'Blinken spoke to reporters in Rome.' announces who speaks the next quotation.
ANNOUNCING_LEMMAS = frozenset(["speak", "talk", "address", "brief", "interview"])
# 'made the point', 'issued a statement', 'is making an impassioned case'.
SPEECH_ACT_VERBS = word_set("make issue give deliver offer release put")
SPEECH_NOUNS = word_set(
    """point case argument claim promise pledge statement remarks comment comments accusation
    allegation prediction speech assessment warning appeal plea vow"""
)
KNOWN_LEMMAS = REPORTING_LEMMAS | ANNOUNCING_LEMMAS | SPEECH_ACT_VERBS
# Subjects that never name a speaker ('you know', 'someone said', 'all I can say').
NON_SPEAKERS = word_set(
    """you someone anyone everyone everybody somebody anybody nobody all one us this these
    those what there each both many i we me nothing something anything everything"""
)
NOT_SPEAKER_ENTITIES = frozenset(
    ("DATE", "TIME", "CARDINAL", "ORDINAL", "PERCENT", "MONEY", "QUANTITY", "EVENT", "LAW")
)
RELATIVE_PRONOUNS = frozenset(["who", "that", "which", "whom"])
SUBJECT_DEPS = frozenset(("nsubj", "nsubjpass"))


def cue_of(token) -> str | None:
    lowered = token.lower_
    if lowered == "according":
        to = next((child for child in token.children if child.lower_ == "to"), None)
        if to is None and token.i + 1 < len(token.doc) and token.nbor().lower_ == "to":
            to = token.nbor()
        return "according to" if to is not None else None
    if token.dep_ in ("amod", "compound") or not is_verb(token):
        return None
    lemma = verb_lemma(token)
    if token.dep_ == "acl" and token.tag_ == "VBN" and lemma in STANCE_LEMMAS:
        # 'militias backed by Iran', 'a bill supported by Democrats': the participle describes
        # the noun, and nobody is saying anything ('a memo written by ...' stays a cue).
        return None
    if lemma in ANNOUNCING_LEMMAS:
        if any(child.lower_ in ("about", "of") for child in token.children):
            return lowered
        return "announce"
    # 'As Professor Foner put it, ...': the phrase names who said what follows.
    puts_it = any(child.dep_ == "dobj" and child.lower_ == "it" for child in token.children)
    if lemma == "put" and puts_it and as_source(token) is not None:
        return "put it"
    if lemma in SPEECH_ACT_VERBS:
        speech = next((c for c in token.children if c.lemma_.lower() in SPEECH_NOUNS), None)
        return (
            f"{lowered} {speech.lower_}" if speech is not None and speech.dep_ == "dobj" else None
        )
    if lemma not in REPORTING_LEMMAS:
        return None
    if lemma in PARTICLE_VERBS:
        # The parser often hangs 'for' on the clause after it ('calling for rivals to drop out').
        following = token.nbor().lower_ if token.i + 1 < len(token.doc) else ""
        particle = next(
            (child.lower_ for child in token.children if child.lower_ in PARTICLE_VERBS[lemma]),
            following if following in PARTICLE_VERBS[lemma] else None,
        )
        if particle:
            return f"{lowered} {particle}"
        # 'called to ban ...', 'calling Trump a fascist'.
        if lemma == "call" and any(c.dep_ in ("xcomp", "oprd", "ccomp") for c in token.children):
            return lowered
        return None
    return lowered


# What may follow a source clause opened by 'as' ('As X put it, ...', '..., as X noted.').
AS_CLAUSE_ENDS = frozenset((",", ":", "—", "–", "--", "-", ".", ";", ")"))
# What may come right before it: the sentence's start, a comma, a dash or a bracket.
AS_CLAUSE_OPENS = frozenset(("", ",", "—", "–", "--", "-", ";", "("))


def as_source(verb):
    """The subject of a reporting clause opened by 'as' that names the source of the sentence:
    'As The Post's Ruth Marcus puts it, Obama is trying ...', '... Sean Spicer -- as Clinton's
    campaign noted this week -- even promoted Sanders'. The clause says nothing of its own (no
    object but 'it', no clause under the verb, not passive), hangs on the main verb, and is set
    off by the sentence's start or end, commas, dashes, brackets or a colon; 'said as a heckler
    yelled', 'as he said he would' and 'Freddy, as he was known, ...' are no such clause."""
    mark = next((c for c in verb.children if c.dep_ == "mark" and c.lower_ == "as"), None)
    if mark is None or mark.i > verb.i or (verb.dep_ != "ROOT" and verb.head.dep_ != "ROOT"):
        return None
    if any(child.dep_ in ("nsubjpass", "auxpass") for child in verb.children):
        return None  # 'Freddy, as he was known, ...', '... as Cosby is attacked'
    before = verb.doc[mark.i - 1].text if mark.i else ""
    if before not in AS_CLAUSE_OPENS:
        return None  # 'Cruz said as the heckler yelled' tells when, not who said it
    for child in verb.children:
        if child.dep_ in ("dobj", "ccomp", "xcomp", "dative") and child.lower_ != "it":
            return None
        if child.dep_ == "prep" and child.lower_ not in ("in", "on", "at"):
            return None  # 'As the hopefuls sparred over military spending, ...'
    end = max(t.i for t in verb.subtree if not t.is_punct)
    if end + 1 < len(verb.doc) and verb.doc[end + 1].text not in AS_CLAUSE_ENDS:
        return None
    return next(
        (c for c in verb.children if c.dep_ in SUBJECT_DEPS and mark.i < c.i < verb.i), None
    )


def is_verb(token) -> bool:
    if token.pos_ in ("VERB", "AUX"):
        return True
    # Headline style fools the tagger: 'Trump predicts that ...' comes out as two nouns.
    return token.dep_ == "ROOT" and any(child.dep_ == "ccomp" for child in token.children)


def verb_lemma(token) -> str:
    """The verb's lemma, checked against the lexicons: the lemmatiser gives 'hop' for 'hoping'."""
    lemma = token.lemma_.lower()
    if lemma in KNOWN_LEMMAS:
        return lemma
    form = token.lower_
    for suffix, replacement in (
        ("ing", "e"),
        ("ing", ""),
        ("ed", "e"),
        ("ed", ""),
        ("es", ""),
        ("s", ""),
        ("ies", "y"),
    ):
        if form.endswith(suffix) and form[: -len(suffix)] + replacement in KNOWN_LEMMAS:
            return form[: -len(suffix)] + replacement
    return lemma


def subject_of(token):
    if token.lower_ == "according":
        to = next((child for child in token.children if child.lower_ == "to"), None)
        if to is None:
            to = token.nbor() if token.i + 1 < len(token.doc) else None
        objects = [child for child in to.children if child.dep_ == "pobj"] if to else []
        return objects[0] if objects else None
    verb = token
    for _ in range(4):
        subjects = [child for child in verb.children if child.dep_ in SUBJECT_DEPS]
        if subjects:
            subject = subjects[0]
            # 'X was told that ...' is not X speaking; 'X was forced to ... and said' is.
            passive_here = subject.dep_ == "nsubjpass" and verb.i == token.i
            if passive_here or subject.lower_ in ("there",):
                return None
            if subject.lower_ in RELATIVE_PRONOUNS and verb.dep_ == "relcl":
                # 'records ... in July, which showed' attaches to a date, not a speaker.
                head = verb.head
                is_name = (
                    head.pos_ in ("NOUN", "PROPN") and head.ent_type_ not in NOT_SPEAKER_ENTITIES
                )
                return head if is_name else None
            if subject.lower_ in RELATIVE_PRONOUNS:
                return None
            return subject
        if verb.i == token.i and misread_as_relative(verb):
            return verb.head
        # Shared subjects: 'condemned ... and said', 'attacked Clinton, saying ...'.
        # 'Voters are more likely to say ...' goes through the adjective.
        if verb.dep_ in ("conj", "advcl", "xcomp", "acomp") and verb.head.i != verb.i:
            verb = verb.head
            continue
        # 'Obama ended his list by saying ...'.
        if verb.dep_ == "pcomp" and verb.head.dep_ == "prep":
            verb = verb.head.head
            continue
        if verb.dep_ != "ROOT":
            return None
        compounds = [child for child in verb.children if child.dep_ == "compound"]
        return compounds[-1] if compounds else name_before(verb)
    return None


def misread_as_relative(verb) -> bool:
    """A finite verb the parser hung on the noun before it as a relative clause: 'The GOP
    front-runner predicted in March that ...', "Sanders' campaign called AP's report a 'rush to
    judgment'" parse with the verb as an acl of its real subject. It is a misreading when the noun
    is the root (the sentence has no main verb then) or the verb has a finite form; a reduced
    relative under a subject ('A blog, called the "Feed," pumps out ...') has a participle."""
    head = verb.head
    if verb.dep_ != "acl" or head.i > verb.i or head.pos_ not in ("NOUN", "PROPN"):
        return False
    return head.dep_ == "ROOT" or (head.dep_ == "nsubj" and verb.tag_ in ("VBD", "VBZ"))


# 'One in four voters said', 'many of the delegates said': a share of a group is a speaker.
SHARE_WORDS = word_set("one many each both all some most none few half")


def can_speak(subject) -> bool:
    """Whether a subject can be a speaker: not 'you' or 'someone', but 'one in four voters'."""
    if subject.lower_ not in NON_SPEAKERS:
        return True
    if subject.lower_ not in SHARE_WORDS:
        return False
    group = next(
        (
            grandchild
            for child in subject.children
            if child.dep_ == "prep" and child.lower_ in ("in", "of")
            for grandchild in child.children
            if grandchild.dep_ == "pobj"
        ),
        None,
    )
    # 'One of the hardest things ...' is no group of people.
    return group is not None and group.pos_ in ("NOUN", "PROPN") and group.lemma_ != "thing"


def passive_agent(verb):
    """The agent of a passive reporting verb: 'was first reported by BuzzFeed' -> BuzzFeed."""
    if not any(child.dep_ == "nsubjpass" for child in verb.children) and verb.tag_ != "VBN":
        return None
    agent = next((child for child in verb.children if child.dep_ == "agent"), None)
    by_whom = agent and next((child for child in agent.children if child.dep_ == "pobj"), None)
    if by_whom is None or by_whom.pos_ not in ("NOUN", "PROPN"):
        return None
    return by_whom


def name_before(verb):
    """A named entity right before a verb the parser left without a subject.

    'Sen. Elizabeth Warren (D-MA) said ...' parses with Warren as an apposition elsewhere.
    """
    index = verb.i - 1
    while index >= 0 and (verb.doc[index].is_punct or verb.doc[index].is_bracket):
        index -= 1
    if index >= 1 and verb.doc[index].text.isupper() and verb.doc[index - 1].text in "(-":
        index = (
            max((t.i for t in verb.doc[:index] if t.text == "("), default=index + 1) - 1
        )  # a party-state tag such as '(D-MA)'
    for token in reversed(verb.doc[max(index - 4, 0) : index + 1]):
        if token.ent_type_ in ("PERSON", "ORG", "NORP", "GPE"):
            entity = next(e for e in verb.doc.ents if e.start <= token.i < e.end)
            return entity.root
    return None


def depth_of(token) -> int:
    depth = 0
    while token.head.i != token.i:
        token = token.head
        depth += 1
    return depth


# 'Cruz told the crowd:' — at most this many words between the verb and the colon.
MAX_WORDS_BEFORE_COLON = 5


def introduces(verb) -> bool:
    """A verb at the end of a sentence that ends in a colon, with nothing said under it ('Cruz
    continued:', 'Stone told the crowd:'): it introduces the quotation after it."""
    after = [t for t in verb.doc[verb.i + 1 :] if not t.is_punct]
    subtree = {t.i for t in verb.subtree}
    return (
        not has_clause(verb)
        and verb.dep_ not in ("advcl", "relcl", "ccomp", "xcomp")
        and len(after) <= MAX_WORDS_BEFORE_COLON
        and all(t.i in subtree for t in after)
    )


def name_after_quotation(verb, sentence_start: int, quoted: list[bool]):
    """The first name after the last quotation before the verb: '"...," Mr. Daniloff, now 81,
    said' -> Daniloff."""
    last_quoted = max(
        (t.i for t in verb.doc[: verb.i] if quoted[sentence_start + t.idx]), default=None
    )
    if last_quoted is None:
        return None
    between = [t for t in verb.doc[last_quoted + 1 : verb.i] if not quoted[sentence_start + t.idx]]
    # A person first, then a body, then any proper noun ('Mr. Haddad' may be left untagged).
    for wanted in (("PERSON",), ("ORG", "NORP")):
        for token in between:
            if token.ent_type_ in wanted:
                entity = next(e for e in verb.doc.ents if e.start <= token.i < e.end)
                return entity.root
    return next((t for t in between if t.pos_ == "PROPN"), None)


# Documents whose findings PolNeAR attributes to them even without a clause: 'recent polls show
# Clinton with a double-digit lead', 'a survey in March found Mrs. Clinton ahead'.
FINDING_NOUNS = word_set(
    "poll polls survey surveys study studies report reports record records data document documents"
)
FINDING_LEMMAS = word_set("show find reveal indicate suggest")
# Figures a poll reports: '40 percent of likely voters back Sanders', 'led 56% to 32%'.
FIGURE_WORDS = word_set("percent % points point")
POLL_NOUNS = word_set("poll survey")


def reports_finding(subject, lemma: str) -> bool:
    """A poll, study or record that shows or finds something: its finding, clause or not."""
    return subject.lemma_.lower() in FINDING_NOUNS and lemma in FINDING_LEMMAS


def poll_of_figures(doc, sentence_start: int, quoted: list[bool]):
    """The poll a sentence of figures comes from: 'In the new Morning Consult poll, 40 percent
    of likely Democratic voters back Sanders' -> the poll."""
    if any(quoted[sentence_start + t.idx] for t in doc) or not any(
        token.lower_ in FIGURE_WORDS for token in doc
    ):
        return None
    for token in doc:
        # On the main verb, one poll: 'with support above 80 percent in some polls' and 'rose in
        # the polls' are the writer's summary (on PolNeAR train they were narration).
        if token.lower_ in ("in", "by") and token.dep_ == "prep" and token.head.dep_ == "ROOT":
            poll = next((c for c in token.children if c.dep_ == "pobj"), None)
            if poll is not None and poll.tag_ == "NN" and poll.lemma_.lower() in POLL_NOUNS:
                return poll
    return None
