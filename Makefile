# Two commands do everything on a fresh machine:
#   make demo   create the venv, install, build the CloudMatrix384 example into out/cloudmatrix384/
#   make test   create the venv, install, run the whole test suite (what CI runs)
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
EXAMPLE ?= examples/cloudmatrix384.sn
FUZZ_SECONDS ?= 600

.PHONY: demo test fuzz bench clean bytecode

$(VENV)/.installed: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,lsp]'
	touch $@

# Byte-compile the package (only what changed since the last run). An editable install has no
# .pyc files, and where PYTHONDONTWRITEBYTECODE is set Python never writes them, so every run
# would compile the whole compiler again: ~0.1 s of the 0.5 s editing-loop budget.
bytecode: $(VENV)/.installed
	$(BIN)/python -m compileall -q supernodec

demo: bytecode
	$(BIN)/supernodec build $(EXAMPLE) -o out/$(basename $(notdir $(EXAMPLE)))
	$(BIN)/supernodec stats $(EXAMPLE)
	@echo "outputs are in out/$(basename $(notdir $(EXAMPLE)))/"

test: bytecode
	sh tests/tools/install-slurm.sh  # Debian slurmctld for the Slurm topology test; only as root with apt
	$(BIN)/python -m pytest -q -p no:cacheprovider; status=$$?; sh tests/tools/reap.sh; exit $$status

fuzz: bytecode
	$(BIN)/python -m supernodec.testing.fuzz --seconds $(FUZZ_SECONDS) --report out/fuzz-report.json

bench: bytecode
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) out build *.egg-info
