# The two commands: `make run` (the app on http://127.0.0.1:8000) and `make test` (the whole suite).
PYTHON ?= python3
# VENV=/path/to/venv reuses an existing virtualenv (the embedded-run test does, in its fresh clone).
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint bench install clean

# The stamp holds a hash of the requirements files: pip runs only when they changed since the last install,
# so a fresh clone that reuses a venv (newer file times, same requirements) starts without touching the network.
$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(PY) || { echo "creating $(VENV)"; $(PYTHON) -m venv $(VENV) && $(PY) -m pip install --quiet --upgrade pip; }
	@want="$$(cat requirements.txt requirements-dev.txt | sha256sum)"; \
	if [ "$$(cat $(STAMP) 2>/dev/null)" = "$$want" ]; then touch $(STAMP); else \
		echo "installing requirements-dev.txt into $(VENV)"; \
		$(PY) -m pip install --quiet -r requirements-dev.txt && echo "$$want" > $(STAMP); \
	fi

install: $(STAMP)

run: $(STAMP)
	$(PY) -m config.run

test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(PY) manage.py makemigrations --check --dry-run

bench: $(STAMP)
	$(PY) -m bench.run

clean:
	rm -rf .venv var
