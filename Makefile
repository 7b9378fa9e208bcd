# `make run` and `make test` are all a fresh machine needs (Python 3.11+, git, make).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PIP := $(PY) -m pip install --quiet --disable-pip-version-check
# The locks: exact versions with hashes, for every platform. dev.txt is everything `make run`
# and `make test` need; server.txt is the image's (API and worker: no gradio, no pgserver).
LOCK := $(VENV)/bin/uv pip compile pyproject.toml --universal --python-version 3.11 \
	--generate-hashes --custom-compile-command 'make lock' --quiet $(LOCK_FLAGS)

.PHONY: install lock run test lint format bench clean admin manage space-bundle

install: $(STAMP)

# The locked set first, then the project itself without a resolver run: the same versions on
# every machine and in CI, installed from pip's cache when it has them.
$(STAMP): pyproject.toml requirements/dev.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed"'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) --require-hashes -r requirements/dev.txt
	$(PIP) --no-deps -e .
	touch $(STAMP)

# After changing a dependency in pyproject.toml; pins are kept unless LOCK_FLAGS=--upgrade.
lock: $(STAMP)
	$(LOCK) --extra dev -o requirements/dev.txt
	$(LOCK) --extra server -c requirements/dev.txt -o requirements/server.txt

run: $(STAMP)
	$(PY) -m naturalcad.stack run

# An admin login on the local database, the one `make run` serves (run it in another terminal
# while that serves, or on its own): asks for a name, an address and a password.
admin: $(STAMP)
	$(PY) -m naturalcad.stack manage -- migrate --no-input -v0
	$(PY) -m naturalcad.stack manage -- createsuperuser $(ARGS)

# Any manage.py command on that database: make manage ARGS="create_api_key --name me"
manage: $(STAMP)
	$(PY) -m naturalcad.stack manage -- $(ARGS)

test: $(STAMP)
	@command -v chromium >/dev/null 2>&1 || command -v "$$NATURALCAD_CHROMIUM" >/dev/null 2>&1 || \
		echo "\n*** BROWSER TESTS WILL BE SKIPPED: no chromium (apt-get install chromium) ***\n"
	@command -v pgbouncer >/dev/null 2>&1 || test -x /usr/sbin/pgbouncer || \
		echo "\n*** POOLER TESTS WILL BE SKIPPED: no pgbouncer (apt-get install pgbouncer) ***\n"
	$(MAKE) --no-print-directory lint
	$(PY) -m naturalcad.stack exec -- $(PY) -m pytest $(PYTEST_ARGS)

# Style, types (strict for the domain core) and the import layers (pyproject.toml).
lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	DEBUG=true $(PY) -m mypy
	$(VENV)/bin/lint-imports

format: $(STAMP)
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

bench: $(STAMP)
	$(PY) -m naturalcad.stack exec -- $(PY) bench/reuse.py
	$(PY) -m naturalcad.stack exec -- $(PY) bench/api.py
	$(PY) -m naturalcad.stack exec -- $(PY) bench/instructions.py
	DEBUG=true $(PY) bench/geometry.py
	$(PY) -m naturalcad.stack exec -- $(PY) bench/interpret.py
	$(PY) -m naturalcad.stack exec -- $(PY) bench/worker.py
	$(PY) bench/drawing.py

# The Hugging Face Space repository, ready to push (DEPLOY.md); only the standard library.
SPACE_BUNDLE ?= build/space
space-bundle:
	$(PYTHON) scripts/space_bundle.py $(SPACE_BUNDLE)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .import_linter_cache
