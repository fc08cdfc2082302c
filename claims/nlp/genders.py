"""Which of 'he' and 'she' fits a person the article names, from the article's own words.

Pronoun resolution (speakers.py) takes the most recent person; when the article shows that
person to be of the other gender, coreference.py looks further back. The evidence: a courtesy
title before the name ('Mrs. Clinton', 'Mr. Trump'), a gendered role ('actress', 'congressman'),
and sentences naming that one person beside only 'she'/'her' or only 'he'/'his'. No name lists:
a person the article gives no such evidence for has no gender here and fits either pronoun.

Plain data: reads the spaCy docs attribution.py has parsed; imports no Django.
"""

from claims.nlp.sentences import word_set

FEMALE_WORDS = word_set(
    """mrs ms miss madam actress congresswoman chairwoman spokeswoman businesswoman councilwoman
    wife mother daughter sister grandmother widow queen princess lady"""
)
MALE_WORDS = word_set(
    """mr actor congressman chairman spokesman businessman councilman husband father son brother
    grandfather king prince"""
)
FEMALE_PRONOUNS = word_set("she her hers herself")
MALE_PRONOUNS = word_set("he him his himself")
# A title or role says more than one sentence's pronouns.
TITLE_WEIGHT = 3


def word_gender(word: str) -> int:
    """+1 for a female word, -1 for a male one, 0 otherwise."""
    word = word.lower().rstrip(".")
    return (word in FEMALE_WORDS) - (word in MALE_WORDS)


def pronoun_gender(pronoun: str) -> str | None:
    pronoun = pronoun.lower()
    if pronoun in FEMALE_PRONOUNS:
        return "female"
    return "male" if pronoun in MALE_PRONOUNS else None


def sentence_votes(doc, names: set[str]) -> dict[str, int]:
    """One person named alone in a sentence with pronouns of one gender only: a vote."""
    if len(names) != 1:
        return {}
    female = sum(token.lower_ in FEMALE_PRONOUNS for token in doc)
    male = sum(token.lower_ in MALE_PRONOUNS for token in doc)
    if bool(female) == bool(male):
        return {}
    return {next(iter(names)): 1 if female else -1}


def genders_from_votes(votes: dict[str, int]) -> dict[str, str]:
    return {key: "female" if vote > 0 else "male" for key, vote in votes.items() if vote}
