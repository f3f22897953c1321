"""The cold-start benchmark's bookkeeping (the timings themselves are a benchmark, never asserted)."""

import importlib.util

from .conftest import ROOT, load_tool

lambda_sim = load_tool("lambda_sim")
_spec = importlib.util.spec_from_file_location("riskline_bench_coldstart", ROOT / "bench" / "coldstart.py")
coldstart = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(coldstart)


def test_roles_match_the_terraform_function_names_output():
    roles = coldstart.role_names()
    assert roles["riskline_etl.sync.handler"] == "etl_sync"
    assert roles["riskline_etl.queue_consumer.handler"] == "etl_queue"
    assert roles["riskline_ingestion.api.handler"] == "ingestion_api"
    assert roles["riskline_ingestion.mailroom.handler"] == "ingestion_mailroom"
    assert roles["riskline_routing.stream.handler"] == "routing"
    assert roles["riskline_routing.loader.handler"] == "warehouse_loader"
    assert {h for _fn, _role, h in lambda_sim.contract_handlers()} <= set(roles)  # every handler has a role


def test_lambda_environment_sets_every_contract_variable_but_no_endpoint_override():
    env = lambda_sim.lambda_environment("etl")
    for name in ("APPLICATIONS_TABLE", "SAGEMAKER_ENDPOINT_NAME", "SCORING_QUEUE_URL", "REDSHIFT_WORKGROUP"):
        assert env[name]
    assert env["POWERTOOLS_SERVICE_NAME"] == "etl"
    assert env["LAMBDA_TASK_ROOT"]  # the X-Ray SDK uses it to pick its Lambda mode
    assert not [name for name in env if name.startswith("AWS_ENDPOINT_URL")]
