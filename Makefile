# Commands for a fresh machine. `make run` and `make test` are the README's two.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000
SCALE ?= 1

.PHONY: run test check lint format format-check typecheck bench messages clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

## Set up (virtualenv, packages, SQLite database and its cache table, demo data), start the background worker and serve on http://127.0.0.1:$(PORT)
run: $(STAMP)
	DJANGO_DEBUG=true $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=true $(BIN)/python manage.py createcachetable
	DJANGO_DEBUG=true $(BIN)/python manage.py seed_demo --scale $(SCALE)
	DJANGO_DEBUG=true $(BIN)/python manage.py db_worker --interval 1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	DJANGO_DEBUG=true $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## The test suite (SQLite unless DATABASE_URL is set)
test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## The inner loop: lint, format, types, and the tests without the slow (scale-1 demo) and browser ones, on two workers
check: lint format-check typecheck
	$(BIN)/python -m pytest -q -m "not slow and not browser" --reuse-db -n 2 $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python bench/run.py

## ruff's rules (pyproject.toml)
lint: $(STAMP)
	$(BIN)/ruff check .

## Rewrite the code in the project's format
format: $(STAMP)
	$(BIN)/ruff format .

## Fail if `make format` would change a file
format-check: $(STAMP)
	$(BIN)/ruff format --check .

## mypy with the Django and DRF plugins (pyproject.toml; strict for accounts, villages, metrics)
typecheck: $(STAMP)
	$(BIN)/mypy .

## Recompile the shipped translation catalogue (needs gettext; the .mo files are committed)
messages: $(STAMP)
	DJANGO_DEBUG=true $(BIN)/python manage.py makemessages -l en --ignore=.venv --ignore=staticfiles --ignore=test-artifacts
	DJANGO_DEBUG=true $(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
