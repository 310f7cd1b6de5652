# talksbot: `make run` starts the bot (the console chat without a token); `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
INDEX_DIR ?= data/index
SEEDS_DIR ?= seeds
XQUAD ?= ../shared/bench

.PHONY: install index run test lint bench clean

install: $(STAMP)

# torch first and pinned: left to the resolver, torch comes as a multi-GB CUDA build.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

index: $(STAMP)
	$(BIN)/python -m index build --seeds $(SEEDS_DIR) --index $(INDEX_DIR)

run: $(STAMP)
	test -e $(INDEX_DIR)/current || $(BIN)/python -m index build --seeds $(SEEDS_DIR) --index $(INDEX_DIR)
	INDEX_DIR=$(INDEX_DIR) SEEDS_DIR=$(SEEDS_DIR) $(BIN)/python -m bot

test: $(STAMP)
	$(BIN)/ruff check bot index tests bench
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python -m bench --xquad $(XQUAD)

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
