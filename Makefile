# riskline — every target is self-installing: a fresh clone needs only `make demo` / `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON     ?= python3.11
UV_VERSION := 0.13.9
VENV       := .venv
PY         := $(VENV)/bin/python
UV         := $(VENV)/bin/uv
# Our own packages, installed editable (each has its own pyproject for its own deps).
LOCAL_PACKAGES := $(patsubst %/pyproject.toml,%,$(wildcard shared/pyproject.toml functions/*/pyproject.toml model/pyproject.toml))



# Fragments (one per area) add their targets and may append to TEST_PREREQS.
TEST_PREREQS := $(VENV)/.installed
-include mk/*.mk

.PHONY: help install test lint fmt lock schemas

help: ## list targets
	@awk 'BEGIN{FS=":.*## "} /^[a-zA-Z0-9_-]+:.*## /{printf "  \033[1m%-18s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST) | sort

# One venv per tool set: .venv (project, tests), .venv-checkov (pins an old boto3),
# .venv-sagemaker (the ~1 GB SDK, used only to launch training jobs).
define venv_rule
$(1)/.installed: $(2) $(3)
	@test -x $(1)/bin/python || $(PYTHON) -m venv $(1)
	@$(1)/bin/python -m pip install -q --disable-pip-version-check uv==$(UV_VERSION)
	$(1)/bin/uv pip sync -q --python $(1)/bin/python $(2)
	@$(1)/bin/uv pip install -q --python $(1)/bin/python uv==$(UV_VERSION)
	$(if $(4),$(1)/bin/uv pip install -q --python $(1)/bin/python --no-deps $(foreach p,$(4),-e $(p)))
	@touch $$@
endef
$(eval $(call venv_rule,$(VENV),requirements/dev.txt,$(addsuffix /pyproject.toml,$(LOCAL_PACKAGES)),$(LOCAL_PACKAGES)))
$(eval $(call venv_rule,.venv-checkov,requirements/checkov.txt,,))
$(eval $(call venv_rule,.venv-sagemaker,requirements/sagemaker.txt,,))

install: $(VENV)/.installed ## create .venv with every pinned dependency and our packages (editable)

test: $(TEST_PREREQS) ## run the whole test suite (fails if nothing was collected)
	$(PY) -m pytest

lint: $(VENV)/.installed ## ruff check and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fmt: $(VENV)/.installed ## apply ruff fixes and formatting
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

lock: ## re-pin requirements/*.txt from requirements/*.in
	@command -v uv >/dev/null || $(PYTHON) -m pip install -q uv==$(UV_VERSION)
	cd requirements && for f in *.in; do uv pip compile -q -p 3.11 $$f -o $${f%.in}.txt; done

schemas: $(VENV)/.installed ## regenerate shared/jsonschema/ from the pydantic models
	$(PY) -m riskline_schema.jsonschema shared/jsonschema
