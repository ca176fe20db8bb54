# GovOpen — the two commands of the Quick start:
#   make run    start the portal with demo data on http://127.0.0.1:5000
#   make test   run every test
# Settings can be overridden from the environment, e.g. `PORT=8080 DB_NAME=portal make run`.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

export HOST ?= 127.0.0.1
export PORT ?= 5000
export DB_HOST ?= 127.0.0.1
export DB_PORT ?= 5432
export DB_USER ?= govopen
export DB_PASSWORD ?= govopen
export DB_NAME ?= govopen
export TEST_DB_NAME ?= govopen_test
export REDIS_URL ?= redis://127.0.0.1:6379/0
export JURISDICTION ?= demo

.PHONY: run test venv system test-db config clean-demo messages

# The compiled message catalog is a build product: only the .po is kept in git, so that work
# on several branches merges as text.
MO := ckanext-govopen/ckanext/govopen/i18n/zh_Hans_CN/LC_MESSAGES/ckanext-govopen.mo
$(MO): $(MO:.mo=.po) $(VENV)/.installed
	$(BIN)/pybabel -q compile -i $< -o $@

messages: $(MO)

# The venv is rebuilt when a requirement changes; the stamp records the last good install.
$(VENV)/.installed: requirements.txt requirements-dev.txt setup.py
	bash scripts/ensure_system.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip setuptools wheel
	$(BIN)/pip install -q -r requirements.txt -r requirements-dev.txt
	$(BIN)/pip install -q --no-deps -e .
	@# Put the two source roots on sys.path as plain entries: setuptools' editable finder runs
	@# after the path scan, so from the repository root the outer desensitize/ folder would
	@# otherwise be imported as an empty namespace package instead of the library inside it.
	$(BIN)/python -c "import sysconfig, pathlib; pathlib.Path(sysconfig.get_paths()['purelib'], 'govopen-src.pth').write_text('$(CURDIR)/desensitize\n$(CURDIR)/ckanext-govopen\n')"
	touch $@

venv: $(VENV)/.installed

system:
	bash scripts/ensure_system.sh

config: venv $(MO)
	$(BIN)/python scripts/write_config.py

run: venv system $(MO)
	bash scripts/run.sh

test: venv $(MO)
	bash scripts/ensure_system.sh --browser
	bash scripts/test.sh
