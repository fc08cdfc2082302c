"""Speaker names: canonical form, role, kind, and keys to match speakers across articles."""

import re
import unicodedata


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Courtesy titles carry no information worth keeping as a role.
HONORIFICS = frozenset(["mr", "mrs", "ms", "miss", "dr", "sir", "dame", "madam"])
# Words that make up a job title ('U.S. Secretary of State', 'White House Press Secretary').
TITLE_WORDS = _word_set(
    """president vice secretary sen senator rep representative gov governor mayor minister prime
    chancellor chairman chairwoman chair speaker leader spokesman spokeswoman spokesperson
    press general attorney director chief deputy ambassador judge justice gen lt col sgt capt
    adm commander candidate nominee former acting state house white defense treasury foreign
    homeland u.s. us majority minority whip congressman congresswoman lawmaker pastor rev prof
    professor ceo founder executive officer manager adviser advisor aide analyst strategist
    pollster host anchor reporter columnist editor of the and for republican democratic
    democrat gop campaign national security"""
)
ANONYMOUS_HEADS = _word_set(
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
    text = text.replace("’", "'").lower()
    text = LEADING_DETERMINERS.sub("", text.strip())
    text = re.sub(r"'s\b", "", text)
    words = re.findall(r"[a-z0-9]+(?:\.[a-z0-9]+)*\.?", text)
    words = [word.replace(".", "") for word in words]
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
