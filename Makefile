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
	$(PY) manage.py seed_demo

## demo: install, migrate, seed, then serve the demo LMS + bridge on http://localhost:8000
demo: demo-setup
	@echo ""
	@echo "Codio XBlock demo: http://localhost:$(PORT)/"
	@echo "  open the course as a learner:    http://localhost:$(PORT)/  -> 'learner' (or 'learner2')"
	@echo "  as the instructor:               http://localhost:$(PORT)/  -> 'instructor'"
	@echo "  as the teaching assistant:       http://localhost:$(PORT)/  -> 'ta'"
	@echo "  as limited staff (a mentor):     http://localhost:$(PORT)/  -> 'mentor'"
	@echo "  as an administrator (LTI Integrations, exports): http://localhost:$(PORT)/  -> 'admin'"
	@echo "  sign-in form (password 'demo'):  http://localhost:$(PORT)/accounts/login/"
	@echo "  the course itself:               http://localhost:$(PORT)/scenario/codio_unit.1/"
	@echo ""
	CODIO_DEMO_BASE_URL=http://localhost:$(PORT) $(PY) manage.py runserver $(HOST):$(PORT)

## test: every test (unit, end-to-end, browser) on SQLite; CODIO_DB=mysql for MariaDB
test: $(VENV)/.installed-$(EXTRAS)
	$(PY) -m pytest $(PYTEST_ARGS)

test-mysql:
	$(MAKE) test CODIO_DB=mysql

## test-matrix: the versions Open edX pins (Ulmo: Python 3.11 + Django 5.2, Teak: Django 4.2;
## constraints/), and Python 3.12 + Django 5.2, through tox
test-matrix: $(VENV)/.installed-$(EXTRAS)
	$(PY) -m pip install --quiet "tox>=4"
	$(PY) -m tox -e openedx-ulmo,openedx-teak,py312-django52

quality: $(VENV)/.installed-$(EXTRAS)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

## benchmark: CSV export of a 50,000-learner class (writes benchmarks/results/)
benchmark: $(VENV)/.installed-$(EXTRAS)
	$(PY) -m benchmarks.export_large_class

## translations: extract every marked string into translations/<app>/en/LC_MESSAGES/django.po
translations: $(VENV)/.installed-$(EXTRAS)
	$(PY) translations/manage_catalogs.py extract

compile-translations: $(VENV)/.installed-$(EXTRAS)
	$(PY) translations/manage_catalogs.py compile

clean:
	rm -rf $(VENV) .tox var test-artifacts
