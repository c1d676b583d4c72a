# Two commands work on a fresh clone:  `make demo`  and  `make test`  (see README.md).
.PHONY: demo demo-setup test test-mysql test-matrix quality translations compile-translations benchmark clean

# Python 3.11 if present (as Open edX), else any python3 >= 3.11.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
DJANGO ?= Django>=5.2,<5.3
EXTRAS ?= test$(if $(filter mysql,$(CODIO_DB)),$(comma)mysql)
comma := ,
HOST ?= 127.0.0.1
PORT ?= 8000
# The URL browsers use to reach the demo (the platform's issuer and every registered URL).
# Another PORT changes it; give DEMO_URL when the demo is reached by another name.
DEMO_URL ?= http://localhost:$(PORT)
# pyenv keeps other Pythons off PATH; tox needs python3.12 for its py312 environment.
export PATH := $(subst $() ,:,$(wildcard $(HOME)/.pyenv/versions/3.12*/bin)):$(PATH)

$(VENV)/.installed-$(EXTRAS): setup.py
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet "$(DJANGO)" -e ".[$(EXTRAS)]"
	touch $@

demo-setup: $(VENV)/.installed-$(EXTRAS)
	mkdir -p var
	$(PY) manage.py migrate --run-syncdb --verbosity 0
	$(PY) manage.py createcachetable
	CODIO_DEMO_BASE_URL=$(DEMO_URL) $(PY) manage.py seed_demo

## demo: install, migrate, seed, then serve the demo LMS + bridge on $(DEMO_URL)
## (make demo PORT=8100; re-running after a change of PORT or DEMO_URL moves the registrations)
demo: demo-setup
	@echo ""
	@echo "Codio XBlock demo: $(DEMO_URL)/"
	@echo "  open the course as a learner:    $(DEMO_URL)/  -> 'learner' (or 'learner2')"
	@echo "  as the instructor:               $(DEMO_URL)/  -> 'instructor'"
	@echo "  as the teaching assistant:       $(DEMO_URL)/  -> 'ta'"
	@echo "  as limited staff (a mentor):     $(DEMO_URL)/  -> 'mentor'"
	@echo "  as an administrator (LTI Integrations, exports): $(DEMO_URL)/  -> 'admin'"
	@echo "  sign-in form (password 'demo'):  $(DEMO_URL)/accounts/login/"
	@echo "  the course itself:               $(DEMO_URL)/scenario/codio_unit.1/"
	@echo ""
	CODIO_DEMO_BASE_URL=$(DEMO_URL) $(PY) manage.py runserver $(HOST):$(PORT)

## test: every test (unit, end-to-end, browser) on SQLite; CODIO_DB=mysql for MariaDB
test: $(VENV)/.installed-$(EXTRAS)
	$(PY) -m pytest $(PYTEST_ARGS)

test-mysql:
	$(MAKE) test CODIO_DB=mysql

## test-matrix: the versions Open edX pins (Ulmo: Python 3.11 + Django 5.2, Teak: Django 4.2;
## constraints/), Python 3.12 + Django 5.2, the Tutor plugin under Tutor 21 and 20, and the bridge
## alone (its own distribution in a clean environment, tests/bridge), through tox
test-matrix: $(VENV)/.installed-$(EXTRAS)
	$(PY) -m pip install --quiet "tox>=4"
	$(PY) -m tox -e openedx-ulmo,openedx-teak,py312-django52,tutor-ulmo,tutor-teak,bridge-alone

quality: $(VENV)/.installed-$(EXTRAS)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

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
	rm -rf $(VENV) .tox var test-artifacts
