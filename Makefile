# Two commands from a fresh clone: `make run` (install, create keys once, serve) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-fast install lint typecheck bench bench-hostile bench-log bench-sites bench-http eval clean

$(STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/moderation keys init
	$(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

test: $(STAMP) lint typecheck
	$(BIN)/pytest

# The inner loop: lint, types and every test but the slow ones (real servers, worker processes, the wheel build).
test-fast: $(STAMP) lint typecheck
	$(BIN)/pytest -m "not slow"

bench: $(STAMP)
	$(BIN)/python benchmarks/engine_speed.py

bench-hostile: $(STAMP)
	$(BIN)/python benchmarks/hostile.py

bench-log: $(STAMP)
	$(BIN)/python benchmarks/log_write.py

bench-sites: $(STAMP)
	$(BIN)/python benchmarks/sites.py

bench-http: $(STAMP)
	$(BIN)/python benchmarks/http_speed.py

eval: $(STAMP)
	$(BIN)/moderation eval ../shared/eval/dev.csv

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
