# model/: synthetic data, training, the artifact and the serving benchmark.
MODEL_BUILD   := build/model
TRAIN_ROWS    ?= 50000
TRAIN_SEED    ?= 7
# What the artifact depends on (serving and launch code changes do not retrain).
MODEL_SOURCES := $(wildcard model/src/riskline_model/*.py model/src/riskline_model/data/*.py model/src/riskline_model/features/*.py)
# One folder per (rows, seed): changing either regenerates the data and retrains.
TRAIN_CHANNEL := $(MODEL_BUILD)/data/rows$(TRAIN_ROWS)-seed$(TRAIN_SEED)

TEST_PREREQS += .venv-sagemaker/.installed

.PHONY: train bench-serving

$(TRAIN_CHANNEL)/train.jsonl: $(VENV)/.installed $(wildcard model/src/riskline_model/data/*.py)
	$(PY) -m riskline_model.data generate --rows $(TRAIN_ROWS) --seed $(TRAIN_SEED) --out $@

# The training entry point runs exactly as in a SageMaker job (SM_* variables), then the model dir is packed.
$(MODEL_BUILD)/model.tar.gz: $(TRAIN_CHANNEL)/train.jsonl $(MODEL_SOURCES)
	rm -rf $(MODEL_BUILD)/staging
	SM_CHANNEL_TRAIN=$(TRAIN_CHANNEL) SM_MODEL_DIR=$(MODEL_BUILD)/staging SM_OUTPUT_DATA_DIR=$(MODEL_BUILD) \
	  SM_INPUT_CONFIG_DIR=$(MODEL_BUILD)/config SM_OUTPUT_DIR=$(MODEL_BUILD) $(PY) -m riskline_model.train
	$(PY) -m riskline_model.artifact pack $(MODEL_BUILD)/staging $(MODEL_BUILD)

train: $(MODEL_BUILD)/model.tar.gz ## train the risk model on generated data: build/model/{model.tar.gz,artifact/,metrics.json,report.html}

bench-serving: $(MODEL_BUILD)/model.tar.gz ## serving latency/throughput: both stages over loopback HTTP vs in-process and a gunicorn+gevent+Flask baseline
	$(PY) bench/serving.py --model-dir $(MODEL_BUILD)/artifact
