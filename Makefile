# The two commands of the README:
#   make demo   set up, then generate the sample bundle and run the whole job on it
#   make test   set up, then run the whole test suite
# Set-up = a .venv at the repository root with the project installed, the local
# Neo4j server built with Maven from Maven Central (needs a JDK 21+ and Maven), and the
# officer pages' browser assets (htmx, ECharts) from npm, pinned by package-lock.json
# (needs node/npm; `notoneless serve` serves them from node_modules/, never a CDN).
# `make test` also needs a browser: Debian's chromium and the CJK fonts (fonts-noto-cjk,
# without which Chromium draws every 汉字 as a box), installed with apt when missing
# (as root, as CI runs it). Playwright drives that chromium: never `playwright install`.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: setup demo test graph-server assets browser clean

setup: $(STAMP) graph-server assets

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "NotOneLess needs Python 3.11 or newer: set PYTHON=python3.11")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

graph-server: $(STAMP)
	$(VENV)/bin/notoneless graph build

assets: node_modules/.package-lock.json

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --silent

browser:
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -q 'Noto Sans CJK'; then \
		echo "installing chromium and fonts-noto-cjk (apt)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk; \
	fi

demo: setup
	$(VENV)/bin/notoneless demo

test: setup browser
	$(PY) -m pytest

clean:
	rm -rf $(VENV) .notoneless graph_server/target node_modules
