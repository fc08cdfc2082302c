import os
import re
import socket
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pytest

from claims.nlp import checkworthiness
from tests import databases, redis_databases

REPO = Path(__file__).resolve().parent.parent
SEED_ARTICLE = REPO / "seeds" / "000_ab3642ed052a6c28.txt"

# Words that make the fake scorer call a sentence check-worthy. The real model is exercised
# by the tests marked `model` and by the worker test; everything else uses this stand-in so a
# test's outcome depends on the code under test, not on a model's borderline scores.
_FACTUAL = re.compile(
    r"\d|percent|million|billion|killed|attacks?|targeted|strikes?|condemned|deal", re.IGNORECASE
)
FAKE_VERSION = "fake-keywords-1"
FAKE_THRESHOLD = 0.5


def fake_score_sentences(texts, *, batch_size: int = 64):
    return [0.9 if _FACTUAL.search(text) else 0.1 for text in texts]


def fake_embed_sentences(texts, *, batch_size: int = 64):
    """No sentence vector: the stance model then weighs the parse features alone."""
    return np.zeros((len(texts), checkworthiness.EMBEDDING_SIZE), dtype=np.float32)


def fake_score_and_embed_sentences(texts, *, batch_size: int = 64):
    return checkworthiness.SentenceOutputs(fake_score_sentences(texts), fake_embed_sentences(texts))


def _reachable(url: str, default_port: int) -> bool:
    parts = urlsplit(url)
    try:
        socket.create_connection(
            (parts.hostname or "127.0.0.1", parts.port or default_port), 2
        ).close()
    except OSError:
        return False
    return True


def pytest_configure(config):
    """Each xdist worker works on Redis databases of its own (tests/redis_databases.py)."""
    workerinput = getattr(config, "workerinput", None)
    try:
        if workerinput is not None:
            redis_databases.worker_databases_use(redis_databases.worker_slot(workerinput))
        elif config.pluginmanager.hasplugin("xdist") and config.getoption("tx"):
            redis_databases.workers_check(len(config.getoption("tx")))
    except ValueError as error:
        pytest.exit(str(error), returncode=3)


def pytest_sessionstart(session):
    """With CI=true the suite runs on what production runs, or not at all: no SQLite fallback,
    no skipped worker tests."""
    if os.environ.get("CI", "").lower() != "true":
        return
    from django.conf import settings

    database = settings.DATABASES["default"]
    broker = os.environ.get("CELERY_BROKER_URL", "")
    problems = []
    if database["ENGINE"] != "django.db.backends.postgresql":
        problems.append("DATABASE_URL does not name PostgreSQL")
    elif not _reachable(
        f"postgres://{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}", 5432
    ):
        problems.append(f"PostgreSQL at {database['HOST']}:{database['PORT']} does not answer")
    if not broker.startswith("redis://"):
        problems.append("CELERY_BROKER_URL does not name Redis")
    elif not _reachable(broker, 6379):
        problems.append(f"Redis at {broker} does not answer")
    if problems:
        pytest.exit("CI=true but " + "; ".join(problems), returncode=3)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """The PostgreSQL test database: test_<NAME> (with pytest-django's xdist suffix), or one of
    this run's own while another run uses that one (tests/databases.py). True for its own."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        yield False
        return
    test = database.setdefault("TEST", {})
    name = test.get("NAME") or f"test_{database['NAME']}"
    lock = databases.database_lock(name)
    test["NAME"] = name if lock else databases.own_database_name(name)
    yield lock is None
    if lock:
        lock.close()  # after django_db_setup has kept or dropped the database


@pytest.fixture(scope="session")
def django_db_keepdb(request, django_db_modify_db_settings):
    """--reuse-db keeps the shared test database, never a run's own: no run would reuse it."""
    return request.config.getvalue("reuse_db") and not django_db_modify_db_settings


@pytest.fixture
def fast_password_hashing(settings):
    """For a module that logs in with passwords or makes users outside the factories
    (`pytest.mark.usefixtures("fast_password_hashing")`): PBKDF2 costs ~0.3 s a hash here.
    UserFactory hashes each password once per setting anyway; other modules keep the settings'
    hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fake_checkworthiness_model(request, monkeypatch):
    if request.node.get_closest_marker("model") or request.node.get_closest_marker("worker"):
        yield None
        return
    monkeypatch.setattr(checkworthiness, "score_sentences", fake_score_sentences)
    monkeypatch.setattr(checkworthiness, "embed_sentences", fake_embed_sentences)
    monkeypatch.setattr(
        checkworthiness, "score_and_embed_sentences", fake_score_and_embed_sentences
    )
    monkeypatch.setattr(
        checkworthiness,
        "model_info",
        lambda: checkworthiness.ModelInfo(version=FAKE_VERSION, threshold=FAKE_THRESHOLD),
    )
    yield fake_score_sentences


@pytest.fixture
def seed_text() -> str:
    return SEED_ARTICLE.read_text(encoding="utf-8")


@pytest.fixture
def worker_queue(settings):
    """A queue of this test's own, which this process publishes to instead of running tasks
    in-process; start workers on it with worker_start()."""
    from config.celery import app as celery_app

    queue = f"test-{uuid.uuid4().hex[:10]}"
    previous = celery_app.conf.task_always_eager, celery_app.conf.task_default_queue
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    settings.CELERY_TASK_ALWAYS_EAGER = False
    yield queue
    celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = previous


@pytest.fixture(autouse=True)
def fresh_published_generation():
    """What is cached under the published generation (claims.record: the API's list pages, the
    dashboard's top speakers) starts afresh in each test: a test's verdicts roll back with it,
    and the on_commit that moves the generation on never runs inside its transaction unless
    the test captures it."""
    from claims.record import published_changed

    published_changed()


@pytest.fixture(autouse=True)
def fresh_claim_matchers(settings):
    """Each process keeps its matchers in memory; a test's rows vanish with its transaction."""
    from claims.matching.store import corpora_forget

    settings.MATCHING_SYNC_SECONDS = 0
    corpora_forget()
    yield
    corpora_forget()
