# sfumato: the two set-up commands of the README live here.
#   make demo   install, build the bundled Mona Lisa's bank (frames/mona_lisa), run the live portrait
#               (no webcam: the simulated viewer; no display: 20 s headless, recorded side by side to out/live.mp4)
#   make test   install with the test, FOMM and server extras, run the whole test suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PAINTING ?= sfumato/data/mona_lisa.jpg
BANK   ?= frames/mona_lisa

.PHONY: demo test bench install install-full clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# Base install: everything the default engine and the live loop need (no torch, no ONNX Runtime).
$(VENV)/.installed-base: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

# Full install: + torch, ONNX Runtime, onnx, PyYAML (FOMM engine, --drive, ONNX export) Triton (FOMM server) and pytest.
$(VENV)/.installed-full: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[fomm,dev,server]'
	touch $@ $(VENV)/.installed-base

install: $(VENV)/.installed-base
install-full: $(VENV)/.installed-full

$(BANK)/manifest.json: $(PAINTING) | $(VENV)/.installed-base
	$(BIN)/python -m precompute $(PAINTING) --out $(BANK) --force

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
