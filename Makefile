# The commands people type. `make run` and `make test` set everything up themselves.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Rasa 3.6 needs Python 3.10; pyenv provides it (.python-version selects 3.10.13).
PYTHON310 ?= $(shell command -v python3.10 2>/dev/null || echo $(HOME)/.pyenv/versions/3.10.13/bin/python3.10)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# npm ci empties node_modules first, so a stamp inside it goes with every reinstall.
WEB_STAMP := web/node_modules/.installed
MODEL := models/current.tar.gz
TRAIN_INPUTS := config.yml domain.yml $(shell find data -name '*.yml') $(wildcard guides/*.txt) \
	$(shell find bot/domain bot/nlp -name '*.py')

export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export ACTION_ENDPOINT_URL ?= http://127.0.0.1:5055/webhook
export TRACKER_STORE_URL ?= sqlite:///$(CURDIR)/var/tracker.db

.PHONY: help setup train run run-scaled shell test test-fast test-quick validate demo-data purge line-setup remind mails review-export bench clean

help:
	@echo "make run    set up, train if needed, start the bot (web chat on :8080, REST on :5005, actions on :5055)"
	@echo "make run-scaled  the same with two Rasa and two action servers behind HAProxy (PostgreSQL, Redis)"
	@echo "make test   set up, train if needed, run the whole test suite"
	@echo "make test-fast  tests/unit: no model, no database server, no server process (under a minute)"
	@echo "make test-quick  every test that needs no trained model and no browser (PostgreSQL, Redis)"
	@echo "make train  train the model (models/current.tar.gz)"
	@echo "make shell  talk to the bot in the terminal"
	@echo "make demo-data  reset the database to the demo records"
	@echo "make purge DAYS=N  delete conversations and ticket transcripts older than N days"
	@echo "make line-setup  give the LINE account its rich menu (needs LINE_CHANNEL_ACCESS_TOKEN)"
	@echo "make remind  send today's renewal reminders (once a day from cron, in the daytime)"
	@echo "make mails  print the mails the demo mail server of make run received"
	@echo "make review-export  write the review queue's labels to data/nlu/reviewed.yml, masked (nothing is trained)"
	@echo "make bench  benchmarks against stock Rasa and a baseline (bench/REPORT.md; about two hours)"

$(STAMP): requirements.lock pyproject.toml
	test -d $(VENV) || $(PYTHON310) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip<25"
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

# The web chat widget, exactly as package-lock.json has it; no package needs an install script.
$(WEB_STAMP): web/package.json web/package-lock.json
	cd web && npm ci --ignore-scripts --no-audit --no-fund
	touch $@

setup: $(STAMP) $(WEB_STAMP)

$(MODEL): $(STAMP) $(TRAIN_INPUTS)
	$(BIN)/rasa train --fixed-model-name current --out models

train: $(MODEL)

# The page's demo login is on for `make run` unless BOT_WEB_DEMO_LOGIN is set otherwise.
run: $(MODEL) $(WEB_STAMP)
	BOT_WEB_DEMO_LOGIN=$${BOT_WEB_DEMO_LOGIN-1} $(BIN)/python -m bot.runtime.serve --model $(MODEL)

# Two Rasa and two action servers behind HAProxy, on PostgreSQL and Redis (README: Scaling).
run-scaled: $(MODEL) $(WEB_STAMP)
	BOT_WEB_DEMO_LOGIN=$${BOT_WEB_DEMO_LOGIN-1} $(BIN)/python -m bot.runtime.serve_scaled --model $(MODEL)

# The action server's secrets, made up for this shell unless given: nobody else can call it.
shell: $(MODEL)
	mkdir -p var
	new_secret() { $(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(32))'; }; \
	export BOT_ACTIONS_SECRET=$${BOT_ACTIONS_SECRET:-$$(new_secret)} BOT_IDENTITY_SECRET=$${BOT_IDENTITY_SECRET:-$$(new_secret)}; \
	$(BIN)/python -m bot.runtime.actions_server --actions bot.actions --port 5055 & actions=$$!; \
	trap "kill $$actions" EXIT; \
	$(BIN)/rasa shell --model $(MODEL) --endpoints endpoints.yml

demo-data: $(STAMP)
	$(BIN)/python -m bot.store.demo_data --reset

# Retention: conversations and ticket transcripts older than DAYS days.
purge: $(STAMP)
	@test -n "$(DAYS)" || { echo "usage: make purge DAYS=N (keep the last N days)"; exit 2; }
	$(BIN)/python -m bot.store.purge --days $(DAYS)

# The LINE account's rich menu, drawn here and made every user's default (README: LINE).
line-setup: $(STAMP)
	$(BIN)/python -m bot.channels.line_rich_menu

# Renewal reminders due today, on LINE and by mail (README: Renewal reminders).
remind: $(STAMP)
	$(BIN)/python -m bot.runtime.reminders

# What the demo mail server of `make run` received (README: Mail).
mails: $(STAMP)
	@$(BIN)/python -m bot.runtime.mail_sink

# The labels supervisors gave in the inbox's review queue, as training data (README: Review queue).
review-export: $(STAMP)
	$(BIN)/python -m bot.review_export

validate: $(STAMP)
	$(BIN)/rasa data validate --fail-on-warnings

test: $(MODEL) $(WEB_STAMP)
	mkdir -p var
	$(BIN)/pytest

# tests/unit: no trained model, no database server, no server process, lint and types included;
# a check while working (README: Tests). The web chat's bundle is installed first: the page
# server's tests serve it. tests/conftest.py refuses a test there that asks for a database or model.
test-fast: $(STAMP) $(WEB_STAMP)
	mkdir -p var
	$(BIN)/pytest -q tests/unit

# Every test that needs no trained model and no browser (the tests are marked `e2e` or `browser`
# by the fixtures they use): tests/unit, tests/integration on SQLite, PostgreSQL and Redis, and
# the few of tests/e2e that need neither. `make test` runs them too.
test-quick: $(STAMP) $(WEB_STAMP)
	mkdir -p var
	$(BIN)/pytest -q -m "not e2e and not browser"

# Understanding and speed, side by side with stock Rasa and a plain baseline (bench/REPORT.md).
# Long (about two hours on 2 cores, most of it training); run it on a quiet machine.
bench: $(MODEL) $(WEB_STAMP)
	$(BIN)/python bench/nlu_quality.py
	$(BIN)/python -m bench.speed
	$(BIN)/python bench/assemble.py

clean:
	rm -rf models var .pytest_cache
