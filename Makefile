# sfumato: the two set-up commands of the README live here.
#   make demo   install, build the default bank (frames/astronaut), run the live portrait
#   make test   install with the test, FOMM and server extras, run the whole test suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
BANK   ?= frames/astronaut

.PHONY: demo test bench install install-full clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# Base install: everything the landmark engine and the live loop need (no torch).
$(VENV)/.installed-base: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

# Full install: + torch, onnx (FOMM engine, ONNX export), Triton (FOMM server) and pytest.
$(VENV)/.installed-full: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[fomm,dev,server]'
	touch $@ $(VENV)/.installed-base

install: $(VENV)/.installed-base
install-full: $(VENV)/.installed-full

$(BANK)/manifest.json: | $(VENV)/.installed-base
	$(BIN)/python -m sfumato.imaging.samples astronaut build/astronaut.png
	$(BIN)/python -m precompute build/astronaut.png --out $(BANK) --force

demo: $(VENV)/.installed-base $(BANK)/manifest.json
	$(BIN)/python -m live --bank $(BANK) --camera auto

test: $(VENV)/.installed-full
	$(BIN)/python -m pytest -q

bench: $(VENV)/.installed-full
	$(BIN)/python benchmarks/bench_precompute.py
	$(BIN)/python benchmarks/bench_live.py
	$(BIN)/python benchmarks/bench_fomm.py

clean:
	rm -rf build out .pytest_cache
