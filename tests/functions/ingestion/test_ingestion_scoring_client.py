"""The real scoring client against botocore's Stubber: any failure means "not scored", never an exception."""

import io
import json
from datetime import UTC, datetime

import boto3
import pytest
from botocore.exceptions import ReadTimeoutError
from botocore.response import StreamingBody
from botocore.stub import ANY, Stubber

from riskline_ingestion import settings, wiring
from riskline_ingestion.scoring import LambdaScorer
from riskline_runtime.clients import client
from riskline_schema.channels import application_from_submission

FUNCTION = "riskline-test-etl-sync:live"
NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


@pytest.fixture
def application(webform):
    return application_from_submission(webform(), application_id="app-0000000000000001", submitted_at=NOW)


@pytest.fixture
def lambda_client():
    return boto3.client("lambda", region_name="us-east-1")


def payload(document) -> StreamingBody:
    raw = json.dumps(document).encode()
    return StreamingBody(io.BytesIO(raw), len(raw))


def assessment(application_id="app-0000000000000001"):
    return {
        "application_id": application_id,
        "probability": 0.81,
        "tier": "high",
        "decision_hint": "reject",
        "reason_codes": ["HIGH_DTI"],
        "model_version": "riskline-xgb-20261129T1200-1a2b3c4d",
        "scored_at": "2026-11-29T12:00:01Z",
        "latency_ms": 42.0,
    }


def expect_invoke(stubber, application, response):
    expected = {"FunctionName": FUNCTION, "InvocationType": "RequestResponse", "Payload": ANY}
    stubber.add_response("invoke", {"StatusCode": 200, **response}, expected)


def test_an_assessment_from_the_etl_function_is_returned(lambda_client, application):
    with Stubber(lambda_client) as stubber:
        expect_invoke(stubber, application, {"Payload": payload({"assessment": assessment()})})
        result = LambdaScorer(lambda_client, FUNCTION).score(application)
        stubber.assert_no_pending_responses()

    assert result is not None
    assert (result.tier.value, result.probability) == ("high", 0.81)


def test_the_request_carries_the_application_under_its_contract_key(lambda_client, application):
    sent = {}

    def capture(params, **_):
        sent["payload"] = json.loads(params["Payload"])

    lambda_client.meta.events.register("before-parameter-build.lambda.Invoke", capture)
    with Stubber(lambda_client) as stubber:
        expect_invoke(stubber, application, {"Payload": payload({"assessment": assessment()})})
        LambdaScorer(lambda_client, FUNCTION).score(application)

    assert list(sent["payload"]) == ["application"]
    assert sent["payload"]["application"]["application_id"] == application.application_id


@pytest.mark.parametrize(
    "response",
    [
        {"FunctionError": "Unhandled", "Payload": payload({"errorMessage": "Task timed out after 3.00 seconds"})},
        {"Payload": payload({"error": {"kind": "timeout", "message": "endpoint slow", "retryable": True}})},
        {"Payload": payload({"error": {"kind": "model_rejected", "message": "bad input", "retryable": False}})},
        {"Payload": payload({"something": "else"})},
        {
            "Payload": payload(
                {"assessment": assessment(), "error": {"kind": "timeout", "message": "x", "retryable": True}}
            )
        },
        {"Payload": payload({"assessment": assessment("app-someone-else-0001")})},
        {"Payload": StreamingBody(io.BytesIO(b"not json"), 8)},
    ],
    ids=["function-error", "typed-timeout", "typed-rejection", "unknown-shape", "both", "wrong-id", "unparsable"],
)
def test_any_failure_means_not_scored(lambda_client, application, response):
    with Stubber(lambda_client) as stubber:
        expect_invoke(stubber, application, response)
        assert LambdaScorer(lambda_client, FUNCTION).score(application) is None


def test_a_service_error_means_not_scored(lambda_client, application):
    with Stubber(lambda_client) as stubber:
        stubber.add_client_error("invoke", "TooManyRequestsException", http_status_code=429)
        assert LambdaScorer(lambda_client, FUNCTION).score(application) is None


def test_a_read_timeout_means_not_scored(application):
    class TimingOut:
        def invoke(self, **_):
            raise ReadTimeoutError(endpoint_url="https://lambda.us-east-1.amazonaws.com")

    assert LambdaScorer(TimingOut(), FUNCTION).score(application) is None


def test_the_client_uses_the_scoring_budget_and_never_retries(monkeypatch):
    monkeypatch.setenv("APPLICATIONS_TABLE", "t")
    monkeypatch.setenv("IDEMPOTENCY_TABLE", "i")
    monkeypatch.setenv("SCORING_QUEUE_URL", "https://sqs.us-east-1.amazonaws.com/123456789012/q")
    monkeypatch.setenv("ETL_FUNCTION_NAME", FUNCTION)
    monkeypatch.setenv("SCORING_TIMEOUT_MS", "1800")
    settings.settings.cache_clear()
    client.cache_clear()
    try:
        config = wiring.scoring_client().meta.config
        assert (config.read_timeout, config.connect_timeout) == (1.8, 1.0)
        assert config.retries["total_max_attempts"] == 1
    finally:
        settings.settings.cache_clear()
        client.cache_clear()


def test_a_non_positive_scoring_budget_is_refused(monkeypatch):
    monkeypatch.setenv("SCORING_TIMEOUT_MS", "0")
    for name in ("APPLICATIONS_TABLE", "IDEMPOTENCY_TABLE", "SCORING_QUEUE_URL", "ETL_FUNCTION_NAME"):
        monkeypatch.setenv(name, "x")
    settings.settings.cache_clear()
    try:
        with pytest.raises(ValueError, match="SCORING_TIMEOUT_MS"):
            settings.settings()
    finally:
        settings.settings.cache_clear()
