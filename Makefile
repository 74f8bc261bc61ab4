# Two commands do everything on a fresh machine:
#   make demo   create the venv, install, build the CloudMatrix384 example into out/cloudmatrix384/
#   make test   create the venv, install, run the whole test suite (what CI runs)
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
EXAMPLE ?= examples/cloudmatrix384.sn
FUZZ_SECONDS ?= 600

.PHONY: demo test fuzz bench clean

$(VENV)/.installed: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,lsp]'
	touch $@

demo: $(VENV)/.installed
	$(BIN)/supernodec build $(EXAMPLE) -o out/$(basename $(notdir $(EXAMPLE)))
	$(BIN)/supernodec stats $(EXAMPLE)
	@echo "outputs are in out/$(basename $(notdir $(EXAMPLE)))/"

test: $(VENV)/.installed
	sh tests/tools/install-slurm.sh  # Debian slurmctld for the Slurm topology test; only as root with apt
	$(BIN)/python -m pytest -q -p no:cacheprovider; status=$$?; sh tests/tools/reap.sh; exit $$status

fuzz: $(VENV)/.installed
	$(BIN)/python -m supernodec.testing.fuzz --seconds $(FUZZ_SECONDS) --report out/fuzz-report.json

bench: $(VENV)/.installed
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) out build *.egg-info
