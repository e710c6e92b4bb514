# Two commands, each doing its own set-up: `make run` and `make test` (see README.md).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_HOUSEHOLDS ?= 3000
TEST_WORKERS ?= auto

.PHONY: run test lint messages worker beat clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --households $(DEMO_HOUSEHOLDS) --seed 1 --if-empty
	# The demo province's working year is 2020, the last year of the three-year action (2018–2020): on any
	# later date the run evaluates 2020 as of 31 December 2020 (villages.working_year), as the nightly one does.
	$(BIN)/python manage.py recompute_eligibility
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: $(STAMP)
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest -q -n $(TEST_WORKERS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

messages: $(STAMP)
	$(BIN)/python manage.py makemessages -l zh_Hans -l en --no-location --ignore=.venv --ignore=staticfiles
	$(BIN)/python manage.py compilemessages --ignore=.venv

worker: $(STAMP)
	$(BIN)/celery -A povertymgmt worker -l info

beat: $(STAMP)
	$(BIN)/celery -A povertymgmt beat -l info

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
