"""What stays the writer's narration: page furniture, actions told without content, news leads.

attribution.py asks these questions before it gives a sentence a speaker. Every list and rule
here was read off PolNeAR train (the first annotator file of each article) with the evaluation's
lenient match; dev was not looked at. See the README's Analysis section for the figures.
"""

import re

from claims.nlp.sentences import word_set

# Lines a web page leaves in the text: they never speak, and no quotation carries over them.
PAGE_LINES = frozenset(
    (
        "advertisement",
        "sponsored",
        "sponsored content",
        "story continues below",
        "story continues below advertisement",
        "article continues below",
        "continue reading",
        "continue reading below",
        "read more",
        "related",
        "related coverage",
        "share and comment below",
        "share this article",
        "click here",
        "watch",
        "video",
    )
)
# A whole line of these shapes is a page label, not a sentence anyone says: a follow-me line, a
# rule of underscores, a stage direction in brackets ('(BEGIN VIDEO CLIP.)'), a heading of up
# to three words in capitals ('SUPERDELEGATES.', 'THE TOTAL.').
PAGE_LINE_PATTERNS = (
    re.compile(r"^follow\s+.{1,60}\s+on\s+(twitter|facebook|instagram)\b.*$", re.IGNORECASE),
    re.compile(r"^[_*=~.…\s-]*$"),
    re.compile(r"^\(.{1,60}\)\.?$"),
    re.compile(r"^[A-Z0-9][A-Z0-9&'’-]+(?: [A-Z0-9&'’-]+){0,2}[.:]?$"),
)
# The outlet's own note on a story ("Editor's note: ..."): the publisher's voice, narration.
EDITORS_NOTE = re.compile(r"^editor[’']?s[’']?\s+note\s*:", re.IGNORECASE)
# Reporting verbs that tell an action, not what was said, when nothing follows them that could
# be said (no clause, no quotation): 'voted for the bill', 'responded to the attack', 'found a
# job', 'continues to lead', 'added 200 jobs', 'challenged the result'. On PolNeAR train these
# verbs without a clause or quotation gave a speaker that was narration or wrong more often than
# one that was right (at least 10 uses each).
NEEDS_CONTENT = word_set(
    "add advise attack challenge claim continue decline deliver encourage find react respond vote"
)
# Where a reporting verb hangs when it is not the sentence's main verb (coordinated, in a relative
# clause, under another verb).
SUBORDINATE_DEPS = frozenset(("xcomp", "relcl", "ccomp", "conj", "acl"))
# Verbs of speech proper: with a clause under them a sentence reports what was said, however
# many actors it names.
SPEECH_LEMMAS = word_set("say tell add write report announce claim argue insist warn explain")
# Children of a reporting verb that carry what was said.
CONTENT_DEPS = frozenset(("ccomp", "xcomp", "parataxis"))


# An HTML or embed tag left in the text by the page ('<tweet pic="" author="tedcruz" ...>',
# '</tweet>', '<a href="...">'): a letter right after '<' or '</', so 'a < b' is no tag.
MARKUP_TAG = re.compile(r"</?[A-Za-z][\w-]*(?:\s[^<>]*)?/?>")


def blank_markup(text: str) -> str:
    """The text with every markup tag replaced by spaces of the same length, so that character
    offsets stay as they are."""
    return MARKUP_TAG.sub(lambda match: " " * len(match.group()), text)


def is_page_line(text: str) -> bool:
    """The whole line is page furniture ('Advertisement', 'Story continues below', a heading)."""
    line = text.strip()
    key = re.sub(r"[^\w\s']", "", line).strip().lower()
    if key in PAGE_LINES or EDITORS_NOTE.match(line):
        return True
    return len(line) < 80 and any(pattern.match(line) for pattern in PAGE_LINE_PATTERNS)


def has_clause(token) -> bool:
    """A clause under the reporting verb says what was said ('said that ...', 'vowed to ...').

    Under 'continue' an infinitive is what goes on, not what is said ('continues to lead').
    """
    deps = CONTENT_DEPS - {"xcomp"} if token.lemma_.lower() == "continue" else CONTENT_DEPS
    return any(child.dep_ in deps for child in token.children)


def has_content(token) -> bool:
    """The reporting verb has something said: a clause under it or a quotation in its sentence."""
    return has_clause(token) or any(t.is_quote for t in token.doc)


def tells_content(token, lemma: str) -> bool:
    """Whether a reporting verb attributes something said, not an action.

    Without a clause under it or a quotation in the sentence, a verb that is not the main verb
    ('the bill, which he supported', 'militias ... and vowed revenge', 'wants to vote for it')
    reports an action; so does a NEEDS_CONTENT verb anywhere.
    """
    if has_content(token):
        return True
    return token.dep_ not in SUBORDINATE_DEPS and lemma not in NEEDS_CONTENT


def tells_action(doc) -> bool:
    """The main verb is a NEEDS_CONTENT verb with nothing said ('Lawmakers voted for the bill',
    'The senator continues to lead'): the rules read no speaker from it, and neither may the
    stance model."""
    root = next((token for token in doc if token.dep_ == "ROOT"), None)
    if root is None or root.lemma_.lower() not in NEEDS_CONTENT:
        return False
    return not has_content(root)


def is_summary_lead(doc) -> bool:
    """A sentence that sums up what several actors did ('The United States is defending the
    strikes ... and the militias are vowing revenge'): its main verbs (the root and the verbs
    coordinated with it) have two or more different subjects, no quotation, and no speech verb
    among them says something ('... and Iraq said it would ...')."""
    if any(token.is_quote for token in doc):
        return False
    root = next((token for token in doc if token.dep_ == "ROOT"), None)
    if root is None:
        return False
    main = [root, *(child for child in root.children if child.dep_ == "conj")]
    subjects = {
        child.i for verb in main for child in verb.children if child.dep_ in ("nsubj", "nsubjpass")
    }
    speech = any(verb.lemma_.lower() in SPEECH_LEMMAS and has_content(verb) for verb in main)
    return len(subjects) >= 2 and not speech
