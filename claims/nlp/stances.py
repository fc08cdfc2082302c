"""Attributed stances: 'Ted Cruz is calling for his rivals to drop out' is Cruz's position.

News attribution covers more than speech: PolNeAR, the corpus our attribution is measured on,
also attributes beliefs, intentions and positions to their holder ('Many fear ...', 'The SVP is
campaigning against ...'). The reporting-verb rules cannot list every such verb, and most
sentences with a named subject are plain narration ('Obama banned waterboarding in 2009'). So a
small logistic-regression model, trained on PolNeAR train by `train_stance_model`, decides for a
sentence that no rule attributed whether its subject holds the stance it reports. Its features
come from the dependency parse and from the sentence vector of the check-worthiness model
(checkworthiness.embed_sentences); its weights live in artifacts/stances/model.json with a
model card beside it.

Loaded lazily, once per process; plain Python at run time (a dot product and a sigmoid). Since
round 7 of issue 11 the model may also weigh pairs of features ('lemma=push&kind=group'), listed
in model.json as prefix pairs and formed here from the same binary features (crossed_features);
the shipped model has none (round 7 measured a model with pairs and did not ship it: README).
"""

import functools
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from claims.nlp.checkworthiness import METADATA_FILE
from claims.nlp.checkworthiness import MODEL_DIR as CHECKWORTHINESS_DIR

MODEL_PATH = Path(__file__).resolve().parent / "artifacts" / "stances" / "model.json"

# Subjects that can hold a stance: named people, bodies and groups, and noun phrases.
SUBJECT_DEPS = frozenset(("nsubj", "nsubjpass"))
NAMED_ENTITIES = frozenset(("PERSON", "ORG", "NORP", "GPE"))
# Nouns whose owner holds a stance: "Sanders's plan", "Obama's decision", "Trump's claim".
STANCE_NOUNS = frozenset(
    """plan proposal decision campaign demand call claim argument promise position policy view
    stance comment comments remark remarks statement criticism warning request offer pledge vow
    idea vision message agenda response answer announcement endorsement support opposition
    attack assessment prediction estimate analysis report study poll survey suggestion
    insistence refusal decision approach strategy case""".split()  # noqa: SIM905
)
# Words too common or too vague to carry a position ('It is ...', 'There are ...').
NOT_HOLDERS = frozenset(
    """it this that these those there what which who you i we he she they one all some
    anything something nothing everything""".split()  # noqa: SIM905
)
# Parts of speech whose words describe what a sentence does (verbs, nouns, adjectives).
CONTENT_POS = frozenset(("VERB", "NOUN", "ADJ", "ADV", "ADP"))
MAX_LENGTH_BUCKET = 6


class StanceModelUnavailable(RuntimeError):
    """The shipped stance model is missing or unreadable."""


@dataclass(frozen=True)
class StanceModel:
    version: str
    threshold: float
    bias: float
    weights: dict[str, float]
    # Weights of the check-worthiness model's sentence vector, and that model's version: the
    # vector means nothing to another model.
    embedding_weights: tuple[float, ...]
    embedding_model: str
    # The unit-length vector is multiplied by this before the weights apply, so it is fit on a
    # par with the binary parse features under one regularisation strength.
    embedding_scale: float
    # Prefix pairs whose features are also weighed together (see crossed_features); none in a
    # model trained before round 7.
    crosses: tuple[tuple[str, str], ...] = ()

    def probability(self, features: dict[str, float], embedding: Sequence[float]) -> float:
        features = crossed_features(features, self.crosses)
        score = self.bias + sum(self.weights.get(name, 0.0) * v for name, v in features.items())
        score += self.embedding_scale * sum(
            weight * value for weight, value in zip(self.embedding_weights, embedding, strict=True)
        )
        return 1 / (1 + math.exp(-score))


@functools.cache
def load_stance_model(path: Path = MODEL_PATH) -> StanceModel:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        model = StanceModel(
            version=str(data["version"]),
            threshold=float(data["threshold"]),
            bias=float(data["bias"]),
            weights={str(name): float(weight) for name, weight in data["weights"].items()},
            embedding_weights=tuple(float(weight) for weight in data["embedding_weights"]),
            embedding_model=str(data["embedding_model"]),
            embedding_scale=float(data["embedding_scale"]),
            crosses=tuple((str(first), str(second)) for first, second in data.get("crosses", ())),
        )
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise StanceModelUnavailable(
            f"cannot read the stance model at {path}: {error}. "
            "Rebuild it with `python manage.py train_stance_model`."
        ) from error
    shipped = checkworthiness_version()
    if model.embedding_model != shipped:
        raise StanceModelUnavailable(
            f"the stance model at {path} was trained on the vectors of check-worthiness model "
            f"{model.embedding_model}, not {shipped}. "
            "Rebuild it with `python manage.py train_stance_model`."
        )
    return model


def crossed_features(
    features: dict[str, float], crosses: Sequence[tuple[str, str]]
) -> dict[str, float]:
    """The features plus, for each prefix pair, the product of every two features named with
    those prefixes: a verb can mean a stance for a group ('Democrats are pushing for ...') and
    an action for a person, which one weight per feature cannot say."""
    if not crosses:
        return features
    crossed = dict(features)
    for first, second in crosses:
        for name, value in features.items():
            if not name.startswith(first):
                continue
            for other, other_value in features.items():
                if other.startswith(second):
                    crossed[f"{name}&{other}"] = value * other_value
    return crossed


def checkworthiness_version() -> str:
    """The shipped check-worthiness model's version, read from its artefact's own metadata."""
    metadata = json.loads((CHECKWORTHINESS_DIR / METADATA_FILE).read_text(encoding="utf-8"))
    return str(metadata["version"])


@dataclass(frozen=True)
class Holder:
    """Who might hold the stance: the subject of the main verb ('Cruz is calling for ...'), the
    owner of a stance noun in that subject ("Sanders's plan would raise ..."), or the agent of a
    passive ('... deemed insufficient by Democrats')."""

    token: object
    root: object
    role: str


def stance_holder(doc) -> Holder | None:
    root = next((token for token in doc if token.dep_ == "ROOT"), None)
    if root is None:
        return None
    agent = next((child for child in root.children if child.dep_ == "agent"), None)
    if agent is not None:
        by_whom = next((child for child in agent.children if child.dep_ == "pobj"), None)
        if _can_hold(by_whom):
            return Holder(by_whom, root, "agent")
    subject = next((child for child in root.children if child.dep_ in SUBJECT_DEPS), None)
    if subject is None:
        return None
    owner = next((child for child in subject.children if child.dep_ == "poss"), None)
    if subject.lemma_.lower() in STANCE_NOUNS and _can_hold(owner):
        return Holder(owner, root, "possessor")
    return Holder(subject, root, "subject") if _can_hold(subject) else None


def _can_hold(token) -> bool:
    if token is None or token.lower_ in NOT_HOLDERS:
        return False
    return token.pos_ in ("PROPN", "NOUN") or token.ent_type_ in NAMED_ENTITIES


def stance_features(
    doc, holder: Holder, lemma: str, *, after_attribution: bool, kind: str, speaks_elsewhere: bool
) -> dict[str, float]:
    """Binary features of a sentence and its subject (names are stable: the model uses them).

    lemma is the root verb's lemma as the attribution rules read it; after_attribution says
    whether the sentence before was attributed to someone; kind is the subject's speaker kind
    (person, organisation, group, anonymous); speaks_elsewhere whether the subject is the speaker
    of another sentence of the article.
    """
    subject, root = holder.token, holder.root
    features = {
        f"role={holder.role}": 1.0,
        f"lemma={lemma}": 1.0,
        f"root_tag={root.tag_}": 1.0,
        f"subject_dep={subject.dep_}": 1.0,
        f"subject_pos={subject.pos_}": 1.0,
        f"subject_entity={subject.ent_type_ or '-'}": 1.0,
        f"subject_lemma={subject.lemma_.lower()}": 1.0,
        f"lemma_entity={lemma}|{subject.ent_type_ or '-'}": 1.0,
        f"length={min(len(doc) // 8, MAX_LENGTH_BUCKET)}": 1.0,
    }
    for child in root.children:
        features[f"child={child.dep_}"] = 1.0
        if child.dep_ in ("aux", "auxpass", "neg", "prt", "prep", "dobj", "acomp", "attr"):
            features[f"{child.dep_}={child.lemma_.lower()}"] = 1.0
    for determiner in (child for child in subject.children if child.dep_ in ("det", "poss")):
        features[f"subject_{determiner.dep_}={determiner.lower_}"] = 1.0
    subject_tokens = set(range(subject.left_edge.i, subject.right_edge.i + 1))
    for token in doc:
        if token.i not in subject_tokens and token.pos_ in CONTENT_POS:
            features[f"word={token.lemma_.lower()}"] = 1.0
    if any(token.is_quote for token in doc):
        features["has_quote"] = 1.0
    if after_attribution:
        features["after_attribution"] = 1.0
    features[f"kind={kind}"] = 1.0
    if speaks_elsewhere:
        features["speaks_elsewhere"] = 1.0
        features[f"speaks_elsewhere|{kind}"] = 1.0
    return features
