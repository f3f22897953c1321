"""The synchronous entry point: ScoringResult JSON in every case, never an exception for a scoring failure."""

import json

import pytest
from botocore.exceptions import ClientError, ReadTimeoutError

import riskline_etl.sync as sync
from riskline_schema import ScoringResult

from .conftest import MODEL_VERSION, endpoint_body, prediction


@pytest.fixture(autouse=True)
def _fake_endpoint(monkeypatch, endpoint):
    monkeypatch.setattr(sync, "endpoint", endpoint)


def invoke(event, context):
    """Round-trip the payload as JSON, as Lambda's Invoke API does."""
    return json.loads(json.dumps(sync.handler(json.loads(json.dumps(event)), context)))


def test_valid_application_is_answered_with_its_assessment(sync_event, lambda_context, sagemaker):
    sagemaker.script = [endpoint_body(prediction("high", 0.87, reason_codes=["HIGH_DTI", "RECENT_DELINQUENCY"]))]
    answer = invoke(sync_event, lambda_context)
    assert set(answer) == {"assessment"}
    result = ScoringResult.model_validate(answer)
    assessment = result.assessment
    assert assessment.application_id == "app-etl-00000001"
    assert (assessment.tier, assessment.decision_hint, assessment.probability) == ("high", "reject", 0.87)
    assert assessment.reason_codes == ["HIGH_DTI", "RECENT_DELINQUENCY"]
    assert assessment.model_version == MODEL_VERSION
    assert assessment.latency_ms == pytest.approx(20.0)
    assert assessment.scored_at.tzinfo is not None


def test_the_models_tier_probabilities_reach_the_assessment(sync_event, lambda_context, sagemaker):
    probs = {"low": 0.05, "medium": 0.3, "high": 0.65}
    sagemaker.script = [endpoint_body(prediction("high", 0.65, tier_probabilities=probs))]
    assessment = ScoringResult.model_validate(invoke(sync_event, lambda_context)).assessment
    assert assessment.tier_probabilities.model_dump() == probs


def test_a_model_without_tier_probabilities_still_gives_an_assessment(sync_event, lambda_context, sagemaker):
    sagemaker.script = [endpoint_body(prediction("medium", 0.4))]
    answer = invoke(sync_event, lambda_context)
    assert "assessment" in answer and answer["assessment"].get("tier_probabilities") is None


def test_tier_probabilities_that_do_not_sum_to_one_are_an_endpoint_error(sync_event, lambda_context, sagemaker):
    bad = {"low": 0.5, "medium": 0.5, "high": 0.5}
    sagemaker.script = [endpoint_body(prediction("high", 0.5, tier_probabilities=bad))]
    answer = invoke(sync_event, lambda_context)
    assert answer["error"]["kind"] == "endpoint_error" and "tier_probabilities" in answer["error"]["message"]


def test_invalid_application_is_answered_invalid_input_naming_the_field(sync_event, lambda_context, sagemaker):
    sync_event["application"]["loan_term_months"] = 37
    sync_event["application"]["surprise"] = 1
    answer = invoke(sync_event, lambda_context)
    assert answer["error"]["kind"] == "invalid_input"
    assert not answer["error"]["retryable"]
    assert "application.loan_term_months" in answer["error"]["message"]
    assert "application.surprise: unknown field" in answer["error"]["message"]
    assert sagemaker.calls == []


@pytest.mark.parametrize("event", [{}, {"app": {}}, [], "text", {"application": {}, "extra": 1}])
def test_malformed_payload_is_answered_invalid_input(event, lambda_context, sagemaker):
    answer = invoke(event, lambda_context)
    assert answer["error"]["kind"] == "invalid_input"
    assert sagemaker.calls == []


def test_endpoint_that_keeps_throttling_is_answered_throttled_and_retryable(sync_event, lambda_context, sagemaker):
    throttled = ClientError({"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}}, "InvokeEndpoint")
    sagemaker.script = [throttled] * 3
    answer = invoke(sync_event, lambda_context)
    assert answer == {"error": {"kind": "throttled", "message": answer["error"]["message"], "retryable": True}}
    assert len(sagemaker.calls) == 3


def test_timeout_near_the_end_of_the_invocation_is_answered_before_lambda_stops(sync_event, lambda_context, sagemaker):
    sagemaker.script = [ReadTimeoutError(endpoint_url="https://runtime.sagemaker")] * 3
    sagemaker.latency_s = 1.5
    lambda_context.remaining_ms = 2000  # time for one 1.5 s attempt, not two
    answer = invoke(sync_event, lambda_context)
    assert answer["error"]["kind"] == "timeout"
    assert answer["error"]["retryable"]
    assert len(sagemaker.calls) == 1


def test_model_rejection_is_answered_as_a_clear_non_retryable_error(sync_event, lambda_context, sagemaker):
    sagemaker.script = [
        ClientError(
            {
                "Error": {"Code": "ModelError", "Message": "Received client error (400)"},
                "OriginalStatusCode": 400,
                "OriginalMessage": '{"error": "debt_to_income: must be at most 100"}',
                "ResponseMetadata": {"HTTPStatusCode": 424},
            },
            "InvokeEndpoint",
        )
    ]
    answer = invoke(sync_event, lambda_context)
    assert answer["error"]["kind"] == "model_rejected"
    assert "debt_to_income: must be at most 100" in answer["error"]["message"]
    assert not answer["error"]["retryable"]


def test_prediction_breaking_the_tier_hint_rule_is_an_endpoint_error(sync_event, lambda_context, sagemaker):
    sagemaker.script = [endpoint_body(prediction("low", 0.1, decision_hint="reject"))]
    answer = invoke(sync_event, lambda_context)
    assert answer["error"]["kind"] == "endpoint_error"
    assert "invalid prediction" in answer["error"]["message"]


def test_logs_carry_the_application_id_and_no_pii(sync_event, lambda_context, log_lines):
    invoke(sync_event, lambda_context)
    sync_event["application"]["annual_income"] = -1
    invoke(sync_event, lambda_context)
    logs = log_lines.getvalue()
    assert [json.loads(line)["message"] for line in logs.splitlines()] == ["scored", "scoring failed"]
    assert "app-etl-00000001" in logs
    for secret in ("Ada", "Lovelace", "ada.lovelace@example.com", "219099999", "15550101234", "1 Main St"):
        assert secret not in logs
