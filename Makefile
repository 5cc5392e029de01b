# Two commands: `make run` (set up, migrate, demo data, serve) and `make test` (whole suite on
# SQLite and PostgreSQL). Both install what is missing first, so a fresh Debian machine works.
VENV := .venv
PYTHON ?= python3
export FLASK_APP := app

.PHONY: run dev prepare test setup system system-test browser-deps lint

# gunicorn (gunicorn.conf.py: WEB_WORKERS, WEB_THREADS, WEB_BIND) and the job worker, together;
# Ctrl-C stops both.
run: prepare
	@echo "noticeboard: open http://127.0.0.1:5000  (staff login: http://127.0.0.1:5000/login)"
	scripts/serve.sh

# Flask's development server with the reloader and debugger, and the job worker beside it.
dev: prepare
	scripts/serve.sh --dev

prepare: system setup
	$(VENV)/bin/flask db upgrade
	$(VENV)/bin/flask demo --if-empty
	$(VENV)/bin/flask analyze
	$(VENV)/bin/flask doctor || true

test: system-test setup browser-deps
	scripts/test-all.sh

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e '.[dev]'
	touch $@

# axe-core for the accessibility tests, pinned by tests/browser/package-lock.json.
browser-deps: tests/browser/node_modules/.installed

tests/browser/node_modules/.installed: tests/browser/package-lock.json
	cd tests/browser && npm ci --no-audit --no-fund
	touch $@

system:
	scripts/system-packages.sh run

system-test:
	scripts/system-packages.sh test

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
