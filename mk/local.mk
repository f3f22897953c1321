# local/: the embedded local stack (moto + terraform/envs/local + the serving stages + a small Lambda
# runtime) and the demo. The stack's package is run from local/ with PYTHONPATH (not installed).
LOCAL_PY          := PYTHONPATH=local $(PY)
DEMO_APPLICATIONS ?= 2000
DEMO_CONCURRENCY  ?= 4
DEMO_FAULTS       ?= 0
DEMO_SEED         ?= 2026
BENCH_SECONDS     ?= 20
BENCH_CONCURRENCY ?= 1 4 8

.PHONY: up demo bench-e2e local-prereqs

# The zips are rebuilt each time (`package` is cheap and deterministic); the model is trained only
# when build/model/model.tar.gz is missing (order-only prerequisite).
local-prereqs: $(VENV)/.installed package | build/model/model.tar.gz

up: local-prereqs ## run the local stack in the foreground (moto, terraform apply, endpoint, Lambda runtime); Ctrl-C stops it
	$(LOCAL_PY) -m riskline_local.up

demo: local-prereqs ## replay DEMO_APPLICATIONS (2000) synthetic applications through every channel and reconcile (DEMO_FAULTS=1 injects faults)
	DEMO_APPLICATIONS=$(DEMO_APPLICATIONS) DEMO_CONCURRENCY=$(DEMO_CONCURRENCY) DEMO_FAULTS=$(DEMO_FAULTS) \
	  DEMO_SEED=$(DEMO_SEED) $(LOCAL_PY) -m riskline_local.demo

bench-e2e: local-prereqs ## sustained load through the local API at a few concurrencies: app/s, API p50/p99, stream lag, endpoint p50
	$(LOCAL_PY) bench/e2e.py --seconds $(BENCH_SECONDS) --concurrency $(BENCH_CONCURRENCY)
