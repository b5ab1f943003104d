# Two commands: `make demo` and `make test`. Both create .venv and install what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: demo test corpus bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/compose2k8s convert fixtures/compose/cptm8/docker-compose.yml -o k8s
	$(BIN)/compose2k8s validate k8s
	@echo
	@echo "Wrote k8s/: the Kustomize tree of the CPTM8 example (base/, overlays/dev, staging, prod, secrets/)."
	@echo ".venv/ holds compose2k8s, kubectl and sops."
	@echo "Next: open k8s/README.md, which deploys the tree on Kind (dev) or a cluster (staging, prod)."
	@echo "Its Secrets decrypt with the demo key: export SOPS_AGE_KEY_FILE=$(CURDIR)/fixtures/compose/cptm8/DEMO-ONLY-age-key.txt"
	@echo "make clean deletes k8s/ and .venv/."

test: $(STAMP)
	$(BIN)/pytest

corpus: $(STAMP)  # a development aid: needs the shared corpus beside this checkout
	@test -d ../shared/corpus || { echo "make corpus needs ../shared/corpus (third-party compose projects kept outside this repository)"; exit 2; }
	$(BIN)/python -m tools.corpus ../shared/corpus

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) k8s
