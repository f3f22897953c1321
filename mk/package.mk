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
bench-coldstart: $(VENV)/.installed ## median cold import of each handler from its zip vs `import boto3` (BENCH_RUNS=9)
	$(PY) tools/package.py $(FN)
	$(PY) bench/coldstart.py --runs $(BENCH_RUNS) $(FN)
