# Two entry points on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_HOME := .demo
DEMO_NOW := 2026-11-23T08:30

.PHONY: install demo test clean bench soak simulate

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Build a small demo database from examples/demo.sh, then show the morning list.
demo: $(STAMP)
	rm -rf $(DEMO_HOME)
	PATH="$(CURDIR)/$(BIN):$$PATH" FUP_HOME="$(CURDIR)/$(DEMO_HOME)" bash examples/demo.sh > /dev/null
	FUP_HOME="$(CURDIR)/$(DEMO_HOME)" FUP_NOW=$(DEMO_NOW) $(BIN)/fup today

# Installs what the tests start themselves first if it is missing (tests/ensure-servers.sh):
# the PostgreSQL and Dovecot servers, and LibreOffice (headless) for the spreadsheet round trip.
test: $(STAMP)
	bash tests/ensure-servers.sh
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) $(DEMO_HOME) .pytest_cache .hypothesis

# Compare fup with Taskwarrior, sqlite-utils and sqlite3; writes benchmarks/RESULTS.md.
# BENCH_ARGS passes options, e.g. `make bench BENCH_ARGS=--quick`.
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

# The long versions of tests/reliability: hundreds of SIGKILL rounds, thousands of
# concurrent writes. SOAK_ARGS passes options, e.g. `make soak SOAK_ARGS="--rounds 2000"`.
soak: $(STAMP)
	$(BIN)/python tests/reliability/soak.py $(SOAK_ARGS)

# Six months of a founder's list, simulated in-process (tests/simulation.py): one chart line per
# checked workday, live and cold rows, then a summary. SIM_ARGS passes options, e.g.
# `make simulate SIM_ARGS="--schedule mwf --seed 7"`.
simulate: $(STAMP)
	$(BIN)/python tests/simulation.py $(SIM_ARGS)
