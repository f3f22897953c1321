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

# `make test` needs the checkov venv (terraform checks) and the sagemaker venv (launch-script tests) too.
TEST_PREREQS := $(VENV)/.installed .venv-checkov/.installed .venv-sagemaker/.installed
# Parallel workers (pytest-xdist). Each test module is one unit of work, and modules that share an
# expensive session fixture are one unit together (tests/conftest.py: the envs/local apply, the built
# zips); the longest units are handed out first, in the order tests/conftest.py gives them. Three
# workers on two cores: the long chains mostly wait on moto and terraform (7:13 against 7:41 with two).
TEST_WORKERS ?= 3
XDIST        := -n $(TEST_WORKERS) --dist loadscope --no-loadscope-reorder

.PHONY: help install test test-fast lint fmt lock schemas

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

test: $(TEST_PREREQS) ## run the whole test suite in parallel workers (fails if nothing was collected)
	$(PY) -m pytest $(XDIST)

test-fast: $(VENV)/.installed .venv-sagemaker/.installed ## the edit loop: every test but the terraform checks and the local stack (markers `terraform`, `local_stack`)
	$(PY) -m pytest $(XDIST) -m "not terraform and not local_stack"

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

# ---- Model -------------------------------------------------------------------------------------
# model/: synthetic data, training, the artifact and the serving benchmark.
MODEL_BUILD   := build/model
TRAIN_ROWS    ?= 50000
TRAIN_SEED    ?= 7
# TRAIN_LABELS=graded: the generator's low/medium/high auditor grades train the tier model (default binary).
TRAIN_LABELS  ?= binary
# What the artifact depends on (serving and launch code changes do not retrain).
MODEL_SOURCES := $(wildcard model/src/riskline_model/*.py model/src/riskline_model/data/*.py model/src/riskline_model/features/*.py)
# One folder per (rows, seed): changing either regenerates the data and retrains.
TRAIN_CHANNEL := $(MODEL_BUILD)/data/rows$(TRAIN_ROWS)-seed$(TRAIN_SEED)$(if $(filter graded,$(TRAIN_LABELS)),-graded)

.PHONY: train bench-serving bench-real-data bench-treelite

$(TRAIN_CHANNEL)/train.jsonl: $(VENV)/.installed $(wildcard model/src/riskline_model/data/*.py)
	$(PY) -m riskline_model.data generate --rows $(TRAIN_ROWS) --seed $(TRAIN_SEED) --labels $(TRAIN_LABELS) --out $@

# The training entry point runs exactly as in a SageMaker job (SM_* variables), then the model dir is packed.
$(MODEL_BUILD)/model.tar.gz: $(TRAIN_CHANNEL)/train.jsonl $(MODEL_SOURCES)
	rm -rf $(MODEL_BUILD)/staging
	SM_CHANNEL_TRAIN=$(TRAIN_CHANNEL) SM_MODEL_DIR=$(MODEL_BUILD)/staging SM_OUTPUT_DATA_DIR=$(MODEL_BUILD) \
	  SM_INPUT_CONFIG_DIR=$(MODEL_BUILD)/config SM_OUTPUT_DIR=$(MODEL_BUILD) $(PY) -m riskline_model.train
	$(PY) -m riskline_model.artifact pack $(MODEL_BUILD)/staging $(MODEL_BUILD)

train: $(MODEL_BUILD)/model.tar.gz ## train the risk model on generated data (TRAIN_LABELS=graded for tiers): build/model/{model.tar.gz,artifact/,metrics.json,report.html}

bench-serving: $(MODEL_BUILD)/model.tar.gz ## serving latency/throughput: both stages over loopback HTTP vs in-process and a gunicorn+gevent+Flask baseline
	PYTHONPATH=local $(PY) bench/serving.py --model-dir $(MODEL_BUILD)/artifact

# The real data set's package goes into .venv only here (constrained by dev.txt: no pinned version moves);
# the stamp follows .venv/.installed, so a re-sync of .venv (which removes it) reinstalls it next time.
REAL_DATA_OUT   ?= build/real-data
REAL_GRADE_MAP  ?= a=low,b=low,c=medium,d=medium,e=high,f=high,g=high
REAL_DATA_SEEDS ?= 7,8,9
$(VENV)/.realdata-installed: $(VENV)/.installed requirements/realdata.txt
	$(UV) pip install -q --python $(PY) -r requirements/realdata.txt
	@touch $@

bench-real-data: $(VENV)/.realdata-installed ## the model on 10,000 real Lending Club loans (grade A-G): entry point + batch command, beside the two baselines
	$(PY) bench/real_data.py --out $(REAL_DATA_OUT) --grade-map $(REAL_GRADE_MAP) --seeds $(REAL_DATA_SEEDS)

# Treelite/TL2cgen go into .venv only here, as the real data set's package does (constrained by dev.txt);
# the comparison compiles the booster with gcc into a temporary directory.
$(VENV)/.treelite-installed: $(VENV)/.installed requirements/treelite.txt
	$(UV) pip install -q --python $(PY) -r requirements/treelite.txt
	@touch $@

bench-treelite: $(VENV)/.treelite-installed $(MODEL_BUILD)/model.tar.gz ## the one-walk predictor vs Treelite/TL2cgen (compiled C) and bare inplace_predict: batch rows/s and single-row latency
	$(PY) bench/treelite_compare.py --model-dir $(MODEL_BUILD)/artifact

# ---- Lambda packages, deployment, cold start ---------------------------------------------------
# Per-function Lambda zips (tools/package.py), per-function deployment and the cold-start benchmark.
# FN=<name> limits a target to one function (a folder of functions/).

.PHONY: package

package: $(VENV)/.installed ## build dist/<fn>.zip for every function (FN=etl for one) and print each size
	$(PY) tools/package.py $(FN)

.PHONY: deploy-function

# Builds the zip first so what ships is what the tree holds. DEPLOY_ENV picks terraform/envs/<env> for
# the function names; DEPLOY_ARGS passes e.g. "--function riskline-dev-etl-sync" or "--s3-bucket <bucket>".
DEPLOY_ENV ?= dev
deploy-function: $(VENV)/.installed ## build one function's zip, deploy it, move its `live` alias: make deploy-function FN=etl [DEPLOY_ENV=dev]
	@test -n "$(FN)" || { echo "usage: make deploy-function FN=<function> [DEPLOY_ENV=dev] [DEPLOY_ARGS=...]"; exit 2; }
	$(PY) tools/package.py $(FN)
	$(PY) tools/deploy_function.py $(FN) --env $(DEPLOY_ENV) $(DEPLOY_ARGS)

.PHONY: bench-coldstart

BENCH_RUNS ?= 9
bench-coldstart: $(VENV)/.installed ## each handler's cold import vs `import boto3`, then init + first invocation vs a bare-boto3 handler (BENCH_RUNS=9)
	$(PY) tools/package.py $(FN)
	$(PY) bench/coldstart.py --runs $(BENCH_RUNS) $(FN)
	$(PY) bench/coldstart_first.py --runs $(BENCH_RUNS)

# ---- Ingestion ---------------------------------------------------------------------------------
# ingestion Lambda (functions/ingestion): its tests and its cold-import figure.

.PHONY: ingestion-test ingestion-import-ratio

ingestion-test: $(VENV)/.installed ## run the ingestion function's tests
	$(PY) -m pytest tests/functions/ingestion

ingestion-import-ratio: $(VENV)/.installed ## cold import of each ingestion handler as a ratio of `import boto3`
	$(PY) functions/ingestion/scripts/import_ratio.py

# ---- Routing -----------------------------------------------------------------------------------
# functions/routing/: the DynamoDB stream consumer (lake + warehouse) and its replay command.

.PHONY: replay-warehouse redrive-routing

# Environment as for the handler: LAKE_BUCKET, LAKE_PREFIX, WAREHOUSE_BACKEND and the REDSHIFT_* or
# WAREHOUSE_DUCKDB_PATH variables (plus AWS_ENDPOINT_URL_S3 against the local stack).
replay-warehouse: $(VENV)/.installed ## reload the warehouse from the lake: make replay-warehouse SINCE=YYYY-MM-DD UNTIL=YYYY-MM-DD
	@test -n "$(SINCE)" -a -n "$(UNTIL)" || { echo "usage: make replay-warehouse SINCE=YYYY-MM-DD UNTIL=YYYY-MM-DD"; exit 2; }
	$(PY) -m riskline_routing.replay --since $(SINCE) --until $(UNTIL)

# Environment as for replay, plus APPLICATIONS_TABLE (and ROUTING_FAILURE_QUEUE_URL for FROM_QUEUE=1).
redrive-routing: $(VENV)/.installed ## rebuild lake + warehouse rows from DynamoDB: IDS="id …" | FROM_QUEUE=1 | SINCE=<ISO time> UNTIL=<ISO time>
	@if [ -n "$(IDS)" ]; then $(PY) -m riskline_routing.redrive --ids $(IDS); \
	elif [ -n "$(FROM_QUEUE)" ]; then $(PY) -m riskline_routing.redrive --from-queue; \
	elif [ -n "$(SINCE)" -a -n "$(UNTIL)" ]; then $(PY) -m riskline_routing.redrive --since $(SINCE) --until $(UNTIL); \
	else echo 'usage: make redrive-routing IDS="id …" | FROM_QUEUE=1 | SINCE=2026-12-01T00:00Z UNTIL=2026-12-02T00:00Z'; exit 2; fi

.PHONY: load-warehouse bench-warehouse

# Environment as for replay, plus LOAD_LOG_PREFIX and LOADER_SETTLE_SECONDS (the loader function's).
load-warehouse: $(VENV)/.installed ## one scheduled warehouse load now: every load-log marker since the watermark, one transaction
	$(PY) -m riskline_routing.loader

bench-warehouse: $(VENV)/.installed ## warehouse loads/month and $ at 10k/1M/10M apps per load mode; one scheduled load vs per-batch upserts, timed in one run
	$(PY) bench/warehouse_loads.py

# ---- Terraform ---------------------------------------------------------------------------------
# Terraform checks (tests/terraform/, pytest driving the terraform binary, checkov and python-hcl2).

.PHONY: tf-check tf-fmt

tf-check: $(VENV)/.installed .venv-checkov/.installed ## terraform fmt/validate/test, checkov, policy scoping and the moto apply of envs/local
	$(PY) -m pytest $(XDIST) tests/terraform

tf-fmt: ## rewrite terraform/ in canonical format (terraform fmt -recursive)
	terraform fmt -recursive terraform

# ---- Local stack and demo ----------------------------------------------------------------------
# local/: the embedded local stack (moto + terraform/envs/local + the serving stages + a small Lambda
# runtime) and the demo. The stack's package is run from local/ with PYTHONPATH (not installed).
LOCAL_PY          := PYTHONPATH=local $(PY)
DEMO_APPLICATIONS ?= 2000
DEMO_CONCURRENCY  ?= 4
DEMO_FAULTS       ?= 0
DEMO_DRIFT        ?= 0
DEMO_SEED         ?= 2026
BENCH_SECONDS     ?= 20
BENCH_CONCURRENCY ?= 1 4 8

.PHONY: up demo bench-e2e local-prereqs

# The zips are rebuilt each time (`package` is cheap and deterministic); the model is trained only
# when build/model/model.tar.gz is missing (order-only prerequisite).
local-prereqs: $(VENV)/.installed package | build/model/model.tar.gz

up: local-prereqs ## run the local stack in the foreground (moto, terraform apply, endpoint, Lambda runtime); Ctrl-C stops it
	$(LOCAL_PY) -m riskline_local.emulator.up

demo: local-prereqs ## replay DEMO_APPLICATIONS (2000) applications through every channel, reconcile, turn the learning loop once (DEMO_FAULTS=1 faults, DEMO_DRIFT=1 a shifted second wave)
	DEMO_APPLICATIONS=$(DEMO_APPLICATIONS) DEMO_CONCURRENCY=$(DEMO_CONCURRENCY) DEMO_FAULTS=$(DEMO_FAULTS) DEMO_DRIFT=$(DEMO_DRIFT) \
	  DEMO_SEED=$(DEMO_SEED) $(LOCAL_PY) -m riskline_local.demo.run

bench-e2e: local-prereqs ## sustained load through the local API at a few concurrencies: app/s, API p50/p99, stream lag, endpoint p50
	$(LOCAL_PY) bench/e2e.py --seconds $(BENCH_SECONDS) --concurrency $(BENCH_CONCURRENCY)

# ---- Learning loop -----------------------------------------------------------------------------
# model/src/riskline_model/loop: lake → training set → challenger → gate → registry, and drift
# (`python -m riskline_model.loop --help`). `make demo` leaves a copy of its lake in
# build/demo/loop/lake/; `make retrain` runs one turn of the loop on it (RETRAIN_LAKE=<folder> for another).
RETRAIN_LAKE     ?= build/demo/loop/lake/applications
RETRAIN_CHAMPION ?= $(MODEL_BUILD)/model.tar.gz
RETRAIN_OUT      ?= build/loop
REGISTRY         ?= build/registry

.PHONY: retrain approve bench-trainset

retrain: $(VENV)/.installed | $(RETRAIN_CHAMPION) ## one loop turn on the demo's lake: training set, challenger, gate + comparison report, local registry, drift report
	$(LOCAL_PY) -m riskline_local.demo.loop_turn --lake $(RETRAIN_LAKE) --champion $(RETRAIN_CHAMPION) --out $(RETRAIN_OUT) --registry $(REGISTRY)

approve: $(VENV)/.installed ## approve a registered model version and print its rollout: make approve VERSION=N [DEPLOY_ENV=dev]
	@test -n "$(VERSION)" || { echo "usage: make approve VERSION=<registry version> [DEPLOY_ENV=dev]"; exit 2; }
	$(PY) -m riskline_model.loop approve --registry $(REGISTRY) --version $(VERSION) --env $(DEPLOY_ENV)

bench-trainset: $(VENV)/.installed ## training-set build from the lake at 2,000 and 1,000,000 rows vs a plain-Python read
	$(PY) bench/trainset.py
