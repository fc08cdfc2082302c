"""One settings module, driven by environment variables with safe development defaults.

Zero configuration gives SQLite, in-process (eager) Celery tasks and a local-memory cache, with
DEBUG off: `make run` sets DEBUG=1 for its set-up steps and serves the demo with DEBUG off, over
plain http (Makefile, DEMO_SERVER_ENV). Production sets SECRET_KEY, ALLOWED_HOSTS,
DATABASE_URL, CELERY_BROKER_URL and REDIS_URL (see README.md, "Production settings").
"""

import math
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.log import DEFAULT_LOGGING

from claims.nlp.env import int_parse

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int_parse(name, raw, minimum=minimum)
    except ValueError as error:
        raise ImproperlyConfigured(str(error)) from None


def env_float(name: str, default: float | None) -> float | None:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, got {raw!r}") from None


def env_seconds(name: str, default: float) -> float:
    """A duration: a positive, finite number of seconds (the fetch watchdog's timer cannot wait
    for ever, and urllib3 refuses 0 on every request rather than at start)."""
    value = env_float(name, default)
    if not 0 < value < math.inf:  # also false for nan
        raise ImproperlyConfigured(
            f"{name} must be a positive number of seconds, got {os.environ[name]!r}"
        )
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEVELOPMENT_SECRET_KEY = "django-insecure-development-key-do-not-use-in-production"  # noqa: S105 (refused when DEBUG is off)

# Off unless asked for: a forgotten variable must not serve tracebacks to the internet.
DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
if not DEBUG and (
    SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5
):
    raise ImproperlyConfigured(
        "DEBUG is off but SECRET_KEY is the development key, or shorter than 50 characters, "
        "or too repetitive: "
        "set SECRET_KEY to a long random value (or DEBUG=1 on a development machine)."
    )


def env_proxies(name: str) -> int:
    """How many reverse proxies stand in front of the app: 0/false (none), 1/true, or a count."""
    raw = (os.environ.get(name) or "0").strip().lower()
    if raw in _TRUE:
        return 1
    if raw in _FALSE:
        return 0
    return env_int(name, 0, minimum=0)


# One setting for "behind a proxy": the security middleware trusts X-Forwarded-Proto, and the
# API throttles and django-axes read the client address from X-Forwarded-For, only then.
BEHIND_PROXY = env_proxies("BEHIND_PROXY")
if "API_NUM_PROXIES" in os.environ:
    raise ImproperlyConfigured("API_NUM_PROXIES is replaced by BEHIND_PROXY (number of proxies).")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# A stale tab's form gets a page in the desk's layout that says nothing was saved.
CSRF_FAILURE_VIEW = "config.csrf.csrf_failure"

INSTALLED_APPS = [
    # Django's admin with the desk's site: its titles, log-in and password forms.
    "config.admin_app.DeskAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    # `intcomma` writes a count a person reads as 12,345. USE_THOUSAND_SEPARATOR stays off:
    # it would put commas into ids, URLs and attribute values (value=, data-*) as well, and it
    # misses Django's own admin messages ("%d"), which config.admin_actions.SeparatedCountsMixin
    # writes with theirs.
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django.contrib.postgres",
    "axes",
    "articles",
    "claims",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside every middleware that may answer a page early, so each one carries the policy
    # (WhiteNoise, which wants to come first, answers only with static files).
    "config.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Before the guards, so the page a refused request gets knows who is logged in.
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before anything reads a form: a body too large to read, or too many fields, is answered
    # in the desk's words (the admin's guards and the CSRF check would fail on it first).
    "config.middleware.RequestShapeGuardMiddleware",
    "config.middleware.AdminInputGuardMiddleware",
    "config.middleware.FormEncodingGuardMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.middleware.SignedInPagesNotStoredMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# First, so every multipart form's text parts are checked as a urlencoded form's are
# (config.form_encoding.unreadable_form_fields); Django's two handlers then store the files.
FILE_UPLOAD_HANDLERS = [
    "config.form_encoding.TextFieldCheckUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            # Libraries of config/, which is no app: the admin templates overridden in
            # templates/admin/ load admin_counts; every template that sets outside text into
            # its own words loads bidi.
            "libraries": {"admin_counts": "config.admin_counts", "bidi": "config.bidi"},
        },
    },
]

# --- Database: SQLite file unless DATABASE_URL says otherwise -----------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0),
        # A persistent connection the server closed (restart, failover, idle timeout) is
        # noticed before the request uses it, instead of answering that request with a 500.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    (BASE_DIR / "var").mkdir(exist_ok=True)
    # A transaction takes SQLite's write lock when it begins: a deferred one that had read
    # first was refused the lock at once ("database is locked", whatever the time-out) while
    # another request wrote, so a double-clicked Submit in the demo answered a 500. The second
    # writer now waits, up to the time-out, for the first.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: Redis when REDIS_URL is set, else process-local memory -------------------------
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Falls back to process memory while Redis is away (config/cache.py says why).
            "BACKEND": "config.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery: a real broker when CELERY_BROKER_URL is set, else tasks run in-process --------
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not env_str("CELERY_BROKER_URL"))
# In production an analysis inside the web request would hit the server's time-out and leave
# the article "running": without a broker, refuse to start unless in-process tasks are asked for.
if (
    not DEBUG
    and not env_str("CELERY_BROKER_URL")
    and not env_bool("CELERY_TASK_ALWAYS_EAGER", False)
):
    raise ImproperlyConfigured(
        "DEBUG is off but CELERY_BROKER_URL is not set: analyses would run inside web requests. "
        "Set CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/0), or CELERY_TASK_ALWAYS_EAGER=1 "
        "to run them in-process on purpose."
    )
# In-process tasks need no broker; an in-memory one keeps kombu from guessing an AMQP host.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or "memory://localhost/"
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "factcheck")
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# A prefetched, unacknowledged analysis would wait behind a long one; one at a time is fairer.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing must fail fast when the broker is down so the web request can answer. A task whose
# worker died unacknowledged (acks_late) is redelivered by Redis after the visibility timeout:
# ten minutes, well above an analysis's few seconds, instead of the default hour.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 600, minimum=60),
}

# --- Analysis pipeline ----------------------------------------------------------------------
ARTICLE_MAX_CHARS = env_int("ARTICLE_MAX_CHARS", 200_000, minimum=1)
# The most a form's (or the API's) body may hold: room for any article ARTICLE_MAX_CHARS admits,
# so a long text is refused by its characters, with its length said, never first by its bytes.
# 27 bytes is the most one stored character is sent as: a Korean syllable pasted decomposed (as
# macOS may copy it, composed again on storing) is three jamo of three UTF-8 bytes, each byte
# percent-encoded in a form ("%E1%84%80"); an emoji is 12 ("%F0%9F%98%80", or a JSON surrogate
# pair "\ud83d\ude00"), a multipart part holds the bytes themselves. 128 KiB are for the form's
# other fields (title, URL, outlet). Never below Django's 2.5 MiB, the other forms' limit.
DATA_UPLOAD_MAX_MEMORY_SIZE = max(2_621_440, 27 * ARTICLE_MAX_CHARS + 131_072)
# None means "use the threshold chosen on dev data and stored with the model".
CHECKWORTHINESS_THRESHOLD = env_float("CHECKWORTHINESS_THRESHOLD", None)
SHARED_DATA_DIR = Path(env_str("SHARED_DATA_DIR", str(BASE_DIR.parent / "shared" / "data")))
SEEDS_DIR = BASE_DIR / "seeds"


# --- Intake: URLs, feeds, bulk files, ClaimReview (articles/intake/) ---------------------------
# Fetching refuses loopback, private, link-local and reserved addresses (SSRF). This lifts the
# loopback and private part for tests and a local demo only; link-local (cloud metadata),
# multicast and reserved addresses stay refused.
INTAKE_ALLOW_PRIVATE_NETWORKS = env_bool("INTAKE_ALLOW_PRIVATE_NETWORKS", False)
INTAKE_USER_AGENT = env_str(
    "INTAKE_USER_AGENT", "FactCheckDesk/1.0 (fact-check intake; respects robots.txt)"
)
INTAKE_CONNECT_TIMEOUT = env_seconds("INTAKE_CONNECT_TIMEOUT", 5.0)
INTAKE_READ_TIMEOUT = env_seconds("INTAKE_READ_TIMEOUT", 15.0)
# A fetch made inside a web request ends within this, all of it (every redirect and robots.txt):
# a URL's when tasks run in-process (CELERY_TASK_ALWAYS_EAGER, the zero-config start), tried once,
# and a feed's first read at subscribing, always. A worker keeps the time-outs above and retries.
INTAKE_IN_REQUEST_FETCH_SECONDS = env_seconds("INTAKE_IN_REQUEST_FETCH_SECONDS", 10.0)
# Pages fetched at once where tasks run in-process (no worker): a bulk file's URL rows, which one
# after another would hold the import for one fetch time each (articles/intake/inprocess.py). A
# worker fetches one page per task; its concurrency is the worker's own.
INTAKE_FETCH_CONCURRENCY = env_int("INTAKE_FETCH_CONCURRENCY", 4, minimum=1)
# All the waits before trying again after a database error, where tasks run in-process: a worker
# waits 30, 60 and 120 s between its tries (articles/intake/queue.py), but here someone waits in
# the web request (or command) that started the job, so the same tries come this much apart in
# all, shared by the jobs run together: a URL, an import chunk's URL rows (queue.py).
INTAKE_IN_PROCESS_RETRY_SECONDS = env_seconds("INTAKE_IN_PROCESS_RETRY_SECONDS", 5.0)
INTAKE_MAX_REDIRECTS = env_int("INTAKE_MAX_REDIRECTS", 5, minimum=0)
INTAKE_MAX_BYTES = env_int("INTAKE_MAX_BYTES", 5_000_000, minimum=1024)
# Less text than this is a cookie wall, a paywall or an index page, not an article.
INTAKE_MIN_TEXT_CHARS = env_int("INTAKE_MIN_TEXT_CHARS", 200, minimum=1)
INTAKE_IMPORT_MAX_BYTES = env_int("INTAKE_IMPORT_MAX_BYTES", 200_000_000, minimum=1024)
INTAKE_FEED_MAX_BACKOFF_MINUTES = env_int("INTAKE_FEED_MAX_BACKOFF_MINUTES", 24 * 60, minimum=1)
# New entries taken from one feed in one poll (newest first); the rest wait for later polls, so an
# archive feed of 10,000 entries does not queue 10,000 fetches in one task.
INTAKE_FEED_MAX_ENTRIES_PER_POLL = env_int("INTAKE_FEED_MAX_ENTRIES_PER_POLL", 50, minimum=1)


# --- API (claims/api/) ---------------------------------------------------------------------
def env_rate(name: str, default: str) -> str:
    """A DRF throttle rate such as '30/min' or '1000/hour'."""
    raw = env_str(name, default).strip()
    count, _, period = raw.partition("/")
    # ASCII digits: DRF reads the count with int(), which takes '１' and fails on '²' at the
    # first request instead of at start.
    if not (count.isascii() and count.isdigit()) or period[:1] not in {"s", "m", "h", "d"}:
        raise ImproperlyConfigured(f"{name} must look like 30/min or 1000/hour, got {raw!r}")
    return raw


REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["claims.api.auth.ApiTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["claims.api.auth.ReadScope"],
    "DEFAULT_THROTTLE_CLASSES": [
        "claims.api.auth.AnonymousThrottle",
        "claims.api.auth.TokenThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        # Anonymous clients may read published verdicts, slowly; everything else needs a token.
        "anonymous": env_rate("API_THROTTLE_ANONYMOUS", "30/min"),
        "token": env_rate("API_THROTTLE_TOKEN", "1200/min"),
        "submit": env_rate("API_THROTTLE_SUBMIT", "120/hour"),
    },
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["claims.api.parsers.StrictJSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "claims.api.negotiation.QualityContentNegotiation",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "claims.api.errors.api_exception_handler",
    "NUM_PROXIES": BEHIND_PROXY,
}
# Verdict list pages are cached this long at most; publishing or correcting clears them at once.
API_LIST_CACHE_SECONDS = env_int("API_LIST_CACHE_SECONDS", 30, minimum=0)
# `updated_since` reaches back this far: a verdict's modified_at is stamped inside the
# transaction that publishes or corrects it, so a row committed a little after a partner's
# poll can carry a time just before it; a transaction longer than this could still be missed.
API_SYNC_OVERLAP_SECONDS = env_int("API_SYNC_OVERLAP_SECONDS", 60, minimum=0)
SPECTACULAR_SETTINGS = {
    "TITLE": "Fact-check desk API",
    "DESCRIPTION": (
        "Published verdicts, the claims they rate, speakers, and article submission. "
        "Send `Authorization: Bearer <key>` with a key that staff created in the admin; "
        "published verdicts can also be read without a key, at a low rate. A query "
        "parameter an endpoint does not take is a 400 that names it, not an answer that "
        "ignores it."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Docstrings are notes for whoever reads the code (which service validates, what a mixin
    # refuses), and drf-spectacular published them as descriptions, inherited ones included.
    # What clients read is written for them: extend_schema(description=...) on an operation,
    # extend_schema_serializer(description=...) on a component, help_text on a field.
    "DISABLE_DOCSTRING_DESCRIPTIONS": True,
    "ENUM_NAME_OVERRIDES": {},
    # Swagger UI and Redoc served from the installed sidecar package, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Auth ------------------------------------------------------------------------------------
# Django's validators, in the desk's words (config/passwords.py).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "config.passwords.UserAttributeSimilarityValidator"},
    {"NAME": "config.passwords.MinimumLengthValidator"},
    {"NAME": "config.passwords.CommonPasswordValidator"},
    {"NAME": "config.passwords.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # First, so a locked-out username and address is refused before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15, minimum=1) / 60  # hours
# Lock the username from that address: a typo-prone colleague does not lock out the newsroom.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Its start-up banner would open every management command's output, JSON Lines included.
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "config.client_address.client_address"
LOGIN_URL = "login"
# The desk works its queue: that is where a sign-in lands (unless a ?next= page asked first).
LOGIN_REDIRECT_URL = "claims:queue"
LOGOUT_REDIRECT_URL = "login"

# --- Public fact-checks: the organisation named as author of every ClaimReview --------------
FACTCHECK_ORG_NAME = env_str("FACTCHECK_ORG_NAME", "Fact-check desk")
# Empty: the site's own address, taken from the request.
FACTCHECK_ORG_URL = env_str("FACTCHECK_ORG_URL", "")

# --- I18N, static ----------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True
# A time with no format of its own (the admin's) is written with its zone, as on the desk.
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "static/"
# Where collectstatic gathers the static files, which WhiteNoise serves with DEBUG off.
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- History ---------------------------------------------------------------------------------
# History is a record, not an undo button: reverting would bypass the workflow.
SIMPLE_HISTORY_REVERT_DISABLED = True

# --- Security (production defaults switch on when DEBUG is off) -----------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# A desk sign-in lasts a working day, not Django's two weeks: a session left open on a shared
# newsroom machine holds unpublished work and the power to publish. Counted from the session's
# last write, not from each request: the sign-in, or a change the desk keeps in it (the queue's
# filters, a bulk action's leftovers), which starts the 12 hours again.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 12 * 60 * 60, minimum=60)
# Sent on every response (config.middleware.ContentSecurityPolicyMiddleware). No template runs
# inline script (the JSON-LD block is data, not script) and the admin and the API docs load
# theirs from static files, so an injected <script> or event handler would not run. Styles
# allow inline: the rating badge sets its colour in a style attribute.
CONTENT_SECURITY_POLICY = env_str(
    "CONTENT_SECURITY_POLICY",
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'",
)

# Every line reaches the console once, through the root handler. Django's own "django" logger
# writes to the console as well when DEBUG is on, so `make run` printed each of its lines (and a
# 403's traceback) twice: here it keeps only mail_admins. Naming "django" resets the loggers
# under it, so runserver's "django.server" is restated as Django defines it. A refused request
# (a 403, any 4xx) is one warning with its path and user and no traceback; a 500 keeps its
# traceback (config/request_logging.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        **DEFAULT_LOGGING["filters"],
        "client_errors": {"()": "config.request_logging.ClientErrorsWithoutTraceback"},
    },
    "formatters": DEFAULT_LOGGING["formatters"],
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "django.server": DEFAULT_LOGGING["handlers"]["django.server"],
        "mail_admins": DEFAULT_LOGGING["handlers"]["mail_admins"],
    },
    "loggers": {
        "django": {"handlers": ["mail_admins"], "level": "INFO"},
        "django.request": {"filters": ["client_errors"]},
        "django.server": DEFAULT_LOGGING["loggers"]["django.server"],
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}


# --- Recovery of analyses (issue #10): heartbeats, stalled jobs, Celery beat ----------------
# A worker running an analysis writes a heartbeat this often; a running article without one for
# ANALYSIS_STALLED_SECONDS lost its worker, is shown as stalled and is sent again by the periodic
# recovery, long before Redis would redeliver it (CELERY_VISIBILITY_TIMEOUT).
ANALYSIS_HEARTBEAT_SECONDS = env_int("ANALYSIS_HEARTBEAT_SECONDS", 15, minimum=1)
ANALYSIS_STALLED_SECONDS = env_int("ANALYSIS_STALLED_SECONDS", 60, minimum=2)
if ANALYSIS_STALLED_SECONDS < 2 * ANALYSIS_HEARTBEAT_SECONDS:
    raise ImproperlyConfigured(
        "ANALYSIS_STALLED_SECONDS must be at least twice ANALYSIS_HEARTBEAT_SECONDS, "
        f"got {ANALYSIS_STALLED_SECONDS} and {ANALYSIS_HEARTBEAT_SECONDS}"
    )
# An article that never reached the broker (it was down) is sent again after this long.
ANALYSIS_UNSENT_SECONDS = env_int("ANALYSIS_UNSENT_SECONDS", 60, minimum=0)
ANALYSIS_RECOVER_EVERY_SECONDS = env_int("ANALYSIS_RECOVER_EVERY_SECONDS", 60, minimum=5)

# --- Celery beat (`celery -A config beat`): all periodic work, in one place -------------------
# Due feeds are polled every minute; intake jobs that never reached a worker, or whose worker
# died, are sent again every five minutes, and so are bulk imports nobody runs (the broker was
# down at upload, or the worker died; the same task drops the files finished imports still
# hold); stalled, unsent or lost analyses are recovered.
CELERY_BEAT_SCHEDULE = {
    "poll-due-feeds": {"task": "articles.tasks.feeds_poll_due", "schedule": 60.0},
    "requeue-stale-intake-jobs": {
        "task": "articles.tasks.intake_jobs_requeue_stale",
        "schedule": 300.0,
    },
    "recover-imports": {"task": "articles.tasks.import_batches_recover", "schedule": 300.0},
    # Claims still without a vector ten minutes on (their matching job was lost) are matched.
    "match-unembedded-claims": {"task": "claims.tasks.match_unembedded_claims", "schedule": 300.0},
    "articles-recover-analyses": {
        "task": "articles.tasks.recover_analyses",
        "schedule": float(ANALYSIS_RECOVER_EVERY_SECONDS),
    },
}

# --- Claim matching (claims/matching/) -------------------------------------------------------
# Where `rebuild_match_index` writes the vector index snapshots each process starts from.
MATCHING_INDEX_DIR = Path(env_str("MATCHING_INDEX_DIR", str(BASE_DIR / "var" / "matching")))
# How often a process asks PostgreSQL for vectors stored since it last looked.
MATCHING_SYNC_SECONDS = env_float("MATCHING_SYNC_SECONDS", 2.0)
# A rebuild makes an approximate (IVF) index from this many vectors on; exact search below.
MATCHING_IVF_MIN = env_int("MATCHING_IVF_MIN", 100_000, minimum=1)
# Inverted lists scanned per query (bench/claim_matching.py measures recall against it).
MATCHING_NPROBE = env_int("MATCHING_NPROBE", 64, minimum=1)
