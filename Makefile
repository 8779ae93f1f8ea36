# The two commands: `make run` (the app on http://127.0.0.1:8000) and `make test` (the whole suite).
PYTHON ?= python3
# VENV=/path/to/venv reuses an existing virtualenv (the embedded-run test does, in its fresh clone).
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint bench install frontend clean

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

# The builder's frontend (frontend/, TypeScript + React) is built by Vite into static/builder/. npm ci runs only when
# package-lock.json changed since the last install (a hash in the stamp, as for pip); the build runs when the bundle
# is missing or older than any of its sources.
NODE_STAMP := frontend/node_modules/.installed
BUNDLE := static/builder/.vite/manifest.json
FRONTEND_SOURCES := $(shell find frontend/src -type f 2>/dev/null) $(wildcard frontend/index.html) \
	frontend/vite.config.ts frontend/tsconfig.json frontend/package.json frontend/package-lock.json
# The chat widget (frontend/widget/) is a second bundle, static/widget/, with its own Vite config (`npm run build` makes both).
WIDGET_BUNDLE := static/widget/.vite/manifest.json
WIDGET_SOURCES := $(shell find frontend/widget -type f -not -name '*.test.ts' 2>/dev/null) frontend/vite.widget.config.ts

# Vite needs Node.js ^20.19 or >=22.12 (Debian 12's and Ubuntu 24.04's own nodejs is 18: see the README).
NODE_OK := const [a, b] = process.versions.node.split(".").map(Number); process.exit((a === 20 && b >= 19) || a > 22 || (a === 22 && b >= 12) ? 0 : 1)

$(NODE_STAMP): frontend/package-lock.json
	@command -v npm >/dev/null && command -v node >/dev/null || { echo "Node.js with npm not found: install Node.js 20.19+ (see the README's 'What you need'), then run make again"; exit 1; }
	@node -e '$(NODE_OK)' || { echo "Node.js $$(node --version) is too old to build the frontend: install 20.19+ or 22.12+ (see the README's 'What you need')"; exit 1; }
	@want="$$(sha256sum < frontend/package-lock.json)"; \
	if [ "$$(cat $(NODE_STAMP) 2>/dev/null)" = "$$want" ]; then touch $(NODE_STAMP); else \
		echo "installing the frontend's packages (npm ci)"; \
		cd frontend && npm ci --no-audit --no-fund --loglevel=error && echo "$$want" > ../$(NODE_STAMP); \
	fi

$(BUNDLE): $(NODE_STAMP) $(FRONTEND_SOURCES)
	@echo "building the frontend (vite)"
	@cd frontend && npx vite build --logLevel warn

$(WIDGET_BUNDLE): $(NODE_STAMP) $(WIDGET_SOURCES) frontend/package-lock.json
	@echo "building the chat widget (vite)"
	@cd frontend && npx vite build -c vite.widget.config.ts --logLevel warn

frontend: $(BUNDLE) $(WIDGET_BUNDLE)

run: $(STAMP) $(BUNDLE) $(WIDGET_BUNDLE)
	$(PY) -m config.run

test: $(STAMP) $(BUNDLE) $(WIDGET_BUNDLE)
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run

bench: $(STAMP) $(BUNDLE) $(WIDGET_BUNDLE)
	$(PY) -m bench.run

clean:
	rm -rf .venv var frontend/node_modules static/builder static/widget
