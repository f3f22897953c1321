# ingestion Lambda (functions/ingestion): its tests and its cold-import figure.

.PHONY: ingestion-test ingestion-import-ratio

ingestion-test: $(VENV)/.installed ## run the ingestion function's tests
	$(PY) -m pytest tests/functions/ingestion

ingestion-import-ratio: $(VENV)/.installed ## cold import of each ingestion handler as a ratio of `import boto3`
	$(PY) functions/ingestion/scripts/import_ratio.py
