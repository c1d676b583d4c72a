# Two commands work on a fresh clone:  `make demo`  and  `make test`  (see README.md).
.PHONY: demo demo-setup test test-mysql coverage test-matrix quality translations compile-translations benchmark clean

# pyenv keeps other Pythons off PATH; the main configuration and tox need python3.12.
export PATH := $(subst $() ,:,$(wildcard $(HOME)/.pyenv/versions/3.12*/bin)):$(PATH)
# The main configuration is Open edX Verawood's: Python 3.12 and its pins (constraints/); tox
# runs the other releases (see tox.ini and docs/development/ci.md).
PYTHON ?= $(shell PATH='$(PATH)'; command -v python3.12 2>/dev/null || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
CONSTRAINTS ?= constraints/openedx-verawood.txt
# openedx-authz (course-team roles beside CourseAccessRole) exists from Verawood on: the
# `authz` extra joins under Verawood's pins only (tox's Ulmo and Teak runs go without it).
EXTRAS ?= test$(if $(findstring verawood,$(CONSTRAINTS)),$(comma)authz)$(if $(filter mysql,$(CODIO_DB)),$(comma)mysql)
comma := ,
# Tests run in PYTEST_WORKERS processes (pytest-xdist); the browser, live-server, Celery
# worker and benchmark tests keep to one of them, one at a time (tests/conftest.py).
PYTEST_WORKERS ?= 2
PYTEST := $(PY) -m pytest $(if $(filter 0,$(PYTEST_WORKERS)),-p no:xdist,-n $(PYTEST_WORKERS) --dist loadgroup)
# COVERAGE=1: measure codio_xblock and lti_bridge (.coveragerc) into .coverage.<database>;
# `make coverage` combines what the runs measured and checks the floor.
COVERAGE_FILE_NAME := .coverage.$(or $(CODIO_DB),sqlite)
TOX_VERSION := 4.67.17
HOST ?= 127.0.0.1
PORT ?= 8000
# The URL browsers use to reach the demo (the platform's issuer and every registered URL).
# Another PORT changes it; give DEMO_URL when the demo is reached by another name.
DEMO_URL ?= http://localhost:$(PORT)

# edx-submissions is installed as the LMS has it, so `pip check` covers the plugin beside the
# LMS's own set.
$(VENV)/.installed-$(EXTRAS): setup.py $(CONSTRAINTS)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c $(CONSTRAINTS) -e ".[$(EXTRAS)]" edx-submissions
	$(PY) -m pip check
	touch $@

demo-setup: $(VENV)/.installed-$(EXTRAS)
	mkdir -p var
	$(PY) manage.py migrate --run-syncdb --verbosity 0
	$(PY) manage.py createcachetable
	CODIO_DEMO_BASE_URL=$(DEMO_URL) $(PY) manage.py seed_demo

## demo: install, migrate, seed, then serve the demo: the LMS on $(DEMO_URL), the Learning
## MFE and Studio on the next two ports (three origins, as in Open edX). make demo PORT=8100
## moves all three; re-running after a change of PORT or DEMO_URL moves the registrations.
demo: demo-setup
	@echo ""
	@echo "Codio XBlock demo: $(DEMO_URL)/  (the LMS; the Learning MFE and Studio on the next two ports)"
	@echo "  open the course as a learner:    $(DEMO_URL)/  -> 'learner' (or 'learner2')"
	@echo "  as the instructor:               $(DEMO_URL)/  -> 'instructor'"
	@echo "  as course staff (a TA):          $(DEMO_URL)/  -> 'staff'"
	@echo "  as limited staff (a mentor):     $(DEMO_URL)/  -> 'mentor'"
	@echo "  as an administrator (LTI Integrations, exports): $(DEMO_URL)/  -> 'admin'"
	@echo "  sign-in form (password 'demo'):  $(DEMO_URL)/accounts/login/"
	@echo ""
	CODIO_DEMO_BASE_URL=$(DEMO_URL) $(PY) manage.py serve_demo --host $(HOST) --port $(PORT)

## test: every test (unit, end-to-end, live, browser) on SQLite; CODIO_DB=mysql for MariaDB
## (with CODIO_REDIS_URL, as Open edX); PYTEST_ARGS for pytest, PYTEST_WORKERS=0 for one process
test: $(VENV)/.installed-$(EXTRAS)
	$(if $(COVERAGE),COVERAGE_FILE=$(COVERAGE_FILE_NAME)) $(PYTEST) $(if $(COVERAGE),--cov --cov-report=) $(PYTEST_ARGS)

test-mysql:
	$(MAKE) test CODIO_DB=mysql

## coverage: combine what COVERAGE=1 runs (and tox's Tutor runs) measured; fails under the floor
coverage: $(VENV)/.installed-$(EXTRAS)
	$(PY) -m coverage combine --keep
	$(PY) -m coverage report

$(VENV)/.tox-$(TOX_VERSION): $(VENV)/.installed-$(EXTRAS)
	$(PY) -m pip install --quiet "tox==$(TOX_VERSION)"
	touch $@

## test-matrix: what differs under Open edX Ulmo (Python 3.11) and Teak (Django 4.2), the Tutor
## plugin under Tutor 22, 21 and 20, and the bridge alone (its own distribution in a clean
## environment), through tox (TOX_ARGS, e.g. --workdir)
test-matrix: $(VENV)/.tox-$(TOX_VERSION)
	$(PY) -m tox $(TOX_ARGS) -e openedx-ulmo,openedx-teak,tutor-verawood,tutor-ulmo,tutor-teak,bridge-alone -- $(PYTEST_ARGS)

quality: $(VENV)/.installed-$(EXTRAS)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

## benchmark: launch, release, export and live (gunicorn) launch benchmarks (write
## benchmarks/results/); CODIO_DB=mysql runs the release benchmark on MariaDB too, and the
## live ones on MariaDB + Redis (as issue 15 measures) instead of SQLite
benchmark: $(VENV)/.installed-$(EXTRAS)
	$(PY) -m benchmarks.launch
	$(PY) -m benchmarks.ags_scores
	$(PY) -m benchmarks.release
	$(if $(filter mysql,$(CODIO_DB)),$(PY) -m benchmarks.release --db mysql)
	$(PY) -m benchmarks.export_large_class
	$(PY) -m benchmarks.pages
	$(PY) -m benchmarks.launch_load --db $(if $(filter mysql,$(CODIO_DB)),mysql,sqlite)
	$(PY) -m benchmarks.burst --db $(if $(filter mysql,$(CODIO_DB)),mysql,sqlite)

## translations: extract every marked string into translations/<app>/en/LC_MESSAGES/django.po
translations: $(VENV)/.installed-$(EXTRAS)
	$(PY) translations/manage_catalogs.py extract

compile-translations: $(VENV)/.installed-$(EXTRAS)
	$(PY) translations/manage_catalogs.py compile

clean:
	rm -rf $(VENV) .tox var test-artifacts .coverage .coverage.* htmlcov
