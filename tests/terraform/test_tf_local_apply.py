"""envs/local applies against a moto server, exposes the contract outputs, and destroys cleanly."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

pytestmark = pytest.mark.slow

CHANNELS = {"webform", "mobile", "chatbot", "phone", "mail"}
ROLES = {
    "ingestion_api",
    "ingestion_lex",
    "ingestion_connect",
    "ingestion_mailroom",
    "etl_sync",
    "etl_queue",
    "routing",
}
CONTRACT_OUTPUTS = {
    "api_url", "api_keys", "applications_table_name", "applications_stream_arn", "idempotency_table_name",
    "scoring_queue_url", "scoring_dlq_url", "routing_failure_queue_url", "lake_bucket_name", "mailroom_prefix",
    "applicant_key_secret_arn", "endpoint_name", "function_names", "warehouse_workgroup_name",
}  # fmt: skip


@pytest.fixture(scope="module")
def applied(local_env: Any) -> tuple[dict[str, Any], str]:
    """The outputs of envs/local applied to moto: the session's apply (tests/conftest.py), destroyed at its end."""
    assert local_env.outputs is not None
    return dict(local_env.outputs.raw), local_env.moto_url


@pytest.fixture(scope="module")
def moto_endpoint(applied: tuple[dict[str, Any], str]) -> str:
    return applied[1]


def _client(service: str, endpoint: str) -> Any:
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def test_local_env_exposes_every_contract_output(applied: Any) -> None:
    outputs, _ = applied
    # Terraform leaves null outputs out of `output -json`: no warehouse here means no workgroup.
    assert set(outputs) >= CONTRACT_OUTPUTS - {"warehouse_workgroup_name"}
    assert outputs.get("warehouse_workgroup_name") is None
    assert outputs["mailroom_prefix"] == "mailroom/incoming/"


def test_local_names_follow_the_convention(applied: Any) -> None:
    outputs, _ = applied
    assert outputs["applications_table_name"] == "riskline-local-applications"
    assert outputs["idempotency_table_name"] == "riskline-local-idempotency"
    assert outputs["endpoint_name"] == "riskline-local-endpoint"
    assert outputs["lake_bucket_name"].startswith("riskline-local-lake-")
    assert outputs["scoring_queue_url"].endswith("/riskline-local-scoring")
    assert outputs["scoring_dlq_url"].endswith("/riskline-local-scoring-dlq")
    assert outputs["routing_failure_queue_url"].endswith("/riskline-local-routing-failure")
    assert set(outputs["function_names"]) == ROLES
    assert all(name == f"riskline-local-{role.replace('_', '-')}" for role, name in outputs["function_names"].items())


def test_every_channel_has_its_own_api_key(applied: Any, moto_endpoint: str) -> None:
    outputs, _ = applied
    keys = outputs["api_keys"]
    assert set(keys) == CHANNELS
    assert len(set(keys.values())) == len(CHANNELS), "channels must not share a key"
    stored = _client("apigateway", moto_endpoint).get_api_keys(includeValues=True)["items"]
    by_name = {item["name"]: item["value"] for item in stored}
    assert {by_name[f"riskline-local-api-{c}"] for c in CHANNELS} == set(keys.values())


def test_resources_exist_in_moto(applied: Any, moto_endpoint: str) -> None:
    outputs, _ = applied
    endpoint = _client("sagemaker", moto_endpoint).describe_endpoint(EndpointName=outputs["endpoint_name"])
    assert endpoint["EndpointName"] == "riskline-local-endpoint"
    config = _client("sagemaker", moto_endpoint).describe_endpoint_config(
        EndpointConfigName=endpoint["EndpointConfigName"]
    )
    model = _client("sagemaker", moto_endpoint).describe_model(ModelName=config["ProductionVariants"][0]["ModelName"])
    assert [c["ContainerHostname"] for c in model["Containers"]] == ["preprocess", "xgboost"]

    table = _client("dynamodb", moto_endpoint).describe_table(TableName=outputs["applications_table_name"])["Table"]
    assert table["StreamSpecification"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    indexes = {i["IndexName"]: i for i in table["GlobalSecondaryIndexes"]}
    assert set(indexes) == {"status-index", "review-queue-index"}
    review = indexes["review-queue-index"]["Projection"]
    assert (review["ProjectionType"], sorted(review["NonKeyAttributes"])) == ("INCLUDE", ["assessment", "channel"])

    secret = _client("secretsmanager", moto_endpoint).get_secret_value(SecretId=outputs["applicant_key_secret_arn"])
    assert len(secret["SecretString"]) == 64

    lam = _client("lambda", moto_endpoint)
    for name in outputs["function_names"].values():
        alias = lam.get_alias(FunctionName=name, Name="live")
        assert alias["Name"] == "live"
    config = lam.get_function_configuration(FunctionName=outputs["function_names"]["ingestion_api"])
    assert config["Environment"]["Variables"]["SCORING_QUEUE_URL"] == outputs["scoring_queue_url"]
