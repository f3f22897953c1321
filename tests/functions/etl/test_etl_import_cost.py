"""Each entry point loads only what its own path needs (cold start): checked in a fresh interpreter."""

import json
import os
import subprocess
import sys

import pytest

HEAVY_AND_UNUSED = (
    "aws_lambda_powertools.utilities.parser.models",  # pydantic event models: we parse our own shapes
    "aws_lambda_powertools.event_handler",
    "aws_lambda_powertools.utilities.idempotency",
    "aws_lambda_powertools.utilities.batch",  # riskline_runtime.batch answers Lambda's partial-batch contract
    "aws_lambda_powertools.utilities.data_classes",  # the records are read as the dicts they are
)


def modules_after_import(module: str) -> set[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_ENDPOINT_URL")}
    env.update(AWS_DEFAULT_REGION="us-east-1", POWERTOOLS_SERVICE_NAME="etl", LAMBDA_TASK_ROOT="/var/task")
    code = f"import json, sys, {module}; print(json.dumps(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return set(json.loads(result.stdout))


@pytest.mark.parametrize("module", ["riskline_etl.sync", "riskline_etl.queue_consumer"])
def test_entry_point_does_not_load_unused_heavy_modules(module):
    loaded = modules_after_import(module)
    assert module in loaded
    assert not [m for m in HEAVY_AND_UNUSED if m in loaded]
    assert "riskline_schema.channels" not in loaded  # channel adapters are ingestion's business


def test_sync_path_does_not_load_the_queue_machinery():
    loaded = modules_after_import("riskline_etl.sync")
    assert "riskline_runtime.applications_table" not in loaded
    assert "aws_lambda_powertools.utilities.batch" not in loaded
