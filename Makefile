# The two commands of the README:
#   make demo   set up, then generate the sample bundle and run the whole job on it
#   make test   set up, then run the whole test suite
# Set-up = a .venv at the repository root with the project installed, and the local
# Neo4j server built with Maven from Maven Central (needs a JDK 21+ and Maven).

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: setup demo test graph-server clean

setup: $(STAMP) graph-server

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "NotOneLess needs Python 3.11 or newer: set PYTHON=python3.11")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

graph-server: $(STAMP)
	$(VENV)/bin/notoneless graph build

demo: setup
	$(VENV)/bin/notoneless demo

test: setup
	$(PY) -m pytest

clean:
	rm -rf $(VENV) .notoneless graph_server/target
